package signin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testState = "S-correct-state-value-0123456789abcdefghijklmno"

// rig is a receiver on a free port with helpers to send callbacks.
type rig struct {
	t    *testing.T
	r    *Receiver
	port int
	base string // http://127.0.0.1:port
}

func newRig(t *testing.T, opts ReceiverOptions) *rig {
	t.Helper()
	noLeaks(t)
	port := freePort(t)
	opts.RedirectURI = fmt.Sprintf("http://localhost:%d/callback", port)
	if opts.State == "" {
		opts.State = testState
	}
	r, err := ListenLoopback(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		assertPortFree(t, port)
	})
	return &rig{t: t, r: r, port: port, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
}

func (g *rig) get(pathAndQuery string) page {
	g.t.Helper()
	return hit(g.t, http.MethodGet, g.base+pathAndQuery, "")
}

// expectPending asserts the attempt is still waiting: a legitimate callback sent now is
// the one Wait returns.
func (g *rig) expectPending() {
	g.t.Helper()
	p := g.get("/callback?code=legit-code&state=" + testState)
	if p.status != http.StatusSeeOther {
		g.t.Fatalf("legit callback after refusal: status %d, want 303", p.status)
	}
	code, err := g.r.Wait(waitCtx(g.t, 5*time.Second))
	if err != nil || code != "legit-code" {
		g.t.Fatalf("Wait = %q, %v; want the legit code", code, err)
	}
}

func (g *rig) expectResult() (string, error) {
	g.t.Helper()
	return g.r.Wait(waitCtx(g.t, 5*time.Second))
}

func TestCallback_A1_StateWithoutCodeOrError(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	p := g.get("/callback?state=" + testState)
	if p.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", p.status)
	}
	if _, err := g.expectResult(); !errors.Is(err, ErrMalformedCallback) {
		t.Fatalf("err = %v, want ErrMalformedCallback", err)
	}
}

func TestCallback_A2_CodeWithoutState(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	if p := g.get("/callback?code=attacker-code"); p.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", p.status)
	}
	g.expectPending()
}

func TestCallback_A3_WrongState(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	for _, st := range []string{"wrong", testState + "x", testState[:len(testState)-1], ""} {
		p := g.get("/callback?code=attacker-code&state=" + url.QueryEscape(st))
		if p.status != http.StatusBadRequest {
			t.Fatalf("state %q: status %d, want 400", st, p.status)
		}
		if strings.Contains(p.body, "attacker-code") || strings.Contains(p.body, testState) {
			t.Fatal("refusal page echoes request data")
		}
	}
	g.expectPending()
}

// No number of wrong-state callbacks ends the attempt: they are refused one by one and
// the browser's real redirect afterwards is still the one Wait returns.
func TestCallback_A3_ManyWrongStatesNeverEndTheAttempt(t *testing.T) {
	var mu sync.Mutex
	var statuses []int
	g := newRig(t, ReceiverOptions{OnCallback: func(status int, _ string) {
		mu.Lock()
		statuses = append(statuses, status)
		mu.Unlock()
	}})
	for i := range 20 {
		if p := g.get(fmt.Sprintf("/callback?code=c%d&state=bad", i)); p.status != http.StatusBadRequest || p.body != pageBadRequest {
			t.Fatalf("hit %d: status %d, want 400 with the static page", i, p.status)
		}
	}
	g.expectPending()
	mu.Lock()
	defer mu.Unlock()
	if len(statuses) != 21 || statuses[20] != http.StatusSeeOther {
		t.Fatalf("OnCallback saw %v, want 20 refusals and the 303", statuses)
	}
}

func TestCallback_A4_AccessDeniedWithState(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	p := g.get("/callback?error=access_denied&error_description=User+cancelled&state=" + testState)
	if p.status != http.StatusOK || !strings.Contains(p.body, "cancelled") {
		t.Fatalf("status %d body %q; want the static cancelled page", p.status, p.body)
	}
	_, err := g.expectResult()
	var ae *AuthorizationError
	if !errors.As(err, &ae) || !ae.Cancelled() || ae.Description != "User cancelled" {
		t.Fatalf("err = %v; want a cancelled AuthorizationError", err)
	}
}

