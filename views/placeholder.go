package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// placeholderContent is the "coming soon" body shared by screens not written yet: a title,
// what the screen will do, and a hint where to go meanwhile.
func placeholderContent(icon fyne.Resource, title, purpose, hint string) fyne.CanvasObject {
	img := widget.NewIcon(theme.NewDisabledResource(icon))
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	body := widget.NewLabelWithStyle(purpose, fyne.TextAlignCenter, fyne.TextStyle{})
	body.Wrapping = fyne.TextWrapWord
	note := widget.NewLabelWithStyle(hint, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	box := container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(64), img)),
		heading, body, note,
	)
	// Keep the text at a readable line length in a wide window.
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(520, box.MinSize().Height+80), box))
}
