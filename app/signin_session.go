package app

import (
	"context"
	"errors"

	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

func (d *Desk) current() (*Session, *signin.Client, error) {
	s := &d.signin
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session == nil {
		return nil, nil, ErrNoSession
	}
	return s.session, s.client, nil
}

// Refresh redeems the session's refresh token and makes the new tokens current. PingOne
// rotates refresh tokens, so the old one is dropped (RFC 9700 §4.14).
//
// A new ID token that fails verification does not fail the refresh: the new tokens are
// kept (the old refresh token is spent) and the session's IDTokenErr says why the ID token
// is not verified. A new ID token about another user or sign-in (OIDC Core §12.2) is
// different: the refresh fails with a *Problem wrapping a *signin.RefreshIdentityError,
// the new tokens are dropped and the session stays as it was, so one user's name is
// never shown beside another user's tokens.
func (d *Desk) Refresh(ctx context.Context) (_ *Session, err error) {
	sess, client, err := d.current()
	if err != nil {
		return nil, err
	}
	if sess.Tokens.RefreshToken == "" {
		return nil, ErrNoRefreshToken
	}
	ctx, rec := d.beginFlow(ctx, "refresh", sess.Mode, sess.ClientID, sess.Issuer)
	defer func() { d.endFlow(rec, err) }()
	r, err := client.Refresh(ctx, sess.Tokens.RefreshToken, sess.identity)
	if err != nil {
		var rie *signin.RefreshIdentityError
		if errors.As(err, &rie) {
			return nil, &Problem{
				Title:  "PingOne's refreshed tokens are not for the signed-in user, so they were not used.",
				Remedy: "Sign out and sign in again. The session shown is unchanged, but it can no longer be refreshed.",
				Err:    err,
			}
		}
		return nil, err
	}
	s := &d.signin
	s.mu.Lock()
	cur := s.session
	if cur == nil || cur.signIn != sess.signIn {
		s.mu.Unlock()
		return nil, ErrNoSession // signed out or replaced while refreshing
	}
	next := *cur // keeps what userinfo added meanwhile
	next.Tokens = r.Tokens
	if r.Tokens.IDToken == "" {
		// No new ID token: the current one and its checklist still describe the session.
		next.Tokens.IDToken = cur.Tokens.IDToken
	} else {
		next.IDToken, next.IDTokenErr = r.IDToken, r.IDTokenErr
		d.flowVerified(rec, r.IDTokenErr)
	}
	s.session = &next
	seq := d.nextSeqLocked()
	s.mu.Unlock()
	d.publish(SessionEvent{Seq: seq, Kind: SessionRefreshed, Session: &next})
	return &next, nil
}

// UserInfo calls the userinfo endpoint with the session's access token; the answer must
// be about the ID token's subject (OIDC Core §5.3.2).
//
// The answer is kept with the session (DisplayName uses it when the ID token names no
// one) and listeners hear of it as SessionUserInfo.
func (d *Desk) UserInfo(ctx context.Context) (_ map[string]any, err error) {
	sess, client, err := d.current()
	if err != nil {
		return nil, err
	}
	ctx, rec := d.beginFlow(ctx, "userinfo", sess.Mode, sess.ClientID, sess.Issuer)
	defer func() { d.endFlow(rec, err) }()
	claims, err := client.UserInfo(ctx, sess.Tokens.AccessToken, sess.Subject)
	if err != nil {
		return nil, err
	}
	s := &d.signin
	s.mu.Lock()
	cur := s.session
	if cur == nil || cur.signIn != sess.signIn {
		s.mu.Unlock()
		return claims, nil // signed out meanwhile: the answer is shown, not kept
	}
	next := *cur
	next.userInfo = claims
	s.session = &next
	seq := d.nextSeqLocked()
	s.mu.Unlock()
	d.publish(SessionEvent{Seq: seq, Kind: SessionUserInfo, Session: &next})
	return claims, nil
}

// Introspect asks PingOne about the session's access token (RFC 7662).
func (d *Desk) Introspect(ctx context.Context) (map[string]any, error) {
	sess, client, err := d.current()
	if err != nil {
		return nil, err
	}
	return client.Introspect(ctx, sess.Tokens.AccessToken, "access_token")
}

// SignOut ends the session: it revokes the refresh and access tokens (RFC 7009), then
// ends PingOne's own session (OpenID Connect RP-Initiated Logout 1.0 §2, with the ID token
// as id_token_hint). After an in-app sign-in the app holds PingOne's session cookie, so
// SignOut sends the sign-off request itself and returns "" (Session.SignsOffInApp); after a
// browser sign-in the cookie is the browser's, and SignOut returns the sign-off URL for the
// view to open there. The local session is dropped even when a call fails; the error then
// says what could not be done.
func (d *Desk) SignOut(ctx context.Context) (signOffURL string, err error) {
	sess, client, err := d.current()
	if err != nil {
		return "", err
	}
	ctx, rec := d.beginFlow(ctx, "sign-out", sess.Mode, sess.ClientID, sess.Issuer)
	defer func() { d.endFlow(rec, err) }()
	var errs []error
	var revoked []string
	revoke := func(tok, hint, name string) {
		if tok == "" {
			return
		}
		if err := client.Revoke(ctx, tok, hint); err != nil {
			errs = append(errs, err)
		} else {
			revoked = append(revoked, name)
		}
	}
	// The refresh token first: revoking it may revoke the access tokens of its grant too
	// (RFC 7009 §2.1), and it is the one that would outlive the sign-out.
	revoke(sess.Tokens.RefreshToken, "refresh_token", "refresh token")
	revoke(sess.Tokens.AccessToken, "access_token", "access token")
	if sess.flow != nil {
		errs = append(errs, sess.flow.SignOff(ctx, sess.Tokens.IDToken))
	} else {
		var urlErr error
		signOffURL, urlErr = client.SignOffURL(ctx, sess.Tokens.IDToken, "", "")
		errs = append(errs, urlErr)
	}
	err = errors.Join(errs...)

	s := &d.signin
	s.mu.Lock()
	cur := s.session
	ended := cur != nil && cur.signIn == sess.signIn
	var seq uint64
	if ended {
		s.session, s.client = nil, nil
		seq = d.nextSeqLocked()
	}
	s.mu.Unlock()
	client.Close()
	if ended {
		d.publish(SessionEvent{Seq: seq, Kind: SessionSignedOut, Ended: cur, Revoked: revoked, Err: err})
	}
	return signOffURL, err
}
