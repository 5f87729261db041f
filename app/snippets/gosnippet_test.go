package snippets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// oauth2Module reads the golang.org/x/oauth2 version, its go.sum lines and the go
// directive of this repository, so the snippet is built against what the app uses.
func oauth2Module(t *testing.T) (version, sums, goVersion string) {
	t.Helper()
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*golang\.org/x/oauth2 (v\S+)`).FindSubmatch(mod)
	g := regexp.MustCompile(`(?m)^go (\S+)`).FindSubmatch(mod)
	if m == nil || g == nil {
		t.Fatal("go.mod names no golang.org/x/oauth2 version or go directive")
	}
	version, goVersion = string(m[1]), string(g[1])
	sum, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(sum)) {
		if strings.HasPrefix(line, "golang.org/x/oauth2 "+version+" ") || strings.HasPrefix(line, "golang.org/x/oauth2 "+version+"/go.mod ") {
			sums += line
		}
	}
	if strings.Count(sums, "\n") != 2 {
		t.Fatalf("go.sum lacks golang.org/x/oauth2 %s", version)
	}
	return version, sums, goVersion
}

// goCommand runs the go command in dir. The module is replace-free and -mod=mod lets the
// command complete go.sum from the module cache or the Go proxy.
func goCommand(t *testing.T, dir string, args ...string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is not on PATH")
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s on the Go snippet: %v\n%s\n--- main.go:\n%s", strings.Join(args, " "), err, out, readFile(t, filepath.Join(dir, "main.go")))
	}
}

func readFile(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// buildGoSnippet writes the Go snippet for in into a module of its own, vets it and
// builds it; it returns the program's path.
func buildGoSnippet(t *testing.T, in Input) string {
	t.Helper()
	version, sums, goVersion := oauth2Module(t)
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":  "module example.com/signin\n\ngo " + goVersion + "\n\nrequire golang.org/x/oauth2 " + version + "\n",
		"go.sum":  sums,
		"main.go": byID(t, in)["go"].Code,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	goCommand(t, dir, "vet", ".")
	goCommand(t, dir, "build", "-o", "signin", ".")
	return filepath.Join(dir, "signin")
}

func TestGoSnippetCompiles(t *testing.T) {
	buildGoSnippet(t, plain)
	buildGoSnippet(t, hostile) // escaped values keep it a valid program
}

// TestGoSnippetSignsInToTheSandbox runs the Go snippet as the developer would, against
// the offline sandbox, with the test as the user's browser.
func TestGoSnippetSignsInToTheSandbox(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Options{SigningKey: sandboxtest.SigningKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	info := srv.Info()
	mgmt, err := pingone.NewManagement(pingone.ManagementConfig{
		Endpoints: pingone.Endpoints{AuthBase: info.AuthBaseURL, APIBase: info.APIBaseURL},
		Worker:    pingone.WorkerCredentials{EnvironmentID: info.EnvironmentID, ClientID: info.Worker.ClientID, ClientSecret: info.Worker.ClientSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	redirect, _ := sandboxtest.FreeRedirect(t)
	req := pingone.SeedNativeApp()
	req.Name = "snippet-go"
	req.RedirectURIs = []string{redirect}
	a, err := mgmt.CreateApplication(ctx, info.EnvironmentID, req)
	if err != nil {
		t.Fatal(err)
	}
	if a.PKCEEnforcement != "S256_REQUIRED" || a.TokenEndpointAuthMethod != "NONE" {
		t.Fatalf("created app: PKCE %s, auth %s", a.PKCEEnforcement, a.TokenEndpointAuthMethod)
	}
	if _, err := mgmt.GrantOpenIDScopes(ctx, info.EnvironmentID, a.ID, []string{"profile", "email"}); err != nil {
		t.Fatal(err)
	}

	bin := buildGoSnippet(t, Input{ClientID: a.ClientID, Issuer: srv.Issuer(), RedirectURI: redirect, Scopes: []string{"openid", "profile", "email"}})
	cmd := exec.CommandContext(ctx, bin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	var all strings.Builder // read only after lines is closed
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			lines <- sc.Text()
		}
	}()
	next := func(prefix string) string {
		t.Helper()
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					_ = cmd.Wait()
					t.Fatalf("the snippet ended before printing %q; stderr:\n%s", prefix, stderr.String())
				}
				if strings.HasPrefix(line, prefix) {
					return line
				}
			case <-ctx.Done():
				t.Fatalf("no %q line from the snippet", prefix)
			}
		}
	}

	authURL := strings.TrimPrefix(next("Open this URL: "), "Open this URL: ")
	if !strings.HasPrefix(authURL, srv.Issuer()+"/authorize?") || !strings.Contains(authURL, "code_challenge_method=S256") {
		t.Fatalf("authorize URL = %s", authURL)
	}
	browser := make(chan error, 1)
	go func() { browser <- sandboxtest.SignOnInBrowser(authURL, info.User.Username, info.User.Password) }()
	signedIn := next("signed in: access token received, expires ")
	expiry, err := time.Parse(time.RFC3339, strings.TrimPrefix(signedIn, "signed in: access token received, expires "))
	if err != nil || time.Until(expiry) < 30*time.Minute {
		t.Errorf("expiry in %q: %v (the sandbox issues one-hour tokens)", signedIn, err)
	}
	for range lines { // the rest, until the program closes its output
	}
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("the snippet exited %d; stderr:\n%s", ee.ExitCode(), stderr.String())
		}
		t.Fatal(err)
	}
	if err := <-browser; err != nil {
		t.Errorf("the stand-in browser: %v", err)
	}
	// A JWT starts with the base64url of `{"`: no token may reach the output.
	if out := all.String() + stderr.String(); strings.Contains(out, "eyJ") {
		t.Errorf("the snippet printed a token:\n%s", out)
	}
}
