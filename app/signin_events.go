package app

import (
	"errors"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// SignInEventKind says what a SignInEvent reports.
type SignInEventKind int

// Sign-in event kinds.
const (
	SignInEventStarted      SignInEventKind = iota + 1 // an attempt or a step began
	SignInEventAuthorizeURL                            // the authorize URL is ready (before the browser opens)
	SignInEventPKCE                                    // the attempt's PKCE, state and nonce values were drawn
	SignInEventBrowserError                            // opening the browser failed; the URL can still be copied
	SignInEventWaiting                                 // waiting for the browser, or for the user's input in-app
	SignInEventRequest                                 // an HTTP request is about to be sent
	SignInEventResponse                                // an HTTP exchange completed (or failed in transport)
	SignInEventCallback                                // the loopback listener answered a request
	SignInEventDone                                    // the attempt succeeded
	SignInEventFailed                                  // the attempt ended with an error
)

func (k SignInEventKind) String() string {
	switch k {
	case SignInEventStarted:
		return "started"
	case SignInEventAuthorizeURL:
		return "authorize-url"
	case SignInEventPKCE:
		return "pkce"
	case SignInEventBrowserError:
		return "browser-error"
	case SignInEventWaiting:
		return "waiting"
	case SignInEventRequest:
		return "request"
	case SignInEventResponse:
		return "response"
	case SignInEventCallback:
		return "callback"
	case SignInEventDone:
		return "done"
	case SignInEventFailed:
		return "failed"
	}
	return "unknown"
}

// SignInStep names the part of a sign-in an event belongs to.
type SignInStep string

// Sign-in steps. HTTP exchanges carry the same names in pingone.Exchange.Step.
const (
	SignInStepDiscovery SignInStep = "discovery" // the issuer's configuration (OIDC Discovery 1.0 §4)
	SignInStepPKCE      SignInStep = "pkce"      // the attempt's one-time values (RFC 7636 §4.1)
	SignInStepAuthorize SignInStep = "authorize" // the authorization request (RFC 6749 §4.1.1)
	SignInStepCallback  SignInStep = "callback"  // the loopback redirect (RFC 8252 §7.3)
	SignInStepFlow      SignInStep = "flow"      // PingOne's flow API (in-app)
	SignInStepResume    SignInStep = "resume"    // the flow's resumeUrl, which hands out the code
	SignInStepToken     SignInStep = "token"     // the code exchange (RFC 6749 §4.1.3)
	SignInStepJWKS      SignInStep = "jwks"      // the issuer's signing keys
)

// SignInPKCE is a copy of one attempt's one-time values, for a teaching panel. The
// verifier is secret until its code was redeemed (RFC 7636 §4.5): String and GoString
// redact every value, and nothing puts it into messages, logs or errors.
type SignInPKCE struct {
	Verifier  string // code_verifier (RFC 7636 §4.1)
	Challenge string // BASE64URL(SHA256(Verifier)), sent with method S256
	State     string // binds the authorization response to this attempt (RFC 6749 §10.12)
	Nonce     string // binds the ID token to this attempt (OIDC Core §3.1.2.1)
}

func (SignInPKCE) String() string { return "app.SignInPKCE{redacted}" }

// GoString redacts for %#v too.
func (p SignInPKCE) GoString() string { return p.String() }

// SignInEvent is one step of a sign-in for a live timeline. Everything in it is safe to
// show except PKCE.Verifier (see SignInPKCE): Exchange is the redacted transcript entry
// and Message never holds secrets.
type SignInEvent struct {
	Kind SignInEventKind
	Mode SignInMode // browser or in-app
	Step SignInStep
	Time time.Time

	// Message is a short human-readable note, e.g. why a callback was refused.
	Message string
	// AuthorizeURL is set on SignInEventAuthorizeURL, so the user can copy it when the
	// browser does not open. Its state, nonce and S256 challenge are not secret.
	AuthorizeURL string
	// PKCE is set on SignInEventPKCE.
	PKCE *SignInPKCE
	// Exchange is set on SignInEventRequest (method, step and the URL without its query)
	// and on SignInEventResponse (the full redacted transcript entry).
	Exchange *pingone.Exchange
	// CodeRedeemed is set on the SignInEventResponse of a successful code exchange:
	// PingOne has redeemed the code (RFC 6749 §4.1.3), which can never be redeemed again,
	// so the verifier may be shown once the attempt is over.
	CodeRedeemed bool
	// Status is the HTTP status the loopback listener answered with (SignInEventCallback).
	Status int
	// Err is set on SignInEventFailed and SignInEventBrowserError.
	Err error
}

var signInEventKinds = map[signin.EventKind]SignInEventKind{
	signin.EventStarted:      SignInEventStarted,
	signin.EventAuthorizeURL: SignInEventAuthorizeURL,
	signin.EventPKCE:         SignInEventPKCE,
	signin.EventBrowserError: SignInEventBrowserError,
	signin.EventWaiting:      SignInEventWaiting,
	signin.EventRequest:      SignInEventRequest,
	signin.EventResponse:     SignInEventResponse,
	signin.EventCallback:     SignInEventCallback,
	signin.EventDone:         SignInEventDone,
	signin.EventFailed:       SignInEventFailed,
}

// signInEventFrom converts the engine's event; the PKCE values are copied.
func signInEventFrom(ev signin.Event) SignInEvent {
	out := SignInEvent{
		Kind:         signInEventKinds[ev.Kind],
		Mode:         SignInBrowser,
		Step:         SignInStep(ev.Step),
		Time:         ev.Time,
		Message:      ev.Message,
		AuthorizeURL: ev.AuthorizeURL,
		Exchange:     ev.Exchange,
		Status:       ev.Status,
		Err:          ev.Err,
	}
	if ev.Flow == "redirectless" {
		out.Mode = SignInInApp
	}
	if ev.PKCE != nil {
		out.PKCE = &SignInPKCE{Verifier: ev.PKCE.Verifier, Challenge: ev.PKCE.Challenge, State: ev.PKCE.State, Nonce: ev.PKCE.Nonce}
	}
	if x := ev.Exchange; ev.Kind == signin.EventResponse && x != nil && x.Step == string(SignInStepToken) && x.Status >= 200 && x.Status < 300 {
		out.CodeRedeemed = true
	}
	return out
}

// signInEvents adapts a view's callback to the engine's; nil stays nil.
func signInEvents(onEvent func(SignInEvent)) func(signin.Event) {
	if onEvent == nil {
		return nil
	}
	return func(ev signin.Event) { onEvent(signInEventFrom(ev)) }
}

// StatusPasswordExpired is PingOne's flow status for a password that has expired; the
// other status that asks for a new one is MUST_CHANGE_PASSWORD.
const StatusPasswordExpired = signin.StatusPasswordExpired

// PasswordChange reports whether err (from SignIn) means PingOne wants a new password
// before it completes the sign-in; status is PingOne's flow status, PASSWORD_EXPIRED
// (StatusPasswordExpired) or MUST_CHANGE_PASSWORD. Answer with ChangePassword.
func PasswordChange(err error) (status string, ok bool) {
	var pcr *signin.PasswordChangeRequired
	if !errors.As(err, &pcr) {
		return "", false
	}
	return pcr.Status, true
}

// PasswordRejectedError is PingOne's refusal of a password change (ChangePassword): the
// current password was wrong (Target "currentPassword") or the new one breaks the
// password policy (Unsatisfied lists the unmet requirements). The change stays pending.
type PasswordRejectedError = signin.PasswordRejectedError

// PortInUseError means another program holds the redirect URI's loopback port, so a
// browser sign-in was refused before the browser opened (RFC 8252 §8.3). A
// *SignInElsewhereError wraps one when the holder is another PKCE Desk.
type PortInUseError = signin.PortInUseError
