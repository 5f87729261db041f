package views

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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

// claimRow is one line of the claims or header table.
type claimRow struct {
	Name    string
	Title   *widget.Label
	Value   *widget.Label
	Meaning *widget.Label
}

// checkRow is one line of the verification checklist.
type checkRow struct {
	ID     string
	Status token.Status
	Icon   *widget.Icon
	Title  *widget.Label
	Reason *widget.Label
}

// TokensScreen shows the last sign-in's tokens and any pasted JWT: header and claims with
// explanations, the verification checklist, the raw JSON and a live expiry countdown.
// Everything is decoded locally.
type TokensScreen struct {
	clipboard fyne.Clipboard
	opts      TokensOptions

	views   [sourceCount]tokenView
	source  TokenSource
	set     TokenSet
	expiry  time.Time // zero when the shown token has no usable exp
	visible bool

	stopTicker func()
	verifyTask *Task
	onTick     func() // test hook, runs on the UI goroutine after each countdown update

	sourceButtons [sourceCount]*widget.Button
	paste         *pasteEntry
	pasteBox      fyne.CanvasObject
	summary       fyne.CanvasObject // kind, countdown and the token's buttons
	kind          *widget.Label
	flow          *widget.Label
	countdown     *widget.Label
	verdict       *widget.Label // the checklist's outcome in a word, beside the token's kind
	message       *widget.Label
	copyToken     *widget.Button
	clipNote      *widget.Label // "the clipboard clears in 60 s" after Copy token
	verify        *widget.Button
	verifyHint    *widget.Label

	claims     *fyne.Container
	claimRows  []claimRow
	header     *fyne.Container
	headerRows []claimRow

	checklistSummary *widget.Label
	checklist        *fyne.Container
	checkRows        []checkRow

	rawToken   *widget.Label
	rawHeader  *widget.Label
	rawClaims  *widget.Label
	copyHeader *widget.Button
	copyClaims *widget.Button

	tabs *container.AppTabs
	body fyne.CanvasObject // tabs, hidden while there is nothing to show

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
	s := &TokensScreen{clipboard: a.Clipboard(), opts: opts, visible: true}

	var buttons []fyne.CanvasObject
	for i := range sourceCount {
		src := i
		b := widget.NewButton(src.String(), func() { s.SelectSource(src) })
		s.sourceButtons[i] = b
		buttons = append(buttons, b)
	}

	s.paste = newPasteEntry(token.MaxTokenSize, s.pasteRefused)
	s.paste.SetPlaceHolder("Paste a JWT (header.payload.signature) — it is decoded on this computer and not sent anywhere")
	s.paste.SetMinRowsVisible(3)
	s.paste.OnChanged = s.pasteChanged
	s.pasteBox = s.paste

	s.kind = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.flow = widget.NewLabel("")
	s.flow.Importance = widget.LowImportance
	s.countdown = widget.NewLabel("")
	s.verdict = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord

	s.clipNote = newClipboardNote()
	s.copyToken = widget.NewButtonWithIcon("Copy token", theme.ContentCopyIcon(), func() {
		secretClipboardFor(s.clipboard).Copy(s.current().raw, s.clipNote)
	})
	s.verify = widget.NewButtonWithIcon("Verify signature", theme.ConfirmIcon(), s.verifyPasted)
	s.verifyHint = widget.NewLabel("")
	s.verifyHint.Importance = widget.LowImportance
	s.verifyHint.Wrapping = fyne.TextWrapWord

	s.claims = container.NewVBox()
	s.header = container.NewVBox()
	s.checklistSummary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.checklistSummary.Wrapping = fyne.TextWrapWord
	s.checklist = container.NewVBox()

	s.rawToken = monoLabel()
	s.rawHeader = monoLabel()
	s.rawClaims = monoLabel()
	s.copyHeader = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d := s.current().decoded; d != nil {
			s.clipboard.SetContent(string(d.HeaderJSON))
		}
	})
	s.copyClaims = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d := s.current().decoded; d != nil {
			s.clipboard.SetContent(string(d.ClaimsJSON))
		}
	})
	s.copyHeader.Importance = widget.LowImportance
	s.copyClaims.Importance = widget.LowImportance

	raw := container.NewVBox(
		sectionTitle("Encoded token"), s.rawToken,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, sectionTitle("Header"), s.copyHeader), s.rawHeader,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, sectionTitle("Claims"), s.copyClaims), s.rawClaims,
	)
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Claims", theme.ListIcon(), container.NewVScroll(s.claims)),
		container.NewTabItemWithIcon("Checklist", theme.ConfirmIcon(), container.NewVScroll(container.NewVBox(s.checklistSummary, s.checklist))),
		container.NewTabItemWithIcon("Header", theme.SettingsIcon(), container.NewVScroll(s.header)),
		container.NewTabItemWithIcon("Raw", theme.DocumentIcon(), container.NewVScroll(raw)),
	)
	s.body = s.tabs

	title := widget.NewLabelWithStyle("Tokens", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	sources := container.NewHBox(buttons...)
	s.summary = container.NewBorder(nil, nil,
		container.NewHBox(s.kind, s.verdict, s.countdown),
		container.NewHBox(s.verify, s.clipNote, s.copyToken),
		s.flow)
	top := container.NewVBox(
		container.NewBorder(nil, nil, title, nil, sources),
		s.pasteBox,
		s.summary,
		s.verifyHint,
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
		OnShow:  func() { s.visible = true; s.startCountdown() },
		OnHide:  func() { s.visible = false; s.stopCountdown() },
	}
}

