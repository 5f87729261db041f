package app

import (
	"sync"
	"time"

	"github.com/pkcedesk/pkcedesk/app/export"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// FlowLane is one participant of a flow diagram.
type FlowLane string

// The lanes a flow can use. Browser and Loopback appear in browser sign-ins only.
const (
	LaneDesk     FlowLane = "desk"
	LaneBrowser  FlowLane = "browser"
	LaneLoopback FlowLane = "loopback"
	LanePingOne  FlowLane = "pingone"
)

// Lane is a lane with the label a diagram shows over it.
type Lane struct {
	ID    FlowLane
	Label string // "PKCE Desk", "Browser", "Loopback :3000", "PingOne auth.pingone.com"
}

// FlowState is where one step of a flow is.
type FlowState int

// Step states.
const (
	FlowHeld    FlowState = iota + 1 // built but not sent: step-through waits for Next
	FlowRunning                      // sent (or, in the browser, under way); no answer yet
	FlowOK                           // done
	FlowFailed                       // failed; Reason says why
)

func (s FlowState) String() string {
	switch s {
	case FlowHeld:
		return "held"
	case FlowRunning:
		return "running"
	case FlowOK:
		return "ok"
	case FlowFailed:
		return "failed"
	}
	return "unknown"
}

// FlowStep is one arrow of a flow diagram: an HTTP exchange, or a step the desk or the
// browser takes (drawing the PKCE values, the loopback redirect, checking the ID token).
type FlowStep struct {
	Name     string // "discovery", "pkce", "open-browser", "authorize", "callback", "flow", "resume", "token", "jwks", "verify", "refresh", "userinfo", "signoff", "revoke"
	Label    string // e.g. "GET /as/authorize  code_challenge, state, nonce"
	From, To FlowLane
	State    FlowState
	Status   int // HTTP status; 0 when there is none (yet)
	Duration time.Duration
	Reason   string // plain reason, on FlowFailed
	// Exchange is the redacted request (while held or running) or exchange; nil for a
	// step that is not an HTTP request of the desk's.
	Exchange *pingone.Exchange
	// Spec and PingOne are the step's two-line note: what the standard says (named) and
	// what PingOne does here.
	Spec, PingOne string
	At            time.Time
}

// Flow is one attempt as a diagram draws it: a sign-in, or a refresh, userinfo or
// sign-out of its session. Every value in it is safe to show: exchanges are redacted and
// no step carries a token, code, verifier or password.
type Flow struct {
	ID       uint64
	Kind     string // "sign-in", "password change", "refresh", "userinfo", "sign-out"
	Mode     SignInMode
	ClientID string
	Lanes    []Lane
	Steps    []FlowStep
	Started  time.Time
	Ended    bool
	Err      string // the plain reason the flow failed; "" while running or after success
	// CodeAt is when the authorization code reached the desk (zero before, and in flows
	// without a code).
	CodeAt time.Time
	// CodeLifetime is how long the issuer keeps a code: the sandbox's 60 s; 0 when the
	// issuer does not say (PingOne documents codes only as short-lived).
	CodeLifetime time.Duration
	// Challenge is the attempt's code_challenge (RFC 7636 §4.2), which is not secret.
	Challenge string
}

// Held returns the step waiting for Next, if any.
func (f Flow) Held() (FlowStep, bool) {
	for _, s := range f.Steps {
		if s.State == FlowHeld {
			return s, true
		}
	}
	return FlowStep{}, false
}

// Succeeded reports whether the flow ended without an error.
func (f Flow) Succeeded() bool { return f.Ended && f.Err == "" }

func (f Flow) clone() Flow {
	f.Lanes = append([]Lane(nil), f.Lanes...)
	f.Steps = append([]FlowStep(nil), f.Steps...)
	return f
}

// flowState is the desk's flows: the current one, the last sign-in of each mode per
// application (for the side-by-side view), step-through and its held request.
type flowState struct {
	mu      sync.Mutex
	next    uint64
	cur     *flowRec
	last    map[string]Flow // by clientID + "\x00" + mode
	step    bool            // step-through: hold each request until Next
	release chan struct{}   // closed by Next; nil when nothing is held
	// listeners are the OnFlowChange callbacks; they have their own lock, not mu.
	listeners listeners[Flow]
}

type flowRec struct {
	f Flow
	// For the run history: the connection when the flow began, the scopes asked for and
	// the ID token's checklist, set by the use case that ran the flow.
	conn      export.Connection
	profileID string
	scopes    []string
	checks    []token.Check
	verifier  string // the attempt's code_verifier, kept in the history once redeemed
}

// OnFlowChange calls fn with a copy of the current flow after each change. fn runs on the
// goroutine that made the change; a GUI hands it to its own thread.
func (d *Desk) OnFlowChange(fn func(Flow)) (unsubscribe func()) {
	return d.flows.listeners.add(fn)
}

// CurrentFlow returns the latest flow, if there was one.
func (d *Desk) CurrentFlow() (Flow, bool) {
	s := &d.flows
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return Flow{}, false
	}
	return s.cur.f.clone(), true
}

// LastSignIns returns the last finished sign-in of each mode for the application, for a
// side-by-side view; ok is false unless both modes have run.
func (d *Desk) LastSignIns(clientID string) (browser, inApp Flow, ok bool) {
	s := &d.flows
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok1 := s.last[clientID+"\x00"+SignInBrowser.String()]
	a, ok2 := s.last[clientID+"\x00"+SignInInApp.String()]
	return b.clone(), a.clone(), ok1 && ok2
}

// SetStepThrough turns step-through on or off. Off releases a held request.
func (d *Desk) SetStepThrough(on bool) {
	s := &d.flows
	s.mu.Lock()
	s.step = on
	s.mu.Unlock()
	if !on {
		d.Next()
	}
}

// StepThrough reports whether each request waits for Next.
func (d *Desk) StepThrough() bool {
	s := &d.flows
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.step
}

// Next sends the held request, if one is held.
func (d *Desk) Next() {
	s := &d.flows
	s.mu.Lock()
	if s.release != nil {
		close(s.release)
		s.release = nil
	}
	s.mu.Unlock()
}

// sandboxCodeLifetime is how long the built-in sandbox keeps an authorization code.
const sandboxCodeLifetime = 60 * time.Second
