package app

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// SignInMode picks how the user signs in.
type SignInMode int

// Sign-in modes.
const (
	// SignInBrowser uses the system browser and the loopback redirect (RFC 8252).
	SignInBrowser SignInMode = iota
	// SignInInApp uses PingOne's redirectless pi.flow API with a username and password
	// typed into the app (for testing sign-on policies; RFC 9700 §2.4 discourages it).
	SignInInApp
)

func (m SignInMode) String() string {
	if m == SignInInApp {
		return "in-app"
	}
	return "browser"
}

// SignInRequest describes one sign-in.
type SignInRequest struct {
	Mode     SignInMode
	ClientID string // the native app's ID
	// Scopes to request; openid is always added (it is what makes this OpenID Connect).
	Scopes []string
	// PromptLogin asks PingOne to show the sign-on page even with a live session
	// (prompt=login).
	PromptLogin bool
	// Username and Password are used by SignInInApp only. They are passed on for the
	// duration of the call and never kept.
	Username, Password string
}

// String hides the password from %v.
func (r SignInRequest) String() string {
	return "SignInRequest{" + r.Mode.String() + ", client " + r.ClientID + ", user " + r.Username + ", password " + pingone.Redacted + "}"
}

// GoString hides the password from %#v.
func (r SignInRequest) GoString() string { return r.String() }

// Session is the current signed-in state: the tokens and the ID-token checklist.
type Session struct {
	ProfileID string
	ClientID  string
	Issuer    string
	Mode      SignInMode
	Scopes    []string
	Tokens    signin.Tokens // String() redacts every value
	// IDToken is the checklist of Tokens.IDToken. Every check passed, unless IDTokenErr
	// is set.
	IDToken *token.Report
	// IDTokenErr is set when a refresh returned an ID token that failed verification
	// (a *signin.IDTokenRejectedError; IDToken lists the failed checks). The refreshed
	// tokens were kept all the same, because PingOne had already replaced the refresh
	// token; Subject is still the one the sign-in verified.
	IDTokenErr error
	Subject    string
	SignedInAt time.Time

	// identity is the sign-in's verified ID token. Every refreshed ID token is compared
	// with it (OIDC Core §12.2), never with a refreshed one that may not have verified.
	identity *token.Decoded
	// userInfo is the last userinfo answer for this session, already checked to be about
	// Subject; DisplayName falls back on it.
	userInfo map[string]any
	// signIn numbers the sign-in that made this session; a refresh or userinfo keeps it,
	// so "is this still the same session" does not depend on the pointer.
	signIn uint64
	// flow is PingOne's own session of an in-app sign-in (its ST cookie), which SignOut
	// ends itself; nil after a browser sign-in, whose session cookie is the browser's.
	flow *signin.FlowSession
}

// SignsOffInApp reports whether SignOut ends PingOne's session from the app: an in-app
// sign-in holds PingOne's session cookie itself, so SignOut sends the sign-off request
// and returns no URL. After a browser sign-in the cookie is in the browser, and SignOut
// returns the sign-off URL to open there.
func (s *Session) SignsOffInApp() bool { return s != nil && s.flow != nil }

func (s *Session) String() string {
	return "Session{" + s.Mode.String() + ", client " + s.ClientID + ", sub " + s.Subject + ", tokens " + pingone.Redacted + "}"
}

// ErrNoSession: the call needs a signed-in session and there is none.
var ErrNoSession = errors.New("app: nobody is signed in")

// ErrNoRefreshToken: the session has no refresh token (the app lacks the REFRESH_TOKEN
// grant type, or offline_access was granted but not requested).
var ErrNoRefreshToken = errors.New("app: the session has no refresh token")

// ErrNoPasswordChange: ChangePassword was called without a pending password change.
var ErrNoPasswordChange = errors.New("app: no sign-in is waiting for a new password")

type signinState struct {
	runner signin.Runner

	mu      sync.Mutex
	gen     uint64 // bumped by every start, so a superseded attempt never lands late
	session *Session
	client  *signin.Client // the session's client, for refresh/userinfo/sign-out
	// reuse is the last sign-in's client, kept for the next sign-in with the same
	// issuer, application, redirect and scopes (reuseKey).
	reuse    *signin.Client
	reuseKey string
	pending  *pendingChange
	keys     map[string]*token.KeySet // by jwks_uri, for pasted tokens
	seq      uint64                   // numbers session changes (SessionEvent.Seq)

	listeners sessionListeners
}

