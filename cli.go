package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
)

const usage = `usage:
  pkcedesk                        open the app (on first run it uses the offline sandbox)
  pkcedesk sandbox [--addr ADDR]  serve the offline PingOne sandbox; needs no display
  pkcedesk lab --sandbox | --connection NAME [--secret-env VAR] [--app CLIENT_ID] [--cases 1,2,...] [--junit FILE] [--json FILE]
                                  run the break-it lab headless; exit 0 all hold, 1 one does not, 2 could not run
  pkcedesk collection --sandbox-config FILE | --connection NAME --app CLIENT_ID [--secret-env VAR] --out DIR
                                  write the redirectless sign-in as a Postman collection and its environment files
  pkcedesk --version              print the version
  pkcedesk --help                 print this help
`

// run dispatches the command line. Only a bare `pkcedesk` starts the window (gui); the
// other commands never touch Fyne, so they work over SSH and on CI machines. Exit codes:
// 0 done, 1 failed, 2 misused (an unknown command or flag).
func run(args []string, stdout, stderr io.Writer, getenv func(string) string, gui func() int) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-psn_") { // old macOS Finder launches add -psn_…
		if problem := displayProblem(getenv); problem != "" {
			fmt.Fprintf(stderr, "pkcedesk: %s, so the window cannot open; `pkcedesk sandbox` runs the offline PingOne sandbox without one.\n", problem)
			return 1
		}
		return gui()
	}
	switch args[0] {
	case "sandbox":
		return runSandbox(args[1:], stdout, stderr)
	case "lab":
		return runLab(args[1:], stdout, stderr, getenv)
	case "collection":
		return runCollection(args[1:], stdout, stderr, getenv)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "-version", "--version", "version":
		fmt.Fprintf(stdout, "pkcedesk %s, %s %s/%s\n", versionLine(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	}
	fmt.Fprintf(stderr, "pkcedesk: unknown command or flag %q\n\n%s", args[0], usage)
	return 2
}
