package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// httpClient is the lab's own client for the tampered requests: bounded, never
// following redirects (a redirect is part of what a case inspects), and recorded per
// case through pingone.RecordTo. One per run, so connections are reused.
func (r *runner) httpClient() *http.Client {
	if r.hc == nil {
		r.hc = pingone.NewHTTPClient(pingone.HTTPOptions{Transport: r.t.Transport})
	}
	return r.hc
}

// signinClient is a sign-in client for app, for real codes and tokens. Close it.
func (r *runner) signinClient(app *labApp) (*signin.Client, error) {
	return signin.NewClient(signin.Config{
		Issuer: r.t.Issuer, ClientID: app.ClientID, RedirectURI: app.RedirectURI,
		Scopes: []string{"openid"}, Transport: r.t.Transport, Now: r.t.Now,
	})
}

// realCode signs the demo user in through the flow API and stops at the code.
func (r *runner) realCode(ctx context.Context, sc *signin.Client) (*signin.CodeGrant, error) {
	return sc.AuthorizationCode(pingone.WithStep(ctx, "sign-in"), r.t.Username, r.t.Password, signin.RedirectlessOptions{})
}

// tokenRequest is one authorization-code token request, possibly tampered with.
type tokenRequest struct {
	clientID    string
	redirectURI string
	code        string
	verifier    string // "" sends none
}

// tokenAnswer is the token endpoint's answer: tokens, or the refusal in Actual.
type tokenAnswer struct {
	token  *oauth2.Token // nil when refused
	actual Actual
}

func (a tokenAnswer) accepted() bool { return a.token != nil }

// oauthConfig is the x/oauth2 view of a public client: client_id in the body, no
// Authorization header (PingOne's NONE method), as pingone/signin sends it.
func oauthConfig(m *signin.Metadata, clientID, redirectURI string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: clientID, RedirectURL: redirectURI, Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: m.AuthorizationEndpoint, TokenURL: m.TokenEndpoint, AuthStyle: oauth2.AuthStyleInParams},
	}
}

// redeem sends the token request with x/oauth2 (the library the sign-in uses). The
// error is only for an answer that never came.
func (r *runner) redeem(ctx context.Context, m *signin.Metadata, q tokenRequest) (tokenAnswer, error) {
	var opts []oauth2.AuthCodeOption
	if q.verifier != "" {
		opts = append(opts, oauth2.VerifierOption(q.verifier))
	}
	octx := context.WithValue(pingone.WithStep(ctx, "token"), oauth2.HTTPClient, r.httpClient())
	tok, err := oauthConfig(m, q.clientID, q.redirectURI).Exchange(octx, q.code, opts...)
	return answerOf(tok, err)
}

// refresh sends a refresh-token grant for a public client.
func (r *runner) refresh(ctx context.Context, m *signin.Metadata, app *labApp, refreshToken string) (tokenAnswer, error) {
	octx := context.WithValue(pingone.WithStep(ctx, "refresh"), oauth2.HTTPClient, r.httpClient())
	tok, err := oauthConfig(m, app.ClientID, app.RedirectURI).TokenSource(octx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	return answerOf(tok, err)
}

func answerOf(tok *oauth2.Token, err error) (tokenAnswer, error) {
	if err == nil {
		return tokenAnswer{token: tok, actual: Actual{Status: http.StatusOK, Summary: "HTTP 200: tokens were issued"}}, nil
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return tokenAnswer{}, pingone.NewNetworkError("", ue.Err)
		}
		// x/oauth2's other errors are parse failures whose text can quote the body.
		return tokenAnswer{}, errors.New("the token endpoint's answer could not be read")
	}
	return tokenAnswer{actual: actualOf(re.Response.StatusCode, re.Response.Header, re.Body)}, nil
}

// actualOf turns an error response into Actual through pingone.DecodeError, which
// keeps only PingOne's own error shapes and sanitises their text.
func actualOf(status int, header http.Header, body []byte) Actual {
	a := Actual{Status: status, CorrelationID: pingone.SanitizeText(header.Get("Correlation-Id"), 64)}
	var oe *pingone.OAuthError
	var pe *pingone.Error
	switch err := pingone.DecodeError(status, header, body); {
	case errors.As(err, &oe):
		a.Error, a.ErrorDescription = oe.Code, oe.Description
		if a.CorrelationID == "" {
			a.CorrelationID = oe.CorrelationID
		}
	case errors.As(err, &pe):
		a.Error, a.ErrorDescription = pe.Code, pe.Message
		for _, d := range pe.Details {
			if d.Message != "" {
				a.ErrorDescription = d.Message
				break
			}
		}
	}
	a.Summary = summarise(a)
	return a
}

func summarise(a Actual) string {
	s := fmt.Sprintf("HTTP %d", a.Status)
	if a.Error != "" {
		s += " " + a.Error
	}
	if a.ErrorDescription != "" {
		s += ": " + a.ErrorDescription
	}
	return s
}

// authorizeAnswer is what the authorize endpoint did with a request.
type authorizeAnswer struct {
	actual  Actual
	refused bool   // an error: a 4xx page or a redirect carrying error=
	target  string // a redirect's scheme, host and path (no query), "" otherwise
}

// authorize sends a real authorization request for app, built by pingone/signin with
// fresh PKCE values and then changed by tamper, and reads the answer without following
// any redirect.
func (r *runner) authorize(ctx context.Context, sc *signin.Client, m *signin.Metadata, tamper func(q url.Values, s signin.AttemptSecrets)) (authorizeAnswer, error) {
	s, err := signin.NewAttemptSecrets()
	if err != nil {
		return authorizeAnswer{}, err
	}
	u, err := url.Parse(sc.AuthorizeURL(m, s, nil))
	if err != nil {
		return authorizeAnswer{}, err
	}
	q := u.Query()
	tamper(q, s)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(pingone.WithStep(ctx, "authorize"), http.MethodGet, u.String(), nil)
	if err != nil {
		return authorizeAnswer{}, err
	}
	resp, err := r.httpClient().Do(req)
	if err != nil {
		return authorizeAnswer{}, pingone.NewNetworkError("", unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10)) // a partial page still has its status
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			return authorizeAnswer{}, errors.New("the authorize endpoint redirected to an unreadable Location")
		}
		lq := loc.Query()
		where := loc.Scheme + "://" + loc.Host + loc.Path
		a := Actual{Status: resp.StatusCode, CorrelationID: pingone.SanitizeText(resp.Header.Get("Correlation-Id"), 64),
			Error: pingone.SanitizeText(lq.Get("error"), 64), ErrorDescription: pingone.SanitizeText(lq.Get("error_description"), 300)}
		a.Summary = summarise(a) + " (redirect to " + pingone.SanitizeText(where, 200) + ")"
		return authorizeAnswer{actual: a, refused: a.Error != "", target: where}, nil
	}
	a := actualOf(resp.StatusCode, resp.Header, body)
	if a.Error == "" && resp.StatusCode >= 400 {
		a.Summary += ": PingOne showed its own error page"
	}
	return authorizeAnswer{actual: a, refused: resp.StatusCode >= 400}, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// isRefusal reports whether a token answer is a 400 with one of the codes.
func isRefusal(a tokenAnswer, codes ...string) bool {
	if a.accepted() || a.actual.Status != http.StatusBadRequest && a.actual.Status != http.StatusUnauthorized {
		return false
	}
	for _, c := range codes {
		if strings.EqualFold(a.actual.Error, c) {
			return true
		}
	}
	return len(codes) == 0
}
