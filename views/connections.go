package views

import (
	"fyne.io/fyne/v2/theme"

	"github.com/pkcedesk/pkcedesk/app"
)

// ConnectionsScreen lists the connection profiles and edits them. (Being written.)
type ConnectionsScreen struct {
	desk *app.Desk
	sh   *Shell
}

// NewConnectionsScreen builds the Connections screen.
func NewConnectionsScreen(desk *app.Desk, sh *Shell) *ConnectionsScreen {
	return &ConnectionsScreen{desk: desk, sh: sh}
}

// Screen is the navigation entry.
func (s *ConnectionsScreen) Screen() Screen {
	p := ConnectionsPlaceholder()
	p.Icon = theme.StorageIcon()
	return p
}
