package signin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// wireTap sees requests and answers as they cross the wire, before any redaction: what
// the server really received and set.
type wireTap struct {
	base http.RoundTripper

	mu         sync.Mutex
	sessionST  string // the ST cookie value PingOne set
	signoffCkS []string
	signoffURL string
}

func (w *wireTap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	w.mu.Lock()
	defer w.mu.Unlock()
	if strings.HasSuffix(req.URL.Path, "/as/signoff") {
		w.signoffCkS = req.Header.Values("Cookie")
		w.signoffURL = req.URL.String()
	}
	if err == nil {
		for _, ck := range resp.Cookies() {
			if ck.Name == "ST" && ck.Value != "" {
				w.sessionST = ck.Value
			}
		}
	}
	return resp, err
}

// An in-app sign-in keeps PingOne's session cookie with its result, and SignOff ends that
// session with it: the GET of the end_session_endpoint carries the very ST cookie of the
// flow and the ID token as hint (RP-Initiated Logout 1.0 §2), the transcript shows both
// redacted, and PingOne expires the cookie.
func TestSignOff_InAppSessionIsEndedWithItsCookie(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	tap := &wireTap{base: &http.Transport{DisableKeepAlives: true}}
	transcript := pingone.NewTranscript()
	c := e.client(t, func(cfg *Config) { cfg.Transport, cfg.Transcript = tap, transcript })
	ctx := waitCtx(t, 30*time.Second)
	res, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs := res.FlowSession()
	if fs == nil {
		t.Fatal("an in-app sign-in kept no PingOne session")
	}
	tap.mu.Lock()
	st := tap.sessionST
	tap.mu.Unlock()
	if st == "" {
		t.Fatal("the sandbox set no ST cookie during the flow")
	}
	issuerURL, _ := url.Parse(e.issuer)
	if !hasCookie(fs.jar, issuerURL, "ST") {
		t.Fatal("the kept jar does not hold the ST cookie")
	}
	for _, s := range []string{fmt.Sprint(fs), fmt.Sprintf("%#v", fs), fmt.Sprintf("%+v", res), res.String()} {
		assertNoSecret(t, "printed session", s, st)
	}

	if err := fs.SignOff(ctx, res.Tokens.IDToken); err != nil {
		t.Fatalf("SignOff: %v", err)
	}
	tap.mu.Lock()
	sent, sentURL := strings.Join(tap.signoffCkS, "; "), tap.signoffURL
	tap.mu.Unlock()
	if !strings.Contains(sent, "ST="+st) {
		t.Fatalf("the signoff request did not carry the flow's ST cookie (sent %d cookie headers)", len(tap.signoffCkS))
	}
	if u, _ := url.Parse(sentURL); u == nil || u.Query().Get("id_token_hint") != res.Tokens.IDToken {
		t.Fatal("the signoff request did not carry the ID token as id_token_hint")
	}
	if hasCookie(fs.jar, issuerURL, "ST") {
		t.Fatal("PingOne's answer did not expire the ST cookie")
	}

	var ex *pingone.Exchange
	for _, x := range transcript.Entries() {
		if x.Step == "signoff" {
			ex = &x
		}
	}
	if ex == nil {
		t.Fatal("the signoff is not in the transcript")
	}
	if ex.Method != http.MethodGet || ex.Status != http.StatusOK || !strings.Contains(ex.URL, "/as/signoff?") {
		t.Fatalf("signoff exchange = %s %s → %d", ex.Method, ex.URL, ex.Status)
	}
	if got := ex.RequestHeader.Get("Cookie"); !strings.Contains(got, "ST="+pingone.Redacted) {
		t.Fatalf("the recorded Cookie header is %q, want the ST cookie present and redacted", got)
	}
	hint, _ := url.Parse(ex.URL)
	if hint == nil || hint.Query().Get("id_token_hint") != pingone.Redacted {
		t.Fatalf("the recorded URL does not redact id_token_hint: %s", ex.URL)
	}
	all := fmt.Sprintf("%s %v %s %v %s", ex.URL, ex.RequestHeader, ex.Curl(), ex.ResponseHeader, ex.ResponseBody)
	assertNoSecret(t, "signoff exchange", all, st, res.Tokens.IDToken)
}

// A signoff PingOne refuses is an error naming the call; nothing of the hint is in it.
func TestSignOff_RefusedHintIsATokenError(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t, func(cfg *Config) { cfg.Transport = &http.Transport{DisableKeepAlives: true} })
	ctx := waitCtx(t, 30*time.Second)
	res, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.CANARY-forged-hint"
	err = res.FlowSession().SignOff(ctx, forged)
	var te *TokenError
	if err == nil || !errors.As(err, &te) || te.Op != "signoff" {
		t.Fatalf("err = %v, want a *TokenError for signoff", err)
	}
	assertNoSecret(t, "signoff error", err.Error(), forged, "CANARY-forged-hint")
}

func hasCookie(jar http.CookieJar, u *url.URL, name string) bool {
	for _, ck := range jar.Cookies(u) {
		if ck.Name == name {
			return true
		}
	}
	return false
}
