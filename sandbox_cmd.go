package main

import (
	"io"
)

// runSandbox serves the offline PingOne sandbox until interrupted.
func runSandbox(args []string, stdout, stderr io.Writer) int {
	_, _ = io.WriteString(stderr, "sandbox: not available yet\n")
	return 2
}
