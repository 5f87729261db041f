package signin

import (
	"context"
	"errors"
	"net/http"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// attempt is the per-sign-in plumbing: its own transport (no connections shared with
// other attempts), an optional cookie jar, a private transcript that feeds events, and a
// verifier whose JWKS fetch shows up in the attempt's timeline.
type attempt struct {
	ev         *emitter
	http       *http.Client
	transcript *pingone.Transcript
	unsub      func()
	transport  *http.Transport // owned; nil when the caller supplied Config.Transport
}

func (c *Client) newAttempt(flow string, onEvent func(Event), jar http.CookieJar) *attempt {
	a := &attempt{
		ev:         newEmitter(flow, onEvent, c.cfg.Now),
		transcript: pingone.NewTranscript(),
	}
	base := c.cfg.Transport
	if base == nil {
		a.transport = newBaseTransport()
		base = a.transport
	}
	a.unsub = a.transcript.Subscribe(func(x pingone.Exchange) {
		a.ev.emit(Event{Kind: EventResponse, Step: x.Step, Exchange: &x})
	})
	a.http = c.newHTTPClient(base, a.transcript, jar, a.ev)
	return a
}

func (a *attempt) emit(ev Event) { a.ev.emit(ev) }

// verifier builds an ID-token verifier that fetches the JWKS through this attempt.
func (a *attempt) verifier(c *Client, m *Metadata) (*token.Verifier, error) {
	return c.newVerifier(m, a.http)
}

// end emits the final event, silences the attempt and releases its connections.
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
	if a.transport != nil {
		a.transport.CloseIdleConnections()
	}
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
