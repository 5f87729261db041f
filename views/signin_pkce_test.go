package views

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// PKCE values wrap inside their own rows: on the smallest supported screens each value
// lies between its name and its explanation, within the panel's width, and is as tall as
// its wrapped text, so no value runs over the text below it.
func TestSignInPKCEValuesStayInTheirRows(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	// Longer than any real value (43 characters), so they must wrap in the narrow pane.
	long := strings.Repeat("Ab0-_x9Z", 12)
	s.pkce = &app.SignInPKCE{Verifier: long, Challenge: long, State: long + "s", Nonce: long + "n"}
	s.redeemed, s.ended = true, true
	s.renderPKCE()
	s.bottom.SelectIndex(0)
	panel := s.bottom.Items[0].Content
	values := []*widget.Label{s.verifierLabel, s.challengeLabel, s.methodLabel, s.stateLabel, s.nonceLabel}
	if len(s.pkceExplain) != len(values) {
		t.Fatalf("%d explanations for %d values", len(s.pkceExplain), len(values))
	}
	for _, sc := range supportedScreens {
		sizeForScreen(e, sc.logical)
		_, panelEnd := absRect(panel)
		for i, v := range values {
			where := fmt.Sprintf("%s, row %d", sc.name, i)
			top, end := absRect(v)
			explTop, _ := absRect(s.pkceExplain[i])
			if end.Y > explTop.Y {
				t.Errorf("%s: the value (to y=%v) runs over its explanation (from y=%v)", where, end.Y, explTop.Y)
			}
			if end.X > panelEnd.X {
				t.Errorf("%s: the value (to x=%v) runs past the panel (x=%v)", where, end.X, panelEnd.X)
			}
			if v.Size().Height < v.MinSize().Height {
				t.Errorf("%s: the value is cut to %v of its %v", where, v.Size().Height, v.MinSize().Height)
			}
			if i > 0 {
				if _, prevExplEnd := absRect(s.pkceExplain[i-1]); top.Y < prevExplEnd.Y {
					t.Errorf("%s: the value starts inside the previous row", where)
				}
			}
		}
		if line := s.methodLabel.MinSize().Height; s.challengeLabel.Size().Height <= line {
			t.Errorf("%s: the long challenge did not wrap (height %v, one line %v): the test proves nothing", sc.name, s.challengeLabel.Size().Height, line)
		}
	}
}
