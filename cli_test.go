package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string, guiStarted bool) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut, func(k string) string { return env[k] }, func() int { guiStarted = true; return 0 })
	return code, out.String(), errOut.String(), guiStarted
}

// Unknown subcommands and flags get the usage
// and exit 2 instead of opening the window.
func TestCLI_UnknownArgumentsGetUsageAndExit2(t *testing.T) {
	for _, args := range [][]string{{"labs"}, {"--verbose"}, {"-x"}, {"open", "now"}} {
		code, out, errOut, gui := runCLI(t, map[string]string{"DISPLAY": ":0"}, args...)
		if code != 2 || gui || out != "" {
			t.Errorf("%v: exit %d, gui started %v, stdout %q; want 2, no window, nothing on stdout", args, code, gui, out)
		}
		if !strings.Contains(errOut, "unknown command or flag \""+args[0]+"\"") || !strings.Contains(errOut, "usage:") {
			t.Errorf("%v: stderr = %q, want the unknown argument named and the usage", args, errOut)
		}
	}
}

// --help and --version work anywhere, with no display.
func TestCLI_HelpAndVersionNeedNoDisplay(t *testing.T) {
	for _, a := range []string{"--help", "-h", "help"} {
		code, out, _, gui := runCLI(t, nil, a)
		if code != 0 || gui || !strings.Contains(out, "pkcedesk sandbox") {
			t.Errorf("%s: exit %d, gui %v, stdout %q", a, code, gui, out)
		}
	}
	for _, a := range []string{"--version", "version"} {
		code, out, _, gui := runCLI(t, nil, a)
		if code != 0 || gui || !strings.HasPrefix(out, "pkcedesk "+version+" (build ") {
			t.Errorf("%s: exit %d, gui %v, stdout %q", a, code, gui, out)
		}
	}
	if code, _, _, _ := runCLI(t, nil, "sandbox", "--help"); code != 0 {
		t.Errorf("sandbox --help: exit %d, want 0", code)
	}
	if code, _, errOut, _ := runCLI(t, nil, "sandbox", "extra"); code != 2 || !strings.Contains(errOut, `"extra"`) {
		t.Errorf("sandbox extra: exit %d, stderr %q; want 2 naming the argument", code, errOut)
	}
}

// The version comes from FyneApp.toml, the file the packaging tools read too.
func TestVersionIsFyneAppTOMLs(t *testing.T) {
	v, b := readVersion([]byte("[Details]\nVersion = \"2.3.4\"\nBuild = 7\n"))
	if v != "2.3.4" || b != 7 {
		t.Fatalf("readVersion = %q %d", v, b)
	}
	if !strings.Contains(string(fyneAppTOML), `Version = "`+version+`"`) {
		t.Fatalf("version %q is not FyneApp.toml's", version)
	}
	commit = "0123456789abcdef0123"
	defer func() { commit = "" }()
	if got, want := versionLine(), version+" (build "+strconv.Itoa(build)+", commit 0123456789ab)"; got != want {
		t.Fatalf("versionLine = %q, want %q", got, want)
	}
}

func TestRedirectFromEnv(t *testing.T) {
	for raw, ok := range map[string]bool{
		"": true, "http://localhost:3001/callback": true, "http://127.0.0.1:49152/callback": true, "http://[::1]:4000/cb": true,
		"https://localhost:3001/callback": false, "http://example.com:3001/callback": false,
		"http://localhost/callback": false, "http://localhost:3001/callback?x=1": false, "::": false,
	} {
		got, err := redirectFromEnv(func(string) string { return raw })
		if (err == nil) != ok || (ok && got != raw) {
			t.Errorf("redirectFromEnv(%q) = %q, %v; want ok=%v", raw, got, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), redirectEnv) {
			t.Errorf("error %q does not name %s", err, redirectEnv)
		}
	}
}
