package views

import (
	"net"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// newUnstartedDesk is a desk whose sandbox has not started yet, for the sandbox panel.
func newUnstartedDesk(t *testing.T, mod func(*app.Options)) *app.Desk {
	t.Helper()
	keyring.MockInit()
	opts := app.Options{
		Preferences: app.NewMemoryPreferences(),
		Sandbox:     sandbox.Options{SigningKey: signingKey(t), WorkerSecret: canaryWorkerSecret, Password: canaryPassword},
	}
	mod(&opts)
	d, err := app.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// The Connections screen is built without waiting for the sandbox to start (its key
// generation would freeze the window): the panel says it is starting, and fills in once
// the sandbox is ready.
func TestConnectionsSandboxStartsInTheBackground(t *testing.T) {
	entered, release, hookDone := make(chan *sandbox.Server, 1), make(chan struct{}), make(chan struct{})
	d := newUnstartedDesk(t, func(o *app.Options) {
		o.SandboxStarted = func(s *sandbox.Server) {
			defer close(hookDone)
			entered <- s
			select { // bounded, so a screen that waits for the sandbox fails instead of hanging
			case <-release:
			case <-time.After(15 * time.Second):
			}
		}
	})
	sh := &Shell{App: test.NewTempApp(t), Progress: NewProgress(), UI: newQueuedUI()}
	s := NewConnectionsScreen(d, sh)
	srv := waitFor(t, sh.UI, entered, "the sandbox to start")
	select {
	case <-hookDone:
		t.Fatal("the screen was built only after the sandbox had started")
	default:
	}
	p := s.sandbox
	if !p.status.Visible() || p.status.Text != "Starting the sandbox…" || p.address.Text != "" {
		t.Fatalf("while starting: status %q (shown %v), address %q", p.status.Text, p.status.Visible(), p.address.Text)
	}
	if sh.Progress.Running() != 1 {
		t.Errorf("progress shows %d tasks, want the sandbox's", sh.Progress.Running())
	}
	close(release)
	waitTask(t, p.task, "the sandbox panel")
	info := srv.Info()
	if p.status.Visible() || p.address.Text != info.AuthBaseURL || p.env.Text != info.EnvironmentID ||
		p.demoUsername.Text != info.User.Username || p.demoPassword.Text != canaryPassword {
		t.Fatalf("after start: status %q, address %q, env %q, user %q", p.status.Text, p.address.Text, p.env.Text, p.demoUsername.Text)
	}
	if sh.Progress.Running() != 0 {
		t.Errorf("progress still shows %d tasks", sh.Progress.Running())
	}
	test.Tap(p.copy["address"])
	if got := sh.App.Clipboard().Content(); got != info.AuthBaseURL {
		t.Errorf("copied %q, want the address", got)
	}
}

// A sandbox that cannot start is explained on the panel in plain words.
func TestConnectionsSandboxThatCannotStartIsExplained(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	d := newUnstartedDesk(t, func(o *app.Options) { o.SandboxAddr = taken.Addr().String() })
	sh := &Shell{App: test.NewTempApp(t), Progress: NewProgress(), UI: newQueuedUI()}
	s := NewConnectionsScreen(d, sh)
	waitTask(t, s.sandbox.task, "the sandbox panel")
	p := s.sandbox
	if !p.status.Visible() || p.status.Text != "The offline sandbox could not start. Another program may hold its port; restart the app." ||
		p.status.Importance != widget.DangerImportance {
		t.Fatalf("status %q (shown %v, importance %v)", p.status.Text, p.status.Visible(), p.status.Importance)
	}
	if p.address.Text != "" || p.copyable["address"] != "" {
		t.Fatalf("address %q shown for a sandbox that did not start", p.address.Text)
	}
}
