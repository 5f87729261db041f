package signin

import (
	"context"
	"crypto/subtle"
	"errors"

	"golang.org/x/oauth2"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// ErrNoOriginalIDToken: Refresh needs the sign-in's ID token to check that a refreshed
// one is about the same user (OIDC Core §12.2). Nothing was sent.
var ErrNoOriginalIDToken = errors.New("signin: refresh needs the ID token of the sign-in")

// Refreshed is the outcome of a refresh-token grant.
type Refreshed struct {
	// Tokens are the ones to keep from now on, also when IDTokenErr is set: PingOne
	// rotates refresh tokens, and the old one no longer works.
	Tokens Tokens
	// Rotated reports that the server issued a new refresh token (RFC 9700 §4.14);
	// Tokens.RefreshToken always holds the one to use next.
	Rotated bool
	// IDToken is the checklist of the new ID token, when the response carried one,
	// whether or not it passed.
	IDToken *token.Report
	// IDTokenErr is a *IDTokenRejectedError when the new ID token failed verification:
	// the tokens are kept but the ID token is not verified, and IDToken says why. It is
	// nil when the ID token passed or the response carried none.
	IDTokenErr error
}

// Verified reports whether the response carried no ID token or one that passed every check.
func (r *Refreshed) Verified() bool { return r != nil && r.IDTokenErr == nil }

// Refresh redeems refreshToken (grant_type=refresh_token, client_id in the body).
// original is the ID token of the sign-in; a new ID token must describe the same user and
// sign-in (OIDC Core §12.2), or Refresh returns a *RefreshIdentityError and no tokens.
// A new ID token that fails any other check does not fail the refresh: the tokens are
// returned with Refreshed.IDTokenErr set, because the refresh token they replace is spent.
func (c *Client) Refresh(ctx context.Context, refreshToken string, original *token.Decoded) (*Refreshed, error) {
	if refreshToken == "" {
		return nil, errors.New("signin: no refresh token")
	}
	if original == nil {
		return nil, ErrNoOriginalIDToken
	}
	m, err := c.metadata(ctx)
	if err != nil {
		return nil, err
	}
	v, _, err := c.sharedVerifier(m)
	if err != nil {
		return nil, err
	}
	octx := context.WithValue(pingone.WithStep(ctx, "refresh"), oauth2.HTTPClient, c.httpc)
	// A token without an access token is "expired", so the source refreshes at once.
	// x/oauth2 keeps the old refresh token when the response has none.
	tok, err := c.oauthConfig(m).TokenSource(octx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, c.tokenError(ctx, "refresh", err)
	}
	tokens, err := tokensFrom(tok)
	if err != nil {
		return nil, &TokenError{Op: "refresh", Err: err}
	}
	out := &Refreshed{
		Tokens:  tokens,
		Rotated: subtle.ConstantTimeCompare([]byte(tokens.RefreshToken), []byte(refreshToken)) != 1,
	}
	if tokens.IDToken == "" {
		return out, nil
	}
	// OIDC Core §12.2: a refreshed ID token has no nonce to compare.
	report, verr := v.VerifyIDToken(keysVia(pingone.WithStep(ctx, "jwks"), c.httpc), tokens.IDToken, token.Expect{
		Issuer: m.Issuer, ClientID: c.cfg.ClientID, AccessToken: tokens.AccessToken,
	})
	out.IDToken = report
	if report.Token != nil {
		if claim := token.RefreshIdentityMismatch(original, report.Token, c.cfg.ClientID); claim != "" {
			return nil, &RefreshIdentityError{Claim: claim}
		}
	}
	if verr != nil {
		out.IDTokenErr = &IDTokenRejectedError{Report: report, Err: verr}
	}
	return out, nil
}
