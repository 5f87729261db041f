package views

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The focus indicator must be visible: at least 3:1 against the background and against
// the unfocused input fill it replaces (WCAG 2.2 §1.4.11, §2.4.7), in both variants.
func TestThemeFocusIsVisible(t *testing.T) {
	th := Theme()
	for _, v := range []struct {
		name    string
		variant fyne.ThemeVariant
	}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}} {
		focus := th.Color(theme.ColorNameFocus, v.variant)
		for _, against := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground} {
			bg := th.Color(against, v.variant)
			if r := contrast(over(focus, bg), bg); r < 3 {
				t.Errorf("%s: focus contrast %.2f:1 against %s, want at least 3:1", v.name, r, against)
			}
		}
		// Fyne's default is a faint wash; the point of the change is to differ from it.
		if focus == theme.DefaultTheme().Color(theme.ColorNameFocus, v.variant) {
			t.Errorf("%s: the focus colour is still Fyne's default", v.name)
		}
	}
	// In both variants the label on a focused button or select stays body-text readable.
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		fg, focus := th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNameFocus, v)
		if r := contrast(fg, over(focus, th.Color(theme.ColorNameBackground, v))); r < 4.5 {
			t.Errorf("variant %v: text on the focus colour %.2f:1, want at least 4.5:1", v, r)
		}
	}
}

// over is c painted over an opaque bg (source-over), the colour the eye sees.
func over(c, bg color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 0xff
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*a + float64(y)*(1-a) + 0.5) }
	return color.NRGBA{R: mix(n.R, b.R), G: mix(n.G, b.G), B: mix(n.B, b.B), A: 0xff}
}