type pendingChange struct {
	gen    uint64
	req    *signin.PasswordChangeRequired
	client *signin.Client
	meta   sessionMeta
	flow   *flowRec // the sign-in's flow, which the password change continues
}

type sessionMeta struct {
	profileID, clientID, issuer string
	mode                        SignInMode
	scopes                      []string
}

// SignIn runs one sign-in and blocks until it ends; cancel ctx or call CancelSignIn to
// abort it. Only one sign-in runs at a time: starting another cancels this one, which
// then returns an error matching signin.ErrSuperseded. onEvent (optional) receives the
// progress events on the sign-in's goroutines; views wrap their handling in fyne.Do.
//
// On success the session becomes the current session. An error for which PasswordChange
// reports ok means PingOne wants a new password: call ChangePassword.
func (d *Desk) SignIn(ctx context.Context, req SignInRequest, onEvent func(SignInEvent)) (*Session, error) {
	if pingone.ValidateID(req.ClientID) != nil {
		return nil, &ValidationError{Fields: map[string]string{"clientID": "Pick an application; its client ID looks like 4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c."}}
	}
	if req.Mode == SignInInApp && (req.Username == "" || req.Password == "") {
		return nil, &ValidationError{Fields: map[string]string{"username": "Enter the username and password."}}
	}
	if req.Mode == SignInBrowser && d.opts.OpenBrowser == nil {
		return nil, errors.New("app: no way to open the browser was configured")
	}
	if req.Mode == SignInBrowser {
		// Refuse before the browser opens a sign-in whose redirect could never come back.
		if err := d.checkBrowserRedirect(ctx, req.ClientID); err != nil {
			return nil, err
		}
	}
	p, ep, err := d.target()
	if err != nil {
		return nil, err
	}
	meta := sessionMeta{
		profileID: p.ID, clientID: req.ClientID, issuer: p.SignInIssuer(ep),
		mode: req.Mode, scopes: withOpenID(req.Scopes),
	}
	client, err := d.signInClient(meta)
	if err != nil {
		return nil, err
	}
	params := url.Values{}
	if req.PromptLogin {
		params.Set("prompt", "login")
	}

	s := &d.signin
	s.mu.Lock()
	s.gen++
	gen := s.gen
	d.closePendingLocked()
	s.mu.Unlock()

	username, password := req.Username, req.Password
	ctx, rec := d.beginFlow(ctx, "sign-in", req.Mode, req.ClientID, meta.issuer)
	rec.scopes = meta.scopes
	events := signInEvents(func(ev SignInEvent) {
		d.signInFlowEvent(rec, ev)
		if onEvent != nil {
			onEvent(ev)
		}
	})
	run := s.runner.Start(ctx, func(ctx context.Context) (*signin.Result, error) {
		if req.Mode == SignInInApp {
			return client.SignInWithPassword(ctx, username, password, signin.RedirectlessOptions{OnEvent: events, AuthParams: params})
		}
		return d.browserSignIn(ctx, client, signin.BrowserOptions{OnEvent: events, AuthParams: params})
	})
	res, err := run.Wait(ctx)
	if err != nil {
		run.Cancel() // ctx ended: make sure the attempt is gone before returning
		var pcr *signin.PasswordChangeRequired
		if errors.As(err, &pcr) {
			s.mu.Lock()
			if s.gen == gen {
				s.pending = &pendingChange{gen: gen, req: pcr, client: client, meta: meta, flow: rec}
				s.mu.Unlock()
				d.flowWantsPassword(rec, pcr.Status)
				return nil, err
			}
			s.mu.Unlock()
			pcr.Flow.Close()
		}
		client.Close()
		d.endFlow(rec, err)
		return nil, err
	}
	sess, err := d.keepSession(gen, client, meta, res)
	if sess != nil && sess.IDToken != nil {
		rec.checks = sess.IDToken.Checks
	}
	d.endFlow(rec, err)
	return sess, err
}

// signInClient returns the sign-in client for meta's issuer, application and scopes: the
// one the previous sign-in used when they are the same, so its key set (one per issuer,
// fetched once and refetched by its own rules) and its connections serve every attempt,
// and a new one otherwise. Client.Close only drops idle connections, so a kept client stays
// usable whatever happened to the session it served.
func (d *Desk) signInClient(meta sessionMeta) (*signin.Client, error) {
	key := strings.Join(append([]string{meta.issuer, meta.clientID, d.redirectURI}, meta.scopes...), "\x00")
	s := &d.signin
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reuse != nil && s.reuseKey == key {
		return s.reuse, nil
	}
	client, err := signin.NewClient(signin.Config{
		Issuer:      meta.issuer,
		ClientID:    meta.clientID,
		RedirectURI: d.redirectURI,
		Scopes:      meta.scopes,
		HTTPTimeout: d.opts.HTTPTimeout,
		Transport:   d.opts.Transport,
		Transcript:  d.transcript,
		Now:         d.now,
	})
	if err != nil {
		return nil, err
	}
	if s.reuse != nil && s.reuse != s.client {
		s.reuse.Close()
	}
	s.reuse, s.reuseKey = client, key
	return client, nil
}

