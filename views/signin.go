package views

import "fyne.io/fyne/v2/theme"

// SignInPlaceholder stands in for the Sign in screen (browser loopback and redirectless
// pi.flow sign-in) until it is written.
func SignInPlaceholder() Screen {
	return Screen{
		Title: "Sign in",
		Icon:  theme.LoginIcon(),
		Content: placeholderContent(theme.LoginIcon(), "Sign in",
			"Run authorization code + PKCE: in your browser with a loopback redirect, or in the app with PingOne's redirectless flow. Every request appears in the HTTP timeline below.",
			"This screen is not available yet."),
	}
}
