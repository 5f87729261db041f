// Package assets holds the resources embedded in the PKCE Desk binary.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (window, taskbar, About dialog).
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
