package app

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// beginFlow starts a new current flow and returns the context its requests use: each
// request becomes a step (held first when step-through is on) and its exchange completes
// it.
func (d *Desk) beginFlow(ctx context.Context, kind string, mode SignInMode, clientID, issuer string) (context.Context, *flowRec) {
	host := issuer
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		host = u.Host
	}
	lanes := []Lane{{LaneDesk, "PKCE Desk"}}
	if kind == "sign-in" && mode == SignInBrowser {
		port := "3000"
		if u, err := url.Parse(d.redirectURI); err == nil && u.Port() != "" {
			port = u.Port()
		}
		lanes = append(lanes, Lane{LaneBrowser, "Browser"}, Lane{LaneLoopback, "Loopback :" + port})
	}
	name := "PingOne " + host
	if d.ActiveProfile().IsSandbox() {
		name = "PingOne sandbox " + host
	}
	lanes = append(lanes, Lane{LanePingOne, name})
	r := &flowRec{f: Flow{Kind: kind, Mode: mode, ClientID: clientID, Lanes: lanes, Started: d.now()}, conn: d.runConnection(), profileID: d.ActiveProfile().ID}
	if d.ActiveProfile().IsSandbox() {
		r.f.CodeLifetime = sandboxCodeLifetime
	}
	s := &d.flows
	s.mu.Lock()
	s.next++
	r.f.ID = s.next
	s.cur = r
	s.mu.Unlock()
	d.publishFlow(r)
	return d.flowContext(ctx, r), r
}

type flowKey struct{}

// flowContext makes ctx's requests steps of r: each is added when it is about to leave
// (and held there with step-through on), and completed by its exchange.
func (d *Desk) flowContext(ctx context.Context, r *flowRec) context.Context {
	own := pingone.NewTranscript()
	own.Subscribe(func(x pingone.Exchange) { d.flowExchange(r, x) })
	ctx = pingone.RecordTo(ctx, own)
	ctx = pingone.HoldBeforeSend(ctx, func(ctx context.Context, p pingone.Exchange) error {
		return d.flowHold(ctx, r, p)
	})
	return context.WithValue(ctx, flowKey{}, r)
}

// flowOf returns the flow ctx records to, or nil.
func flowOf(ctx context.Context) *flowRec {
	r, _ := ctx.Value(flowKey{}).(*flowRec)
	return r
}

