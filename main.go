// PKCE Desk: create a PingOne native app, sign in with PKCE and inspect the tokens.
package main

import (
	"fmt"
	"log"
	"net/url"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/assets"
	"github.com/pkcedesk/pkcedesk/views"
)

// appID is set in code because FyneApp.toml is only read next to the binary;
// without it preferences would land in a throw-away folder.
const appID = "io.github.pkcedesk"

// version is stamped by release builds (-ldflags "-X main.version=…").
var version = "0.1.0"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "sandbox" {
		os.Exit(runSandbox(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && (os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help") {
		fmt.Println("usage: pkcedesk              open the app\n       pkcedesk sandbox [--addr 127.0.0.1:PORT]   serve the offline PingOne sandbox")
		return
	}

	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(views.Theme())
	w := a.NewWindow("PKCE Desk")

	desk, err := app.New(app.Options{Preferences: a.Preferences(), OpenBrowser: openURL(a)})
	if err != nil {
		log.Fatalf("pkcedesk: %v", err)
	}
	defer desk.Close()
	views.NewDeskWindow(a, w, desk, version)
	w.ShowAndRun()
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
