package views

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// Canary secrets of the screen tests: they must never appear in any label, entry or
// error the screens show (case H1), except where the user typed them.
const (
	canaryWorkerSecret = "CANARY-worker-secret-4e1b7d"
	canaryPassword     = "Canary-Pw-9c3a1f!x"
)

// deskEnv is a real app.Desk on the in-process sandbox (mock keyring, in-memory
// preferences, retries that do not wait, a loopback redirect on a free port) with the
// main window built on a Fyne test app.
type deskEnv struct {
	Desk     *app.Desk
	Prefs    *app.MemoryPreferences
	App      fyne.App
	Win      *DeskWindow
	Redirect string
	Opened   chan string // URLs the app asked the system browser to open
	Sandbox  *sandbox.Server
}

type deskEnvOpt func(*app.Options)

func newDeskEnv(t *testing.T, mods ...deskEnvOpt) *deskEnv {
	t.Helper()
	keyring.MockInit()
	a := test.NewTempApp(t)
	redirect, _ := freeRedirect(t)
	e := &deskEnv{Prefs: app.NewMemoryPreferences(), App: a, Redirect: redirect, Opened: make(chan string, 16)}
	// The sandbox runs on a clock the desk's waits move forward (the lab's countdown to a
	// code's expiry on a look-alike tenant), so no test waits in real time.
	clock := lab.NewClock(nil)
	opts := app.Options{
		Preferences: e.Prefs,
		Sandbox: sandbox.Options{SigningKey: signingKey(t), WorkerSecret: canaryWorkerSecret, Password: canaryPassword,
			Now: clock.Now},
		After: func(d time.Duration) <-chan time.Time {
			clock.Advance(d)
			ch := make(chan time.Time, 1)
			ch <- time.Now()
			return ch
		},
		Retry:       pingone.RetryPolicy{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }},
		HTTPTimeout: 20 * time.Second,
		RedirectURI: redirect,
		OpenBrowser: func(u string) error {
			select {
			case e.Opened <- u:
			default:
			}
			return nil
		},
	}
	for _, m := range mods {
		m(&opts)
	}
	started := opts.SandboxStarted
	opts.SandboxStarted = func(srv *sandbox.Server) {
		e.Sandbox = srv
		if started != nil {
			started(srv)
		}
	}
	d, err := app.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	e.Desk = d
	if _, err := d.SandboxInfo(); err != nil { // starts the sandbox, for fault injection
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	// The window's updates from the background queue up until the test drains them
	// (waitTask, waitFor), so the test goroutine is the window's only UI goroutine.
	e.Win = newDeskWindow(a, w, d, "test", newQueuedUI(), TokensOptions{NewTicker: newFakeTicker().New})
	w.Resize(fyne.NewSize(1180, 780))
	t.Cleanup(func() { e.Win.SignIn.Close(); e.Win.Close() })
	waitTask(t, e.Win.Connections.sandbox.task, "the sandbox panel")
	if c := e.Win.SignIn.credsTask; c != nil {
		waitTask(t, c, "the sandbox's demo user on the Sign in screen")
	}
	return e
}

// waitTask waits until a screen's background task has finished and its result was put
// on screen, running the window's queued UI updates meanwhile (the task's UI, a queued
// one in tests). Waiting on Done (not polling widgets) is what makes the screen's state
// safe to read from the test goroutine under -race.
func waitTask(t *testing.T, task *Task, what string) {
	t.Helper()
	if task == nil {
		t.Fatalf("%s: no task was started", what)
	}
	if !task.ui.Await(task.Done(), time.After(30*time.Second)) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// freeRedirect returns a loopback redirect URI on a free port, so the tests never need
// port 3000.
func freeRedirect(t *testing.T) (string, int) { return sandboxtest.FreeRedirect(t) }

// createSeedApp creates the seed's app in the sandbox through the desk (not through the
// screens), for tests of screens that need an app to exist.
func createSeedApp(t *testing.T, d *app.Desk, name string, scopes ...string) *pingone.Application {
	t.Helper()
	r := d.NewApplicationRequest()
	r.Name = name
	created, err := d.CreateApplication(context.Background(), r, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return created.Application
}

// activateLookAlike saves the running sandbox as a connection of its own (an "other host"
// profile with the given tag), keeps its worker secret for this run and makes it active,
// so screens can be tested on a test or production connection that really answers.
func activateLookAlike(t *testing.T, e *deskEnv, name string, tag app.Tag) app.Profile {
	t.Helper()
	info := e.Sandbox.Info()
	p, err := e.Desk.SaveProfile(app.Profile{
		Name: name, AuthBaseURL: info.AuthBaseURL, APIBaseURL: info.APIBaseURL,
		AdminEnvironmentID: info.EnvironmentID, WorkerClientID: info.Worker.ClientID,
		TargetEnvironmentID: info.EnvironmentID, Tag: tag,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Desk.RememberWorkerSecret(p.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	if err := e.Desk.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDeskEnvOpensOnTheSandbox(t *testing.T) {
	e := newDeskEnv(t)
	if got := e.Win.Header.Connection(); got.Stage != StageSandbox || got.Name != "Sandbox (offline)" {
		t.Fatalf("header = %+v, want the sandbox connection", got)
	}
	if len(e.Win.Screens) != 7 {
		t.Fatalf("%d screens", len(e.Win.Screens))
	}
}
