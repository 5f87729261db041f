package lab

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// Case 11: RFC 6749 §10.12, the receiver only takes a response with the attempt's state,
// and a wrong one does not end the attempt.
func caseTamperedState(ctx context.Context, r *runner) outcome {
	s, fail := r.withCode(ctx, needCode)
	if fail != nil {
		return *fail
	}
	defer s.sc.Close()
	reasons := make(chan string, 4)
	expected := s.g.Secrets.State
	if r.t.brokenClient["state"] { // a receiver that takes whatever state comes
		expected = flipLast(expected)
	}
	rcv, err := listenFree(expected, func(_ int, reason string) {
		select {
		case reasons <- reason:
		default:
		}
	})
	if err != nil {
		return couldNotRunErr("the loopback receiver could not listen", err).on(s.app)
	}
	defer rcv.Close()
	callback := fmt.Sprintf("http://127.0.0.1:%d/callback", rcv.Port())
	hc := pingone.NewHTTPClient(pingone.HTTPOptions{Timeout: 10 * time.Second}) // local: no proxy
	defer hc.CloseIdleConnections()
	tampered, err := deliver(ctx, hc, callback, s.g.Code, flipLast(s.g.Secrets.State))
	if err != nil {
		return couldNotRunErr("the tampered callback could not be delivered", err).on(s.app)
	}
	var reason string
	select { // the receiver reports before it answers, so this does not wait in practice
	case reason = <-reasons:
	case <-time.After(5 * time.Second):
	}
	a := Actual{Status: tampered, Error: reason}
	if tampered == http.StatusSeeOther {
		a.Summary = "the receiver accepted the callback with the tampered state"
		return doesNotHold(a, a.Summary).on(s.app)
	}
	genuine, err := deliver(ctx, hc, callback, s.g.Code, s.g.Secrets.State)
	if err != nil {
		return couldNotRunErr("the genuine callback could not be delivered", err).on(s.app)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	code, werr := rcv.Wait(wctx)
	a.Summary = fmt.Sprintf("tampered callback: HTTP %d (%s); genuine callback afterwards: HTTP %d", tampered, reason, genuine)
	if werr != nil || subtle.ConstantTimeCompare([]byte(code), []byte(s.g.Code)) != 1 {
		return doesNotHold(a, "the tampered callback ended the sign-in: the genuine one was not taken").on(s.app)
	}
	return holds(a).on(s.app)
}

// listenFree starts a receiver on a port that is free right now.
func listenFree(state string, on func(int, string)) (*signin.Receiver, error) {
	var last error
	for range 5 {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		rcv, err := signin.ListenLoopback(signin.ReceiverOptions{
			RedirectURI: fmt.Sprintf("http://localhost:%d/callback", port), State: state, OnCallback: on,
		})
		if err == nil {
			return rcv, nil
		}
		last = err
	}
	return nil, last
}

func deliver(ctx context.Context, hc *http.Client, callback, code, state string) (int, error) {
	u := callback + "?" + url.Values{"code": {code}, "state": {state}}.Encode()
	req, err := http.NewRequestWithContext(pingone.WithStep(ctx, "callback"), http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, pingone.NewNetworkError("", unwrapURLError(err))
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// flipLast changes the last character of a state value, keeping it well formed.
func flipLast(s string) string {
	if s == "" {
		return "x"
	}
	last := byte('A')
	if s[len(s)-1] == 'A' {
		last = 'B'
	}
	return s[:len(s)-1] + string(last)
}

// signedIn is a real, verified sign-in for the ID-token cases.
type signedIn struct {
	app    *labApp
	raw    string
	access string
	m      *signin.Metadata
	v      *token.Verifier
	keys   *token.KeySet
}

func (r *runner) signIn(ctx context.Context) (*signedIn, *outcome) {
	app, err := r.apps.app(ctx, needCode)
	if err != nil {
		o := couldNotRun(err.Error())
		return nil, &o
	}
	sc, err := r.signinClient(app)
	if err != nil {
		o := couldNotRunErr("the sign-in client could not be set up", err).on(app)
		return nil, &o
	}
	defer sc.Close()
	res, err := sc.SignInWithPassword(pingone.WithStep(ctx, "sign-in"), r.t.Username, r.t.Password, signin.RedirectlessOptions{})
	if err != nil {
		o := couldNotRunErr("signing the demo user in failed", err).on(app)
		return nil, &o
	}
	keys, err := token.NewKeySet(res.Metadata.JWKSURI, token.KeySetOptions{HTTPClient: r.httpClient()})
	if err != nil {
		o := couldNotRunErr("the issuer's key set is unusable", err).on(app)
		return nil, &o
	}
	return &signedIn{app: app, raw: res.Tokens.IDToken, access: res.Tokens.AccessToken, m: res.Metadata, keys: keys,
		v: token.NewVerifier(token.VerifierOptions{Keys: keys, Now: r.t.Now})}, nil
}

func (si *signedIn) expect() token.Expect {
	return token.Expect{Issuer: si.m.Issuer, ClientID: si.app.ClientID, AccessToken: si.access}
}

// mustFail verifies a tampered token and judges that the check id failed.
func mustFail(ctx context.Context, v *token.Verifier, raw string, exp token.Expect, id, what string) (Actual, bool) {
	report, err := v.VerifyIDToken(ctx, raw, exp)
	chk, _ := report.Check(id)
	a := Actual{Error: id}
	if err != nil && chk.Status == token.Failed {
		a.Summary = what + ": the checklist failed on " + id + " (" + chk.Reason + ")"
		return a, true
	}
	var failed []string
	for _, c := range report.Failed() {
		failed = append(failed, c.ID)
	}
	a.Summary = what + ": the checklist did not fail on " + id
	if len(failed) > 0 {
		a.Summary += " (it failed on " + strings.Join(failed, ", ") + ")"
	}
	return a, false
}

// tokenCase runs cases 12–14: a real sign-in, then each tampering in turn.
func (r *runner) tokenCase(ctx context.Context, tries func(si *signedIn) []tamperTry) outcome {
	si, fail := r.signIn(ctx)
	if fail != nil {
		return *fail
	}
	ctx = pingone.WithStep(ctx, "jwks")
	if _, err := si.v.VerifyIDToken(ctx, si.raw, si.expect()); err != nil {
		return couldNotRunErr("the untouched ID token did not pass the checklist", err).on(si.app)
	}
	var parts []string
	for _, t := range tries(si) {
		if t.err != nil {
			return couldNotRunErr(t.what, t.err).on(si.app)
		}
		if r.t.brokenClient[t.check] {
			t = si.withoutCheck(t)
		}
		v := si.v
		if t.now != nil {
			v = token.NewVerifier(token.VerifierOptions{Keys: si.keys, Now: t.now})
		}
		if t.decodeOnly { // a client that reads the token without verifying it
			if _, err := token.Decode(t.raw); err != nil {
				return couldNotRunErr(t.what, err).on(si.app)
			}
			a := Actual{Error: t.check, Summary: t.what + ": the token was decoded and taken without checking its signature"}
			return doesNotHold(a, a.Summary).on(si.app)
		}
		a, ok := mustFail(ctx, v, t.raw, t.exp, t.check, t.what)
		if !ok {
			return doesNotHold(a, a.Summary).on(si.app)
		}
		parts = append(parts, a.Summary)
	}
	return holds(Actual{Summary: strings.Join(parts, "; ")}).on(si.app)
}

// tamperTry is one tampered verification that must fail on check.
type tamperTry struct {
	what  string
	raw   string
	exp   token.Expect
	now   func() time.Time // a different clock, or nil
	check string
	err   error
	// decodeOnly: the (broken) client decodes the token and verifies nothing.
	decodeOnly bool
}

// withoutCheck is what a client lacking t's check would do with the tampered token
// (Target.brokenClient, for the lab's own tests): no nonce to compare, its own client ID
// taken from the token, its clock never compared with exp, no signature verified.
func (si *signedIn) withoutCheck(t tamperTry) tamperTry {
	switch t.check {
	case token.CheckNonce:
		t.exp.Nonce = ""
	case token.CheckAud:
		t.exp = si.expect()
	case token.CheckExp:
		t.now = nil
	case token.CheckSignature:
		t.decodeOnly = true
	}
	return t
}

// Case 12: OIDC Core §3.1.3.7 rule 11.
func caseWrongNonce(ctx context.Context, r *runner) outcome {
	return r.tokenCase(ctx, func(si *signedIn) []tamperTry {
		exp := si.expect()
		exp.Nonce = "lab-a-nonce-this-sign-in-never-sent"
		return []tamperTry{{what: "other nonce", raw: si.raw, exp: exp, check: token.CheckNonce}}
	})
}

// Case 13: OIDC Core §3.1.3.7 rule 6, RFC 7515 §5.2.
func caseBrokenSignature(ctx context.Context, r *runner) outcome {
	return r.tokenCase(ctx, func(si *signedIn) []tamperTry {
		flipped, err1 := flipSignatureByte(si.raw)
		resigned, err2 := resign(si.raw)
		return []tamperTry{
			{what: "one signature byte changed", raw: flipped, exp: si.expect(), check: token.CheckSignature, err: err1},
			{what: "re-signed with another key", raw: resigned, exp: si.expect(), check: token.CheckSignature, err: err2},
		}
	})
}

// Case 14: OIDC Core §3.1.3.7 rules 3 and 9.
func caseAudienceAndExpiry(ctx context.Context, r *runner) outcome {
	return r.tokenCase(ctx, func(si *signedIn) []tamperTry {
		other := si.expect()
		other.ClientID = "another-app-00000000-0000-4000-8000-000000000000"
		other.AccessToken = ""
		exp, err := expiryOf(si.raw)
		later := func() time.Time { return exp.Add(time.Hour) }
		return []tamperTry{
			{what: "checked as another app's token", raw: si.raw, exp: other, check: token.CheckAud},
			{what: "checked an hour after it expired", raw: si.raw, exp: si.expect(), now: later, check: token.CheckExp, err: err},
		}
	})
}

var errNotJWT = errors.New("the ID token is not a compact JWT")

// flipSignatureByte changes one bit in the middle of the signature.
func flipSignatureByte(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", errNotJWT
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) == 0 {
		return "", errNotJWT
	}
	sig[len(sig)/2] ^= 0x01
	return parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// resign signs the same header and claims (kid included) with a fresh RSA key, as a
// forger who does not have PingOne's key would (RS256, RFC 7518 §3.3).
func resign(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", errNotJWT
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// expiryOf reads the exp claim (the token passed the checklist just before).
func expiryOf(raw string) (time.Time, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return time.Time{}, errNotJWT
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, errNotJWT
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(b, &c) != nil || c.Exp == 0 {
		return time.Time{}, errors.New("the ID token has no exp claim")
	}
	return time.Unix(c.Exp, 0), nil
}
