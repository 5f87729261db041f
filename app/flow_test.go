package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
	"strconv"
	"testing"
)

// countingTransport counts the requests that leave the desk, by step label.
type countingTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
	n    map[string]int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	path := r.URL.Path
	c.n[path[strings.LastIndex(path, "/")+1:]]++
	c.mu.Unlock()
	return c.base.RoundTrip(r)
}

func (c *countingTransport) count(last string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[last]
}

// stepThrough turns step-through on and calls fn with the held step after every change
// of a flow that has one, until the test ends. fn runs on the goroutine that holds the
// request, so it must not wait for Next itself.
func stepThrough(t *testing.T, d *Desk, fn func(FlowStep)) {
	t.Helper()
	d.SetStepThrough(true)
	t.Cleanup(d.OnFlowChange(func(f Flow) {
		if s, ok := f.Held(); ok {
			fn(s)
		}
	}))
}

// heldSteps turns step-through on and returns the held steps as they are published.
func heldSteps(t *testing.T, d *Desk) <-chan FlowStep {
	t.Helper()
	held := make(chan FlowStep, 64)
	stepThrough(t, d, func(s FlowStep) { held <- s })
	return held
}

func flowNames(f Flow) string {
	var names []string
	for _, s := range f.Steps {
		names = append(names, s.Name+":"+s.State.String())
	}
	return strings.Join(names, " ")
}

func TestFlow_InAppSignInDrawsEachStep(t *testing.T) {
	d, _ := newDesk(t)
	clientID := createSignInApp(t, d)
	demo, _ := d.SandboxDemoUser()
	var changes atomic.Int32
	defer d.OnFlowChange(func(Flow) { changes.Add(1) })()
	if _, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, nil); err != nil {
		t.Fatal(err)
	}
	f, ok := d.CurrentFlow()
	if !ok || !f.Succeeded() || f.Kind != "sign-in" || f.Mode != SignInInApp {
		t.Fatalf("flow = %+v, want a finished in-app sign-in", f)
	}
	got := flowNames(f)
	for _, want := range []string{"discovery:ok", "pkce:ok", "authorize:ok", "flow:ok", "resume:ok", "token:ok", "jwks:ok", "verify:ok"} {
		if !strings.Contains(got, want) {
			t.Errorf("steps %q lack %q", got, want)
		}
	}
	if strings.Index(got, "authorize:ok") > strings.Index(got, "token:ok") {
		t.Errorf("token before authorize: %s", got)
	}
	if len(f.Lanes) != 2 || f.Lanes[0].ID != LaneDesk || f.Lanes[1].ID != LanePingOne || !strings.Contains(f.Lanes[1].Label, "127.0.0.1") {
		t.Errorf("in-app lanes = %+v, want the desk and PingOne with its host", f.Lanes)
	}
	for _, s := range f.Steps {
		if s.Spec == "" || s.PingOne == "" {
			t.Errorf("step %s has no two-line note", s.Name)
		}
		if s.Name == "token" && (s.Exchange == nil || s.Status != 200 || s.Duration <= 0) {
			t.Errorf("token step lacks its exchange, status or duration: %+v", s)
		}
	}
	if f.CodeAt.IsZero() || f.CodeLifetime != sandboxCodeLifetime {
		t.Errorf("code arrival %v / lifetime %v not recorded", f.CodeAt, f.CodeLifetime)
	}
	if changes.Load() < int32(len(f.Steps)) {
		t.Errorf("%d changes published for %d steps", changes.Load(), len(f.Steps))
	}
	assertNoCanary(t, "flow", flowText(f))
}

func flowText(f Flow) string {
	var b strings.Builder
	for _, s := range f.Steps {
		b.WriteString(s.Label + s.Reason + s.Spec + s.PingOne)
		if x := s.Exchange; x != nil {
			b.WriteString(x.URL + x.RequestBody + x.ResponseBody)
			for _, v := range x.RequestHeader {
				b.WriteString(strings.Join(v, ""))
			}
		}
	}
	return b.String() + f.Err
}

