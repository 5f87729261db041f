package views

import "fyne.io/fyne/v2/theme"

// ConnectionsPlaceholder stands in for the Connections screen (profiles: sandbox or a PingOne
// environment with its worker app) until it is written.
func ConnectionsPlaceholder() Screen {
	return Screen{
		Title: "Connections",
		Icon:  theme.StorageIcon(),
		Content: placeholderContent(theme.StorageIcon(), "Connections",
			"Choose the built-in offline sandbox or add a PingOne environment: region, environment ID and a worker app whose secret stays in the system keyring.",
			"This screen is not available yet."),
	}
}
