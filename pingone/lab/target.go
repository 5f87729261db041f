package lab

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// DefaultCodeLifetime is how long the lab assumes an authorization code lives when the
// target does not say: the sandbox's 60 s. PingOne does not publish its value.
const DefaultCodeLifetime = 60 * time.Second

// Target is what a run needs.
type Target struct {
	// Management creates and deletes the throw-away applications (a worker app's client).
	Management *pingone.Management
	// EnvironmentID is the environment the applications live in.
	EnvironmentID string
	// Issuer is the OpenID issuer, {auth base}/{envID}/as.
	Issuer string
	// ClientID optionally names an existing public app to use for the cases it fits;
	// cases it does not fit run on a throw-away app the lab creates.
	ClientID string
	// Username and Password are the demo user's: the lab signs in through PingOne's
	// flow API (response_mode=pi.flow) to get real codes and tokens without a browser.
	// The password is only sent to PingOne's flow endpoint.
	Username string
	Password string
	// RedirectURI is registered with throw-away apps and used with them; default
	// pingone.SeedRedirectURI. It is never listened on (case 11 uses a free port).
	RedirectURI string
	// Transport is the round tripper under the lab's requests (proxies, tests); nil
	// means the default. Every request is recorded, redacted, per case.
	Transport http.RoundTripper
	// Now is the clock for the ID-token checks; default time.Now. On the sandbox pass
	// the same clock as its Options.Now.
	Now func() time.Time
	// AdvanceClock, when set, moves the server's clock forward (the sandbox's time
	// control): case 10 then lets a code expire in no time instead of waiting.
	AdvanceClock func(time.Duration)
	// CodeLifetime is how long a code lives; default DefaultCodeLifetime.
	CodeLifetime time.Duration
	// WaitForExpiry lets case 10 wait out the code's lifetime on a real tenant (with a
	// countdown in the progress events). Without it and without AdvanceClock, case 10
	// could not run.
	WaitForExpiry bool
	// After is the timer of that wait; default time.After. Tests pass one that moves a
	// clock forward and fires at once.
	After func(time.Duration) <-chan time.Time

	// brokenClient (the lab's own tests only) names checks the client side "forgets",
	// so cases 11–14 can be seen to catch a client without them: "state", "nonce",
	// "signature", "aud", "exp" (the check IDs of pingone/token).
	brokenClient map[string]bool
}

func (t *Target) check() error {
	var missing []string
	if t.Management == nil {
		missing = append(missing, "a management client")
	}
	if err := pingone.ValidateID(t.EnvironmentID); err != nil {
		missing = append(missing, "a valid environment ID")
	}
	if t.Issuer == "" {
		missing = append(missing, "the issuer")
	}
	if t.Username == "" || t.Password == "" {
		missing = append(missing, "the demo user's username and password")
	}
	if len(missing) > 0 {
		return errors.New("lab: the target needs " + strings.Join(missing, ", "))
	}
	return nil
}

func (t *Target) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Target) after(d time.Duration) <-chan time.Time {
	if t.After != nil {
		return t.After(d)
	}
	return time.After(d)
}

func (t *Target) redirectURI() string {
	if t.RedirectURI != "" {
		return t.RedirectURI
	}
	return pingone.SeedRedirectURI
}

func (t *Target) codeLifetime() time.Duration {
	if t.CodeLifetime > 0 {
		return t.CodeLifetime
	}
	return DefaultCodeLifetime
}

// EventKind says what a progress Event reports.
type EventKind string

// Progress events, in the order a case sends them.
const (
	EventCaseStarted  EventKind = "case started"
	EventWaiting      EventKind = "waiting" // case 10 counting down; Remaining is set
	EventCaseFinished EventKind = "case finished"
	EventCleanup      EventKind = "clean-up" // one created object deleted (or not)
)

// Event is one step of a run, for a progress display.
type Event struct {
	Kind      EventKind
	Case      int // 0 for clean-up
	Name      string
	Verdict   Verdict // set on EventCaseFinished
	Message   string
	Remaining time.Duration // set on EventWaiting
}
