package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// buildPKCE is the PKCE tab: one row per value, each its name, the value and why it is
// there, stacked. The value has the row's whole width and wraps inside it (monoLabel
// breaks anywhere), so a long challenge or state takes another line of its own row
// rather than running over the explanation below it.
func (s *SignInScreen) buildPKCE() fyne.CanvasObject {
	s.verifierLabel = monoLabel()
	s.challengeLabel = monoLabel()
	s.methodLabel = monoLabel()
	s.stateLabel = monoLabel()
	s.nonceLabel = monoLabel()
	s.pkceExplain = nil
	// Presenter view masks the verifier whole; the challenge, state and nonce are not
	// secrets (RFC 7636 §4.2: the challenge is sent in the clear).
	s.sh.presenter().Subscribe(func(bool) { s.renderPKCE() })
	row := func(name string, value *widget.Label, why string) fyne.CanvasObject {
		expl := widget.NewLabel(why)
		expl.Wrapping = fyne.TextWrapWord
		expl.Importance = widget.LowImportance
		s.pkceExplain = append(s.pkceExplain, expl)
		return container.NewVBox(sectionTitle(name), value, expl)
	}
	return container.NewVBox(
		row("code_verifier", s.verifierLabel, "The secret only this app knows. Sending it with the code proves that whoever redeems the code is the app that asked for it."),
		row("code_challenge", s.challengeLabel, "SHA-256 of the verifier, sent up front in the authorize request; PingOne checks the verifier against it later."),
		row("code_challenge_method", s.methodLabel, "The hashing method. S256 is required: plain (the verifier itself) is refused."),
		row("state", s.stateLabel, "Ties the browser's answer to this attempt, so a forged callback is rejected (stops CSRF)."),
		row("nonce", s.nonceLabel, "Ties the ID token to this attempt, so an old token cannot be replayed."),
	)
}

// renderPKCE shows the attempt's values. The verifier stays masked unless the attempt has
// ended with its code redeemed: while it runs the code may still be redeemed, and after a
// failure (a busy port, a wrong password, a cancel) no code was redeemed with it.
func (s *SignInScreen) renderPKCE() {
	if s.pkce == nil {
		for _, l := range []*widget.Label{s.verifierLabel, s.challengeLabel, s.methodLabel, s.stateLabel, s.nonceLabel} {
			l.SetText(msgNoAttempt)
		}
		return
	}
	verifier := maskVerifier(s.pkce.Verifier, s.redeemed, s.ended)
	if s.sh.presenter().On() {
		verifier = maskSecret(s.pkce.Verifier) + " (hidden in presenter view)"
	}
	s.verifierLabel.SetText(verifier)
	s.challengeLabel.SetText(s.pkce.Challenge)
	s.methodLabel.SetText("S256")
	s.stateLabel.SetText(s.pkce.State)
	s.nonceLabel.SetText(s.pkce.Nonce)
}

// maskVerifier shows a verifier in full once the attempt has ended with its code redeemed,
// and only its first characters otherwise, with the reason.
func maskVerifier(v string, redeemed, ended bool) string {
	if redeemed && ended {
		return v
	}
	if len(v) > 4 {
		v = v[:4]
	}
	if ended {
		return v + msgVerifierUnused
	}
	return v + msgVerifierMask
}