// holdNamed holds the last step called name until Next when step-through is on: the
// browser's authorize request, which the desk does not send itself.
func (d *Desk) holdNamed(ctx context.Context, name string) error {
	r := flowOf(ctx)
	s := &d.flows
	s.mu.Lock()
	if r == nil || !s.step {
		s.mu.Unlock()
		return nil
	}
	idx := -1
	for i := len(r.f.Steps) - 1; i >= 0; i-- {
		if r.f.Steps[i].Name == name {
			idx = i
			break
		}
	}
	if idx < 0 {
		s.mu.Unlock()
		return nil
	}
	prev := r.f.Steps[idx].State
	r.f.Steps[idx].State = FlowHeld
	if s.release == nil {
		s.release = make(chan struct{})
	}
	release := s.release
	s.mu.Unlock()
	d.publishFlow(r)
	select {
	case <-release:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	d.updateFlow(r, func(f *Flow) { f.Steps[idx].State = prev })
	return nil
}

// update changes r under the lock and publishes it.
func (d *Desk) updateFlow(r *flowRec, fn func(f *Flow)) {
	s := &d.flows
	s.mu.Lock()
	fn(&r.f)
	s.mu.Unlock()
	d.publishFlow(r)
}

func (d *Desk) publishFlow(r *flowRec) {
	s := &d.flows
	s.mu.Lock()
	f := r.f.clone()
	s.mu.Unlock()
	// Each listener gets its own copy, so none can change what another sees.
	for _, fn := range s.listeners.snapshot() {
		fn(f.clone())
	}
}

// flowHold adds the request as a step and, with step-through on, waits for Next.
func (d *Desk) flowHold(ctx context.Context, r *flowRec, p pingone.Exchange) error {
	st := httpStep(p)
	st.At = d.now()
	s := &d.flows
	s.mu.Lock()
	hold := s.step
	var release chan struct{}
	if hold {
		st.State = FlowHeld
		if s.release == nil {
			s.release = make(chan struct{})
		}
		release = s.release
	} else {
		st.State = FlowRunning
	}
	if st.Name == "token" && r.f.CodeAt.IsZero() && len(r.f.Steps) > 0 {
		// In-app, the code came in the answer just before this request.
		r.f.CodeAt = r.f.Steps[len(r.f.Steps)-1].At.Add(r.f.Steps[len(r.f.Steps)-1].Duration)
	}
	r.f.Steps = append(r.f.Steps, st)
	idx := len(r.f.Steps) - 1
	s.mu.Unlock()
	d.publishFlow(r)
	if !hold {
		return nil
	}
	select {
	case <-release:
	case <-ctx.Done():
		err := context.Cause(ctx)
		d.updateFlow(r, func(f *Flow) {
			f.Steps[idx].State = FlowFailed
			f.Steps[idx].Reason = "Not sent: the attempt was cancelled while this request waited."
		})
		return err
	}
	d.updateFlow(r, func(f *Flow) {
		f.Steps[idx].State = FlowRunning
		f.Steps[idx].At = d.now()
	})
	return nil
}

// flowExchange completes the step of a finished exchange.
func (d *Desk) flowExchange(r *flowRec, x pingone.Exchange) {
	d.updateFlow(r, func(f *Flow) {
		for i := len(f.Steps) - 1; i >= 0; i-- {
			st := &f.Steps[i]
			if st.Exchange == nil || st.State != FlowRunning || st.Exchange.Method != x.Method || st.Exchange.URL != x.URL {
				continue
			}
			xc := x
			st.Exchange, st.Status, st.Duration = &xc, x.Status, x.Duration
			switch {
			case x.Err != "":
				st.State, st.Reason = FlowFailed, "No answer: "+x.Err+"."
			case x.Status >= 400:
				st.State, st.Reason = FlowFailed, httpReason(x)
			default:
				st.State = FlowOK
			}
			return
		}
	})
}

// httpReason is the plain reason for a refused request, as the screens explain it.
func httpReason(x pingone.Exchange) string {
	if err := pingone.DecodeError(x.Status, x.ResponseHeader, []byte(x.ResponseBody)); err != nil {
		return Explain(err).Title
	}
	return "PingOne answered HTTP " + strconv.Itoa(x.Status) + "."
}

// signInFlowEvent adds the steps a sign-in's events show that are not the desk's own
// requests: the PKCE values, opening the browser, the loopback redirect, the end.
func (d *Desk) signInFlowEvent(r *flowRec, ev SignInEvent) {
	switch ev.Kind {
	case SignInEventPKCE:
		if ev.PKCE != nil {
			d.updateFlow(r, func(f *Flow) { f.Challenge, r.verifier = ev.PKCE.Challenge, ev.PKCE.Verifier })
		}
		d.addFlowStep(r, flowNote(FlowStep{Name: "pkce", Label: "make code_verifier, code_challenge = S256(verifier), state, nonce",
			From: LaneDesk, To: LaneDesk, State: FlowOK}))
	case SignInEventAuthorizeURL:
		if ev.Mode != SignInBrowser {
			return
		}
		d.addFlowStep(r, flowNote(FlowStep{Name: "open-browser", Label: "open the authorize URL in the system browser",
			From: LaneDesk, To: LaneBrowser, State: FlowOK}))
		d.addFlowStep(r, flowNote(FlowStep{Name: "authorize", Label: "GET /as/authorize  code_challenge, state, nonce; then the sign-on page",
			From: LaneBrowser, To: LanePingOne, State: FlowRunning}))
	case SignInEventBrowserError:
		d.failRunning(r, "The browser did not open; copy the URL from the Sign in screen.")
	case SignInEventCallback:
		if ev.Status == http.StatusOK {
			return // the browser showing the listener's "you can close this tab" page
		}
		st := flowNote(FlowStep{Name: "callback", Label: "redirect to the loopback  code + state", From: LaneBrowser, To: LaneLoopback, Status: ev.Status})
		// The listener takes the code with a 303 to its done page (RFC 8252 §7.3 leaves
		// the answer to the app); anything else is a refusal.
		if ev.Status == http.StatusSeeOther {
			st.State = FlowOK
			d.updateFlow(r, func(f *Flow) {
				for i := range f.Steps {
					if f.Steps[i].Name == "authorize" && f.Steps[i].State == FlowRunning {
						f.Steps[i].State = FlowOK
						f.Steps[i].Duration = ev.Time.Sub(f.Steps[i].At)
					}
				}
				f.CodeAt = ev.Time
			})
		} else {
			st.State, st.Reason = FlowFailed, "Refused: "+ev.Message
		}
		st.At = ev.Time
		// The listener reports the redirect when it answers the browser, which a successful
		// one does after the code was redeemed; the redirect came first, so its step goes
		// before the token request.
		d.updateFlow(r, func(f *Flow) {
			at := len(f.Steps)
			for i := range f.Steps {
				if f.Steps[i].Name == "token" {
					at = i
					break
				}
			}
			f.Steps = slices.Insert(f.Steps, at, st)
		})
	case SignInEventFailed:
		reason := Explain(ev.Err).Title
		d.failRunning(r, reason)
		d.updateFlow(r, func(f *Flow) { f.Ended, f.Err = true, reason })
	}
}

func (d *Desk) addFlowStep(r *flowRec, st FlowStep) {
	if st.At.IsZero() {
		st.At = d.now()
	}
	d.updateFlow(r, func(f *Flow) { f.Steps = append(f.Steps, st) })
}

// failRunning marks the steps still under way as failed with reason.
func (d *Desk) failRunning(r *flowRec, reason string) {
	d.updateFlow(r, func(f *Flow) {
		for i := range f.Steps {
			if s := &f.Steps[i]; s.State == FlowRunning || s.State == FlowHeld {
				s.State, s.Reason = FlowFailed, reason
			}
		}
	})
}

// endFlow closes r: a failure names its plain reason on the flow and its open steps; a
// sign-in that succeeded gets its verification step and is kept for the side-by-side view.
func (d *Desk) endFlow(r *flowRec, err error) {
	if err != nil {
		reason := Explain(err).Title
		d.failRunning(r, reason)
		d.updateFlow(r, func(f *Flow) { f.Ended, f.Err = true, reason })
		d.recordFlow(r, err)
		return
	}
	if r.f.Kind == "sign-in" {
		d.flowVerified(r, nil)
	}
	s := &d.flows
	s.mu.Lock()
	r.f.Ended = true
	if r.f.Kind == "sign-in" || r.f.Kind == "password change" {
		if s.last == nil {
			s.last = map[string]Flow{}
		}
		s.last[r.f.ClientID+"\x00"+r.f.Mode.String()] = r.f.clone()
	}
	s.mu.Unlock()
	d.publishFlow(r)
	d.recordFlow(r, nil)
}

// httpStep turns a request about to be sent into a step with its label and note.
func httpStep(p pingone.Exchange) FlowStep {
	path := p.URL
	if u, err := url.Parse(p.URL); err == nil {
		path = u.Path
	}
	if i := strings.Index(path, "/as/"); i > 0 {
		path = path[i:]
	}
	if i := strings.Index(path, "/flows/"); i > 0 {
		path = "/flows/…"
	}
	xc := p
	st := FlowStep{Name: p.Step, From: LaneDesk, To: LanePingOne, Exchange: &xc, Label: p.Method + " " + path}
	if extra := stepParams[p.Step]; extra != "" {
		st.Label += "  " + extra
	}
	if p.Step == "flow" && strings.Contains(p.RequestHeader.Get("Content-Type"), "password.reset") {
		st.Name, st.Label = "password-change", p.Method+" "+path+"  current and new password"
	} else if p.Step == "flow" && p.Method != "GET" {
		st.Label = p.Method + " " + path + "  username + password"
	}
	return flowNote(st)
}

// stepParams names what a request carries that the audience should notice.
var stepParams = map[string]string{
	"authorize": "code_challenge, state, nonce, response_mode=pi.flow",
	"resume":    "→ authorizeResponse: code + state",
	"token":     "code, code_verifier, client_id in the body; no Authorization header",
	"refresh":   "grant_type=refresh_token, client_id",
	"userinfo":  "Authorization: Bearer access token",
	"signoff":   "id_token_hint, the session cookie",
	"revoke":    "token, client_id",
}

// flowWantsPassword keeps a sign-in's flow open while PingOne waits for a new password:
// the password change that follows is part of the same flow.
func (d *Desk) flowWantsPassword(r *flowRec, status string) {
	d.updateFlow(r, func(f *Flow) {
		f.Ended, f.Err = false, ""
		f.Steps = append(f.Steps, flowNote(FlowStep{Name: "password-change", From: LanePingOne, To: LaneDesk, State: FlowOK, At: d.now(),
			Label: "PingOne wants a new password (" + status + ") before it hands out a code"}))
	})
}

// flowVerified adds the ID-token check: a sign-in's verified token (SignIn fails
// otherwise), or a refreshed one, which may have failed (err).
func (d *Desk) flowVerified(r *flowRec, err error) {
	st := flowNote(FlowStep{Name: "verify", Label: "check the ID token: RS256 signature, iss, aud, exp, nonce",
		From: LaneDesk, To: LaneDesk, State: FlowOK})
	if r.f.Kind == "refresh" {
		st.Label = "check the new ID token: signature, iss, aud, exp; same sub as at sign-in"
	}
	if err != nil {
		st.State, st.Reason = FlowFailed, Explain(err).Title
	}
	d.addFlowStep(r, st)
}
