package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// ErrDemoNeedsSandbox: the one-click stage demo runs on the built-in sandbox only, whose
// demo user and app are the desk's own.
var ErrDemoNeedsSandbox = errors.New("app: the stage demo runs on the built-in sandbox")

// StageDemo is what RunStageDemo did.
type StageDemo struct {
	App     *pingone.Application
	Created bool // the seed's app was created now (else an existing one was reused)
	Session *Session
}

// RunStageDemo is the one-click stage demo on the sandbox: it creates the seed's native app
// (reusing one of the same name with the seed's redirect), then signs the sandbox's demo
// user in through the in-app flow, with every scope the demo grants. Step-through, when on,
// holds each request as in any sign-in. onEvent receives the sign-in's events as SignIn's.
func (d *Desk) RunStageDemo(ctx context.Context, onEvent func(SignInEvent)) (*StageDemo, error) {
	if !d.ActiveProfile().IsSandbox() {
		return nil, ErrDemoNeedsSandbox
	}
	seed := d.NewApplicationRequest()
	seed.GrantTypes = []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}
	out := &StageDemo{}
	apps, err := d.ListApplications(ctx, seed.Name)
	if err != nil {
		return nil, err
	}
	for i := range apps {
		if a := apps[i]; a.Name == seed.Name && a.Type == seed.Type && containsString(a.RedirectURIs, d.redirectURI) {
			out.App = &a
			break
		}
	}
	if out.App == nil {
		created, err := d.CreateApplication(ctx, seed, OptionalScopes)
		if err != nil {
			return nil, err
		}
		out.App, out.Created = created.Application, true
	}
	scopes, err := d.SignInScopes(ctx, out.App.ID)
	if err != nil {
		return nil, err
	}
	demo, err := d.SandboxDemoUser()
	if err != nil {
		return nil, err
	}
	sess, err := d.SignIn(ctx, SignInRequest{
		Mode: SignInInApp, ClientID: out.App.ID, Scopes: scopes.Granted,
		Username: demo.Username, Password: demo.Password,
	}, onEvent)
	if err != nil {
		return nil, err
	}
	out.Session = sess
	return out, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Recap is "what just happened" for a finished sign-in flow: five plain sentences built
// from its steps, naming the PKCE values. It is empty for a flow that is not a finished
// sign-in. Nothing in it is secret: the code_challenge is shown by its first characters,
// the verifier and the code only by name.
func (f Flow) Recap() []string {
	if !f.Succeeded() || f.Kind != "sign-in" {
		return nil
	}
	step := func(name string) (FlowStep, bool) {
		for _, s := range f.Steps {
			if s.Name == name {
				return s, true
			}
		}
		return FlowStep{}, false
	}
	host := f.Lanes[len(f.Lanes)-1].Label
	var out []string
	challenge := "its code_challenge"
	if f.Challenge != "" {
		challenge = "its code_challenge " + prefix(f.Challenge, 8) + "…"
	}
	out = append(out, fmt.Sprintf("PKCE Desk made a one-time code_verifier, a state and a nonce, and sent %s (the verifier's SHA-256, method S256) to %s.", challenge, host))
	if f.Mode == SignInBrowser {
		cb, _ := step("callback")
		out = append(out, fmt.Sprintf("You signed in on PingOne's page in the browser, so the desk never saw the password; the browser brought the code and the state back to the loopback port (HTTP %d).", cb.Status))
	} else {
		fl, _ := step("flow")
		out = append(out, fmt.Sprintf("The desk posted the username and password to PingOne's flow API (HTTP %d in %s), so the password passed through the desk.", fl.Status, ms(fl.Duration)))
	}
	if f.CodeAt.IsZero() {
		out = append(out, "PingOne handed over a single-use authorization code bound to that code_challenge.")
	} else if tk, ok := step("token"); ok {
		out = append(out, fmt.Sprintf("PingOne handed over a single-use authorization code, which the desk redeemed %s later.", ms(tk.At.Sub(f.CodeAt))))
	}
	if tk, ok := step("token"); ok {
		out = append(out, fmt.Sprintf("The token request carried the code, the code_verifier and client_id in its body and no Authorization header; PingOne hashed the verifier, matched the challenge and answered HTTP %d in %s.", tk.Status, ms(tk.Duration)))
	}
	verify := "The desk checked the ID token's RS256 signature"
	if _, ok := step("jwks"); ok {
		verify += " against the keys it fetched from PingOne's JWKS"
	} else {
		verify += " with PingOne's keys it already had"
	}
	out = append(out, verify+", then its issuer, audience, expiry and that its nonce is the one it sent: the tokens are verified.")
	return out
}

func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// ms renders a duration for a recap: "42 ms", "1.2 s".
func ms(d time.Duration) string {
	if d < time.Millisecond {
		return "under 1 ms"
	}
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", d.Seconds()), ".0") + " s"
}
