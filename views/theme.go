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
type deskTheme struct {
	fyne.Theme
	large bool // presenter view: text and headings presenterTextScale times larger
}

// Theme returns the app's theme.
func Theme() fyne.Theme { return deskTheme{Theme: theme.DefaultTheme()} }

// PresenterTheme is the app's theme in presenter view: the same colours, larger type.
func PresenterTheme() fyne.Theme { return deskTheme{Theme: theme.DefaultTheme(), large: true} }

// themeFor is the theme for presenter view on or off.
func themeFor(presenter bool) fyne.Theme {
	if presenter {
		return PresenterTheme()
	}
	return Theme()
}

// presenterTextScale is how much larger presenter view draws text, so the back of a room
// can read a projected screen.
const presenterTextScale = 1.35

// Size enlarges the text sizes in presenter view; every other size is the default's.
func (t deskTheme) Size(name fyne.ThemeSizeName) float32 {
	size := t.Theme.Size(name)
	if !t.large {
		return size
	}
	switch name {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText:
		return size * presenterTextScale
	}
	return size
}

var (
	lightMutedText = color.NRGBA{R: 0x76, G: 0x76, B: 0x76, A: 0xff} // 4.5:1 on white, the lightest that passes
	darkMutedText  = color.NRGBA{R: 0x85, G: 0x85, B: 0x85, A: 0xff} // 4.9:1 on the dark background
)

// The focus colour fills a focused select, check box, radio or button. Fyne's own is a
// faint wash (a 0x2a alpha blue); these keep at least 3:1 against the background and the
// input background (WCAG 2.2 §1.4.11 non-text contrast, §2.4.7 focus visible).
var (
	lightFocus = color.NRGBA{R: 0x53, G: 0x88, B: 0xed, A: 0xff} // 3.4:1 on white, 3.1:1 on the inputs' grey
	darkFocus  = color.NRGBA{R: 0x2b, G: 0x67, B: 0xd9, A: 0xff} // 3.4:1 on the dark background; white text 4.7:1
)

// lightText is the light variant's body text. Fyne's mid grey reads at only about 2:1 on
// the focus colour behind a focused select or button; this near-black keeps 4.7:1 there
// and about 16:1 on white.
var lightText = color.NRGBA{R: 0x1f, G: 0x1f, B: 0x1f, A: 0xff}

func (t deskTheme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if name == theme.ColorNameFocus {
		if v == theme.VariantLight {
			return lightFocus
		}
		return darkFocus
	}
	if name == theme.ColorNameForeground && v == theme.VariantLight {
		return lightText
	}
	if name == theme.ColorNameDisabled {
		if v == theme.VariantLight {
			return lightMutedText
		}
		return darkMutedText
	}
	return t.Theme.Color(name, v)
}