func TestFlow_StepThroughHoldsEachRequestUntilNext(t *testing.T) {
	ct := &countingTransport{base: http.DefaultTransport}
	d, _ := newDesk(t, func(o *Options) { o.Transport = ct })
	clientID := createSignInApp(t, d)
	demo, _ := d.SandboxDemoUser()
	held := heldSteps(t, d)
	before := ct.count("token") // the worker token's, made by the create
	done := make(chan error, 1)
	go func() {
		_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, nil)
		done <- err
	}()
	var order []string
	for {
		var s FlowStep
		select {
		case s = <-held:
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(order, " ") == "" {
				t.Fatal("nothing was held")
			}
			if !strings.Contains(strings.Join(order, " "), "token") {
				t.Fatalf("held %v, never the token request", order)
			}
			return
		}
		if s.Name == "token" {
			if n := ct.count("token") - before; n != 0 {
				t.Fatalf("the sandbox saw %d token requests while it was held", n)
			}
			if s.Exchange == nil || strings.Contains(s.Exchange.RequestBody, canaryPassword) || !strings.Contains(s.Exchange.RequestBody, "client_id=") {
				t.Fatalf("held token request preview wrong: %+v", s.Exchange)
			}
		}
		order = append(order, s.Name)
		d.Next()
	}
}

func TestFlow_CancelWhileHeldEndsCleanly(t *testing.T) {
	ct := &countingTransport{base: http.DefaultTransport}
	d, _ := newDesk(t, func(o *Options) { o.Transport = ct })
	clientID := createSignInApp(t, d)
	demo, _ := d.SandboxDemoUser()
	held := heldSteps(t, d)
	ctx, cancel := context.WithCancel(testCtx(t))
	before := map[string]int{}
	for _, p := range []string{"openid-configuration", "authorize", "token"} {
		before[p] = ct.count(p)
	}
	done := make(chan error, 1)
	go func() {
		_, err := d.SignIn(ctx, SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, nil)
		done <- err
	}()
	first := <-held
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the cancel", err)
	}
	last := first.Exchange.URL[strings.LastIndex(first.Exchange.URL, "/")+1:]
	if n := ct.count(last) - before[last]; n != 0 {
		t.Fatalf("the held %s request was sent after the cancel (%d)", first.Name, n)
	}
	f, _ := d.CurrentFlow()
	if !f.Ended || f.Err == "" {
		t.Fatalf("flow after cancel: ended %v, err %q", f.Ended, f.Err)
	}
	if _, still := f.Held(); still {
		t.Fatal("a step is still held after the cancel")
	}
	if d.CurrentSession() != nil {
		t.Fatal("a cancelled flow made a session")
	}
}

func TestFlow_RefreshAndSignOutAreFlowsToo(t *testing.T) {
	d, _ := newDesk(t)
	req := d.NewApplicationRequest()
	req.GrantTypes = []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}
	app, err := d.CreateApplication(testCtx(t), req, []string{"profile", "offline_access"})
	if err != nil {
		t.Fatal(err)
	}
	clientID := app.ID
	demo, _ := d.SandboxDemoUser()
	ctx := testCtx(t)
	if _, err := d.SignIn(ctx, SignInRequest{Mode: SignInInApp, ClientID: clientID, Scopes: []string{"offline_access", "profile"}, Username: demo.Username, Password: demo.Password}, nil); err != nil {
		t.Fatal(err)
	}
	first, _ := d.CurrentFlow()
	if _, err := d.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f, _ := d.CurrentFlow()
	if f.ID == first.ID || f.Kind != "refresh" || !f.Succeeded() || !strings.Contains(flowNames(f), "refresh:ok") || !strings.Contains(flowNames(f), "verify:ok") {
		t.Fatalf("refresh flow = %s %q (%s)", f.Kind, f.Err, flowNames(f))
	}
	if _, err := d.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	f, _ = d.CurrentFlow()
	if f.Kind != "sign-out" || !strings.Contains(flowNames(f), "revoke:ok") || !strings.Contains(flowNames(f), "signoff:ok") {
		t.Fatalf("sign-out flow = %s (%s)", f.Kind, flowNames(f))
	}
}