func TestCallback_A5_ErrorWithoutRightState(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	for _, q := range []string{"error=access_denied", "error=access_denied&state=nope"} {
		if p := g.get("/callback?" + q); p.status != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400", q, p.status)
		}
	}
	g.expectPending()
}

func TestCallback_A6_ErrorCodesAreMapped(t *testing.T) {
	cases := []struct{ code, want string }{
		{"invalid_request", "registration"},
		{"unauthorized_client", "registration"},
		{"invalid_scope", "scope"},
		{"server_error", "temporarily unavailable"},
		{"temporarily_unavailable", "temporarily unavailable"},
		{"login_required", "browser sign-in"},
		{"consent_required", "browser sign-in"},
		{"interaction_required", "browser sign-in"},
		{"something_new", "rejected"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			g := newRig(t, ReceiverOptions{})
			p := g.get("/callback?error=" + tc.code + "&state=" + testState)
			if p.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", p.status)
			}
			_, err := g.expectResult()
			var ae *AuthorizationError
			if !errors.As(err, &ae) || ae.Code != tc.code || ae.Cancelled() {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("message %q lacks %q", err.Error(), tc.want)
			}
		})
	}
}

func TestCallback_A7_NothingReflected(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	desc := "<script>alert(1)</script>\x00\x1b[31mred\u202e" + strings.Repeat("A", 10000) + "ü"
	q := url.Values{"error": {"invalid_request"}, "error_description": {desc}, "state": {testState}}
	p := g.get("/callback?" + q.Encode())
	for _, bad := range []string{"<script", "alert", "\x1b", "AAAA", "invalid_request"} {
		if strings.Contains(p.body, bad) {
			t.Fatalf("page reflects %q", bad)
		}
	}
	if p.body != pageFailed {
		t.Fatal("error page is not the static failure page")
	}
	_, err := g.expectResult()
	var ae *AuthorizationError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if strings.ContainsAny(ae.Description, "\x00\x1b\u202e") {
		t.Fatalf("description keeps control characters: %q", ae.Description)
	}
	if n := len([]rune(ae.Description)); n > 301 {
		t.Fatalf("description not truncated: %d runes", n)
	}
}

func TestCallback_A8_CodeAndErrorIsError(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	g.get("/callback?code=c&error=access_denied&state=" + testState)
	code, err := g.expectResult()
	var ae *AuthorizationError
	if code != "" || !errors.As(err, &ae) {
		t.Fatalf("got code %q err %v; want the error and no code", code, err)
	}
}

func TestCallback_A9_DuplicatedParameters(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	for _, q := range []string{
		"code=a&code=b&state=" + testState,
		"code=a&state=" + testState + "&state=" + testState,
		"code=a&state=" + testState + "&error=x&error=y",
	} {
		if p := g.get("/callback?" + q); p.status != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400", q, p.status)
		}
	}
	g.expectPending()
}

func TestCallback_A10_RepeatedHitExchangesOnce(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	first := g.get("/callback?code=one&state=" + testState)
	if first.status != http.StatusSeeOther || first.header.Get("Location") != donePath {
		t.Fatalf("first hit: %d %q", first.status, first.header.Get("Location"))
	}
	for range 3 {
		again := g.get("/callback?code=two&state=" + testState)
		if again.status != http.StatusConflict || again.body != pageAlreadyDone {
			t.Fatalf("repeat: status %d, want 409 already-done page", again.status)
		}
	}
	code, err := g.expectResult()
	if err != nil || code != "one" {
		t.Fatalf("Wait = %q, %v", code, err)
	}
	// Nothing else was queued: a second Wait only ends by its deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if c, err := g.r.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second result %q %v; want none", c, err)
	}
}

