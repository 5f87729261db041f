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

// The placeholders stand in for screens in a window built without the app state (Build,
// and window tests).

// ConnectionsPlaceholder stands in for the Connections screen.
func ConnectionsPlaceholder() Screen {
	return Screen{
		Title: "Connections",
		Icon:  theme.StorageIcon(),
		Content: placeholderContent(theme.StorageIcon(), "Connections",
			"Choose the built-in offline sandbox or add a PingOne environment: region, environment ID and a worker app whose secret stays in the system keyring.",
			"No app state is attached to this window."),
	}
}

// ApplicationsPlaceholder stands in for the Applications screen.
func ApplicationsPlaceholder() Screen {
	return Screen{
		Title: "Applications",
		Icon:  theme.GridIcon(),
		Content: placeholderContent(theme.GridIcon(), "Applications",
			"Create a public OIDC native app (no client secret, PKCE S256 required, redirect http://localhost:3000/callback) and see the apps of the environment.",
			"No app state is attached to this window."),
	}
}

// SignInPlaceholder stands in for the Sign in screen.
func SignInPlaceholder() Screen {
	return Screen{
		Title: "Sign in",
		Icon:  theme.LoginIcon(),
		Content: placeholderContent(theme.LoginIcon(), "Sign in",
			"Run authorization code + PKCE: in your browser with a loopback redirect, or in the app with PingOne's redirectless flow. Every request appears in the HTTP timeline below.",
			"No app state is attached to this window."),
	}
}
