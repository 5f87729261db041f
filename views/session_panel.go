package views

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// What the session actions say while they run and when they are done. The outcomes of a
// refresh and a sign-out come from session_text.go, as on the Sign in screen.
const (
	msgRefreshing      = "Refreshing the tokens…"
	msgCallingUserInfo = "Calling the userinfo endpoint…"
	msgSigningOut      = "Signing out…"
	msgUserInfoClaims  = "UserInfo claims (the subject matches the ID token):"
	msgSignOffOpened   = "PingOne's sign-off page was opened in the browser to end its session too."
	msgSignOffFailed   = "The browser could not open PingOne's sign-off page."
)

// sessionPanel holds the signed-in session's actions: Refresh tokens (RFC 6749 §6), Get
// user info (OIDC Core §5.3) and Sign out (token revocation, RFC 7009, then PingOne's
// sign-off page, OIDC RP-Initiated Logout 1.0, when the desk returns one). Below them one
// line says what the last action did, or explains why it failed, and the userinfo claims
// it fetched are listed as lines.
//
// Who is signed in and which buttons work are rendered only from the desk's session
// (app.Desk.OnSessionChange and CurrentSession), so every screen that shows a panel says
// the same. It knows no screen: after a refresh it calls the Shell's ShowSession, the
// Shell's OpenURL opens the sign-off page and the Shell's Progress shows the work. Every
// method runs on the UI goroutine; network calls run in the background (Run).
type sessionPanel struct {
	desk *app.Desk
	sh   *Shell
	// hideIdle hides the whole panel while nobody is signed in and it has nothing to say,
	// instead of showing "Nobody is signed in." with disabled buttons.
	hideIdle bool

	who, sub                            *widget.Label
	whoRow                              *fyne.Container
	refreshBtn, userInfoBtn, signOutBtn *widget.Button
	message                             *widget.Label
	problem                             *explainedError
	userInfo                            *widget.Label
	userInfoBox                         *container.Scroll // userInfo, a few lines high
	object                              *fyne.Container

	// Presenter view masks the name and the personal userinfo claims until a confirmed
	// Reveal of the claims.
	presenter     *Presenter
	claims        map[string]any // the userinfo claims shown
	revealClaims  *widget.Button
	claimsShown   bool // revealed
	stopPresenter func()

	seq         uint64 // the last session event shown
	busy        bool   // an action is running
	task        *Task  // the last action, for tests
	closed      bool
	unsubscribe func()
}

// newSessionPanel builds the panel on desk's current session and follows its changes
// until Close. Call it on the UI goroutine. sh may be nil (no progress bar, no browser).
func newSessionPanel(desk *app.Desk, sh *Shell, hideIdle bool) *sessionPanel {
	p := &sessionPanel{desk: desk, sh: sh, hideIdle: hideIdle}
	p.who = widget.NewLabel("")
	p.sub = widget.NewLabel("")
	p.sub.SizeName = theme.SizeNameCaptionText
	p.sub.Importance = widget.LowImportance
	p.sub.Truncation = fyne.TextTruncateEllipsis
	p.sub.Selectable = true
	p.sub.Hide()
	p.whoRow = container.NewBorder(nil, nil, p.who, nil, p.sub)

	p.refreshBtn = widget.NewButtonWithIcon("Refresh tokens", theme.ViewRefreshIcon(), p.refresh)
	p.userInfoBtn = widget.NewButtonWithIcon("Get user info", theme.AccountIcon(), p.loadUserInfo)
	p.signOutBtn = widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), p.signOut)
	p.message = wrappedLabel()
	p.problem = newExplainedError()
	p.userInfo = widget.NewLabel("")
	p.userInfo.Wrapping = fyne.TextWrapWord
	p.userInfo.Selectable = true
	p.userInfoBox = container.NewVScroll(p.userInfo)
	p.userInfoBox.SetMinSize(fyne.NewSize(0, userInfoHeight))
	p.userInfoBox.Hide()
	var a fyne.App
	if sh != nil {
		a = sh.App
	}
	p.presenter = presenterFor(a)
	if p.presenter == nil {
		p.presenter = currentPresenter()
	}
	p.revealClaims = newRevealButton(func() fyne.Window {
		if sh != nil && sh.Win != nil {
			return sh.Win
		}
		return windowOf(a)
	}, func() {
		p.claimsShown = true
		p.renderClaims()
	})

	p.object = container.New(layout.NewCustomPaddedVBoxLayout(2),
		p.whoRow,
		container.NewBorder(nil, nil, container.NewHBox(p.refreshBtn, p.userInfoBtn, p.signOutBtn), nil, p.message),
		p.problem.object,
		container.NewBorder(nil, nil, nil, p.revealClaims, p.userInfoBox),
	)
	p.stopPresenter = p.presenter.Subscribe(func(bool) {
		p.claimsShown = false
		p.renderClaims()
		p.render(p.desk.CurrentSession())
	})
	p.unsubscribe = desk.OnSessionChange(func(ev app.SessionEvent) {
		sh.ui().Do(func() { p.sessionChanged(ev) })
	})
	p.render(desk.CurrentSession())
	return p
}