func TestCallback_A11_WrongPaths(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	for _, p := range []string{"/", "/favicon.ico", "/callback/", "/CALLBACK", "//callback", "/callback%2f", "/callback;x", "/../callback", "/callback%2F..%2Fx"} {
		got := g.get(p + "?code=c&state=" + testState)
		if got.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, got.status)
		}
	}
	g.expectPending()
}

func TestCallback_A14_HugeQuery(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	for _, n := range []int{64 << 10, 1 << 20} {
		p := g.get("/callback?state=" + testState + "&code=" + strings.Repeat("x", n))
		if p.status != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("%d-byte query: status %d, want 431", n, p.status)
		}
	}
	g.expectPending()
}

func TestCallback_A15_NonGET(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodOptions, http.MethodHead, http.MethodDelete} {
		p := hit(t, m, g.base+"/callback?code=c&state="+testState, "")
		if p.status != http.StatusMethodNotAllowed || p.header.Get("Allow") != http.MethodGet {
			t.Errorf("%s: status %d Allow %q", m, p.status, p.header.Get("Allow"))
		}
	}
	g.expectPending()
}

func TestCallback_A16_ForeignHostHeader(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	for _, h := range []string{"evil.example:" + fmt.Sprint(g.port), "localhost:1", "evil.example"} {
		p := hit(t, http.MethodGet, g.base+"/callback?code=c&state="+testState, h)
		if p.status != http.StatusMisdirectedRequest {
			t.Errorf("Host %q: status %d, want 421", h, p.status)
		}
	}
	g.expectPending()
}

func TestCallback_A26_PageHygieneAnd303(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	redirect := g.get("/callback?code=c&state=" + testState)
	done := g.get(donePath)
	for name, p := range map[string]page{"303": redirect, "done": done} {
		h := p.header
		checks := map[string]string{
			"Content-Type":            "text/html; charset=utf-8",
			"Cache-Control":           "no-store",
			"Referrer-Policy":         "no-referrer",
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'none'",
		}
		for k, want := range checks {
			if !strings.HasPrefix(h.Get(k), want) {
				t.Errorf("%s: %s = %q, want %q", name, k, h.Get(k), want)
			}
		}
	}
	if redirect.status != http.StatusSeeOther || redirect.header.Get("Location") != "/done" {
		t.Fatalf("callback answered %d to %q", redirect.status, redirect.header.Get("Location"))
	}
	if done.status != http.StatusOK || done.body != pageDone {
		t.Fatal("/done is not the static page")
	}
	for _, bad := range []string{"http://", "https://", "<script", "<img", "<link", "src="} {
		if strings.Contains(pageDone, bad) {
			t.Errorf("done page has external reference %q", bad)
		}
	}
	select {
	case <-g.r.DoneServed():
	case <-waitCtx(t, time.Second).Done():
		t.Fatal("DoneServed not signalled")
	}
	if _, err := g.expectResult(); err != nil {
		t.Fatal(err)
	}
}

func TestCallback_A12_IssuerMismatch(t *testing.T) {
	g := newRig(t, ReceiverOptions{Issuer: "https://auth.example/env/as"})
	g.get("/callback?code=c&iss=https%3A%2F%2Fevil.example%2Fas&state=" + testState)
	_, err := g.expectResult()
	var ie *IssuerMismatchError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want IssuerMismatchError", err)
	}
}

func TestCallback_ReachableOnBothStacks(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	if len(g.r.Addrs()) != 2 {
		t.Fatalf("bound %v, want 127.0.0.1 and ::1", g.r.Addrs())
	}
	p := hit(t, http.MethodGet, fmt.Sprintf("http://[::1]:%d/callback?code=v6&state=%s", g.port, testState), "")
	if p.status != http.StatusSeeOther {
		t.Fatalf("via ::1: status %d", p.status)
	}
	if code, err := g.expectResult(); code != "v6" || err != nil {
		t.Fatalf("Wait = %q %v", code, err)
	}
}

