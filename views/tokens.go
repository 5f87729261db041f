package views

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// TokenSet is the result of one sign-in as the Tokens screen shows it. It is a view-model:
// app/ had no session type when this screen was written, so the sign-in screen converts
// its result into this. Reports may be nil when a token was not verified.
type TokenSet struct {
	IDToken      string
	AccessToken  string
	RefreshToken string

	IDReport     *token.Report
	AccessReport *token.Report

	Flow       string    // how the tokens were obtained, e.g. "Browser sign-in"
	ReceivedAt time.Time // when the token response arrived

	// Scopes the sign-in requested (app.Session.Scopes); nil when unknown. They say why
	// there is no refresh token: offline_access not asked for, or no grant type for it.
	Scopes []string
}

// SignatureVerifier checks a pasted token against the signing keys its issuer publishes.
// It is the only part of the Tokens screen that reaches the network, so views take it as a
// function from app/ (views never speak HTTP) and call it only when the user asks.
type SignatureVerifier func(ctx context.Context, raw string) (*token.Report, error)

// TokensOptions configures the Tokens screen. The zero value works: no signature
// verification for pasted tokens, the real clock and a real ticker.
type TokensOptions struct {
	Verify   SignatureVerifier
	Progress *Progress
	UI       *UI // the window's UI goroutine for background results; nil is fyne.Do

	// Now and NewTicker exist for tests; NewTicker returns the tick channel and a stop func.
	Now       func() time.Time
	NewTicker func(time.Duration) (<-chan time.Time, func())
}

// TokenSource is one of the tokens the screen can show.
type TokenSource int

const (
	SourceIDToken TokenSource = iota
	SourceAccessToken
	SourceRefreshToken
	SourcePasted
	sourceCount
)

var sourceNames = [sourceCount]string{"ID token", "Access token", "Refresh token", "Paste a JWT"}

// String is the label of the source's button.
func (s TokenSource) String() string {
	if s < 0 || s >= sourceCount {
		return "unknown"
	}
	return sourceNames[s]
}

// tokenView is everything shown for one source.
type tokenView struct {
	raw       string
	decoded   *token.Decoded
	decodeErr error
	report    *token.Report
	verifyErr error // from the verifier, when it gave no report
	verifying bool
}

// TokensScreen shows the last sign-in's tokens and any pasted JWT: header and claims with
// explanations, the verification checklist, the raw JSON and a live expiry countdown.
// Everything is decoded locally.
type TokensScreen struct {
	clipboard fyne.Clipboard
	opts      TokensOptions

	views  [sourceCount]tokenView
	source TokenSource
	set    TokenSet

	verifyTask *Task

	sourceButtons [sourceCount]*widget.Button
	paste         *pasteEntry
	pasteBox      fyne.CanvasObject
	summary       fyne.CanvasObject // kind, countdown and the token's buttons
	kind          *widget.Label
	flow          *widget.Label
	message       *widget.Label
	copyToken     *widget.Button
	clipNote      *widget.Label // "the clipboard clears in 60 s" after Copy token

	verify    *tokensVerify    // Verify signature and its hint, for pasted tokens
	expiry    *tokensExpiry    // the countdown beside the token's kind
	claims    *claimTable      // the Claims tab
	header    *claimTable      // the Header tab
	checklist *tokensChecklist // the Checklist tab, and its verdict beside the token's kind
	raw       *tokensRaw       // the Raw tab

	tabs *container.AppTabs
	body fyne.CanvasObject // tabs, hidden while there is nothing to show

	// The session this screen follows (FollowSession).
	followed   *app.Desk
	unfollow   func()
	sessionSeq uint64
	signedOut  string                // the sign-out that cleared the session's tokens, in its words
	ended      map[string]endedToken // tokens of signed-out sessions, by raw value
	session    *sessionPanel         // the session's actions, while following a desk
	sessionBox *fyne.Container       // holds session, above the token sources
	accessTask *Task                 // the access-token check after a refresh made here

	Object fyne.CanvasObject
}