// Close stops following the session and drops the result of an action still running.
func (p *sessionPanel) Close() {
	p.closed = true
	if p.stopPresenter != nil {
		p.stopPresenter()
		p.stopPresenter = nil
	}
	if p.unsubscribe != nil {
		p.unsubscribe()
		p.unsubscribe = nil
	}
	if p.task != nil {
		p.task.Cancel()
	}
}

// sessionChanged puts one session event on screen. Events come from the goroutines that
// made the changes; one older than the last shown is dropped.
func (p *sessionPanel) sessionChanged(ev app.SessionEvent) {
	if p.closed || ev.Seq <= p.seq {
		return
	}
	p.seq = ev.Seq
	switch ev.Kind {
	case app.SessionSignedIn, app.SessionDropped:
		p.clearMessages() // they were about the session that just ended
	case app.SessionRefreshed:
		p.clearMessages() // the claims were fetched with the old access token
		p.say(refreshedText(ev), widget.SuccessImportance)
	case app.SessionSignedOut:
		p.clearMessages()
		text, imp := signedOutText(ev)
		p.say(text, imp)
	}
	p.render(ev.Session)
}

// render shows who is signed in and enables the buttons while a session exists and no
// action runs.
func (p *sessionPanel) render(sess *app.Session) {
	switch {
	case sess != nil:
		p.who.SetText(sessionDetails(sess))
		setShown(p.sub, subjectText(sess))
		p.whoRow.Show()
	case p.hideIdle:
		p.who.SetText("") // hidden labels say nothing either
		setShown(p.sub, "")
		p.whoRow.Hide()
	default:
		p.who.SetText(msgNobodySignedIn)
		setShown(p.sub, "")
		p.whoRow.Show()
	}
	for _, b := range []*widget.Button{p.refreshBtn, p.userInfoBtn, p.signOutBtn} {
		if sess != nil && !p.busy {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if !p.hideIdle || sess != nil || p.busy || p.message.Visible() || p.problem.object.Visible() {
		p.object.Show()
	} else {
		p.object.Hide()
	}
}

func (p *sessionPanel) say(text string, imp widget.Importance) {
	p.message.Importance = imp
	setShown(p.message, text)
}

// clearMessages removes what the last action said, and the claims it fetched.
func (p *sessionPanel) clearMessages() {
	p.say("", widget.MediumImportance)
	p.problem.clear()
	p.claims, p.claimsShown = nil, false
	p.showClaims("")
	setRevealShown(p.revealClaims, false)
}

// renderClaims shows the userinfo claims fetched, the personal ones masked in presenter
// view unless revealed.
func (p *sessionPanel) renderClaims() {
	if p.claims == nil {
		setRevealShown(p.revealClaims, false)
		return
	}
	claims := p.claims
	masked := false
	if p.presenter.On() && !p.claimsShown {
		claims = make(map[string]any, len(p.claims))
		for name, v := range p.claims {
			if isPersonalClaim(name) {
				v = maskPersonal(claimValue(v))
				masked = true
			}
			claims[name] = v
		}
	}
	setRevealShown(p.revealClaims, masked)
	p.userInfo.SetText(claimLines(claims))
}

// userInfoHeight is about five lines: the claims scroll rather than push what is below the
// panel out of view.
const userInfoHeight = 120

func (p *sessionPanel) showClaims(lines string) {
	p.userInfo.SetText(lines)
	if lines == "" {
		p.userInfoBox.Hide()
	} else {
		p.userInfoBox.Show()
		p.userInfoBox.ScrollToTop()
	}
}

// runSessionAction runs one action in the background, one at a time and only while
// somebody is signed in (a disabled button does nothing, whether tapped or reached through
// a shortcut). Starting it clears what the previous action said.
func runSessionAction[T any](p *sessionPanel, button *widget.Button, busy string, work func(context.Context) (T, error), done func(T, error)) {
	if p.closed || p.busy || button.Disabled() || p.desk.CurrentSession() == nil {
		return
	}
	p.busy = true
	p.clearMessages()
	p.say(busy, widget.MediumImportance)
	p.render(p.desk.CurrentSession())
	p.task = Run(context.Background(), p.sh.ui(), p.sh.progress(), work, func(v T, err error) {
		p.busy = false
		if p.message.Text == busy {
			p.say("", widget.MediumImportance) // no event has said more
		}
		done(v, err)
		p.render(p.desk.CurrentSession())
	})
}

func (p *sessionPanel) refresh() {
	runSessionAction(p, p.refreshBtn, msgRefreshing, p.desk.Refresh, func(next *app.Session, err error) {
		if err != nil {
			p.problem.show("", err, "")
			return
		}
		// The SessionRefreshed event has put the outcome on screen already.
		p.sh.showSession(next)
	})
}

func (p *sessionPanel) loadUserInfo() {
	runSessionAction(p, p.userInfoBtn, msgCallingUserInfo, p.desk.UserInfo, func(claims map[string]any, err error) {
		if err != nil {
			p.problem.show("", err, "")
			return
		}
		p.say(msgUserInfoClaims, widget.SuccessImportance)
		p.showClaims(claimLines(claims))
		p.claims = claims
		p.renderClaims()
	})
}

func (p *sessionPanel) signOut() {
	runSessionAction(p, p.signOutBtn, msgSigningOut, p.desk.SignOut, func(signOffURL string, err error) {
		if errors.Is(err, app.ErrNoSession) {
			p.problem.show("", err, "") // nothing was signed out
			return
		}
		// The SessionSignedOut event has put the outcome on screen; add the sign-off page,
		// when PingOne's session has to be ended in the browser too.
		if signOffURL == "" || p.sh == nil || p.sh.OpenURL == nil {
			return
		}
		opened := msgSignOffOpened
		if oerr := p.sh.OpenURL(signOffURL); oerr != nil {
			opened = msgSignOffFailed
		}
		p.say(strings.TrimSpace(p.message.Text+" "+opened), p.message.Importance)
	})
}

// claimLines is the userinfo answer (OIDC Core §5.3.2) as "name: value" lines, sorted by
// claim name. Names and values come from the server and are cleaned of control characters.
func claimLines(claims map[string]any) string {
	names := make([]string, 0, len(claims))
	for name := range claims {
		names = append(names, name)
	}
	sort.Strings(names)
	lines := make([]string, 0, len(names))
	for _, name := range names {
		lines = append(lines, pingone.SanitizeText(name, 80)+": "+claimValue(claims[name]))
	}
	return strings.Join(lines, "\n")
}

func claimValue(v any) string {
	var text string
	switch v := v.(type) {
	case string:
		text = v
	case nil:
		text = "null"
	case bool, float64, json.Number:
		text = fmt.Sprint(v)
	default:
		out, err := json.Marshal(v)
		if err != nil {
			return "(unreadable)"
		}
		text = string(out)
	}
	return pingone.SanitizeText(text, 300)
}
