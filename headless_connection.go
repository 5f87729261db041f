package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/pkcedesk/pkcedesk/app"
)

// The headless commands read the connections the window saved without starting Fyne:
// Fyne keeps an app's preferences as one JSON object in preferences.json under its
// per-user configuration folder, named after the app ID (fyne.io/fyne/v2/app,
// storageRoot). Nothing is written back: a headless run never changes the window's
// settings.

// fynePreferencesFile is where the window keeps its preferences on this system.
func fynePreferencesFile(getenv func(string) string) (string, error) {
	var root string
	switch runtime.GOOS {
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, "Library", "Preferences")
	case "windows":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, "AppData", "Roaming")
	default: // XDG: $XDG_CONFIG_HOME, else ~/.config
		root = getenv("XDG_CONFIG_HOME")
		if root == "" || !filepath.IsAbs(root) {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			root = filepath.Join(home, ".config")
		}
	}
	return filepath.Join(root, "fyne", appID, "preferences.json"), nil
}

// savedPreferences is a read-only view of the window's preferences file; writes stay in
// memory for this run.
type savedPreferences struct{ *app.MemoryPreferences }

func loadSavedPreferences(path string) (savedPreferences, error) {
	p := savedPreferences{app.NewMemoryPreferences()}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil // no connection saved yet
	}
	if err != nil {
		return p, fmt.Errorf("the app's settings at %s cannot be read: %w", path, err)
	}
	var values map[string]any
	if err := json.Unmarshal(b, &values); err != nil {
		return p, fmt.Errorf("the app's settings at %s are not valid JSON", path)
	}
	for k, v := range values {
		if s, ok := v.(string); ok {
			p.SetString(k, s)
		}
	}
	return p, nil
}

// openSavedConnection opens the connection the window saved under name (or with that
// ID), with its worker secret taken from the environment variable secretEnv when one is
// named, otherwise from the system keyring. The secret is never taken from a flag's
// value: command lines end up in shell histories and process lists.
func openSavedConnection(ctx context.Context, name, secretEnv string, getenv func(string) string, stderr io.Writer) (*app.Desk, app.Profile, error) {
	path, err := fynePreferencesFile(getenv)
	if err != nil {
		return nil, app.Profile{}, fmt.Errorf("the app's settings cannot be found: %w", err)
	}
	prefs, err := loadSavedPreferences(path)
	if err != nil {
		return nil, app.Profile{}, err
	}
	d, err := app.New(app.Options{Preferences: prefs})
	if err != nil {
		return nil, app.Profile{}, err
	}
	p, ok := findProfile(d.Profiles(), name)
	if !ok || p.IsSandbox() {
		var names []string
		for _, q := range d.Profiles() {
			if !q.IsSandbox() {
				names = append(names, "“"+q.Name+"”")
			}
		}
		d.Close()
		if len(names) == 0 {
			return nil, app.Profile{}, fmt.Errorf("no connection is saved in %s: save one on the Connections screen first, or use --sandbox", path)
		}
		return nil, app.Profile{}, fmt.Errorf("no saved connection is named “%s”; the saved ones are %s", name, strings.Join(names, ", "))
	}
	if err := d.SetActive(p.ID); err != nil {
		d.Close()
		return nil, app.Profile{}, err
	}
	if secretEnv != "" {
		secret := strings.TrimSpace(getenv(secretEnv))
		if secret == "" {
			d.Close()
			return nil, app.Profile{}, fmt.Errorf("the environment variable %s that --secret-env names is empty or not set", secretEnv)
		}
		if err := d.RememberWorkerSecret(p.ID, secret); err != nil {
			d.Close()
			return nil, app.Profile{}, err
		}
		return d, p, nil
	}
	src, err := d.WorkerSecretSource(ctx, p.ID)
	switch {
	case errors.Is(err, app.ErrSecretNotFound) || (err == nil && src == app.SecretMissing):
		d.Close()
		return nil, app.Profile{}, fmt.Errorf("the system keyring holds no worker secret for “%s”; save it on the Connections screen, or pass it in an environment variable named by --secret-env", p.Name)
	case err != nil:
		d.Close()
		return nil, app.Profile{}, fmt.Errorf("the worker secret of “%s” could not be read from the system keyring (%s); pass it in an environment variable named by --secret-env", p.Name, app.Explain(err).Title)
	}
	fmt.Fprintf(stderr, "pkcedesk: the worker secret of “%s” comes from the system keyring\n", p.Name)
	return d, p, nil
}

// findProfile matches a saved connection by ID, else by name ignoring case.
func findProfile(list []app.Profile, name string) (app.Profile, bool) {
	name = strings.TrimSpace(name)
	if i := slices.IndexFunc(list, func(p app.Profile) bool { return p.ID == name }); i >= 0 {
		return list[i], true
	}
	i := slices.IndexFunc(list, func(p app.Profile) bool { return strings.EqualFold(p.Name, name) })
	if i < 0 {
		return app.Profile{}, false
	}
	return list[i], true
}
