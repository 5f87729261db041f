// PKCE Desk: create a PingOne native app, sign in with PKCE and inspect the tokens.
package main

import (
	"fmt"
	"net/url"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/pkcedesk/pkcedesk/app"
	_ "github.com/pkcedesk/pkcedesk/app/posixlocale" // before Fyne reads the locale: see its doc
	"github.com/pkcedesk/pkcedesk/assets"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/views"
)

// appID is set in code because FyneApp.toml is only read next to the binary;
// without it preferences would land in a throw-away folder.
const appID = "io.github.pkcedesk"

func main() {
	if len(os.Args) > 1 {
		attachParentConsole() // a command typed in a Windows terminal prints there
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv, runWindow))
}

// runWindow opens the desktop app and returns its exit code when the window closes.
func runWindow() int {
	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(views.Theme())
	w := a.NewWindow("PKCE Desk")

	redirect, err := redirectFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pkcedesk: %v\n", err)
		return 2
	}
	desk, err := app.New(app.Options{
		Preferences: a.Preferences(), OpenBrowser: openURL(a), RedirectURI: redirect,
		// A rehearsal (or a test) may give the sandbox's demo user its own password.
		Sandbox: sandbox.Options{Password: os.Getenv(sandboxPasswordEnv)},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pkcedesk: %v\n", err)
		return 1
	}
	defer desk.Close()
	// The window appears empty and the screens are built in it right after (ShowDeskWindow).
	views.ShowDeskWindow(a, w, desk, versionLine(), nil)
	w.ShowAndRun()
	return 0
}

// openURL hands a URL to the system browser. Fyne's OpenURL reports success even when no
// browser exists, which is why the sign-in screen always shows the URL to copy as well.
func openURL(a fyne.App) func(string) error {
	return func(raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		return a.OpenURL(u)
	}
}

// redirectEnv lets a machine whose port 3000 is taken (a dev server, a test run) use another
// loopback redirect, e.g. http://localhost:3001/callback. PingOne accepts any port on a
// registered loopback redirect at request time (RFC 8252 section 7.3); apps created by
// PKCE Desk register this URI. Unset means the seed's http://localhost:3000/callback.
const redirectEnv = "PKCEDESK_REDIRECT_URI"

// sandboxPasswordEnv sets the built-in sandbox's demo user password (default
// Demo-Passw0rd!), e.g. a canary an end-to-end test looks for on screen.
const sandboxPasswordEnv = "PKCEDESK_SANDBOX_PASSWORD"

func redirectFromEnv(getenv func(string) string) (string, error) {
	raw := getenv(redirectEnv)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Port() == "" || u.RawQuery != "" || u.Fragment != "" ||
		(u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" && u.Hostname() != "::1") {
		return "", fmt.Errorf("%s=%q is not a loopback redirect such as http://localhost:3001/callback", redirectEnv, raw)
	}
	return raw, nil
}
