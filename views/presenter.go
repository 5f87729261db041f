package views

import (
	"encoding/json"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Presenter view (issue 12) is a projector-safe mode: tokens, secrets and personal data
// are masked wherever they appear, the type is larger and the HTTP timeline is hidden.
// Copy buttons still copy the real values; a masked value is shown only after the user
// confirms a Reveal.

// prefPresenterView is the Fyne preference that remembers presenter view.
const prefPresenterView = "presenterView"

// presenterShortcut turns presenter view on or off (Ctrl+Shift+P, Cmd+Shift+P on macOS).
var presenterShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// What presenter view says.
const (
	msgPresenterView    = "Presenter view"
	msgRevealConfirm    = "Show this value on the projector? Everyone watching will see it."
	msgRevealTitle      = "Reveal value"
	msgReveal           = "Reveal"
	msgCopiedRealHidden = "Copied the real value (hidden on screen)"
)

// The masks. A token keeps its first characters so that two tokens can still be told
// apart; a secret keeps nothing, not even its length.
const (
	tokenMaskPrefix = 6
	secretMask      = "•••••••"
	personalMask    = "•••"
)

// maskToken is an access, ID or refresh token as presenter view shows it.
func maskToken(s string) string {
	if s == "" {
		return ""
	}
	r := []rune(s)
	if len(r) > tokenMaskPrefix {
		r = r[:tokenMaskPrefix]
	}
	return string(r) + "•••"
}

// maskSecret is a password, an authorization code, a code_verifier, a client secret or a
// cookie value as presenter view shows it.
func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	return secretMask
}

// maskPersonal is a personal value (an email address, a name, a username) as presenter
// view shows it.
func maskPersonal(s string) string {
	if s == "" {
		return ""
	}
	return personalMask
}

// personalClaims are the OIDC Core §5.1 standard claims (and PingOne's username) that
// name a person; presenter view masks their values.
var personalClaims = map[string]bool{
	"email": true, "name": true, "given_name": true, "family_name": true, "middle_name": true,
	"nickname": true, "preferred_username": true, "username": true, "phone_number": true,
	"address": true, "birthdate": true,
}

// isPersonalClaim reports whether presenter view masks the claim's value.
func isPersonalClaim(name string) bool { return personalClaims[strings.ToLower(name)] }

// maskClaimValue is a claim's shown value under presenter view.
func maskClaimValue(name, value string) string {
	if isPersonalClaim(name) {
		return maskPersonal(value)
	}
	return value
}

// maskPersonalJSON masks the personal members of a JSON document at any depth (the
// username a pi.flow request sends, the user a flow answers with, the userinfo claims)
// and returns it indented; text that is not JSON, or holds nothing personal, comes back
// unchanged.
func maskPersonalJSON(text string) string {
	trimmed := strings.TrimSpace(text)
	if !strings.HasPrefix(trimmed, "{") && !strings.HasPrefix(trimmed, "[") {
		return text
	}
	dec := json.NewDecoder(strings.NewReader(trimmed))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return text
	}
	if !maskPersonalIn(doc) {
		return text
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return text
	}
	return string(out)
}

// maskPersonalIn masks the personal members found under v in place and reports whether
// it masked one.
func maskPersonalIn(v any) bool {
	masked := false
	switch v := v.(type) {
	case map[string]any:
		for name, inner := range v {
			if isPersonalClaim(name) && inner != nil {
				if s, ok := inner.(string); !ok || s != "" {
					v[name] = personalMask
					masked = true
				}
				continue
			}
			masked = maskPersonalIn(inner) || masked
		}
	case []any:
		for _, inner := range v {
			masked = maskPersonalIn(inner) || masked
		}
	}
	return masked
}

// shownBody is an HTTP body as the screen shows it: its personal members masked in
// presenter view. The transcript's redaction has already taken out the secrets.
func shownBody(body string) string {
	if currentPresenter().On() {
		return maskPersonalJSON(body)
	}
	return body
}

// Presenter is one app's presenter-view state: on or off, remembered in the app's
// preferences, and the panels to re-render when it flips. The window makes it
// (presenterFor) and flips it from its View menu; the screens look the same one up
// through their app. Its methods run on the UI goroutine; a nil Presenter is off.
type Presenter struct {
	app  fyne.App
	on   bool
	next int
	subs map[int]func(on bool)
}

var (
	presentersMu sync.Mutex
	presenters   = map[fyne.App]*Presenter{}
)

// presenterFor returns a's presenter state, made on first use from the remembered
// preference. A nil app has a nil Presenter (always off).
func presenterFor(a fyne.App) *Presenter {
	if a == nil {
		return nil
	}
	presentersMu.Lock()
	defer presentersMu.Unlock()
	p, ok := presenters[a]
	if !ok {
		p = &Presenter{app: a, subs: map[int]func(bool){}}
		if prefs := a.Preferences(); prefs != nil {
			p.on = prefs.BoolWithFallback(prefPresenterView, false)
		}
		presenters[a] = p
	}
	return p
}

