package views

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Help text is drawn in the disabled colour; it must stay readable on the background
// in both variants (WCAG AA asks 4.5:1 for body text).
func TestThemeMutedTextIsReadable(t *testing.T) {
	th := Theme()
	for _, v := range []struct {
		name    string
		variant fyne.ThemeVariant
	}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}} {
		fg := th.Color(theme.ColorNameDisabled, v.variant)
		bg := th.Color(theme.ColorNameBackground, v.variant)
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("%s: muted text contrast %.2f:1, want at least 4.5:1", v.name, r)
		}
		// Other colours are Fyne's own.
		if th.Color(theme.ColorNamePrimary, v.variant) != theme.DefaultTheme().Color(theme.ColorNamePrimary, v.variant) {
			t.Errorf("%s: the primary colour changed", v.name)
		}
	}
}

// Fyne's painter parses a set of font faces (the theme's font, its emoji font and a
// system fallback, several MB) once for each text style, and once for each font resource a
// text names itself. The theme must hand out Fyne's own fonts, the same resource on every
// call, and Fyne's text sizes: anything else would add faces or measure every text anew.
func TestThemeAddsNoFontFaces(t *testing.T) {
	th, def := Theme(), theme.DefaultTheme()
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}, {Monospace: true}, {Symbol: true}} {
		if got := th.Font(style); got != def.Font(style) || got != Theme().Font(style) {
			t.Errorf("%+v: the theme's font %v is not Fyne's own %v", style, got, def.Font(style))
		}
	}
	for _, size := range []fyne.ThemeSizeName{theme.SizeNameText, theme.SizeNameCaptionText,
		theme.SizeNameHeadingText, theme.SizeNameSubHeadingText} {
		if th.Size(size) != def.Size(size) {
			t.Errorf("%s: size %v, Fyne's is %v", size, th.Size(size), def.Size(size))
		}
	}
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	ch := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
}
