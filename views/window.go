// Package views holds the Fyne screens of PKCE Desk. Screens talk to the app
// package only; they never speak HTTP themselves.
package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Build lays out the main window.
func Build(a fyne.App, w fyne.Window) {
	title := widget.NewLabelWithStyle("PKCE Desk", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel("Create a PingOne native app, sign in with PKCE and inspect the tokens.")
	intro.Alignment = fyne.TextAlignCenter
	w.SetContent(container.NewCenter(container.NewVBox(title, intro)))
	w.Resize(fyne.NewSize(1024, 700))
}
