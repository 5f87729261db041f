package signin

import (
	"context"
	"net/http"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// FlowSession is PingOne's own session of an in-app (pi.flow) sign-in: the cookie jar of
// the attempt, which holds the ST session cookie PingOne set during the flow. No browser
// ever saw that cookie, so opening the sign-off page in the browser would not end this
// session; SignOff ends it from here. String and GoString never show the cookie.
type FlowSession struct {
	c   *Client
	jar http.CookieJar
}

// FlowSession returns the PingOne session of an in-app sign-in, or nil after a browser
// sign-in, whose session cookie lives in the browser.
func (r *Result) FlowSession() *FlowSession {
	if r == nil {
		return nil
	}
	return r.flow
}

func (s *FlowSession) String() string { return "signin.FlowSession{redacted}" }

// GoString redacts for %#v too.
func (s *FlowSession) GoString() string { return s.String() }

// SignOff ends the PingOne session: a GET of the end_session_endpoint with the ID token as
// id_token_hint (OpenID Connect RP-Initiated Logout 1.0 §2; PingOne's "GET Signoff"), sent
// with the session cookie. No post_logout_redirect_uri is sent and a redirect in the answer
// is read, never followed: there is no browser to send anywhere. The exchange is recorded
// in the Client's transcript with the hint and the cookie value redacted (step "signoff").
//
// A 2xx or 3xx answer means PingOne took the request; anything else is a *TokenError
// with Op "signoff".
func (s *FlowSession) SignOff(ctx context.Context, idToken string) error {
	signOffURL, err := s.c.SignOffURL(ctx, idToken, "", "")
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(pingone.WithStep(ctx, "signoff"), http.MethodGet, signOffURL, nil)
	if err != nil {
		return &TokenError{Op: "signoff", Err: err}
	}
	req.Header.Set("Accept", "text/html, application/json")
	resp, err := s.c.newHTTPClient(nil, s.jar, nil).Do(req)
	if err != nil {
		return &TokenError{Op: "signoff", Err: transportError(ctx, err)}
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return &TokenError{Op: "signoff", Err: transportError(ctx, err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 399 {
		te := &TokenError{Op: "signoff", Err: pingone.DecodeError(resp.StatusCode, resp.Header, body)}
		te.RetryAfter, _ = pingone.ParseRetryAfter(resp.Header, s.c.cfg.Now())
		return te
	}
	return nil
}
