package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/pkcedesk/pkcedesk/app/export"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

const collectionUsage = `usage: pkcedesk collection --sandbox-config FILE [--app CLIENT_ID] --out DIR
       pkcedesk collection --connection NAME --app CLIENT_ID [--secret-env VAR] --out DIR
Writes the redirectless sign-in as a Postman collection v2.1 and its environment files
(six PingOne regions, a custom domain, the sandbox) to DIR, without a window.
  --sandbox-config FILE  the JSON line ` + "`pkcedesk sandbox`" + ` printed; the seed app is created in that
                         running sandbox (or reused) and the sandbox environment file gets
                         the demo user's public credentials, so ` + "`newman run`" + ` works at once
  --connection NAME      a connection saved in the app; --app names its application
  --app CLIENT_ID        the public application to sign in with
  --secret-env VAR       with --connection: the environment variable holding the worker secret
                         (default: the system keyring)
  --out DIR              where to write the files (created if missing)
Exit status: 0 written, 1 failed, 2 misused.
`

// runCollection is the headless `pkcedesk collection` (issue 14). It never touches Fyne.
func runCollection(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return collectionCommand(ctx, args, stdout, stderr, getenv)
}

// collectionCommand is runCollection with the context given. Exit codes: 0 written, 1
// failed (the sandbox or PingOne refused, a file could not be written), 2 misused.
func collectionCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("pkcedesk collection", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // a bad flag gets one line below, --help the usage
	fs.Usage = func() {}
	sandboxConfig := fs.String("sandbox-config", "", "")
	connection := fs.String("connection", "", "")
	secretEnv := fs.String("secret-env", "", "")
	appID := fs.String("app", "", "")
	outDir := fs.String("out", "", "")
	misuse := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "pkcedesk collection: "+format+" (see pkcedesk collection --help)\n", a...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, collectionUsage)
			return 0
		}
		return misuse("%v", err)
	}
	switch {
	case fs.NArg() > 0:
		return misuse("unexpected argument %q", fs.Arg(0))
	case *sandboxConfig == "" && *connection == "":
		return misuse("say what to sign in to: --sandbox-config FILE or --connection NAME")
	case *sandboxConfig != "" && *connection != "":
		return misuse("--sandbox-config and --connection cannot be used together")
	case *connection != "" && strings.TrimSpace(*appID) == "":
		return misuse("--connection needs --app CLIENT_ID: the client ID of the public application to sign in with")
	case *secretEnv != "" && *connection == "":
		return misuse("--secret-env goes with --connection (the sandbox's worker secret is in its config file)")
	case strings.TrimSpace(*outDir) == "":
		return misuse("say where to write the files: --out DIR")
	}
	if *appID != "" {
		if err := pingone.ValidateID(strings.TrimSpace(*appID)); err != nil {
			return misuse("--app: the client ID must be a UUID like 01234567-89ab-cdef-0123-456789abcdef")
		}
	}
	if *secretEnv != "" && !validEnvName(*secretEnv) {
		return misuse("--secret-env takes the name of an environment variable, not its value")
	}
	clientID := strings.ToLower(strings.TrimSpace(*appID))

	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var (
		target export.PostmanTarget
		demo   *export.DemoUser
		err    error
	)
	if *sandboxConfig != "" {
		var info sandbox.Info
		if info, err = readSandboxConfig(*sandboxConfig); err != nil {
			fmt.Fprintf(stderr, "pkcedesk collection: --sandbox-config: %v\n", err)
			return 2
		}
		target, err = sandboxTarget(ctx, info, clientID, stderr)
		demo = &export.DemoUser{Username: info.User.Username, Password: info.User.Password}
	} else {
		target, err = connectionTarget(ctx, *connection, *secretEnv, clientID, getenv, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk collection: %v\n", err)
		return 1
	}
	files, err := collectionFiles(target, demo)
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk collection: %v\n", err)
		return 1
	}
	written, err := writeCollectionFiles(*outDir, files)
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk collection: %v\n", err)
		return 1
	}
	for _, p := range written {
		fmt.Fprintln(stdout, p)
	}
	envFile := ownEnvironmentFile(target, files)
	fmt.Fprintf(stderr, "pkcedesk collection: wrote %d files to %s; run it with: newman run %s -e %s\n", len(written), *outDir,
		filepath.Join(*outDir, export.PostmanCollectionFile), filepath.Join(*outDir, envFile))
	if !target.Sandbox {
		fmt.Fprintln(stderr, "pkcedesk collection: fill in the username and password variables of the environment file first; they are left empty")
	}
	return 0
}