// presenterOfClipboard is the presenter state of the app whose clipboard cb is (nil, off,
// for none).
func presenterOfClipboard(cb fyne.Clipboard) *Presenter {
	if cb == nil {
		return nil
	}
	presentersMu.Lock()
	for a, p := range presenters {
		if a.Clipboard() == cb {
			presentersMu.Unlock()
			return p
		}
	}
	presentersMu.Unlock()
	if a := fyne.CurrentApp(); a != nil && a.Clipboard() == cb {
		return presenterFor(a)
	}
	return nil
}

// currentPresenter is the running app's presenter state, for the panels that are built
// without the app at hand.
func currentPresenter() *Presenter { return presenterFor(fyne.CurrentApp()) }

// On reports whether presenter view is on.
func (p *Presenter) On() bool { return p != nil && p.on }

// Set turns presenter view on or off, remembers it, and re-renders every subscriber.
func (p *Presenter) Set(on bool) {
	if p == nil || p.on == on {
		return
	}
	p.on = on
	if prefs := p.app.Preferences(); prefs != nil {
		prefs.SetBool(prefPresenterView, on)
	}
	presentersMu.Lock()
	subs := make([]func(bool), 0, len(p.subs))
	for _, f := range p.subs {
		subs = append(subs, f)
	}
	presentersMu.Unlock()
	// The panels change their text first and the theme last: setting the theme lays out
	// and redraws every screen once, with the new text already in place, instead of once
	// for the theme and again for each panel.
	for _, f := range subs {
		f(on)
	}
	p.ApplyTheme()
}

// ApplyTheme gives the app the theme of the current state (larger type in presenter
// view). The window calls it once at start, for a presenter view remembered on.
func (p *Presenter) ApplyTheme() {
	if p == nil || p.app == nil || p.app.Settings() == nil {
		return
	}
	p.app.Settings().SetTheme(themeFor(p.on))
}

// Toggle flips presenter view.
func (p *Presenter) Toggle() { p.Set(!p.On()) }

// Subscribe calls f(on) each time presenter view flips, until unsubscribe.
func (p *Presenter) Subscribe(f func(on bool)) (unsubscribe func()) {
	if p == nil {
		return func() {}
	}
	presentersMu.Lock()
	p.next++
	id := p.next
	p.subs[id] = f
	presentersMu.Unlock()
	return func() {
		presentersMu.Lock()
		delete(p.subs, id)
		presentersMu.Unlock()
	}
}

// Token, Secret and Personal are s as the screen shows it: masked while presenter view
// is on, as it is otherwise.
func (p *Presenter) Token(s string) string {
	if p.On() {
		return maskToken(s)
	}
	return s
}

func (p *Presenter) Secret(s string) string {
	if p.On() {
		return maskSecret(s)
	}
	return s
}

func (p *Presenter) Personal(s string) string {
	if p.On() {
		return maskPersonal(s)
	}
	return s
}

// copiedNote is the feedback of a copy button: under presenter view it says that the
// real value was copied although the screen hides it.
func (p *Presenter) copiedNote(text string) string {
	if p.On() {
		return msgCopiedRealHidden + " · " + strings.TrimPrefix(text, "Copied · ")
	}
	return text
}

// confirmReveal asks before a masked value is shown on the projector, and calls reveal
// only when the user agrees. Without a window (tests of a lone panel) it asks nobody and
// reveals nothing.
func confirmReveal(parent fyne.Window, reveal func()) {
	if parent == nil {
		return
	}
	dialog.NewConfirm(msgRevealTitle, msgRevealConfirm, func(ok bool) {
		if ok {
			reveal()
		}
	}, parent).Show()
}

// revealButton is the Reveal affordance beside a masked value: shown only while presenter
// view is on and the value is masked (setRevealShown), it asks first (confirmReveal).
func newRevealButton(parent func() fyne.Window, reveal func()) *widget.Button {
	b := widget.NewButtonWithIcon(msgReveal, theme.VisibilityIcon(), nil)
	b.Importance = widget.LowImportance
	b.OnTapped = func() {
		var w fyne.Window
		if parent != nil {
			w = parent()
		}
		confirmReveal(w, reveal)
	}
	b.Hide()
	return b
}

// windowOf is the first window of the running app, the parent of a Reveal's question for
// a panel built without one.
func windowOf(a fyne.App) fyne.Window {
	if a == nil {
		a = fyne.CurrentApp()
	}
	if a == nil {
		return nil
	}
	if ws := a.Driver().AllWindows(); len(ws) > 0 {
		return ws[0]
	}
	return nil
}

func setRevealShown(b *widget.Button, shown bool) {
	if b == nil {
		return
	}
	if shown {
		b.Show()
	} else {
		b.Hide()
	}
}

// presenter is the presenter state of the shell's app (of the running app without one).
func (sh *Shell) presenter() *Presenter {
	if sh != nil && sh.App != nil {
		return presenterFor(sh.App)
	}
	return currentPresenter()
}
