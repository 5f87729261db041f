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
}

// newTokensRaw builds the tab; the copy buttons copy from decoded() (the shown token) when
// pressed.
func newTokensRaw(cb fyne.Clipboard, decoded func() *token.Decoded) *tokensRaw {
	r := &tokensRaw{token: monoLabel(), header: monoLabel(), claims: monoLabel()}
	r.copyHeader = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d := decoded(); d != nil {
			copyPlain(cb, string(d.HeaderJSON()))
		}
	})
	r.copyClaims = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d := decoded(); d != nil {
			copyPlain(cb, string(d.ClaimsJSON()))
		}
	})
	r.copyHeader.Importance = widget.LowImportance
	r.copyClaims.Importance = widget.LowImportance
	r.object = container.NewVBox(
		sectionTitle("Encoded token"), r.token,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, sectionTitle("Header"), r.copyHeader), r.header,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, sectionTitle("Claims"), r.copyClaims), r.claims,
	)
	return r
}

func (r *tokensRaw) fill(d *token.Decoded) {
	r.token.SetText(d.Raw)
	r.header.SetText(string(d.HeaderJSON()))
	r.claims.SetText(string(d.ClaimsJSON()))
	r.copyHeader.Enable()
	r.copyClaims.Enable()
}

func (r *tokensRaw) clear() {
	r.token.SetText("")
	r.header.SetText("")
	r.claims.SetText("")
	r.copyHeader.Disable()
	r.copyClaims.Disable()
}
