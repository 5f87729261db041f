package signin

import (
	"context"
	"errors"
	"net/http"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// attempt is the per-sign-in plumbing: an optional cookie jar, a private transcript that
// feeds events, and the Client's transport (connections are reused across attempts;
// cookies never are).
type attempt struct {
	ev         *emitter
	http       *http.Client
	transcript *pingone.Transcript
	unsub      func()
}

func (c *Client) newAttempt(flow string, onEvent func(Event), jar http.CookieJar) *attempt {
	a := &attempt{
		ev:         newEmitter(flow, onEvent, c.cfg.Now),
		transcript: pingone.NewTranscript(),
	}
	a.unsub = a.transcript.Subscribe(func(x pingone.Exchange) {
		a.ev.emit(Event{Kind: EventResponse, Step: x.Step, Exchange: &x})
	})
	a.http = c.newHTTPClient(a.transcript, jar, a.ev)
	return a
}

func (a *attempt) emit(ev Event) { a.ev.emit(ev) }

// end emits the final event and silences the attempt.
func (a *attempt) end(res *Result, err error) {
	if err != nil {
		a.ev.close(&Event{Kind: EventFailed, Err: err, Message: err.Error()})
	} else {
		msg := "signed in"
		if res != nil && res.Subject != "" {
			msg = "signed in as " + res.Subject
		}
		a.ev.close(&Event{Kind: EventDone, Message: msg})
	}
	a.unsub()
}

func (a *attempt) exchanges() []pingone.Exchange { return a.transcript.Entries() }

// causeOf maps a context-ended error to the reason the attempt stopped: ErrTimedOut,
// ErrSuperseded or context.Canceled.
func causeOf(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		cause := context.Cause(ctx)
		if !errors.Is(err, cause) {
			return cause
		}
	}
	return err
}
