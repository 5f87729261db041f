package views

import "fyne.io/fyne/v2/widget"

// fieldMessage is a field's error line: hidden until a message is set, in the danger
// colour.
func fieldMessage() *widget.Label { return messageLabel(widget.DangerImportance) }
