package app

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// SandboxInfo describes the sandbox the hook was given, started once.
func TestSandboxInfoAndStartedHook(t *testing.T) {
	var started []*sandbox.Server
	d, _ := newDesk(t, func(o *Options) { o.SandboxStarted = func(s *sandbox.Server) { started = append(started, s) } })
	if len(started) != 0 {
		t.Fatal("the sandbox started before first use")
	}
	info, err := d.SandboxInfo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Issuer(); err != nil {
		t.Fatal(err)
	}
	if len(started) != 1 {
		t.Fatalf("hook called %d times, want once", len(started))
	}
	srv := started[0]
	if info.Address != srv.URL() || info.EnvironmentID != srv.EnvironmentID() ||
		info.Demo.Username != srv.Info().User.Username || info.Demo.Password != canaryPassword {
		t.Fatalf("info = {%s %s %s}, want the started sandbox's", info.Address, info.EnvironmentID, info.Demo.Username)
	}
	demo, err := d.SandboxDemoUser()
	if err != nil || demo != info.Demo {
		t.Fatalf("SandboxDemoUser = %v, %v", demo.Username, err)
	}
	d.Close()
	if _, err := d.SandboxInfo(); err == nil {
		t.Fatal("SandboxInfo on a closed desk started a sandbox")
	}
}

// While the sandbox starts (its key is generated), the desk's quick methods still answer,
// concurrent first uses wait for the one start, and a Close meanwhile stops it.
func TestSandboxStartDoesNotHoldTheDesk(t *testing.T) {
	entered, release := make(chan *sandbox.Server, 2), make(chan struct{})
	d, _ := newDesk(t, func(o *Options) {
		o.SandboxStarted = func(s *sandbox.Server) { entered <- s; <-release }
	})
	type result struct {
		info SandboxInfo
		err  error
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			info, err := d.SandboxInfo()
			results <- result{info, err}
		}()
	}
	var srv *sandbox.Server
	select {
	case srv = <-entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbox never started")
	}
	quick := make(chan string, 1)
	go func() { quick <- d.ActiveProfile().ID + " " + d.Profiles()[0].ID }()
	select {
	case got := <-quick:
		if got != SandboxProfileID+" "+SandboxProfileID {
			t.Fatalf("quick methods answered %q", got)
		}
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("Profiles/ActiveProfile waited for the sandbox to start")
	}
	close(release)
	for range 2 {
		r := <-results
		if r.err != nil || r.info.Address != srv.URL() {
			t.Fatalf("SandboxInfo = %+v, %v; want the one started sandbox", r.info, r.err)
		}
	}
	if len(entered) != 0 {
		t.Fatal("two concurrent first uses started two sandboxes")
	}
}

func TestCloseWhileTheSandboxStarts(t *testing.T) {
	entered, release := make(chan *sandbox.Server, 1), make(chan struct{})
	d, _ := newDesk(t, func(o *Options) {
		o.SandboxStarted = func(s *sandbox.Server) { entered <- s; <-release }
	})
	errs := make(chan error, 1)
	go func() { _, err := d.SandboxInfo(); errs <- err }()
	srv := <-entered
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-errs; !errors.Is(err, errClosed) {
		t.Fatalf("SandboxInfo after Close = %v, want errClosed", err)
	}
	if resp, err := http.Get(srv.Issuer() + "/.well-known/openid-configuration"); err == nil {
		resp.Body.Close()
		t.Fatal("the sandbox started during Close was left running")
	}
}
