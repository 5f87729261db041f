package views

import "fyne.io/fyne/v2/theme"

// ApplicationsPlaceholder stands in for the Applications screen (create and list OIDC native
// apps through the Management API) until it is written.
func ApplicationsPlaceholder() Screen {
	return Screen{
		Title: "Applications",
		Icon:  theme.GridIcon(),
		Content: placeholderContent(theme.GridIcon(), "Applications",
			"Create a public OIDC native app (no client secret, PKCE S256 required, redirect http://localhost:3000/callback) and see the apps of the environment.",
			"This screen is not available yet."),
	}
}
