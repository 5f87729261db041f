//go:build !windows

package main

// attachParentConsole: programs on other systems always have their terminal's streams.
func attachParentConsole() {}