func TestCallback_A19_PortBusyIPv4(t *testing.T) {
	noLeaks(t)
	port := freePort(t)
	squatter, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer squatter.Close()
	_, err = ListenLoopback(ReceiverOptions{RedirectURI: fmt.Sprintf("http://localhost:%d/callback", port), State: testState})
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != port || pe.Address != "127.0.0.1" {
		t.Fatalf("err = %v, want PortInUseError on 127.0.0.1", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprint(port)) {
		t.Fatalf("message %q does not name the port", err)
	}
}

func TestCallback_A20_PortBusyIPv6(t *testing.T) {
	noLeaks(t)
	port := freePort(t)
	squatter, err := net.Listen("tcp6", fmt.Sprintf("[::1]:%d", port))
	if err != nil {
		t.Fatalf("this test needs IPv6 loopback: %v", err)
	}
	defer squatter.Close()
	_, err = ListenLoopback(ReceiverOptions{RedirectURI: fmt.Sprintf("http://localhost:%d/callback", port), State: testState})
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != port || pe.Address != "::1" {
		t.Fatalf("err = %v, want PortInUseError on ::1", err)
	}
	// The IPv4 half was released: we never run half-bound.
	l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("IPv4 port still held after refusal: %v", err)
	}
	l.Close()
}

func TestIPv6Unavailable_Classification(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&net.OpError{Op: "listen", Err: &osSyscallErr{errEADDRNOTAVAIL}}, true},
		{&net.OpError{Op: "listen", Err: &osSyscallErr{errEAFNOSUPPORT}}, true},
		{&net.OpError{Op: "listen", Err: &osSyscallErr{errEADDRINUSE}}, false},
	} {
		if got := ipv6Unavailable(tc.err); got != tc.want {
			t.Errorf("ipv6Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestParseLoopbackRedirect(t *testing.T) {
	good := map[string][2]any{
		"http://localhost:3000/callback": {3000, "/callback"},
		"http://127.0.0.1:8123/cb":       {8123, "/cb"},
		"http://[::1]:9000/x/y":          {9000, "/x/y"},
		"http://localhost/":              {80, "/"},
	}
	for uri, want := range good {
		_, port, path, err := parseLoopbackRedirect(uri)
		if err != nil || port != want[0].(int) || path != want[1].(string) {
			t.Errorf("%s: %d %q %v", uri, port, path, err)
		}
	}
	for _, uri := range []string{"https://localhost:3000/callback", "http://example.com:3000/cb", "http://0.0.0.0:3000/cb", "http://localhost:3000/cb?x=1", "http://localhost:99999/cb", "http://localhost:3000/done"} {
		if _, _, _, err := parseLoopbackRedirect(uri); err == nil {
			t.Errorf("%s accepted", uri)
		}
	}
}

func TestCallback_A13_MissingIssWhenAdvertised(t *testing.T) {
	g := newRig(t, ReceiverOptions{Issuer: "https://auth.example/env/as", RequireIssuer: true})
	g.get("/callback?code=c&state=" + testState)
	code, err := g.expectResult()
	var ie *IssuerMismatchError
	if code != "" || !errors.As(err, &ie) || ie.Got != "" {
		t.Fatalf("code %q err %v; want IssuerMismatchError for a missing iss", code, err)
	}
}

func TestCallback_A12_MatchingIssAccepted(t *testing.T) {
	g := newRig(t, ReceiverOptions{Issuer: "https://auth.example/env/as", RequireIssuer: true})
	g.get("/callback?code=c&iss=https%3A%2F%2Fauth.example%2Fenv%2Fas&state=" + testState)
	if code, err := g.expectResult(); code != "c" || err != nil {
		t.Fatalf("Wait = %q %v", code, err)
	}
}
