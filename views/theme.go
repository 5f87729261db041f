package views

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// deskTheme is Fyne's default theme (light and dark follow the system) with one change:
// low-importance text is readable. Fyne draws it in the "disabled" colour, which in the
// light variant is #e3e3e3 on white — invisible, and PKCE Desk puts its plain-language
// help in exactly those labels. The colours chosen keep at least 4.5:1 contrast (WCAG AA)
// against the background, while disabled controls still look disabled next to enabled ones.
type deskTheme struct{ fyne.Theme }

// Theme returns the app's theme.
func Theme() fyne.Theme { return deskTheme{theme.DefaultTheme()} }

var (
	lightMutedText = color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff} // 5.3:1 on white
	darkMutedText  = color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff} // 6.3:1 on #171717
)

func (t deskTheme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if name == theme.ColorNameDisabled {
		if v == theme.VariantLight {
			return lightMutedText
		}
		return darkMutedText
	}
	return t.Theme.Color(name, v)
}
