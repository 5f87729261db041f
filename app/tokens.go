package app

import (
	"context"
	"errors"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// ErrForeignIssuer: a pasted token names another issuer than the active connection. Its
// keys are not fetched: following an issuer named inside an unverified token would let
// anyone make the app fetch URLs of their choosing (RFC 8725 §3.10).
var ErrForeignIssuer = errors.New("the token was issued by another environment than the active connection; switch to that connection to verify it")

// DecodeToken splits a pasted JWT for display without verifying anything.
func DecodeToken(raw string) (*token.Decoded, error) { return token.Decode(raw) }

// VerifyToken checks a pasted token's signature and claims against the active connection's
// issuer. ID tokens are expected to be for the current session's app; use VerifyTokenFor
// to name another. It has the shape views.SignatureVerifier expects.
func (d *Desk) VerifyToken(ctx context.Context, raw string) (*token.Report, error) {
	clientID := ""
	if s := d.CurrentSession(); s != nil {
		clientID = s.ClientID
	}
	return d.VerifyTokenFor(ctx, raw, clientID)
}

// VerifyTokenFor is VerifyToken with the client ID an ID token must be for. The report
// lists every check even when verification fails (err is then a *token.VerifyError).
func (d *Desk) VerifyTokenFor(ctx context.Context, raw, clientID string) (*token.Report, error) {
	dec, err := token.Decode(raw)
	if err != nil {
		return nil, err
	}
	issuer, err := d.Issuer()
	if err != nil {
		return nil, err
	}
	if dec.ClaimString("iss") != issuer {
		return nil, ErrForeignIssuer
	}
	keys, err := d.keySet(ctx, issuer)
	if err != nil {
		return nil, err
	}
	v := token.NewVerifier(token.VerifierOptions{Keys: keys, Now: d.now})
	if dec.Kind == token.IDToken {
		return v.VerifyIDToken(ctx, raw, token.Expect{Issuer: issuer, ClientID: clientID})
	}
	return v.VerifyAccessToken(ctx, raw, issuer)
}

// keySet returns the cached key set of issuer, discovering its jwks_uri on first use.
// Discovery pins the JWKS to the issuer's host (signin.Metadata.Validate).
func (d *Desk) keySet(ctx context.Context, issuer string) (*token.KeySet, error) {
	s := &d.signin
	s.mu.Lock()
	ks := s.keys[issuer]
	s.mu.Unlock()
	if ks != nil {
		return ks, nil
	}
	meta, err := signin.Discover(pingone.WithStep(ctx, "discovery"), d.httpClient, issuer)
	if err != nil {
		return nil, err
	}
	ks, err = token.NewKeySet(meta.JWKSURI, token.KeySetOptions{HTTPClient: d.httpClient, Now: d.now})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]*token.KeySet{}
	}
	if cur := s.keys[issuer]; cur != nil {
		return cur, nil
	}
	s.keys[issuer] = ks
	return ks, nil
}
