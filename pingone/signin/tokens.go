package signin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// Tokens is a token-endpoint response. String redacts every value, so a Tokens printed
// with %v by accident does not leak.
type Tokens struct {
	AccessToken  string
	TokenType    string
	RefreshToken string
	IDToken      string
	Scope        string
	Expiry       time.Time // zero when the server sent no expires_in
}

func (t Tokens) String() string {
	present := func(s string) string {
		if s == "" {
			return "none"
		}
		return "redacted"
	}
	return fmt.Sprintf("signin.Tokens{access:%s id:%s refresh:%s type:%s scope:%q}",
		present(t.AccessToken), present(t.IDToken), present(t.RefreshToken), t.TokenType, t.Scope)
}

// GoString redacts for %#v too.
func (t Tokens) GoString() string { return t.String() }

// Result is a completed sign-in: verified tokens, the ID-token checklist and the
// attempt's redacted HTTP exchanges.
type Result struct {
	Tokens    Tokens
	IDToken   *token.Report // every check passed
	Subject   string        // the ID token's sub
	Metadata  *Metadata
	Exchanges []pingone.Exchange

	flow *FlowSession // an in-app sign-in's PingOne session; nil after a browser sign-in
}

func (r *Result) String() string {
	return fmt.Sprintf("signin.Result{sub:%q tokens:%s}", r.Subject, r.Tokens)
}

