package signin

import (
	"sync"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// EventKind says what an Event reports.
type EventKind int

const (
	EventStarted      EventKind = iota + 1 // an attempt or a step began
	EventAuthorizeURL                      // the authorize URL is ready (before the browser opens)
	EventPKCE                              // the attempt's PKCE, state and nonce values were drawn
	EventBrowserError                      // opening the browser failed; the URL can still be copied
	EventWaiting                           // waiting for the browser to come back to the loopback listener
	EventRequest                           // an HTTP request is about to be sent
	EventResponse                          // an HTTP exchange completed (or failed in transport)
	EventCallback                          // the loopback listener answered a request
	EventDone                              // the attempt succeeded
	EventFailed                            // the attempt ended with an error
)

func (k EventKind) String() string {
	switch k {
	case EventStarted:
		return "started"
	case EventAuthorizeURL:
		return "authorize-url"
	case EventPKCE:
		return "pkce"
	case EventBrowserError:
		return "browser-error"
	case EventWaiting:
		return "waiting"
	case EventRequest:
		return "request"
	case EventResponse:
		return "response"
	case EventCallback:
		return "callback"
	case EventDone:
		return "done"
	case EventFailed:
		return "failed"
	}
	return "unknown"
}

// Event is one step of a sign-in for a live timeline. Everything in it is safe to show:
// Exchange is the redacted transcript entry and Message never holds secrets.
type Event struct {
	Kind EventKind
	Flow string // "browser" or "redirectless"
	Step string // "discovery", "authorize", "callback", "flow", "resume", "token", "jwks", ...
	Time time.Time

	// Message is a short human-readable note, e.g. why a callback was refused.
	Message string

	// AuthorizeURL is set on EventAuthorizeURL so the user can copy it when the browser
	// does not open (case A22). It carries state, nonce and the S256 challenge,
	// none of which is secret.
	AuthorizeURL string

	// PKCE is set on EventPKCE, so a teaching panel can show and explain the attempt's
	// values. Its Verifier is secret until the code is redeemed: a view masks it until
	// EventDone or EventFailed, and it never goes into Message, logs or errors (whose
	// String/GoString redact it).
	PKCE *AttemptSecrets

	// Exchange is set on EventRequest (method, step and the URL without its query) and
	// on EventResponse (the full redacted transcript entry).
	Exchange *pingone.Exchange

	// Status is the HTTP status the loopback listener answered with (EventCallback).
	Status int

	// Err is set on EventFailed and EventBrowserError.
	Err error
}

// emitter delivers events one at a time, in order, and stops after the attempt ended so
// that a cancelled attempt cannot update the UI late (case F2).
type emitter struct {
	mu     sync.Mutex
	fn     func(Event)
	flow   string
	closed bool
	now    func() time.Time
}

func newEmitter(flow string, fn func(Event), now func() time.Time) *emitter {
	return &emitter{fn: fn, flow: flow, now: now}
}

func (e *emitter) emit(ev Event) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.fn == nil {
		return
	}
	ev.Flow = e.flow
	if ev.Time.IsZero() {
		ev.Time = e.now()
	}
	e.fn(ev)
}

// close emits a last event (if any) and silences the emitter.
func (e *emitter) close(last *Event) {
	if e == nil {
		return
	}
	if last != nil {
		e.emit(*last)
	}
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
}
