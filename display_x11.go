//go:build linux || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"net"
	"strconv"
	"strings"
	"time"
)

// displayProblem says why no window can be opened, or "" when an X display answers. Fyne's
// desktop driver (GLFW) panics with a stack trace when it cannot open one; this lets main
// say so in one sentence instead. Wayland sessions provide DISPLAY through Xwayland.
func displayProblem(getenv func(string) string) string {
	d := getenv("DISPLAY")
	if d == "" {
		return "no graphical display is available (DISPLAY is not set)"
	}
	network, addr, ok := xDisplayAddr(d)
	if !ok {
		return "" // a form we do not know: let the driver try
	}
	conn, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		return "the graphical display " + d + " does not answer"
	}
	conn.Close()
	return ""
}

// xDisplayAddr maps an X display name ("[host]:N[.S]") to where its server listens: the
// local socket /tmp/.X11-unix/XN (Linux also offers it in the abstract namespace) or TCP
// port 6000+N on host.
func xDisplayAddr(display string) (network, addr string, ok bool) {
	i := strings.LastIndex(display, ":")
	if i < 0 {
		return "", "", false
	}
	host, num := display[:i], display[i+1:]
	num, _, _ = strings.Cut(num, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return "", "", false
	}
	switch {
	case host == "" || host == "unix":
		return "unix", "/tmp/.X11-unix/X" + num, true
	case strings.HasPrefix(host, "/"):
		return "", "", false // a launchd-style socket path: leave it to the driver
	default:
		return "tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+n)), true
	}
}
