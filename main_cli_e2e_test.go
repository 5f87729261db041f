//go:build e2e

package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The built binary, as a user runs it: the headless command prints its JSON line and nothing
// from Fyne under the C.UTF-8 locale of containers and CI machines.
func TestCLI_SandboxCommand_NoFyneOutputUnderCLocale(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, builtBinary(t), "sandbox")
	cmd.Env = append(withoutLocale(os.Environ()), "LANG=C.UTF-8")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, `{"authBaseURL":`) {
		t.Fatalf("first stdout line = %q (%v), want the sandbox's JSON", line, err)
	}
	// The sandbox writes one line to stderr once it listens; anything before it is noise.
	first, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil || !strings.HasPrefix(first, "PingOne sandbox listening on ") {
		t.Fatalf("first stderr line = %q (%v), want only the sandbox's own line", first, err)
	}
}

// Without a display the binary exits 1 with one sentence, not a GLFW panic.
func TestCLI_NoDisplay_PlainSentence(t *testing.T) {
	cmd := exec.Command(builtBinary(t))
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit = %v, want status 1; output:\n%s", err, out)
	}
	text := strings.TrimSpace(string(out))
	if strings.Contains(text, "\n") || strings.Contains(text, "panic") || !strings.Contains(text, "pkcedesk sandbox") {
		t.Fatalf("output is not one plain sentence pointing at the headless command:\n%s", out)
	}
}

// Unknown arguments exit 2 with the usage, also on a machine with a display.
func TestCLI_UnknownArgument_Exit2(t *testing.T) {
	out, err := exec.Command(builtBinary(t), "labs").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "usage:") {
		t.Fatalf("pkcedesk labs: %v\n%s", err, out)
	}
}

// The built binary's headless lab: with nowhere to run it says so and exits 2; on its own
// sandbox every case holds (exit 0, a JUnit file of 14 testcases); with the sandbox's PKCE
// enforcement off it exits 1.
func TestCLI_LabCommand(t *testing.T) {
	bin := builtBinary(t)
	out, err := exec.Command(bin, "lab").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "--sandbox") {
		t.Fatalf("pkcedesk lab: %v\n%s", err, out)
	}
	junit := filepath.Join(t.TempDir(), "lab.xml")
	if out, err := exec.Command(bin, "lab", "--sandbox", "--junit", junit).CombinedOutput(); err != nil {
		t.Fatalf("pkcedesk lab --sandbox: %v\n%s", err, out)
	}
	xml, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(xml), "<testcase "); n != 14 || strings.Contains(string(xml), "<failure") {
		t.Fatalf("JUnit: %d testcases, failures %v", n, strings.Contains(string(xml), "<failure"))
	}
	lax := exec.Command(bin, "lab", "--sandbox", "--cases", "1,2,3,4")
	lax.Env = append(os.Environ(), "PKCEDESK_LAB_LAX=pkce")
	out, err = lax.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("lab without PKCE enforcement: %v\n%s", err, out)
	}
}

func builtBinary(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs("bin/pkcedesk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run make e2e, which builds it first (%v)", bin, err)
	}
	return bin
}

func withoutLocale(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES":
			continue
		}
		out = append(out, kv)
	}
	return out
}
