// Package app holds the state and use cases of PKCE Desk: connection profiles, the worker
// secret in the OS keyring, connection tests, application management, sign-in sessions
// and token inspection. It has no widgets and imports no Fyne package.
//
// Every slow operation (network, keyring) is a plain blocking method that takes a
// context.Context first. Views call them from their own goroutine and hop back to the UI
// thread themselves:
//
//	go func() {
//		report, err := desk.TestConnection(ctx)
//		fyne.Do(func() { show(report, err) })
//	}()
//
// The callbacks are the progress events of a sign-in, which run on the sign-in's
// goroutines, and Desk.OnSessionChange's session events (signed in, refreshed, userinfo,
// signed out, dropped), which run on the goroutine that changed the session; both must be
// wrapped in fyne.Do as well. Data flows one way: views → app →
// pingone.
package app