// oauthConfig is the x/oauth2 view of the client. AuthStyleInParams is explicit because
// the default auto-detection first tries HTTP Basic and then re-sends the same code in
// the body (case ); a NONE client sends client_id in the body only.
func (c *Client) oauthConfig(m *Metadata) *oauth2.Config {
	return &oauth2.Config{
		ClientID:    c.cfg.ClientID,
		RedirectURL: c.cfg.RedirectURI,
		Scopes:      c.cfg.Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   m.AuthorizationEndpoint,
			TokenURL:  m.TokenEndpoint,
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// reservedAuthParams cannot be overridden through extra authorize parameters: they carry
// the attempt's protections.
var reservedAuthParams = map[string]bool{
	"response_type": true, "client_id": true, "redirect_uri": true, "scope": true, "state": true,
	"nonce": true, "code_challenge": true, "code_challenge_method": true, "response_mode": true,
}

func authOptions(s AttemptSecrets, extra url.Values) []oauth2.AuthCodeOption {
	opts := []oauth2.AuthCodeOption{
		oauth2.S256ChallengeOption(s.Verifier),
		oauth2.SetAuthURLParam("nonce", s.Nonce),
	}
	for k, vs := range extra {
		if reservedAuthParams[k] || len(vs) == 0 {
			continue
		}
		if k == "max_age" {
			// Only a max_age the token check understands is sent, so what is asked
			// for is also what is checked.
			if _, ok := requestedMaxAge(extra); !ok {
				continue
			}
		}
		opts = append(opts, oauth2.SetAuthURLParam(k, vs[0]))
	}
	return opts
}

// maxMaxAge caps max_age at ten years: beyond it the value means "any sign-in" anyway, and
// the cap keeps the duration arithmetic far from overflow.
const maxMaxAge = 10 * 365 * 24 * time.Hour

// requestedMaxAge returns the max_age authorize parameter (OIDC Core §3.1.2.1: seconds, a
// non-negative integer) and whether a valid one is present.
func requestedMaxAge(extra url.Values) (time.Duration, bool) {
	vs := extra["max_age"]
	if len(vs) == 0 || vs[0] == "" || len(vs[0]) > 10 {
		return 0, false
	}
	var secs int64
	for _, r := range vs[0] {
		if r < '0' || r > '9' {
			return 0, false
		}
		secs = secs*10 + int64(r-'0')
	}
	d := time.Duration(secs) * time.Second
	if d > maxMaxAge {
		return 0, false
	}
	return d, true
}

// AuthorizeURL builds the authorization request for one attempt (pingone-api.md §5.1).
func (c *Client) AuthorizeURL(m *Metadata, s AttemptSecrets, extra url.Values) string {
	return c.oauthConfig(m).AuthCodeURL(s.State, authOptions(s, extra)...)
}

// exchange redeems code exactly once and verifies the ID token. The code is never
// retried, whatever the failure (RFC 6749 §10.5, case B1/B12).
// extra is the attempt's additional authorize parameters: a max_age among them makes
// auth_time part of the ID-token checklist (OIDC Core §3.1.2.1).
func (c *Client) exchange(ctx context.Context, hc *http.Client, m *Metadata, code string, s AttemptSecrets, extra url.Values) (*Result, error) {
	octx := context.WithValue(pingone.WithStep(ctx, "token"), oauth2.HTTPClient, hc)
	tok, err := c.oauthConfig(m).Exchange(octx, code, oauth2.VerifierOption(s.Verifier))
	if err != nil {
		return nil, c.tokenError(ctx, "code exchange", err)
	}
	tokens, err := tokensFrom(tok)
	if err != nil {
		return nil, &TokenError{Op: "code exchange", Err: err}
	}
	if tokens.IDToken == "" {
		return nil, ErrMissingIDToken
	}
	maxAge, maxAgeSent := requestedMaxAge(extra)
	report, err := c.verifySignIn(ctx, hc, m, tokens.IDToken, token.Expect{
		Issuer:          m.Issuer,
		ClientID:        c.cfg.ClientID,
		Nonce:           s.Nonce,
		AccessToken:     tokens.AccessToken,
		MaxAgeRequested: maxAgeSent,
		MaxAge:          maxAge,
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		var de *DiscoveryError
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, &IDTokenRejectedError{Report: report, Err: err}
	}
	return &Result{Tokens: tokens, IDToken: report, Subject: subjectOf(report), Metadata: m}, nil
}

// verifySignIn verifies a sign-in's ID token with the Client's key set; a JWKS request,
// if one is needed, goes through hc and so is part of the attempt's exchanges.
//
// The cached key set saves the JWKS request of every later sign-in. It must not make a
// sign-in fail that a key set of its own would have passed: when the signature check
// fails and the cached set did not ask the issuer during this verification (its refetch
// limit held it back, or an earlier caller's fetch had failed), the set is dropped and
// the token verified once more with a fresh one, which fetches. Each sign-in thus still
// makes at most one JWKS request.
func (c *Client) verifySignIn(ctx context.Context, hc *http.Client, m *Metadata, raw string, exp token.Expect) (*token.Report, error) {
	ctx = keysVia(pingone.WithStep(ctx, "jwks"), hc)
	v, keys, err := c.sharedVerifier(m)
	if err != nil {
		return nil, err
	}
	fetches := keys.Fetches()
	report, err := v.VerifyIDToken(ctx, raw, exp)
	if err == nil || ctx.Err() != nil || !signatureFailed(report) || keys.Fetches() != fetches {
		return report, err
	}
	c.forgetVerifier(v)
	if v, _, err = c.sharedVerifier(m); err != nil {
		return nil, err
	}
	return v.VerifyIDToken(ctx, raw, exp)
}

func signatureFailed(r *token.Report) bool {
	if r == nil {
		return false
	}
	chk, ok := r.Check(token.CheckSignature)
	return ok && chk.Status == token.Failed
}

func subjectOf(r *token.Report) string {
	if r == nil || r.Token == nil {
		return ""
	}
	return r.Token.ClaimString("sub")
}

func tokensFrom(t *oauth2.Token) (Tokens, error) {
	// RFC 6749 §7.1: the type is case-insensitive; a DPoP or unknown type would need
	// handling this client does not have (case B10).
	if !strings.EqualFold(t.TokenType, "bearer") {
		return Tokens{}, fmt.Errorf("%w: token_type is not Bearer", ErrMalformedResponse)
	}
	out := Tokens{
		AccessToken:  t.AccessToken,
		TokenType:    "Bearer",
		RefreshToken: t.RefreshToken,
		Expiry:       t.Expiry,
	}
	if s, ok := t.Extra("id_token").(string); ok {
		out.IDToken = s
	}
	if s, ok := t.Extra("scope").(string); ok {
		out.Scope = s
	}
	return out, nil
}

// tokenError maps an x/oauth2 failure to a TokenError. RetrieveError.Body is never used
// as text: it can be a proxy page or echo request data (case B8); it is only
// decoded into a typed error.
func (c *Client) tokenError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return &TokenError{Op: op, Err: context.Cause(ctx)}
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status, header := 0, http.Header{}
		if re.Response != nil {
			status, header = re.Response.StatusCode, re.Response.Header
		}
		decoded := pingone.DecodeError(status, header, re.Body)
		var ue *pingone.UnexpectedResponseError
		if errors.As(decoded, &ue) && re.ErrorCode != "" {
			// Form-encoded or 200-with-error answers that DecodeError does not parse.
			retryAfter, _ := pingone.ParseRetryAfter(header, c.cfg.Now())
			decoded = &pingone.OAuthError{
				Status:      status,
				Code:        pingone.SanitizeText(re.ErrorCode, 64),
				Description: pingone.SanitizeText(re.ErrorDescription, 300),
				RetryAfter:  retryAfter,
			}
		}
		te := &TokenError{Op: op, Err: decoded}
		var oe *pingone.OAuthError
		var pe *pingone.Error
		switch {
		case errors.As(decoded, &oe):
			te.RetryAfter = oe.RetryAfter
		case errors.As(decoded, &pe):
			te.RetryAfter = pe.RetryAfter
		default:
			te.RetryAfter, _ = pingone.ParseRetryAfter(header, c.cfg.Now())
		}
		return te
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &TokenError{Op: op, Err: pingone.NewNetworkError("", ue.Err)}
	}
	// x/oauth2's remaining errors are parse failures ("cannot parse json", "server
	// response missing access_token"); their text can quote server data.
	if strings.Contains(err.Error(), "missing access_token") {
		return &TokenError{Op: op, Err: fmt.Errorf("%w: no access_token", ErrMalformedResponse)}
	}
	return &TokenError{Op: op, Err: ErrMalformedResponse}
}

// UserInfo calls the userinfo endpoint with accessToken and checks that the response is
// about idTokenSubject (OIDC Core §5.3.2: the sub MUST match, or the response is not to
// be used).
func (c *Client) UserInfo(ctx context.Context, accessToken, idTokenSubject string) (map[string]any, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return nil, err
	}
	if m.UserinfoEndpoint == "" {
		return nil, &DiscoveryError{Issuer: m.Issuer, Reason: "no userinfo_endpoint"}
	}
	req, err := http.NewRequestWithContext(pingone.WithStep(ctx, "userinfo"), http.MethodGet, m.UserinfoEndpoint, nil)
	if err != nil {
		return nil, &TokenError{Op: "userinfo", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	body, err := c.do(ctx, "userinfo", req)
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil || claims == nil {
		return nil, &TokenError{Op: "userinfo", Err: ErrMalformedResponse}
	}
	sub, _ := claims["sub"].(string)
	if sub == "" || idTokenSubject == "" || subtle.ConstantTimeCompare([]byte(sub), []byte(idTokenSubject)) != 1 {
		return nil, &SubjectMismatchError{}
	}
	return claims, nil
}

// SignOffURL builds the RP-initiated logout URL (pingone-api.md §5.5). The caller opens
// it in the browser; postLogoutRedirectURI must be registered with the app.
func (c *Client) SignOffURL(ctx context.Context, idToken, postLogoutRedirectURI, state string) (string, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return "", err
	}
	if m.EndSessionEndpoint == "" {
		return "", &DiscoveryError{Issuer: m.Issuer, Reason: "no end_session_endpoint"}
	}
	u, err := url.Parse(m.EndSessionEndpoint)
	if err != nil {
		return "", &DiscoveryError{Issuer: m.Issuer, Reason: "invalid end_session_endpoint"}
	}
	q := u.Query()
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	if postLogoutRedirectURI != "" {
		q.Set("post_logout_redirect_uri", postLogoutRedirectURI)
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Revoke revokes a token (RFC 7009). hint is "access_token", "refresh_token" or "".
func (c *Client) Revoke(ctx context.Context, tok, hint string) error {
	m, err := c.metadata(ctx)
	if err != nil {
		return err
	}
	if m.RevocationEndpoint == "" {
		return &DiscoveryError{Issuer: m.Issuer, Reason: "no revocation_endpoint"}
	}
	_, err = c.postForm(ctx, "revoke", m.RevocationEndpoint, tokenForm(c.cfg.ClientID, tok, hint))
	return err
}

// Introspect asks the server about a token (RFC 7662) and returns the response members
// (active, scope, exp, sub, ...).
func (c *Client) Introspect(ctx context.Context, tok, hint string) (map[string]any, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return nil, err
	}
	if m.IntrospectionEndpoint == "" {
		return nil, &DiscoveryError{Issuer: m.Issuer, Reason: "no introspection_endpoint"}
	}
	body, err := c.postForm(ctx, "introspect", m.IntrospectionEndpoint, tokenForm(c.cfg.ClientID, tok, hint))
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil || out == nil {
		return nil, &TokenError{Op: "introspect", Err: ErrMalformedResponse}
	}
	if _, ok := out["active"].(bool); !ok {
		return nil, &TokenError{Op: "introspect", Err: fmt.Errorf("%w: no active member", ErrMalformedResponse)}
	}
	return out, nil
}

func tokenForm(clientID, tok, hint string) url.Values {
	f := url.Values{"token": {tok}, "client_id": {clientID}}
	if hint != "" {
		f.Set("token_type_hint", hint)
	}
	return f
}

func (c *Client) postForm(ctx context.Context, op, endpoint string, form url.Values) ([]byte, error) {
	req, err := http.NewRequestWithContext(pingone.WithStep(ctx, op), http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &TokenError{Op: op, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return c.do(ctx, op, req)
}

// do sends req with the client-level HTTP client and returns the body of a 2xx answer.
func (c *Client) do(ctx context.Context, op string, req *http.Request) ([]byte, error) {
	resp, err := c.httpc.Do(req)
	if err != nil {
		return nil, &TokenError{Op: op, Err: transportError(ctx, err)}
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return nil, &TokenError{Op: op, Err: transportError(ctx, err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		decoded := pingone.DecodeError(resp.StatusCode, resp.Header, body)
		te := &TokenError{Op: op, Err: decoded}
		te.RetryAfter, _ = pingone.ParseRetryAfter(resp.Header, c.cfg.Now())
		return nil, te
	}
	return body, nil
}