// ownEnvironmentFile names the environment file made for target's own hosts: the
// sandbox's, the connection's own, the custom domain's or its region's.
func ownEnvironmentFile(t export.PostmanTarget, files []collectionFile) string {
	has := func(name string) bool {
		return slices.ContainsFunc(files, func(f collectionFile) bool { return f.name == name })
	}
	switch {
	case t.Sandbox:
		return export.PostmanSandboxEnvironmentFile
	case has("pkcedesk-connection.postman_environment.json"):
		return "pkcedesk-connection.postman_environment.json"
	case strings.TrimSpace(t.CustomDomain) != "":
		return "pkcedesk-custom-domain.postman_environment.json"
	case t.Region != "":
		return "pkcedesk-pingone-" + strings.ToLower(string(t.Region)) + ".postman_environment.json"
	}
	return "pkcedesk-<region>.postman_environment.json"
}

// validEnvName reports whether s looks like an environment variable's name.
func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || ('A' <= r && r <= 'Z') || ('a' <= r && r <= 'z') || (i > 0 && '0' <= r && r <= '9')) {
			return false
		}
	}
	return true
}

// readSandboxConfig reads the JSON line `pkcedesk sandbox` prints (its whole stdout is
// fine too: the first line that is a JSON object is taken).
func readSandboxConfig(path string) (sandbox.Info, error) {
	var info sandbox.Info
	b, err := os.ReadFile(path)
	if err != nil {
		return info, fmt.Errorf("cannot read %s: %w", path, errors.Unwrap(err))
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	found := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "{") {
			if err := json.Unmarshal([]byte(line), &info); err != nil {
				// The line holds the worker secret: never quote it back.
				return info, fmt.Errorf("%s does not hold the JSON line `pkcedesk sandbox` prints", path)
			}
			found = true
			break
		}
	}
	if !found {
		return info, fmt.Errorf("%s does not hold the JSON line `pkcedesk sandbox` prints", path)
	}
	if _, err := pingone.CustomEndpoints(info.AuthBaseURL, info.APIBaseURL); err != nil {
		return info, fmt.Errorf("the sandbox's addresses in %s are not usable: %v", path, err)
	}
	if pingone.ValidateID(info.EnvironmentID) != nil || info.Worker.ClientID == "" || info.Worker.ClientSecret == "" ||
		info.User.Username == "" || info.User.Password == "" {
		return info, fmt.Errorf("%s lacks the sandbox's environment ID, worker or demo user", path)
	}
	return info, nil
}

// sandboxTarget finds the application to sign in with in the running sandbox: the one
// --app names, else the seed app (pingone.SeedNativeApp), made if there is none yet.
func sandboxTarget(ctx context.Context, info sandbox.Info, clientID string, stderr io.Writer) (export.PostmanTarget, error) {
	ep, err := pingone.CustomEndpoints(info.AuthBaseURL, info.APIBaseURL)
	if err != nil {
		return export.PostmanTarget{}, err
	}
	mgmt, err := pingone.NewManagement(pingone.ManagementConfig{
		Endpoints: ep,
		Worker: pingone.WorkerCredentials{EnvironmentID: info.EnvironmentID,
			ClientID: info.Worker.ClientID, ClientSecret: info.Worker.ClientSecret},
	})
	if err != nil {
		return export.PostmanTarget{}, err
	}
	t := export.PostmanTarget{
		Name: "Sandbox (offline)", AuthBase: ep.AuthBase, APIBase: ep.APIBase,
		EnvironmentID: info.EnvironmentID, Sandbox: true, Scopes: []string{"openid"},
	}
	var app *pingone.Application
	if clientID != "" {
		if app, err = mgmt.GetApplication(ctx, info.EnvironmentID, clientID); err != nil {
			return t, fmt.Errorf("the application %s in the sandbox: %w", clientID, err)
		}
	} else if app, err = seedApp(ctx, mgmt, info.EnvironmentID, stderr); err != nil {
		return t, err
	}
	t.ClientID, t.RedirectURI = app.ClientID, firstOr(app.RedirectURIs, pingone.SeedRedirectURI)
	return t, nil
}

