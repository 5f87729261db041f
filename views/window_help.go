package views

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// helpSteps is the short how-to of the help dialog: the first demo, in the order of the
// screens.
var helpSteps = []string{
	"1. Connections (Ctrl+1): the offline sandbox is ready; add a PingOne environment with a worker app's client ID and secret to use a real one.",
	"2. Applications (Ctrl+2): create the native app the form is prefilled with (Ctrl+N). Tick REFRESH_TOKEN first (offline_access follows) to try a refresh later.",
	"3. Sign in (Ctrl+3): the created app is picked and its granted scopes are ticked. Sign in with the browser (Ctrl+B) or in-app (Ctrl+I).",
	"4. Tokens (Ctrl+4): read the ID, access and refresh tokens, their claims and checks, or paste any JWT. Refresh tokens (Ctrl+R) on this screen swaps them for new ones.",
	"5. Flow (Ctrl+5): watch the sign-in as a diagram. Run the demo (Ctrl+D) signs the sandbox's demo user in with one click; Pause before each request (Ctrl+Shift+S) waits for Next, Space or →.",
	"6. Lab (Ctrl+6): Run all (Ctrl+Shift+L) tries 14 attacks on the sign-in for real and shows, for each, what was expected, what came back and whether the defence holds.",
	"7. History (Ctrl+7): every run of this session, kept when the connection changes. Export one as a Markdown report, JSON, a HAR file or a Postman collection (File menu, Ctrl+E), or copy a redacted summary for a chat.",
	"Every HTTP call appears in the HTTP timeline at the bottom (Ctrl+J), with secrets redacted. On a projector, Presenter view (Ctrl+Shift+P) hides secrets and personal data and enlarges the type.",
}

// helpKeys are the window's shortcuts with the screens' actions after them. "Ctrl" is
// Cmd on macOS.
func (win *Window) helpKeys() [][2]string {
	keys := [][2]string{
		{"Ctrl+1 … Ctrl+7", "Switch screens (Alt+1 … Alt+7 too)"},
		{"Ctrl+J", "Show or hide the HTTP timeline"},
		{"Ctrl+Shift+P", "Presenter view: large type, secrets and personal data masked, no HTTP timeline"},
		{"F1", "This help (when no field has the keyboard focus; the Help menu always works)"},
		{"Tab, Shift+Tab", "Move the keyboard focus; Space or Enter presses the focused button"},
	}
	for _, s := range win.Screens {
		for _, a := range s.Actions {
			if a.Shortcut != nil {
				keys = append(keys, [2]string{shortcutText(a.Shortcut), a.Label + " (" + s.Title + ")"})
			}
		}
	}
	for _, a := range win.fileActions {
		if a.Shortcut != nil {
			keys = append(keys, [2]string{shortcutText(a.Shortcut), a.Label + " (File menu)"})
		}
	}
	return keys
}

// shortcutText writes a shortcut the way the help lists it, e.g. "Ctrl+Shift+K".
func shortcutText(sc fyne.Shortcut) string {
	custom, ok := sc.(*desktop.CustomShortcut)
	if !ok {
		return sc.ShortcutName()
	}
	text := ""
	if custom.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 {
		text += "Ctrl+"
	}
	if custom.Modifier&fyne.KeyModifierAlt != 0 {
		text += "Alt+"
	}
	if custom.Modifier&fyne.KeyModifierShift != 0 {
		text += "Shift+"
	}
	return text + string(custom.KeyName)
}

// ShowHelp opens the help: the keyboard shortcuts and a short how-to.
func (win *Window) ShowHelp() {
	if win.helpDialog != nil {
		win.helpDialog.Hide()
	}
	grid := container.New(layout.NewFormLayout())
	for _, k := range win.helpKeys() {
		key := widget.NewLabelWithStyle(k[0], fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
		what := widget.NewLabel(k[1])
		what.Wrapping = fyne.TextWrapWord
		grid.Add(key)
		grid.Add(what)
	}
	howTo := container.NewVBox()
	for _, step := range helpSteps {
		l := widget.NewLabel(step)
		l.Wrapping = fyne.TextWrapWord
		howTo.Add(l)
	}
	version := widget.NewLabel(fmt.Sprintf("PKCE Desk · Version %s", win.Version()))
	version.Importance = widget.LowImportance
	body := container.NewVBox(
		sectionTitle("Keyboard"), grid,
		widget.NewSeparator(),
		sectionTitle("A first demo"), howTo,
		version,
	)
	scroll := container.NewVScroll(body)
	d := dialog.NewCustom("Help", "Close", scroll, win.Win)
	// As large as the window allows, so the list reads without scrolling at the default size.
	size := win.Win.Canvas().Size()
	d.Resize(fyne.NewSize(min(720, size.Width*0.9), min(560, size.Height*0.9)))
	d.SetOnClosed(func() {
		if win.helpDialog == d {
			win.helpDialog = nil
		}
	})
	win.helpDialog = d
	d.Show()
}
