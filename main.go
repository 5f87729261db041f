// PKCE Desk: create a PingOne native app, sign in with PKCE and inspect the tokens.
package main

import (
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/pkcedesk/pkcedesk/assets"
	"github.com/pkcedesk/pkcedesk/views"
)

// appID is set in code because FyneApp.toml is only read next to the binary;
// without it preferences would land in a throw-away folder.
const appID = "io.github.pkcedesk"

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
	w := a.NewWindow("PKCE Desk")
	views.Build(a, w)
	w.ShowAndRun()
}