// Show displays the tokens of a new sign-in, replacing the previous ones, and switches to the
// ID token (or the access token if there is no ID token). Call it on the UI goroutine.
func (s *TokensScreen) Show(set TokenSet) {
	s.set = set
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

// Paste puts raw into the paste box and shows it, as if the user had pasted it.
func (s *TokensScreen) Paste(raw string) {
	s.SelectSource(SourcePasted)
	if len(raw) > s.paste.maxLen {
		s.pasteRefused(raw)
		return
	}
	s.paste.SetText(raw) // OnChanged decodes it
}

// pasteRefused shows the decoder's "too large" message for text the paste box did not take.
func (s *TokensScreen) pasteRefused(raw string) {
	if s.verifyTask != nil {
		s.verifyTask.Cancel()
		s.verifyTask = nil
	}
	_, err := token.Decode(raw) // refuses on length alone, before reading anything
	s.views[SourcePasted] = tokenView{decodeErr: err}
	s.paste.SetText("")
	s.views[SourcePasted] = tokenView{decodeErr: err} // SetText("") reset it
	s.render()
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

// Close stops the countdown ticker and any verification in flight.
func (s *TokensScreen) Close() {
	s.stopCountdown()
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

func (s *TokensScreen) pasteChanged(text string) {
	// A new paste invalidates any verification of the previous one.
	if s.verifyTask != nil {
		s.verifyTask.Cancel()
		s.verifyTask = nil
	}
	v := decodeView(text, nil)
	s.views[SourcePasted] = v
	if s.source == SourcePasted {
		s.render()
	}
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
	s.renderVerifyControls(v)

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
		s.rawToken.SetText(v.raw)
	default:
		s.message.Hide()
		if notice := unverifiedNotice(s.source, v.report); notice != "" {
			s.showMessage(notice, widget.DangerImportance)
		}
		s.kind.SetText(tokenTitle(s.source, v.decoded))
		s.copyToken.Enable()
		s.fillDetails(v)
	}
	s.updateExpiry(v)
	if v.raw == "" && s.source != SourcePasted {
		s.summary.Hide()
	} else {
		s.summary.Show()
	}
}

// unverifiedNotice says, above the claims, why a session's ID token is not verified. A
// sign-in never keeps such a token, but a refresh does (its refresh token has already
// replaced the old one), so the reason must be in view and not only in the checklist.
func unverifiedNotice(src TokenSource, r *token.Report) string {
	if src != SourceIDToken || r == nil {
		return ""
	}
	failed := r.Failed()
	if len(failed) == 0 {
		return ""
	}
	return "This ID token did not pass verification, so do not rely on what it says: " + failed[0].Reason +
		" The session still belongs to the user who signed in; sign in again for a verified ID token."
}

func (s *TokensScreen) flowText() string {
	if s.source == SourcePasted || s.set.ReceivedAt.IsZero() {
		return ""
	}
	flow := s.set.Flow
	if flow == "" {
		flow = "Sign-in"
	}
	return fmt.Sprintf("%s at %s", flow, s.set.ReceivedAt.Local().Format("15:04:05"))
}

func (s *TokensScreen) emptyText() string {
	switch s.source {
	case SourcePasted:
		return "Paste any JWT to read its header and claims. Decoding happens on this computer; nothing is sent anywhere."
	case SourceRefreshToken:
		if s.set.IDToken != "" || s.set.AccessToken != "" {
			return "PingOne issued no refresh token. Add the Refresh Token grant type to the application to get one."
		}
		fallthrough
	default:
		return "No sign-in yet. Sign in on the Sign in screen (Ctrl+3), or choose \"Paste a JWT\" to inspect any token."
	}
}

// decodeProblem is the decoder's own plain message, with a hint for opaque refresh tokens,
// which are not meant to be read by the client at all.
func decodeProblem(src TokenSource, err error) string {
	msg := err.Error()
	if len(msg) > 0 {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	switch {
	case errors.Is(err, token.ErrEncrypted):
		return msg + ". Encrypted tokens can only be read by the party holding the decryption key."
	case src == SourceRefreshToken && errors.Is(err, token.ErrMalformed):
		return "This refresh token is not a JWT: it is an opaque value only PingOne can read. You can still copy it."
	}
	return msg + "."
}

func tokenTitle(src TokenSource, d *token.Decoded) string {
	kind := d.Kind.String()
	if d.Kind == token.Unknown {
		kind = "JWT"
	}
	if src != SourcePasted && src != SourceRefreshToken {
		kind = src.String()
	}
	title := strings.ToUpper(kind[:1]) + kind[1:]
	if alg := d.HeaderString("alg"); alg != "" {
		title += " · " + alg
	}
	return title
}

func (s *TokensScreen) showMessage(text string, imp widget.Importance) {
	s.message.Importance = imp
	s.message.SetText(text)
	s.message.Show()
}

func (s *TokensScreen) renderVerifyControls(v *tokenView) {
	if s.source != SourcePasted {
		s.verify.Hide()
		s.verifyHint.Hide()
		return
	}
	s.verify.Show()
	s.verifyHint.Show()
	iss := ""
	if v.decoded != nil {
		iss = v.decoded.ClaimString("iss")
	}
	switch {
	case s.opts.Verify == nil:
		s.verify.Disable()
		s.verifyHint.SetText("Signature verification is not available in this build.")
	case v.decoded == nil:
		s.verify.Disable()
		s.verifyHint.SetText("")
		s.verifyHint.Hide()
	case iss == "":
		s.verify.Disable()
		s.verifyHint.SetText("This token names no issuer (iss), so there are no published keys to check it against.")
	case v.verifying:
		s.verify.Disable()
		s.verifyHint.SetText("Downloading the signing keys of " + iss + " …")
	default:
		s.verify.Enable()
		s.verifyHint.SetText("Verify signature downloads the public signing keys published by " + iss + ". The token itself is not sent.")
	}
}

func (s *TokensScreen) verifyPasted() {
	v := &s.views[SourcePasted]
	if s.opts.Verify == nil || v.decoded == nil || v.verifying {
		return
	}
	raw := v.raw
	v.verifying = true
	v.verifyErr = nil
	s.render()
	s.verifyTask = Run(context.Background(), s.opts.Progress,
		func(ctx context.Context) (*token.Report, error) { return s.opts.Verify(ctx, raw) },
		func(r *token.Report, err error) {
			s.verifyTask = nil
			cur := &s.views[SourcePasted]
			if cur.raw != raw { // the paste changed meanwhile: this result is about another token
				return
			}
			cur.verifying = false
			cur.report = r
			if r == nil {
				cur.verifyErr = err
			}
			if s.source == SourcePasted {
				s.render()
				s.tabs.SelectIndex(1) // the checklist is what the user asked for
			}
		})
}

func (s *TokensScreen) clearDetails() {
	s.claims.RemoveAll()
	s.header.RemoveAll()
	s.checklist.RemoveAll()
	s.claimRows, s.headerRows, s.checkRows = nil, nil, nil
	s.checklistSummary.SetText("")
	s.verdict.SetText("")
	s.rawToken.SetText("")
	s.rawHeader.SetText("")
	s.rawClaims.SetText("")
	s.copyHeader.Disable()
	s.copyClaims.Disable()
	s.body.Hide()
}

func (s *TokensScreen) fillDetails(v *tokenView) {
	now := s.opts.Now()
	d := v.decoded

	s.claimRows = s.claimRows[:0]
	s.claims.RemoveAll()
	s.claims.Add(tableHeading("Claim", "Value", "What it means"))
	for _, name := range token.SortedClaimNames(d.Claims) {
		title, text, known := token.ExplainClaim(name)
		if !known {
			title = "Custom claim"
			text = "Not a standard claim: usually an attribute the PingOne application maps into its tokens."
		}
		row := newClaimRow(name, title, token.DescribeValue(name, d.Claims[name], now), text)
		s.claimRows = append(s.claimRows, row)
		s.claims.Add(row.object())
	}

	s.headerRows = s.headerRows[:0]
	s.header.RemoveAll()
	s.header.Add(tableHeading("Parameter", "Value", "What it means"))
	for _, name := range token.SortedClaimNames(d.Header) {
		title, text, known := token.ExplainHeader(name)
		if !known {
			title = "Other parameter"
			text = "Not a parameter this app knows."
		}
		row := newClaimRow(name, title, compactJSON(d.Header[name]), text)
		s.headerRows = append(s.headerRows, row)
		s.header.Add(row.object())
	}

	s.fillChecklist(v)

	s.rawToken.SetText(d.Raw)
	s.rawHeader.SetText(string(d.HeaderJSON))
	s.rawClaims.SetText(string(d.ClaimsJSON))
	s.copyHeader.Enable()
	s.copyClaims.Enable()
	s.body.Show()
}

func (s *TokensScreen) fillChecklist(v *tokenView) {
	defer s.fillVerdict(v)
	s.checklist.RemoveAll()
	s.checkRows = nil
	s.checklistSummary.Importance = widget.MediumImportance
	switch {
	case v.verifyErr != nil:
		s.checklistSummary.Importance = widget.DangerImportance
		s.checklistSummary.SetText("Could not verify: " + v.verifyErr.Error())
		return
	case v.report == nil && s.source == SourcePasted:
		s.checklistSummary.SetText("Not verified. Decoding shows what the token says, not whether it is genuine: use Verify signature to check it against the issuer's published keys.")
		return
	case v.report == nil:
		s.checklistSummary.SetText("This token was not verified by the sign-in. Access and refresh tokens are meant for the API, not for this app.")
		return
	}

	failed := len(v.report.Failed())
	applicable := 0
	for _, c := range v.report.Checks {
		if c.Status != token.NotApplicable {
			applicable++
		}
		row := newCheckRow(c)
		s.checkRows = append(s.checkRows, row)
		s.checklist.Add(row.object())
	}
	switch {
	case failed == 0 && applicable > 0:
		s.checklistSummary.Importance = widget.SuccessImportance
		s.checklistSummary.SetText(fmt.Sprintf("All %d applicable checks passed.", applicable))
	case failed > 0:
		s.checklistSummary.Importance = widget.DangerImportance
		s.checklistSummary.SetText(fmt.Sprintf("%d of %d checks failed: do not trust this token.", failed, applicable))
	default:
		s.checklistSummary.SetText("No checks applied.")
	}
}

// fillVerdict repeats the checklist's outcome next to the token's kind, so whether the
// token can be trusted is visible without opening the Checklist tab.
func (s *TokensScreen) fillVerdict(v *tokenView) {
	switch {
	case v.report == nil:
		s.verdict.Importance = widget.LowImportance
		s.verdict.SetText("· not verified")
	case len(v.report.Failed()) > 0:
		s.verdict.Importance = widget.DangerImportance
		s.verdict.SetText(fmt.Sprintf("· %d checks FAILED", len(v.report.Failed())))
	default:
		s.verdict.Importance = widget.SuccessImportance
		s.verdict.SetText("· verified")
	}
}

// updateExpiry reads exp from the shown token and starts or stops the countdown.
func (s *TokensScreen) updateExpiry(v *tokenView) {
	s.expiry = time.Time{}
	if v.decoded != nil {
		if exp, ok := numericDate(v.decoded.Claims["exp"]); ok {
			s.expiry = exp
		}
	}
	s.updateCountdown()
	s.startCountdown()
}

// updateCountdown refreshes the "expires in" label from the clock.
func (s *TokensScreen) updateCountdown() {
	if s.expiry.IsZero() {
		s.countdown.SetText("")
		s.countdown.Hide()
		return
	}
	left := s.expiry.Sub(s.opts.Now())
	at := s.expiry.Local().Format("15:04:05")
	switch {
	case left <= 0:
		s.countdown.Importance = widget.DangerImportance
		s.countdown.SetText("Expired " + token.Humanize(left) + " ago (" + at + ")")
	case left < 2*time.Minute:
		s.countdown.Importance = widget.WarningImportance
		s.countdown.SetText("Expires in " + token.Humanize(left) + " (" + at + ")")
	default:
		s.countdown.Importance = widget.SuccessImportance
		s.countdown.SetText("Expires in " + token.Humanize(left) + " (" + at + ")")
	}
	s.countdown.Show()
}

// startCountdown runs a one-second ticker while a token with exp is on screen; it is stopped
// when the screen is hidden or the token changes, so an idle app has no goroutine ticking.
func (s *TokensScreen) startCountdown() {
	s.stopCountdown()
	if s.expiry.IsZero() || !s.visible {
		return
	}
	ticks, stop := s.opts.NewTicker(time.Second)
	quit := make(chan struct{})
	s.stopTicker = func() { close(quit); stop() }
	go func() {
		for {
			select {
			case <-quit:
				return
			case <-ticks:
				onUI(func() {
					select {
					case <-quit: // stopped while this tick was queued
						return
					default:
					}
					s.updateCountdown()
					if s.onTick != nil {
						s.onTick()
					}
				})
			}
		}
	}()
}

func (s *TokensScreen) stopCountdown() {
	if s.stopTicker != nil {
		s.stopTicker()
		s.stopTicker = nil
	}
}

// countdownRunning reports whether the ticker goroutine is active (tests).
func (s *TokensScreen) countdownRunning() bool { return s.stopTicker != nil }

// numericDate reads a JWT NumericDate (RFC 7519 §2): seconds since the epoch, possibly
// fractional. Decode keeps numbers as json.Number.
func numericDate(v any) (time.Time, bool) {
	var secs float64
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		if err != nil {
			return time.Time{}, false
		}
		secs = f
	case float64:
		secs = n
	case int64:
		secs = float64(n)
	default:
		return time.Time{}, false
	}
	if secs <= 0 || secs > 1e11 { // beyond year 5000: not a real expiry
		return time.Time{}, false
	}
	whole := int64(secs)
	return time.Unix(whole, int64((secs-float64(whole))*1e9)), true
}

func compactJSON(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func newClaimRow(name, title, value, meaning string) claimRow {
	r := claimRow{
		Name:    name,
		Title:   widget.NewLabel(title),
		Value:   widget.NewLabel(value),
		Meaning: widget.NewLabel(meaning),
	}
	r.Title.Importance = widget.LowImportance
	r.Title.Wrapping = fyne.TextWrapWord
	r.Value.Wrapping = fyne.TextWrapBreak
	r.Value.Selectable = true
	r.Meaning.Wrapping = fyne.TextWrapWord
	// The explanations are what a non-expert reads: full contrast, set apart by italics
	// (the low-importance colour is too faint in the light theme).
	r.Meaning.TextStyle = fyne.TextStyle{Italic: true}
	return r
}

func (r claimRow) object() fyne.CanvasObject {
	name := widget.NewLabelWithStyle(r.Name, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	name.Wrapping = fyne.TextWrapBreak
	nameCell := container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), name, r.Title)
	cells := container.New(tableLayout{}, nameCell, r.Value, r.Meaning)
	return container.NewVBox(cells, widget.NewSeparator())
}

func tableHeading(cols ...string) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(cols))
	for i, c := range cols {
		l := widget.NewLabelWithStyle(c, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Importance = widget.LowImportance
		objs[i] = l
	}
	return container.NewVBox(container.New(tableLayout{}, objs...), widget.NewSeparator())
}

func newCheckRow(c token.Check) checkRow {
	r := checkRow{
		ID:     c.ID,
		Status: c.Status,
		Icon:   widget.NewIcon(statusIcon(c.Status)),
		Title:  widget.NewLabelWithStyle(c.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		Reason: widget.NewLabel(c.Reason),
	}
	r.Reason.Wrapping = fyne.TextWrapWord
	switch c.Status {
	case token.Failed:
		r.Title.Importance = widget.DangerImportance
	case token.NotApplicable:
		r.Title.Importance = widget.LowImportance
		r.Reason.Importance = widget.LowImportance
	}
	return r
}

func (r checkRow) object() fyne.CanvasObject {
	status := widget.NewLabel(statusWord(r.Status))
	status.Importance = r.Title.Importance
	if r.Status == token.Passed {
		status.Importance = widget.SuccessImportance
	}
	text := container.New(layout.NewCustomPaddedVBoxLayout(0), r.Title, r.Reason)
	return container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(r.Icon), status, text), widget.NewSeparator())
}

