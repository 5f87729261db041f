package views

import (
	"github.com/pkcedesk/pkcedesk/app"
)

// ApplicationsScreen creates and lists the target environment's applications. (Being written.)
type ApplicationsScreen struct {
	desk *app.Desk
	sh   *Shell
}

// NewApplicationsScreen builds the Applications screen.
func NewApplicationsScreen(desk *app.Desk, sh *Shell) *ApplicationsScreen {
	return &ApplicationsScreen{desk: desk, sh: sh}
}

// Screen is the navigation entry.
func (s *ApplicationsScreen) Screen() Screen { return ApplicationsPlaceholder() }

// ConnectionChanged reloads what belongs to the previous connection.
func (s *ApplicationsScreen) ConnectionChanged() {}
