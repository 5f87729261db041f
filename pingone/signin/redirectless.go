package signin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"

	"golang.org/x/net/publicsuffix"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// Flow API media types (pingone-api.md §5.2): the action is chosen by Content-Type.
const (
	mediaUsernamePassword = "application/vnd.pingidentity.usernamePassword.check+json"
	mediaPasswordReset    = "application/vnd.pingidentity.password.reset+json"
)

// PingOne flow statuses this engine acts on; every other status needs the browser.
const (
	StatusUsernamePasswordRequired = "USERNAME_PASSWORD_REQUIRED"
	StatusPasswordExpired          = "PASSWORD_EXPIRED"
	StatusMustChangePassword       = "MUST_CHANGE_PASSWORD"
	StatusCompleted                = "COMPLETED"
	StatusFailed                   = "FAILED"
)

// RedirectlessOptions configure a pi.flow sign-in.
type RedirectlessOptions struct {
	// OnEvent receives the attempt's events.
	OnEvent func(Event)
	// AuthParams adds optional authorize parameters, as in BrowserOptions.
	AuthParams url.Values
}

// RedirectlessFlow is one sign-in through PingOne's flow API (response_mode=pi.flow).
// The app handles the password itself here, which RFC 9700 §2.4 discourages; it exists
// for testing sign-on policies and falls back to the browser for anything beyond a
// password (case G2). Passwords are only held for the duration of a call.
type RedirectlessFlow struct {
	c    *Client
	a    *attempt
	m    *Metadata
	s    AttemptSecrets
	jar  http.CookieJar // the attempt's cookies: PingOne's ST session cookie ends up here
	auth url.Values     // the extra authorize parameters; max_age is checked at the exchange
	mu   sync.Mutex     // one flow call at a time
	cur  flowObject
	done bool
}

