package views

import (
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// endedToken is what the Tokens screen knows about a token of a session that was signed
// out: PingOne revoked it (RFC 7009), or at least the session it belongs to has ended.
type endedToken struct {
	revoked bool
	text    string // signedOutText of the sign-out, the same words the Sign in screen shows
}

// maxEndedTokens bounds how many signed-out tokens the screen remembers (three a session).
const maxEndedTokens = 48

// FollowSession keeps the screen true to the desk's session (app.Desk.OnSessionChange): a
// sign-out takes the session's tokens off the screen and says so in the Sign in screen's
// words, and a connection change clears them. A token of a signed-out session pasted later
// is never called verified. New sessions arrive through Show (the Sign in screen opens
// this screen on them). Above the tokens, the session panel offers Refresh tokens, Get
// user info and Sign out (also in the Actions menu); a refresh made there shows the new
// tokens here. Call it on the UI goroutine; stop ends it, and Close stops it too.
// Following a desk that is already followed changes nothing.
func (s *TokensScreen) FollowSession(desk *app.Desk) (stop func()) {
	if s.followed == desk && s.unfollow != nil {
		return func() {}
	}
	if s.unfollow != nil {
		s.unfollow()
	}
	unsubscribe := desk.OnSessionChange(func(ev app.SessionEvent) {
		s.opts.UI.Do(func() { s.sessionChanged(ev) })
	})
	s.showPanel(desk)
	unfollow := func() {
		unsubscribe()
		s.closePanel()
	}
	s.followed, s.unfollow = desk, unfollow
	return func() {
		if s.followed == desk {
			unfollow()
			s.followed, s.unfollow = nil, nil
		}
	}
}

// sessionChanged runs on the UI goroutine; an event older than one already shown is
// dropped.
func (s *TokensScreen) sessionChanged(ev app.SessionEvent) {
	if ev.Seq <= s.sessionSeq {
		return
	}
	s.sessionSeq = ev.Seq
	switch ev.Kind {
	case app.SessionSignedIn:
		s.signedOut = "" // a new session; Show brings its tokens
	case app.SessionSignedOut:
		text, _ := signedOutText(ev)
		s.rememberEnded(ev, text)
		if s.showsSession(ev.Ended) {
			s.signedOut = text
			s.clearSession()
		}
	case app.SessionDropped:
		if s.showsSession(ev.Ended) {
			s.signedOut = ""
			s.clearSession()
		}
	}
}

// showsSession reports whether the session sources show sess's tokens.
func (s *TokensScreen) showsSession(sess *app.Session) bool {
	if sess == nil {
		return false
	}
	return (s.set.AccessToken != "" && s.set.AccessToken == sess.Tokens.AccessToken) ||
		(s.set.IDToken != "" && s.set.IDToken == sess.Tokens.IDToken)
}

// clearSession takes the session's tokens off the screen, keeping a pasted token.
func (s *TokensScreen) clearSession() {
	s.set = TokenSet{}
	for _, src := range []TokenSource{SourceIDToken, SourceAccessToken, SourceRefreshToken} {
		s.views[src] = tokenView{}
	}
	s.render()
}

// rememberEnded marks the ended session's tokens, so a paste of one says what became of it.
func (s *TokensScreen) rememberEnded(ev app.SessionEvent, text string) {
	if ev.Ended == nil {
		return
	}
	if s.ended == nil || len(s.ended) > maxEndedTokens {
		s.ended = map[string]endedToken{}
	}
	revoked := map[string]bool{}
	for _, name := range ev.Revoked {
		revoked[name] = true
	}
	t := ev.Ended.Tokens
	for raw, kind := range map[string]string{t.IDToken: "", t.AccessToken: "access token", t.RefreshToken: "refresh token"} {
		if raw != "" {
			s.ended[raw] = endedToken{revoked: kind != "" && revoked[kind], text: text}
		}
	}
}

// endedNotice is the verdict and the notice for a token of a signed-out session; ok is
// false for any other token.
func (s *TokensScreen) endedNotice(raw string) (verdict, summary, notice string, ok bool) {
	e, ok := s.ended[raw]
	if !ok {
		return "", "", "", false
	}
	if e.revoked {
		return "· revoked",
			"Revoked at sign-out: the checks below say the token is genuine, not that PingOne still accepts it.",
			"PingOne revoked this token at sign-out, so it is no longer accepted whatever its signature and expiry say. " + e.text, true
	}
	return "· signed out",
		"From a signed-out session: the checks below say the token is genuine, not that anyone is still signed in with it.",
		"This token belongs to a session that was signed out. " + e.text, true
}

// markEnded overrides the verdict, the checklist summary and the countdown of a token of a
// signed-out session (render calls it last).
func (s *TokensScreen) markEnded(v *tokenView) {
	if v.decoded == nil {
		return
	}
	verdict, summary, notice, ok := s.endedNotice(v.raw)
	if !ok {
		return
	}
	s.showMessage(notice, widget.WarningImportance)
	s.checklist.verdict.Importance = widget.DangerImportance
	s.checklist.verdict.SetText(verdict)
	if v.report != nil {
		s.checklist.summary.Importance = widget.WarningImportance
		s.checklist.summary.SetText(summary)
	}
	s.expiry.set(nil) // a live "expires in" would say the token is still good
}