func TestFlow_WrongPasswordTurnsTheStepRed(t *testing.T) {
	d, _ := newDesk(t)
	clientID := createSignInApp(t, d)
	_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: "demo.user", Password: "Wrong-Pw-1!"}, nil)
	if err == nil {
		t.Fatal("wrong password signed in")
	}
	f, _ := d.CurrentFlow()
	if !f.Ended || f.Err == "" {
		t.Fatalf("flow not failed: %+v", f)
	}
	var failed []string
	for _, s := range f.Steps {
		if s.State == FlowFailed {
			failed = append(failed, s.Name+": "+s.Reason)
		}
	}
	if len(failed) == 0 {
		t.Fatalf("no step turned red: %s", flowNames(f))
	}
	if strings.Contains(flowText(f), "Wrong-Pw-1!") {
		t.Fatal("the flow shows the password")
	}
}

func TestFlow_BrowserSignInHasBrowserAndLoopbackLanes(t *testing.T) {
	redirect, port := freeRedirect(t)
	demo := make(chan DemoCredentials, 1)
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(u string) error {
			c := <-demo
			go sandboxtest.SignOnInBrowser(u, c.Username, c.Password)
			return nil
		}
	})
	clientID := createSignInApp(t, d)
	creds, _ := d.SandboxDemoUser()
	demo <- creds
	var heldAuthorize atomic.Bool
	stepThrough(t, d, func(s FlowStep) {
		if s.Name == "authorize" {
			heldAuthorize.Store(true)
		}
		go d.Next()
	})
	if _, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: clientID}, nil); err != nil {
		t.Fatal(err)
	}
	f, _ := d.CurrentFlow()
	if !heldAuthorize.Load() {
		t.Error("step-through did not hold the browser's authorize request")
	}
	if len(f.Lanes) != 4 || f.Lanes[1].ID != LaneBrowser || f.Lanes[2].Label != "Loopback :"+strconv.Itoa(port) {
		t.Fatalf("lanes = %+v", f.Lanes)
	}
	got := flowNames(f)
	for _, want := range []string{"open-browser:ok", "authorize:ok", "callback:ok", "token:ok", "verify:ok"} {
		if !strings.Contains(got, want) {
			t.Errorf("steps %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "callback:failed") || strings.Count(got, "callback:") != 1 {
		t.Errorf("the accepted callback is drawn as %q", got)
	}
	// The steps come in the order they happened: the code is redeemed after it arrived.
	if i, j := strings.Index(got, "callback:"), strings.Index(got, "token:"); i < 0 || j < 0 || i > j {
		t.Errorf("the loopback redirect is not drawn before the token request: %q", got)
	}
	for _, s := range f.Steps {
		if s.Name == "callback" && (s.From != LaneBrowser || s.To != LaneLoopback) {
			t.Errorf("callback drawn %s→%s", s.From, s.To)
		}
	}
	if f.CodeAt.IsZero() {
		t.Error("the code's arrival was not recorded")
	}
}

func TestFlow_EachListenerGetsItsOwnCopy(t *testing.T) {
	d, _ := newDesk(t)
	// The first listener scribbles on what it was given; the second must not see it.
	defer d.OnFlowChange(func(f Flow) {
		f.Lanes[0].Label = "scribbled"
		for i := range f.Steps {
			f.Steps[i].Name = "scribbled"
		}
	})()
	var seen []string
	defer d.OnFlowChange(func(f Flow) { seen = append(seen, f.Lanes[0].Label+" "+flowNames(f)) })()

	_, r := d.beginFlow(testCtx(t), "sign-in", SignInInApp, "client-1", "https://auth.pingone.com/env/as")
	d.addFlowStep(r, FlowStep{Name: "pkce", From: LaneDesk, To: LaneDesk, State: FlowOK})

	want := []string{"PKCE Desk ", "PKCE Desk pkce:ok"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Fatalf("the second listener saw %q, want %q", seen, want)
	}
	if f, _ := d.CurrentFlow(); f.Lanes[0].Label != "PKCE Desk" || flowNames(f) != "pkce:ok" {
		t.Fatalf("a listener changed the current flow: %q, %s", f.Lanes[0].Label, flowNames(f))
	}
}