// flowObject is the part of a PingOne flow response this engine reads.
type flowObject struct {
	ID        string                     `json:"id"`
	Status    string                     `json:"status"`
	ResumeURL string                     `json:"resumeUrl"`
	Links     map[string]json.RawMessage `json:"_links"`
	Authorize *struct {
		Code             string `json:"code"`
		State            string `json:"state"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	} `json:"authorizeResponse"`
}

// link returns the href of a _links entry.
func (f *flowObject) link(name string) string {
	raw, ok := f.Links[name]
	if !ok {
		return ""
	}
	var l struct {
		Href string `json:"href"`
	}
	if json.Unmarshal(raw, &l) != nil {
		return ""
	}
	return l.Href
}

// StartRedirectless begins a pi.flow sign-in: discovery, then the authorize request,
// which PingOne answers with a flow object instead of a redirect. The returned flow is
// waiting for SubmitPassword. Call Close when abandoning it.
func (c *Client) StartRedirectless(ctx context.Context, opts RedirectlessOptions) (*RedirectlessFlow, error) {
	// One cookie jar per attempt: the ST session cookie of one flow must never be
	// replayed into another (case G7).
	jar, err := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	if err != nil {
		return nil, err
	}
	a := c.newAttempt("redirectless", opts.OnEvent, jar)
	f := &RedirectlessFlow{c: c, a: a, jar: jar}
	a.emit(Event{Kind: EventStarted, Step: "discovery", Message: "reading the issuer's configuration"})
	if err := f.start(ctx, opts); err != nil {
		f.finish(nil, causeOf(ctx, err))
		return nil, causeOf(ctx, err)
	}
	return f, nil
}

func (f *RedirectlessFlow) start(ctx context.Context, opts RedirectlessOptions) error {
	m, err := f.c.discoverWith(ctx, f.a.http)
	if err != nil {
		return err
	}
	if _, _, err = f.c.sharedVerifier(m); err != nil { // an unusable jwks_uri fails now
		return err
	}
	if f.s, err = NewAttemptSecrets(); err != nil {
		return err
	}
	pkce := f.s
	f.a.emit(Event{Kind: EventPKCE, Step: "pkce", PKCE: &pkce, Message: "fresh PKCE verifier, state and nonce for this attempt"})
	f.m = m
	f.auth = opts.AuthParams

	// The authorize request as a form POST, as in Ping's NONE workflow (seed). The
	// redirect_uri is sent although pi.flow does not redirect: it must be registered and
	// is repeated at the token endpoint (pingone-api.md §5.2).
	authURL, err := url.Parse(f.c.AuthorizeURL(m, f.s, opts.AuthParams))
	if err != nil {
		return err
	}
	form := authURL.Query()
	form.Set("response_mode", "pi.flow")
	authURL.RawQuery = ""
	obj, err := f.call(ctx, "authorize", http.MethodPost, authURL.String(), "application/x-www-form-urlencoded", []byte(form.Encode()))
	if err != nil {
		return err
	}
	f.cur = obj
	switch obj.Status {
	case StatusUsernamePasswordRequired, "PASSWORD_REQUIRED", "SIGN_ON_REQUIRED":
		f.a.emit(Event{Kind: EventWaiting, Step: "flow", Message: "PingOne asks for username and password"})
		return nil
	case StatusCompleted:
		// A fresh jar has no session, so this should not happen; a usable code is fine.
		return nil
	}
	return f.statusError(obj.Status)
}

// Status is the flow's current PingOne status.
func (f *RedirectlessFlow) Status() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cur.Status
}

// SubmitPassword sends the credentials (usernamePassword.check). On COMPLETED it takes the
// code and returns verified tokens. PASSWORD_EXPIRED and MUST_CHANGE_PASSWORD return a
// *PasswordChangeRequired error and leave the flow open for ChangePassword. A wrong
// password returns *InvalidCredentialsError and leaves the flow open for another try.
func (f *RedirectlessFlow) SubmitPassword(ctx context.Context, username, password string) (*Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return nil, errors.New("signin: this sign-in has already ended")
	}
	if f.cur.Status == StatusCompleted {
		return f.complete(ctx)
	}
	obj, err := f.checkCredentials(ctx, username, password)
	if err != nil {
		return nil, f.failUnlessRetryable(ctx, err)
	}
	return f.advance(ctx, obj)
}

// checkCredentials posts username and password to the flow's usernamePassword.check
// action and returns the flow's next state. f.mu must be held. A flow without that
// action, or credentials that cannot be encoded, end the flow here; PingOne's answer is
// the caller's to judge (a wrong password may leave the flow open for another try).
func (f *RedirectlessFlow) checkCredentials(ctx context.Context, username, password string) (flowObject, error) {
	href := f.cur.link("usernamePassword.check")
	if href == "" {
		return flowObject{}, f.fail(ctx, f.statusError(f.cur.Status))
	}
	body, err := json.Marshal(struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}{username, password})
	if err != nil {
		return flowObject{}, f.fail(ctx, err)
	}
	obj, err := f.follow(ctx, "flow", "usernamePassword.check", href, mediaUsernamePassword, body)
	clear(body) // best effort: the marshalled password does not outlive the call
	return obj, err
}

// ChangePassword answers PASSWORD_EXPIRED / MUST_CHANGE_PASSWORD (password.reset) and
// continues the flow.
func (f *RedirectlessFlow) ChangePassword(ctx context.Context, current, newPassword string) (*Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return nil, errors.New("signin: this sign-in has already ended")
	}
	href := f.cur.link("password.reset")
	if href == "" {
		// Some responses only carry self; the action is chosen by media type anyway.
		href = f.cur.link("self")
	}
	if href == "" {
		return nil, f.fail(ctx, f.statusError(f.cur.Status))
	}
	body, err := json.Marshal(struct {
		CurrentPassword string `json:"currentPassword"`
		NewPassword     string `json:"newPassword"`
	}{current, newPassword})
	if err != nil {
		return nil, f.fail(ctx, err)
	}
	obj, err := f.follow(ctx, "flow", "password.reset", href, mediaPasswordReset, body)
	clear(body)
	if err != nil {
		return nil, f.failUnlessRetryable(ctx, err)
	}
	return f.advance(ctx, obj)
}

// Close abandons the flow and releases its connections. Safe to call more than once and
// after the flow ended.
func (f *RedirectlessFlow) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finish(nil, context.Canceled)
}

// advance acts on the flow's new status.
func (f *RedirectlessFlow) advance(ctx context.Context, obj flowObject) (*Result, error) {
	f.cur = obj
	switch obj.Status {
	case StatusCompleted:
		return f.complete(ctx)
	case StatusPasswordExpired, StatusMustChangePassword:
		f.a.emit(Event{Kind: EventWaiting, Step: "flow", Message: "PingOne asks for a new password (" + obj.Status + ")"})
		return nil, &PasswordChangeRequired{Status: obj.Status, Flow: f}
	case StatusUsernamePasswordRequired:
		return nil, &InvalidCredentialsError{Message: "PingOne asks for the credentials again"}
	case StatusFailed:
		return nil, f.fail(ctx, f.failedFlowError(ctx))
	}
	return nil, f.fail(ctx, f.statusError(obj.Status))
}

// complete gets the code — from authorizeResponse if the flow already has it, otherwise
// from resumeUrl (JSON, or a 302 whose Location carries it) — and redeems it.
func (f *RedirectlessFlow) complete(ctx context.Context) (*Result, error) {
	code, err := f.code(ctx)
	if err != nil {
		return nil, f.fail(ctx, err)
	}
	res, err := f.c.exchange(ctx, f.a.http, f.m, code, f.s, f.auth)
	if err != nil {
		return nil, f.fail(ctx, err)
	}
	res.Exchanges = f.a.exchanges()
	// The jar outlives the attempt with the session: it is what signs PingOne's session
	// off again (FlowSession.SignOff).
	res.flow = &FlowSession{c: f.c, jar: f.jar}
	f.finish(res, nil)
	return res, nil
}

func (f *RedirectlessFlow) code(ctx context.Context) (string, error) {
	if ar := f.cur.Authorize; ar != nil && (ar.Code != "" || ar.Error != "") {
		return f.codeFrom(ar.Code, ar.State, ar.Error, ar.ErrorDescription)
	}
	if f.cur.ResumeURL == "" {
		return "", fmt.Errorf("%w: completed flow without resumeUrl", ErrMalformedResponse)
	}
	if err := f.checkLink("resumeUrl", f.cur.ResumeURL); err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(pingone.WithStep(ctx, "resume"), http.MethodGet, f.cur.ResumeURL, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.a.http.Do(req)
	if err != nil {
		return "", transportError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return "", transportError(ctx, err)
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		// Redirect-mode behaviour: the code is on the Location, which points at our
		// redirect URI. It is read, never followed.
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			return "", fmt.Errorf("%w: unreadable Location", ErrMalformedResponse)
		}
		q := loc.Query()
		return f.codeFrom(q.Get("code"), q.Get("state"), q.Get("error"), q.Get("error_description"))
	case resp.StatusCode == http.StatusOK:
		var obj flowObject
		if err := json.Unmarshal(body, &obj); err != nil || obj.Authorize == nil {
			return "", fmt.Errorf("%w: resume answer without authorizeResponse", ErrMalformedResponse)
		}
		ar := obj.Authorize
		return f.codeFrom(ar.Code, ar.State, ar.Error, ar.ErrorDescription)
	}
	return "", f.flowError(resp.StatusCode, resp.Header, body)
}

// codeFrom checks the authorization response parameters like the loopback receiver does:
// state first, then error, then code.
func (f *RedirectlessFlow) codeFrom(code, state, errCode, errDesc string) (string, error) {
	// PingOne echoes state; a different one means the code belongs to another request.
	if state != "" && subtle.ConstantTimeCompare([]byte(state), []byte(f.s.State)) != 1 {
		return "", errors.New("signin: the authorization response belongs to another sign-in (state mismatch)")
	}
	if errCode != "" {
		return "", &AuthorizationError{Code: cleanCode(errCode), Description: cleanText(errDesc, 300)}
	}
	if code == "" {
		return "", ErrMalformedCallback
	}
	return code, nil
}

// failedFlowError follows resumeUrl of a FAILED flow, where PingOne reports the OAuth
// error (pingone-api.md §5.2).
func (f *RedirectlessFlow) failedFlowError(ctx context.Context) error {
	if f.cur.ResumeURL == "" {
		return &AuthorizationError{Code: "server_error", Description: "the sign-in flow failed"}
	}
	_, err := f.code(ctx)
	if err == nil {
		return &AuthorizationError{Code: "server_error", Description: "the sign-in flow failed"}
	}
	return err
}

func (f *RedirectlessFlow) statusError(status string) error {
	return &BrowserRequiredError{Status: cleanText(status, 64)}
}

// failUnlessRetryable ends the flow unless the error leaves it usable: a wrong password
// or a refused new password can be corrected on the same flow.
func (f *RedirectlessFlow) failUnlessRetryable(ctx context.Context, err error) error {
	var ic *InvalidCredentialsError
	var pr *PasswordRejectedError
	if errors.As(err, &ic) || errors.As(err, &pr) {
		return err
	}
	return f.fail(ctx, err)
}

func (f *RedirectlessFlow) fail(ctx context.Context, err error) error {
	err = causeOf(ctx, err)
	f.finish(nil, err)
	return err
}

func (f *RedirectlessFlow) finish(res *Result, err error) {
	if f.done {
		return
	}
	f.done = true
	f.a.end(res, err)
}

// PasswordChangeRequired is returned when PingOne wants a new password before it
// completes the sign-in (status PASSWORD_EXPIRED or MUST_CHANGE_PASSWORD). The flow
// stays open; answer with ChangePassword or Close it.
type PasswordChangeRequired struct {
	Status string
	Flow   *RedirectlessFlow
}

func (e *PasswordChangeRequired) Error() string {
	if e.Status == StatusPasswordExpired {
		return "signin: the password has expired and must be changed"
	}
	return "signin: the password must be changed before signing in"
}

// ChangePassword continues the flow with a new password.
func (e *PasswordChangeRequired) ChangePassword(ctx context.Context, current, newPassword string) (*Result, error) {
	return e.Flow.ChangePassword(ctx, current, newPassword)
}

// SignInWithPassword is StartRedirectless followed by SubmitPassword. The flow is closed
// when the call returns, except after *PasswordChangeRequired, whose Flow stays open.
func (c *Client) SignInWithPassword(ctx context.Context, username, password string, opts RedirectlessOptions) (*Result, error) {
	f, err := c.StartRedirectless(ctx, opts)
	if err != nil {
		return nil, err
	}
	res, err := f.SubmitPassword(ctx, username, password)
	var pcr *PasswordChangeRequired
	if err != nil && !errors.As(err, &pcr) {
		f.Close()
	}
	return res, err
}