// seedApp reuses the sandbox's seed app when one of its name exists, otherwise creates it.
func seedApp(ctx context.Context, mgmt *pingone.Management, envID string, stderr io.Writer) (*pingone.Application, error) {
	seed := pingone.SeedNativeApp()
	apps, err := mgmt.ListApplications(ctx, envID)
	if err != nil {
		return nil, fmt.Errorf("listing the sandbox's applications: %w", err)
	}
	for i := range apps {
		if apps[i].Name == seed.Name && apps[i].TokenEndpointAuthMethod == "NONE" {
			fmt.Fprintf(stderr, "pkcedesk collection: reusing the sandbox's %s (%s)\n", apps[i].Name, apps[i].ClientID)
			return &apps[i], nil
		}
	}
	app, err := mgmt.CreateApplication(ctx, envID, seed)
	if err != nil {
		return nil, fmt.Errorf("creating the seed app in the sandbox: %w", err)
	}
	fmt.Fprintf(stderr, "pkcedesk collection: created %s (%s) in the sandbox\n", app.Name, app.ClientID)
	return app, nil
}

// connectionTarget reads the application of a saved connection over its worker.
func connectionTarget(ctx context.Context, name, secretEnv, clientID string, getenv func(string) string, stderr io.Writer) (export.PostmanTarget, error) {
	d, p, err := openSavedConnection(ctx, name, secretEnv, getenv, stderr)
	if err != nil {
		return export.PostmanTarget{}, err
	}
	defer d.Close()
	ep, err := p.Endpoints()
	if err != nil {
		return export.PostmanTarget{}, fmt.Errorf("the connection “%s”: %w", p.Name, err)
	}
	app, err := d.GetApplication(ctx, clientID)
	if err != nil {
		return export.PostmanTarget{}, fmt.Errorf("the application %s of “%s”: %w", clientID, p.Name, err)
	}
	return export.PostmanTarget{
		Name: p.Name, Region: p.Region, AuthBase: ep.AuthBase, APIBase: ep.APIBase,
		CustomDomain: p.CustomDomain, EnvironmentID: p.TargetEnvironmentID,
		ClientID: app.ClientID, RedirectURI: firstOr(app.RedirectURIs, pingone.SeedRedirectURI),
		Scopes: []string{"openid"},
	}, nil
}

func firstOr(list []string, def string) string {
	if len(list) > 0 && list[0] != "" {
		return list[0]
	}
	return def
}

type collectionFile struct {
	name string
	data []byte
}

func collectionFiles(t export.PostmanTarget, demo *export.DemoUser) ([]collectionFile, error) {
	col, err := export.PostmanCollection(t)
	if err != nil {
		return nil, err
	}
	envs, err := export.PostmanEnvironments(t, demo)
	if err != nil {
		return nil, err
	}
	files := []collectionFile{{export.PostmanCollectionFile, col}}
	for _, e := range envs {
		files = append(files, collectionFile{e.File, e.Data})
	}
	return files, nil
}

// writeCollectionFiles writes the files into dir; the sandbox environment file may hold
// the demo user's password, so every file is private to the user (0600).
func writeCollectionFiles(dir string, files []collectionFile) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", dir, errors.Unwrap(err))
	}
	var written []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, f.data, 0o600); err != nil {
			return written, fmt.Errorf("cannot write %s: %w", p, errors.Unwrap(err))
		}
		written = append(written, p)
	}
	return written, nil
}
