//go:build linux || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// Without a display the app says so in one sentence, points at the headless command and
// exits 1, before Fyne is started (which would end in a GLFW panic).
func TestCLI_NoDisplayIsOneSentence(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"unset":       {},
		"unreachable": {"DISPLAY": "127.0.0.1:" + strconv.Itoa(closedPort(t)-6000)},
	} {
		code, out, errOut, gui := runCLI(t, env)
		if code != 1 || gui || out != "" {
			t.Errorf("%s: exit %d, gui %v, stdout %q; want 1 and no window", name, code, gui, out)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "display") ||
			!strings.Contains(errOut, "pkcedesk sandbox") {
			t.Errorf("%s: stderr = %q, want one line naming the display and the headless command", name, errOut)
		}
	}
}

// A display that answers opens the window.
func TestCLI_ReachableDisplayOpensTheWindow(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	if port < 6000 {
		t.Fatalf("port %d is below X's 6000 base; cannot stand in for a display", port)
	}
	code, _, errOut, gui := runCLI(t, map[string]string{"DISPLAY": "127.0.0.1:" + strconv.Itoa(port-6000) + ".0"})
	if code != 0 || !gui {
		t.Fatalf("exit %d, gui %v, stderr %q; want the window started", code, gui, errOut)
	}
}

func TestXDisplayAddr(t *testing.T) {
	for in, want := range map[string]string{
		":0": "unix /tmp/.X11-unix/X0", ":12.1": "unix /tmp/.X11-unix/X12", "unix:3": "unix /tmp/.X11-unix/X3",
		"localhost:10.0": "tcp localhost:6010", "[::1]:2": "tcp [::1]:6002",
	} {
		n, a, ok := xDisplayAddr(in)
		if !ok || n+" "+a != want {
			t.Errorf("xDisplayAddr(%q) = %q %q %v, want %q", in, n, a, ok, want)
		}
	}
	for _, in := range []string{"garbage", ":x", "/private/tmp/launchd/org.xquartz:0"} {
		if _, _, ok := xDisplayAddr(in); ok {
			t.Errorf("xDisplayAddr(%q) claimed to know it", in)
		}
	}
}

// closedPort returns a loopback TCP port above 6000 that nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if port < 6000 {
		t.Fatalf("port %d is below 6000", port)
	}
	return port
}
