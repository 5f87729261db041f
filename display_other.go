//go:build !(linux || freebsd || netbsd || openbsd || dragonfly)

package main

// displayProblem: Windows and macOS always have a desktop when a user starts the app.
func displayProblem(func(string) string) string { return "" }
