package views

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// The session actions' shortcuts (Cmd on macOS). Ctrl+Shift+O, not Ctrl+O, so that a
// sign-out, which revokes the tokens, is never one slip away from another shortcut.
var (
	refreshShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	userInfoShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyU, Modifier: fyne.KeyModifierShortcutDefault}
	signOutShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// sessionActions are the session panel's buttons as the window's actions. Screen() is
// called before FollowSession builds the panel, so each looks the panel up when it runs;
// without a panel, or while its button is disabled, it does nothing.
func (s *TokensScreen) sessionActions() []Action {
	act := func(label string, sc fyne.Shortcut, button func(*sessionPanel) *widget.Button) Action {
		return Action{Label: label, Shortcut: sc, Run: func() {
			if s.session == nil {
				return
			}
			if b := button(s.session); !b.Disabled() {
				b.OnTapped()
			}
		}}
	}
	return []Action{
		act("Refresh tokens", refreshShortcut, func(p *sessionPanel) *widget.Button { return p.refreshBtn }),
		act("Get user info", userInfoShortcut, func(p *sessionPanel) *widget.Button { return p.userInfoBtn }),
		act("Sign out", signOutShortcut, func(p *sessionPanel) *widget.Button { return p.signOutBtn }),
	}
}

// showPanel puts desk's session panel above the token sources. Its Shell shares the
// window's progress bar, opens the sign-off page through the desk and, after a refresh
// made here, shows the new tokens on this screen.
func (s *TokensScreen) showPanel(desk *app.Desk) {
	s.closePanel()
	sh := &Shell{Progress: s.opts.Progress, UI: s.opts.UI, OpenURL: desk.OpenBrowser, ShowSession: s.showRefreshed}
	s.session = newSessionPanel(desk, sh, true)
	s.sessionBox.Objects = []fyne.CanvasObject{s.session.object}
	s.sessionBox.Refresh()
}

func (s *TokensScreen) closePanel() {
	if s.session == nil {
		return
	}
	s.session.Close()
	s.session = nil
	s.sessionBox.Objects = nil
	s.sessionBox.Refresh()
}

// showRefreshed shows a refreshed session's tokens, staying on the token the user looks
// at, and checks the new access token's signature in the background.
func (s *TokensScreen) showRefreshed(sess *app.Session) {
	if sess == nil {
		return
	}
	src := s.source
	s.Show(TokenSetFromSession(sess))
	s.SelectSource(src)
	raw := sess.Tokens.AccessToken
	if s.opts.Verify == nil || raw == "" {
		return
	}
	if s.accessTask != nil {
		s.accessTask.Cancel()
	}
	verify := s.opts.Verify
	s.accessTask = Run(context.Background(), s.opts.UI, s.opts.Progress,
		func(ctx context.Context) (*token.Report, error) { return verify(ctx, raw) },
		func(r *token.Report, _ error) { s.SetAccessReport(raw, r) })
}

// withSessionScopes fills in the scopes of a set that came without them, from the
// followed desk's session when the set shows its tokens.
func (s *TokensScreen) withSessionScopes(set TokenSet) TokenSet {
	if set.Scopes != nil || s.followed == nil {
		return set
	}
	sess := s.followed.CurrentSession()
	if sess == nil {
		return set
	}
	if (set.AccessToken != "" && set.AccessToken == sess.Tokens.AccessToken) ||
		(set.IDToken != "" && set.IDToken == sess.Tokens.IDToken) {
		set.Scopes = slices.Clone(sess.Scopes)
	}
	return set
}
