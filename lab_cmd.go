package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// labLaxEnv, for testing the lab itself only, starts the sandbox with enforcement
// switched off ("pkce": sandbox.Lax.PKCE), so the lab can be seen to report it.
const labLaxEnv = "PKCEDESK_LAB_LAX"

// runLab runs the break-it lab headless (issue 13) until done or interrupted.
func runLab(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return labCommand(ctx, args, stdout, stderr, getenv, sandbox.Options{})
}

// labCommand is runLab with the context and the sandbox options (tests pass a shared
// signing key) given. Exit codes: Report.ExitCode, or 2 for a misuse or a lab that
// could not start.
func labCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, opts sandbox.Options) int {
	fs := flag.NewFlagSet("pkcedesk lab", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // a bad flag gets one line below, --help the usage
	useSandbox := fs.Bool("sandbox", false, "start an offline PingOne sandbox in-process and run the lab against it")
	connection := fs.String("connection", "", "run against a saved connection (not available yet)")
	secretEnv := fs.String("secret-env", "", "name of the environment variable holding the worker secret (not available yet)")
	casesFlag := fs.String("cases", "", "comma-separated case numbers (default: all of them)")
	junitFile := fs.String("junit", "", "write a JUnit XML report to FILE")
	jsonFile := fs.String("json", "", "write a JSON report to FILE")
	fs.Usage = func() {} // flag calls it on every error; --help prints usage below
	usage := func() {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "usage: pkcedesk lab --sandbox [--cases 1,2,...] [--junit FILE] [--json FILE]\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "  %s=pkce (for testing the lab itself) switches the sandbox's PKCE enforcement off\n", labLaxEnv)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return 0
		}
		fmt.Fprintf(stderr, "pkcedesk lab: %v (see pkcedesk lab --help)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pkcedesk lab: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *connection != "" || *secretEnv != "" {
		fmt.Fprintln(stderr, "pkcedesk lab: --connection and --secret-env are not available yet; use --sandbox")
		return 2
	}
	if !*useSandbox {
		fmt.Fprintln(stderr, "pkcedesk lab: say where to run: --sandbox")
		return 2
	}
	cases, err := parseCases(*casesFlag)
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk lab: --cases: %v\n", err)
		return 2
	}
	switch lax := getenv(labLaxEnv); lax {
	case "":
	case "pkce":
		opts.Lax.PKCE = true
	default:
		fmt.Fprintf(stderr, "pkcedesk lab: %s=%q is not known (only \"pkce\")\n", labLaxEnv, lax)
		return 2
	}

	clock := lab.NewClock(nil)
	opts.Now = clock.Now
	srv, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk lab: %v\n", err)
		return 2
	}
	defer srv.Close()
	info := srv.Info()
	mgmt, err := pingone.NewManagement(pingone.ManagementConfig{
		Endpoints: pingone.Endpoints{AuthBase: info.AuthBaseURL, APIBase: info.APIBaseURL},
		Worker: pingone.WorkerCredentials{EnvironmentID: info.EnvironmentID,
			ClientID: info.Worker.ClientID, ClientSecret: info.Worker.ClientSecret},
	})
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk lab: %v\n", err)
		return 2
	}
	target := lab.Target{
		Management: mgmt, EnvironmentID: info.EnvironmentID, Issuer: srv.Issuer(),
		Username: info.User.Username, Password: info.User.Password,
		Now: clock.Now, AdvanceClock: clock.Advance,
	}
	fmt.Fprintf(stderr, "pkcedesk lab: running against the sandbox at %s\n", srv.Issuer())
	rep, err := lab.Run(ctx, target, cases, func(e lab.Event) { labProgress(stderr, e) })
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk lab: %v\n", err)
		return 2
	}
	if *junitFile != "" {
		if err := writeReport(*junitFile, rep.WriteJUnit); err != nil {
			fmt.Fprintf(stderr, "pkcedesk lab: --junit: %v\n", err)
			return 2
		}
	}
	if *jsonFile != "" {
		if err := writeReport(*jsonFile, rep.WriteJSON); err != nil {
			fmt.Fprintf(stderr, "pkcedesk lab: --json: %v\n", err)
			return 2
		}
	}
	fmt.Fprintf(stderr, "pkcedesk lab: %d hold, %d do not hold, %d could not run\n",
		rep.Count(lab.Holds), rep.Count(lab.DoesNotHold), rep.Count(lab.CouldNotRun))
	return rep.ExitCode()
}

// labProgress prints one line per finished case and per clean-up step.
func labProgress(w io.Writer, e lab.Event) {
	switch e.Kind {
	case lab.EventCaseFinished:
		fmt.Fprintf(w, "case %2d  %-45s %s\n", e.Case, e.Name, e.Message)
	case lab.EventCleanup:
		fmt.Fprintf(w, "clean-up: %s\n", e.Message)
	}
}

func parseCases(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a case number", part)
		}
		if _, ok := lab.CaseByNumber(n); !ok {
			return nil, fmt.Errorf("there is no case %d (cases are 1 to %d)", n, len(lab.Cases()))
		}
		out = append(out, n)
	}
	return out, nil
}

func writeReport(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
