package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// messageLabel is a wrapped message line (a field's error, a help or status line) in the
// given importance. It starts hidden, so an empty one takes no room.
func messageLabel(imp widget.Importance) *widget.Label {
	l := widget.NewLabel("")
	l.Importance = imp
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// wrappedLabel is a message line in the normal text colour.
func wrappedLabel() *widget.Label { return messageLabel(widget.MediumImportance) }

// setShown sets a message line's text and hides the line while it is empty.
func setShown(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}
