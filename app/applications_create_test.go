package app

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// createExchanges lists the create requests the desk's transcript recorded.
func createExchanges(d *Desk) []pingone.Exchange {
	var out []pingone.Exchange
	for _, e := range d.Transcript().Entries() {
		if e.Step == pingone.StepCreateApplication {
			out = append(out, e)
		}
	}
	return out
}

// The JSON a create returns is its own request and reply, even when another create is
// recorded after it and before it returns (the old "last POST to …/applications" search
// picked that one), and it is redacted exactly as the transcript records it.
func TestCreateApplicationReturnsItsOwnExchange(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	var interleaved atomic.Bool
	var otherErr atomic.Value
	unsubscribe := d.Transcript().Subscribe(func(e pingone.Exchange) {
		if e.Step != pingone.StepCreateApplication || !strings.Contains(e.RequestBody, "Mine") || !interleaved.CompareAndSwap(false, true) {
			return
		}
		// Runs on the create's own goroutine, before its reply reaches CreateApplication.
		r := d.NewApplicationRequest()
		r.Name = "Theirs"
		if _, err := d.CreateApplication(ctx, r, []string{"email"}); err != nil {
			otherErr.Store(err)
		}
	})
	defer unsubscribe()

	req := d.NewApplicationRequest()
	req.Name = "Mine"
	created, err := d.CreateApplication(ctx, req, []string{"profile"})
	if err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	if err, _ := otherErr.Load().(error); err != nil || !interleaved.Load() {
		t.Fatalf("the interleaved create did not happen: %v", err)
	}
	recorded := createExchanges(d)
	if len(recorded) != 2 || !strings.Contains(recorded[1].RequestBody, "Theirs") {
		t.Fatalf("the transcript's creates = %d, the last not the interleaved one", len(recorded))
	}
	if !strings.Contains(created.Sent, `"Mine"`) || strings.Contains(created.Sent, "Theirs") {
		t.Fatalf("Sent = %s, want the request that created Mine", created.Sent)
	}
	if !strings.Contains(created.Received, created.ID) || strings.Contains(created.Received, "Theirs") {
		t.Fatalf("Received = %s, want the reply naming %s", created.Received, created.ID)
	}
	if created.Sent != recorded[0].RequestBody || created.Received != recorded[0].ResponseBody {
		t.Fatal("the returned bodies differ from the transcript's record of the same exchange")
	}
}

// A create refused unprocessed (a stale worker token's 401) is sent again: the bodies are
// those of the request that created the application.
func TestCreateApplicationReturnsTheRepeatedRequest(t *testing.T) {
	var srv *sandbox.Server
	d, _ := newDesk(t, func(o *Options) { o.SandboxStarted = func(s *sandbox.Server) { srv = s } })
	ctx := testCtx(t)
	if _, err := d.TestConnection(ctx); err != nil { // the worker token is cached now
		t.Fatal(err)
	}
	srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1,
		Status: http.StatusUnauthorized, Body: `{"code":"INVALID_TOKEN","message":"refused-once"}`})
	req := d.NewApplicationRequest()
	req.Name = "Repeated"
	created, err := d.CreateApplication(ctx, req, nil)
	if err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	if n := len(createExchanges(d)); n != 2 {
		t.Fatalf("%d create requests recorded, want the refused one and its repeat", n)
	}
	if strings.Contains(created.Received, "refused-once") || !strings.Contains(created.Received, created.ID) {
		t.Fatalf("Received = %s, want the reply that created %s", created.Received, created.ID)
	}
}

// When the create's reply is lost and the application is found by its name, the request
// is returned and the reply is empty.
func TestCreateApplicationReconciledHasNoReply(t *testing.T) {
	var srv *sandbox.Server
	d, _ := newDesk(t, func(o *Options) { o.SandboxStarted = func(s *sandbox.Server) { srv = s } })
	if _, err := d.SandboxInfo(); err != nil {
		t.Fatal(err)
	}
	srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1,
		DropConnection: true, AfterEffect: true})
	req := d.NewApplicationRequest()
	req.Name = "Lost reply"
	created, err := d.CreateApplication(testCtx(t), req, nil)
	if err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	if !created.Reconciled || !strings.Contains(created.Sent, "Lost reply") || created.Received != "" {
		t.Fatalf("reconciled %v, sent %q, received %q", created.Reconciled, created.Sent, created.Received)
	}
}
