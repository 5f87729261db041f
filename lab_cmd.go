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

	"github.com/pkcedesk/pkcedesk/app"
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
	connection := fs.String("connection", "", "run against the connection saved under `NAME` in the app (test-tagged; production is refused)")
	secretEnv := fs.String("secret-env", "", "take the worker secret from the environment variable `VAR` (default: the system keyring)")
	appID := fs.String("app", "", "run the cases it fits on your public app `CLIENT_ID` (throw-away apps for the others)")
	casesFlag := fs.String("cases", "", "comma-separated case numbers (default: all of them)")
	junitFile := fs.String("junit", "", "write a JUnit XML report to FILE")
	jsonFile := fs.String("json", "", "write a JSON report to FILE")
	fs.Usage = func() {} // flag calls it on every error; --help prints usage below
	usage := func() {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "usage: pkcedesk lab --sandbox | --connection NAME [--secret-env VAR] [--app CLIENT_ID] [--cases 1,2,...] [--junit FILE] [--json FILE]\n")
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
	switch {
	case *useSandbox && *connection != "":
		fmt.Fprintln(stderr, "pkcedesk lab: say one place to run: --sandbox or --connection NAME, not both")
		return 2
	case !*useSandbox && *connection == "":
		fmt.Fprintln(stderr, "pkcedesk lab: say where to run: --sandbox, or --connection NAME for a connection saved in the app")
		return 2
	case *useSandbox && *secretEnv != "":
		fmt.Fprintln(stderr, "pkcedesk lab: --secret-env goes with --connection; the sandbox has its own worker")
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

	var rep lab.Report
	if *connection != "" {
		rep, err = labOnConnection(ctx, *connection, *secretEnv, labRequest(*appID, cases), getenv, stderr)
	} else {
		rep, err = labOnSandbox(ctx, opts, labRequest(*appID, cases), stderr)
	}
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

func labRequest(clientID string, cases []int) app.LabRequest {
	return app.LabRequest{ClientID: strings.TrimSpace(clientID), Cases: cases}
}

// labOnSandbox starts a sandbox in-process and runs the lab against it.
func labOnSandbox(ctx context.Context, opts sandbox.Options, req app.LabRequest, stderr io.Writer) (lab.Report, error) {
	clock := lab.NewClock(nil)
	opts.Now = clock.Now
	srv, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		return lab.Report{}, err
	}
	defer srv.Close()
	info := srv.Info()
	mgmt, err := pingone.NewManagement(pingone.ManagementConfig{
		Endpoints: pingone.Endpoints{AuthBase: info.AuthBaseURL, APIBase: info.APIBaseURL},
		Worker: pingone.WorkerCredentials{EnvironmentID: info.EnvironmentID,
			ClientID: info.Worker.ClientID, ClientSecret: info.Worker.ClientSecret},
	})
	if err != nil {
		return lab.Report{}, err
	}
	target := lab.Target{
		Management: mgmt, EnvironmentID: info.EnvironmentID, Issuer: srv.Issuer(), ClientID: req.ClientID,
		Username: info.User.Username, Password: info.User.Password,
		Now: clock.Now, AdvanceClock: clock.Advance,
	}
	fmt.Fprintf(stderr, "pkcedesk lab: running against the sandbox at %s\n", srv.Issuer())
	return lab.Run(ctx, target, req.Cases, func(e lab.Event) { labProgress(stderr, e) })
}

// labOnConnection runs the lab through the app's use case on a connection saved in the
// window: a production-tagged one is refused before any request.
func labOnConnection(ctx context.Context, name, secretEnv string, req app.LabRequest, getenv func(string) string, stderr io.Writer) (lab.Report, error) {
	d, p, err := openSavedConnection(ctx, name, secretEnv, getenv, stderr)
	if err != nil {
		return lab.Report{}, err
	}
	defer d.Close()
	if p.Tag == app.TagProduction {
		return lab.Report{}, fmt.Errorf("“%s” is tagged production: the lab creates and deletes applications and users, which has no place there", p.Name)
	}
	fmt.Fprintf(stderr, "pkcedesk lab: %s\n", d.LabPlan(req))
	return d.RunLab(ctx, req, func(e lab.Event) { labProgress(stderr, e) })
}

// labProgress prints one line per finished case, per countdown tick and per clean-up step.
func labProgress(w io.Writer, e lab.Event) {
	switch e.Kind {
	case lab.EventWaiting:
		fmt.Fprintf(w, "case %2d  %s: %s left\n", e.Case, e.Message, e.Remaining)
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