// NewTokensScreen builds the screen; a provides the clipboard.
func NewTokensScreen(a fyne.App, opts TokensOptions) *TokensScreen {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.NewTicker == nil {
		opts.NewTicker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	s := &TokensScreen{clipboard: a.Clipboard(), opts: opts}

	var buttons []fyne.CanvasObject
	for i := range sourceCount {
		src := i
		b := widget.NewButton(src.String(), func() { s.SelectSource(src) })
		s.sourceButtons[i] = b
		buttons = append(buttons, b)
	}

	s.paste = newTokensPasteBox(s.pasteChanged, s.pasteRefused)
	s.pasteBox = s.paste

	s.kind = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.flow = widget.NewLabel("")
	s.flow.Importance = widget.LowImportance
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.clipNote = newClipboardNote()
	s.copyToken = widget.NewButtonWithIcon("Copy token", theme.ContentCopyIcon(), func() {
		secretClipboardFor(s.clipboard).Copy(s.opts.UI, s.current().raw, s.clipNote)
	})

	s.verify = newTokensVerify(s.verifyPasted)
	s.expiry = newTokensExpiry(opts.UI, opts.Now, opts.NewTicker)
	s.claims = newClaimTable("Claim")
	s.header = newClaimTable("Parameter")
	s.checklist = newTokensChecklist()
	s.raw = newTokensRaw(s.clipboard, func() *token.Decoded { return s.current().decoded })

	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Claims", theme.ListIcon(), container.NewVScroll(s.claims.box)),
		container.NewTabItemWithIcon("Checklist", theme.ConfirmIcon(), container.NewVScroll(s.checklist.object)),
		container.NewTabItemWithIcon("Header", theme.SettingsIcon(), container.NewVScroll(s.header.box)),
		container.NewTabItemWithIcon("Raw", theme.DocumentIcon(), container.NewVScroll(s.raw.object)),
	)
	s.body = s.tabs

	title := widget.NewLabelWithStyle("Tokens", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	sources := container.NewHBox(buttons...)
	s.summary = container.NewBorder(nil, nil,
		container.NewHBox(s.kind, s.checklist.verdict, s.expiry.countdown),
		container.NewHBox(s.verify.button, s.clipNote, s.copyToken),
		s.flow)
	s.sessionBox = container.NewStack()
	top := container.NewVBox(
		container.NewBorder(nil, nil, title, nil, sources),
		s.sessionBox,
		s.pasteBox,
		s.summary,
		s.verify.hint,
		s.message,
	)
	s.Object = container.New(layout.NewCustomPaddedLayout(4, 8, 12, 12), container.NewBorder(top, nil, nil, nil, s.body))

	s.SelectSource(SourceIDToken)
	return s
}

// Screen wraps the Tokens screen for the window's navigation.
func (s *TokensScreen) Screen() Screen {
	return Screen{
		Title:   "Tokens",
		Icon:    theme.VisibilityIcon(),
		Content: s.Object,
		OnShow:  s.expiry.show,
		OnHide:  s.expiry.hide,
		Actions: s.sessionActions(),
	}
}

// Show displays the tokens of a new sign-in, replacing the previous ones, and switches to the
// ID token (or the access token if there is no ID token). Call it on the UI goroutine.
func (s *TokensScreen) Show(set TokenSet) {
	set = s.withSessionScopes(set)
	s.set = set
	s.signedOut = "" // new tokens (or none, for another connection): the sign-out is old news
	s.views[SourceIDToken] = decodeView(set.IDToken, set.IDReport)
	s.views[SourceAccessToken] = decodeView(set.AccessToken, set.AccessReport)
	s.views[SourceRefreshToken] = decodeView(set.RefreshToken, nil)
	switch {
	case set.IDToken != "":
		s.SelectSource(SourceIDToken)
	case set.AccessToken != "":
		s.SelectSource(SourceAccessToken)
	default:
		s.SelectSource(s.source)
	}
}

// SetAccessReport adds the verification report of the shown access token, which is
// checked after the sign-in (the sign-in itself only has to verify the ID token). A report
// for a token no longer shown is ignored.
func (s *TokensScreen) SetAccessReport(raw string, r *token.Report) {
	v := &s.views[SourceAccessToken]
	if raw == "" || v.raw != raw || r == nil {
		return
	}
	v.report = r
	s.set.AccessReport = r
	if s.source == SourceAccessToken {
		s.render()
	}
}

// SelectSource switches which token is shown.
func (s *TokensScreen) SelectSource(src TokenSource) {
	if src < 0 || src >= sourceCount {
		return
	}
	s.source = src
	for i, b := range s.sourceButtons {
		if TokenSource(i) == src {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	s.render()
}

// Source is the token currently shown.
func (s *TokensScreen) Source() TokenSource { return s.source }

// Close stops the countdown ticker, any verification in flight and FollowSession.
func (s *TokensScreen) Close() {
	if s.unfollow != nil {
		s.unfollow()
		s.followed, s.unfollow = nil, nil
	}
	if s.accessTask != nil {
		s.accessTask.Cancel()
		s.accessTask = nil
	}
	s.expiry.stop()
	if s.verifyTask != nil {
		s.verifyTask.Cancel()
		s.verifyTask = nil
	}
}

func (s *TokensScreen) current() *tokenView { return &s.views[s.source] }

func decodeView(raw string, report *token.Report) tokenView {
	raw = strings.TrimSpace(raw)
	v := tokenView{raw: raw, report: report}
	if raw == "" {
		return v
	}
	v.decoded, v.decodeErr = token.Decode(raw)
	return v
}

// render rebuilds everything below the source buttons from the current view.
func (s *TokensScreen) render() {
	v := s.current()
	if s.source == SourcePasted {
		s.pasteBox.Show()
	} else {
		s.pasteBox.Hide()
	}

	s.flow.SetText(s.flowText())
	s.verify.render(v, s.source == SourcePasted, s.opts.Verify != nil)

	switch {
	case v.raw == "" && v.decodeErr == nil:
		s.showMessage(s.emptyText(), widget.LowImportance)
		s.kind.SetText("")
		s.copyToken.Disable()
		s.clearDetails()
	case v.decodeErr != nil:
		s.showMessage(decodeProblem(s.source, v.decodeErr), widget.DangerImportance)
		s.kind.SetText("")
		if s.source != SourcePasted {
			s.kind.SetText(s.source.String())
		}
		s.copyToken.Disable()
		if v.raw != "" {
			s.copyToken.Enable()
		}
		s.clearDetails()
		s.raw.token.SetText(s.raw.presenter.Token(v.raw)) // masked in presenter view, as a decoded one is
	default:
		s.message.Hide()
		if notice := unverifiedNotice(s.source, v.report); notice != "" {
			s.showMessage(notice, widget.DangerImportance)
		}
		s.kind.SetText(tokenTitle(s.source, v.decoded))
		s.copyToken.Enable()
		s.fillDetails(v)
	}
	s.expiry.set(v.decoded)
	s.markEnded(v)
	if v.raw == "" && s.source != SourcePasted {
		s.summary.Hide()
	} else {
		s.summary.Show()
	}
}

func (s *TokensScreen) clearDetails() {
	s.claims.clear()
	s.header.clear()
	s.checklist.clear()
	s.raw.clear()
	s.body.Hide()
}

func (s *TokensScreen) fillDetails(v *tokenView) {
	now := s.opts.Now()
	s.claims.show(claimRowsOf(v.decoded, now))
	s.header.show(headerRowsOf(v.decoded))
	s.checklist.fill(v.report, v.verifyErr, s.source == SourcePasted)
	s.raw.fill(v.decoded)
	s.body.Show()
}
