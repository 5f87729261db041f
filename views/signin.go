package views

import (
	"github.com/pkcedesk/pkcedesk/app"
)

// SignInScreen runs a sign-in. (Being written.)
type SignInScreen struct {
	desk *app.Desk
	sh   *Shell
}

// NewSignInScreen builds the Sign in screen.
func NewSignInScreen(desk *app.Desk, sh *Shell) *SignInScreen {
	return &SignInScreen{desk: desk, sh: sh}
}

// Screen is the navigation entry.
func (s *SignInScreen) Screen() Screen { return SignInPlaceholder() }

// ConnectionChanged reloads what belongs to the previous connection.
func (s *SignInScreen) ConnectionChanged() {}

// UseApp picks the application to sign in to.
func (s *SignInScreen) UseApp(clientID, name string) {}

// Close cancels a running sign-in.
func (s *SignInScreen) Close() {}