// keepSession makes res the current session unless a newer sign-in started meanwhile.
func (d *Desk) keepSession(gen uint64, client *signin.Client, meta sessionMeta, res *signin.Result) (*Session, error) {
	sess := &Session{
		ProfileID: meta.profileID, ClientID: meta.clientID, Issuer: meta.issuer, Mode: meta.mode,
		Scopes: meta.scopes, Tokens: res.Tokens, IDToken: res.IDToken, Subject: res.Subject,
		SignedInAt: d.now(),
	}
	if res.IDToken != nil {
		sess.identity = res.IDToken.Token
	}
	sess.flow = res.FlowSession()
	s := &d.signin
	s.mu.Lock()
	if s.gen != gen {
		s.mu.Unlock()
		client.Close()
		return nil, signin.ErrSuperseded
	}
	old, ended := s.client, s.session
	sess.signIn = gen
	s.session, s.client = sess, client
	seq := d.nextSeqLocked()
	s.mu.Unlock()
	if old != nil && old != client {
		old.Close()
	}
	d.publish(SessionEvent{Seq: seq, Kind: SessionSignedIn, Session: sess, Ended: ended, At: sess.SignedInAt})
	return sess, nil
}

// ChangePassword answers a pending PASSWORD_EXPIRED / MUST_CHANGE_PASSWORD and completes
// the sign-in. A *PasswordRejectedError leaves the change pending for another try.
func (d *Desk) ChangePassword(ctx context.Context, current, newPassword string) (_ *Session, err error) {
	s := &d.signin
	s.mu.Lock()
	p := s.pending
	s.mu.Unlock()
	if p == nil {
		return nil, ErrNoPasswordChange
	}
	res, err := p.req.ChangePassword(d.flowContext(ctx, p.flow), current, newPassword)
	if err != nil {
		var rejected *signin.PasswordRejectedError
		if !errors.As(err, &rejected) {
			d.clearPending(p)
			d.endFlow(p.flow, err)
		}
		return nil, err
	}
	defer func() { d.endFlow(p.flow, err) }()
	s.mu.Lock()
	if s.pending == p {
		s.pending = nil
	}
	s.mu.Unlock()
	return d.keepSession(p.gen, p.client, p.meta, res)
}

func (d *Desk) clearPending(p *pendingChange) {
	s := &d.signin
	s.mu.Lock()
	if s.pending == p {
		s.pending = nil
	}
	s.mu.Unlock()
	p.req.Flow.Close()
	p.client.Close()
}

// closePendingLocked abandons a pending password change; s.mu is held.
func (d *Desk) closePendingLocked() {
	if p := d.signin.pending; p != nil {
		d.signin.pending = nil
		p.req.Flow.Close()
		p.client.Close()
	}
}

// CancelSignIn aborts the running sign-in (its listener is closed before this returns)
// and any pending password change.
func (d *Desk) CancelSignIn() {
	s := &d.signin
	s.mu.Lock()
	s.gen++
	d.closePendingLocked()
	s.mu.Unlock()
	s.runner.Cancel()
}

// CurrentSession returns the signed-in session, or nil.
func (d *Desk) CurrentSession() *Session {
	s := &d.signin
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.session
}

// dropSession forgets the session without revoking anything (another connection became
// active, or the Desk closes). Listeners hear of it, except when the Desk is closing.
func (d *Desk) dropSession() {
	d.mu.Lock()
	closing := d.closed
	d.mu.Unlock()
	s := &d.signin
	s.mu.Lock()
	client, ended := s.client, s.session
	s.session, s.client = nil, nil
	d.closePendingLocked()
	var seq uint64
	if ended != nil {
		seq = d.nextSeqLocked()
	}
	s.mu.Unlock()
	if client != nil {
		client.Close()
	}
	if ended != nil && !closing {
		d.publish(SessionEvent{Seq: seq, Kind: SessionDropped, Ended: ended})
	}
}

func withOpenID(scopes []string) []string {
	out := []string{"openid"}
	for _, s := range scopes {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
