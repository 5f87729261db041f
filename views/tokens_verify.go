package views

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// tokensVerify is "Verify signature" for a pasted token, with the line below it that says
// what pressing it would download, or why it cannot.
type tokensVerify struct {
	button *widget.Button
	hint   *widget.Label
}

func newTokensVerify(onVerify func()) *tokensVerify {
	p := &tokensVerify{
		button: widget.NewButtonWithIcon("Verify signature", theme.ConfirmIcon(), onVerify),
		hint:   widget.NewLabel(""),
	}
	p.hint.Importance = widget.LowImportance
	p.hint.Wrapping = fyne.TextWrapWord
	return p
}

// render shows the controls for v: only for a pasted token (pasted), and enabled only when
// a verifier is available and the token names its issuer.
func (p *tokensVerify) render(v *tokenView, pasted, available bool) {
	if !pasted {
		p.button.Hide()
		p.hint.Hide()
		return
	}
	p.button.Show()
	p.hint.Show()
	iss := ""
	if v.decoded != nil {
		iss = v.decoded.ClaimString("iss")
	}
	switch {
	case !available:
		p.button.Disable()
		p.hint.SetText("Signature verification is not available in this build.")
	case v.decoded == nil:
		p.button.Disable()
		p.hint.SetText("")
		p.hint.Hide()
	case iss == "":
		p.button.Disable()
		p.hint.SetText("This token names no issuer (iss), so there are no published keys to check it against.")
	case v.verifying:
		p.button.Disable()
		p.hint.SetText("Downloading the signing keys of " + iss + " …")
	default:
		p.button.Enable()
		p.hint.SetText("Verify signature downloads the public signing keys published by " + iss + ". The token itself is not sent.")
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
	s.verifyTask = Run(context.Background(), s.opts.UI, s.opts.Progress,
		func(ctx context.Context) (*token.Report, error) { return s.opts.Verify(ctx, raw) },
		func(r *token.Report, err error) {
			// s.verifyTask is left alone: it is only set on the UI goroutine that started
			// the task, and cancelling a finished task does nothing.
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
