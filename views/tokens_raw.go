package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// tokensRaw is the Raw tab: the encoded token, and its header and claims as JSON, each
// with a copy button.
type tokensRaw struct {
	object                 fyne.CanvasObject
	token, header, claims  *widget.Label
	copyHeader, copyClaims *widget.Button

	// Presenter view masks the token and the personal claims until a confirmed Reveal.
	presenter *Presenter
	reveal    *widget.Button
	revealed  bool
	shown     *token.Decoded
	cb        fyne.Clipboard
}

// newTokensRaw builds the tab; the copy buttons copy from decoded() (the shown token) when
// pressed.
func newTokensRaw(cb fyne.Clipboard, decoded func() *token.Decoded) *tokensRaw {
	r := &tokensRaw{token: monoLabel(), header: monoLabel(), claims: monoLabel(), cb: cb, presenter: presenterOfClipboard(cb)}
	if r.presenter == nil {
		r.presenter = currentPresenter()
	}
	r.reveal = newRevealButton(func() fyne.Window { return windowOf(nil) }, func() {
		r.revealed = true
		r.render()
	})
	r.presenter.Subscribe(func(bool) { r.revealed = false; r.render() })
	r.copyHeader = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d := decoded(); d != nil {
			copyPlain(cb, string(d.HeaderJSON()))
		}
	})
	r.copyClaims = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d := decoded(); d != nil {
			copyPlain(cb, string(d.ClaimsJSON())) // the real claims, even in presenter view
		}
	})
	r.copyHeader.Importance = widget.LowImportance
	r.copyClaims.Importance = widget.LowImportance
	r.object = container.NewVBox(
		container.NewBorder(nil, nil, sectionTitle("Encoded token"), r.reveal), r.token,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, sectionTitle("Header"), r.copyHeader), r.header,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, sectionTitle("Claims"), r.copyClaims), r.claims,
	)
	return r
}

func (r *tokensRaw) fill(d *token.Decoded) {
	if d != r.shown {
		r.revealed = false // a Reveal shows one token only
	}
	r.shown = d
	r.render()
	r.copyHeader.Enable()
	r.copyClaims.Enable()
}

// render shows the token shown, masked in presenter view unless revealed.
func (r *tokensRaw) render() {
	d := r.shown
	if d == nil {
		return
	}
	masked := r.presenter.On() && !r.revealed
	setRevealShown(r.reveal, masked)
	if masked {
		r.token.SetText(maskToken(d.Raw))
		r.header.SetText(string(d.HeaderJSON()))
		r.claims.SetText(maskPersonalJSON(string(d.ClaimsJSON())))
		return
	}
	r.token.SetText(d.Raw)
	r.header.SetText(string(d.HeaderJSON()))
	r.claims.SetText(string(d.ClaimsJSON()))
}

func (r *tokensRaw) clear() {
	r.shown, r.revealed = nil, false
	setRevealShown(r.reveal, false)
	r.token.SetText("")
	r.header.SetText("")
	r.claims.SetText("")
	r.copyHeader.Disable()
	r.copyClaims.Disable()
}