func statusWord(s token.Status) string {
	switch s {
	case token.Passed:
		return "Passed"
	case token.Failed:
		return "Failed"
	default:
		return "Not applicable"
	}
}

func statusIcon(s token.Status) fyne.Resource {
	switch s {
	case token.Passed:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case token.Failed:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	default:
		return theme.NewDisabledResource(theme.ContentRemoveIcon())
	}
}

func sectionTitle(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// tableLayout lays three cells side by side in fixed proportions (name, value, meaning) so
// every row of a table lines up without a widget.Table's fixed row heights, which would cut
// off wrapped explanations.
type tableLayout struct{}

var tableWeights = [...]float32{0.24, 0.36, 0.40}

func (tableLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	avail := size.Width - pad*float32(len(objs)-1)
	x := float32(0)
	for i, o := range objs {
		w := avail * tableWeights[i%len(tableWeights)]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (tableLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h, w float32
	for _, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height)
		w += m.Width
	}
	return fyne.NewSize(w+theme.Padding()*float32(len(objs)-1), h)
}

// pasteEntry is the paste box. It refuses clipboard pastes over maxLen before they reach
// the entry: laying out (shaping and wrapping) tens of kilobytes would freeze the window,
// and the decoder would refuse such a token anyway.
type pasteEntry struct {
	widget.Entry
	maxLen    int
	onRefused func(string)
}

func newPasteEntry(maxLen int, onRefused func(string)) *pasteEntry {
	e := &pasteEntry{maxLen: maxLen, onRefused: onRefused}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut checks the size of a paste before the entry takes it.
func (e *pasteEntry) TypedShortcut(sc fyne.Shortcut) {
	if p, ok := sc.(*fyne.ShortcutPaste); ok && p.Clipboard != nil {
		if text := p.Clipboard.Content(); len(text) > e.maxLen {
			e.onRefused(text)
			return
		}
	}
	e.Entry.TypedShortcut(sc)
}
