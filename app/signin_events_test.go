package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// Every engine event kind has an app kind of the same name, and the fields views read
// are carried over; the PKCE values are a copy that prints redacted.
func TestSignInEventFromEngineEvent(t *testing.T) {
	for k := signin.EventStarted; k <= signin.EventFailed; k++ {
		got := signInEventFrom(signin.Event{Kind: k}).Kind
		if got == 0 || got.String() != k.String() {
			t.Errorf("engine kind %v became %v", k, got)
		}
	}
	pkce := &signin.AttemptSecrets{Verifier: "verifier-CANARY-1", Challenge: "ch", State: "st", Nonce: "no"}
	ev := signInEventFrom(signin.Event{Kind: signin.EventPKCE, Flow: "redirectless", Step: "pkce", PKCE: pkce})
	if ev.Mode != SignInInApp || ev.Step != SignInStepPKCE || ev.PKCE == nil || ev.PKCE.Verifier != pkce.Verifier || ev.PKCE.Nonce != "no" {
		t.Fatalf("converted PKCE event = %+v", ev)
	}
	pkce.Verifier = "changed"
	if ev.PKCE.Verifier != "verifier-CANARY-1" {
		t.Fatal("the event's PKCE values are not a copy")
	}
	if s := fmt.Sprintf("%v %+v %#v %v", *ev.PKCE, *ev.PKCE, *ev.PKCE, ev.PKCE); strings.Contains(s, "CANARY") {
		t.Fatalf("printed PKCE values leak the verifier: %s", s)
	}
	if m := signInEventFrom(signin.Event{Kind: signin.EventWaiting, Flow: "browser"}).Mode; m != SignInBrowser {
		t.Fatalf("a browser event has mode %v", m)
	}
	failed := errors.New("boom")
	if ev := signInEventFrom(signin.Event{Kind: signin.EventFailed, Err: failed, Message: "m", Status: 400}); ev.Err != failed || ev.Message != "m" || ev.Status != 400 {
		t.Fatalf("failed event = %+v", ev)
	}

	redeemed := func(step string, status int) bool {
		return signInEventFrom(signin.Event{Kind: signin.EventResponse, Exchange: &pingone.Exchange{Step: step, Status: status}}).CodeRedeemed
	}
	if !redeemed("token", 200) || redeemed("token", 400) || redeemed("resume", 200) || redeemed("token", 0) {
		t.Fatal("CodeRedeemed is not exactly a 2xx answer of the token endpoint")
	}
	if signInEventFrom(signin.Event{Kind: signin.EventRequest, Exchange: &pingone.Exchange{Step: "token", Status: 200}}).CodeRedeemed {
		t.Fatal("a request (not an answer) counted as the code redeemed")
	}
}

// A real in-app sign-in hands the callback app events: in-app mode throughout, one PKCE
// event, and the code redeemed once, before the attempt is done.
func TestSignInEventsOfAnInAppSignIn(t *testing.T) {
	d, _ := newDesk(t)
	clientID := createSignInApp(t, d)
	demo, _ := d.SandboxDemoUser()
	ev := newEvents()
	if _, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, ev.on); err != nil {
		t.Fatal(err)
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var pkce, redeemed int
	for i, e := range ev.all {
		if e.Mode != SignInInApp {
			t.Fatalf("event %d (%v) has mode %v", i, e.Kind, e.Mode)
		}
		if e.Kind == SignInEventPKCE && e.PKCE != nil && e.PKCE.Verifier != "" {
			pkce++
		}
		if e.CodeRedeemed {
			redeemed++
		}
	}
	last := ev.all[len(ev.all)-1]
	if pkce != 1 || redeemed != 1 || last.Kind != SignInEventDone {
		t.Fatalf("%d PKCE events, %d redemptions, last event %v", pkce, redeemed, last.Kind)
	}
}

// The app's names for the engine's errors keep errors.As working through wrapping.
func TestSignInErrorAliases(t *testing.T) {
	wrapped := fmt.Errorf("ctx: %w", &SignInElsewhereError{Port: 1, Err: &signin.PortInUseError{Port: 1}})
	var pie *PortInUseError
	if !errors.As(wrapped, &pie) || pie.Port != 1 {
		t.Fatal("a wrapped busy port is not a *PortInUseError")
	}
	var rej *PasswordRejectedError
	if !errors.As(fmt.Errorf("x: %w", &signin.PasswordRejectedError{Target: "newPassword"}), &rej) || rej.Target != "newPassword" {
		t.Fatal("a wrapped refusal is not a *PasswordRejectedError")
	}
	if status, ok := PasswordChange(fmt.Errorf("x: %w", &signin.PasswordChangeRequired{Status: StatusPasswordExpired})); !ok || status != StatusPasswordExpired {
		t.Fatalf("PasswordChange = %q, %v", status, ok)
	}
}
