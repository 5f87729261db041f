package app

import (
	"strings"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// SessionEventKind says what happened to the signed-in session.
type SessionEventKind int

// Session event kinds.
const (
	// SessionSignedIn: a sign-in (or the password change that completed one) made a new
	// session current, replacing any previous one.
	SessionSignedIn SessionEventKind = iota + 1
	// SessionRefreshed: the refresh token was redeemed; the same user has new tokens.
	SessionRefreshed
	// SessionUserInfo: the userinfo endpoint answered for the session's user (OIDC Core
	// §5.3), so the session may now have a name to show.
	SessionUserInfo
	// SessionSignedOut: SignOut ended the session and asked PingOne to revoke its tokens
	// (RFC 7009); Revoked and Err say what went through.
	SessionSignedOut
	// SessionDropped: the session was forgotten without a sign-out, because another
	// connection became active. Its tokens were not revoked.
	SessionDropped
)

func (k SessionEventKind) String() string {
	switch k {
	case SessionSignedIn:
		return "signed in"
	case SessionRefreshed:
		return "refreshed"
	case SessionUserInfo:
		return "userinfo"
	case SessionSignedOut:
		return "signed out"
	case SessionDropped:
		return "dropped"
	}
	return "unknown"
}

// SessionEvent is one change of the signed-in session, as published to OnSessionChange.
type SessionEvent struct {
	// Seq grows with every change: a listener that sees events out of order (they are
	// published on the goroutines that made the changes) keeps the one with the highest.
	Seq  uint64
	Kind SessionEventKind
	// Session is the current session after the change; nil after SessionSignedOut and
	// SessionDropped.
	Session *Session
	// Ended is the session that ended (SessionSignedOut, SessionDropped, or the one a
	// SessionSignedIn replaced); nil otherwise.
	Ended *Session
	// Revoked names the tokens PingOne confirmed revoked at sign-out, in the order they
	// were revoked: "refresh token", "access token".
	Revoked []string
	// Err is what did not go through at sign-out (a revocation or the sign-off URL). The
	// session has ended all the same.
	Err error
	At  time.Time
}

// sessionListeners are the OnSessionChange callbacks.
type sessionListeners = listeners[SessionEvent]

// OnSessionChange calls fn after every change of the signed-in session: sign-in, refresh,
// userinfo, sign-out, and the drop when another connection becomes active. fn runs on the
// goroutine that made the change, after the change is visible through CurrentSession, so
// views hop to their UI goroutine (fyne.Do) and render from ev.Session. fn must not block
// and must not call OnSessionChange or its unsubscribe. Closing the Desk publishes
// nothing. The returned func stops the calls; it is safe to call more than once.
func (d *Desk) OnSessionChange(fn func(SessionEvent)) (unsubscribe func()) {
	return d.signin.listeners.add(fn)
}

// nextSeqLocked numbers a session change; d.signin.mu is held, so the numbers follow the
// order in which the changes were made.
func (d *Desk) nextSeqLocked() uint64 {
	d.signin.seq++
	return d.signin.seq
}

// publish hands ev to every listener. It is called with no lock of the Desk held.
func (d *Desk) publish(ev SessionEvent) {
	if ev.At.IsZero() {
		ev.At = d.now()
	}
	d.signin.listeners.notify(ev)
}

// identityClaims are the claims that name a person, in the order DisplayName prefers them
// (OIDC Core §5.1: name and preferred_username come with the profile scope, email with
// the email scope).
var identityClaims = []string{"name", "preferred_username", "email"}

// DisplayName is who the session is for, in words a person recognises: the verified ID
// token's name, else its preferred_username, else its email; then the same claims from the
// userinfo response (which OIDC Core §5.3.2 requires to be about the same sub); else the
// subject itself. The ID token of the sign-in is used, never a refreshed one that may have
// failed verification.
func (s *Session) DisplayName() string {
	if s == nil {
		return ""
	}
	for _, name := range identityClaims {
		if s.identity != nil {
			if v := cleanClaim(s.identity.ClaimString(name)); v != "" {
				return v
			}
		}
	}
	for _, name := range identityClaims {
		if v, ok := s.userInfo[name].(string); ok {
			if v = cleanClaim(v); v != "" {
				return v
			}
		}
	}
	return s.Subject
}

// IDTokenVerified reports whether the session's current ID token passed every check: a
// sign-in's always does; a refreshed one may not (IDTokenErr).
func (s *Session) IDTokenVerified() bool {
	return s != nil && s.IDTokenErr == nil && s.IDToken.OK()
}

// cleanClaim makes a claim safe and short enough for one line of a label.
func cleanClaim(v string) string {
	return strings.TrimSpace(pingone.SanitizeText(v, 80))
}
