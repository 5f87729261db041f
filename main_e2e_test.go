//go:build e2e

package main

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// These tests launch the real binary on the Xvfb display set up by .ci/with-xvfb and drive
// it with real X input (xdotool), the way a keyboard user would. What the window shows is
// read back with OCR (tesseract) from screenshots, so a passing test means the text was
// really on screen, not only in a widget tree.

// TestXvfbSmoke: the window appears with its title, renders, and nothing touched widgets
// off the Fyne goroutine.
func TestXvfbSmoke(t *testing.T) {
	d := launch(t)
	name, err := exec.Command("xdotool", "getwindowname", d.wid).Output()
	if err != nil || strings.TrimSpace(string(name)) != "PKCE Desk" {
		t.Fatalf("window title = %q (%v), want %q", name, err, "PKCE Desk")
	}
	// The first frames may still be blank: read the screen until it is drawn.
	deadline := time.Now().Add(20 * time.Second)
	for n := 0; n < 8; {
		if n = distinctColours(t, d.screenshot("first-frame")); n < 8 && time.Now().After(deadline) {
			t.Fatalf("screenshot has %d distinct colours: the window looks blank", n)
		}
	}
	d.waitForText(`Sandbox \(offline\)`, 20*time.Second)
	d.assertNoFyneThreadErrors()
}

// TestXvfbInAppSignIn: on a fresh start (sandbox connection), create the seed's app on the
// Applications screen, sign in in-app with the sandbox's demo user, and see the verified
// ID token on the Tokens screen.
func TestXvfbInAppSignIn(t *testing.T) {
	d := launch(t)
	d.waitForText(`Sandbox \(offline\)`, 20*time.Second)

	d.key("ctrl+2") // Applications
	d.waitForText(`Shared-Native-App`, 20*time.Second)
	d.key("ctrl+n") // Create application, with the form prefilled from the seed
	d.waitForText(`Created Shared-Native-App`, 30*time.Second)

	d.key("ctrl+3") // Sign in, with the new app already picked
	d.waitForText(`Shared-Native-App \(`, 20*time.Second)
	d.key("ctrl+i") // Sign in here (in-app)
	// The Tokens screen's summary line: which token, its algorithm, and the checklist's verdict.
	text := d.waitForVerifiedToken(60 * time.Second)
	if !regexp.MustCompile(`(?i)ID of the user`).MatchString(text) || !regexp.MustCompile(`(?i)meant\s+for`).MatchString(text) {
		t.Fatalf("the Tokens screen does not explain the ID token's claims:\n%s", text)
	}
	if strings.Contains(text, "Demo-Passw0rd!") {
		t.Fatal("the demo user's password is on the Tokens screen")
	}
	d.assertNoFyneThreadErrors()
}

// TestXvfbBrowserSignIn: the same app signed in to through the system browser. A real
// Chromium plays the system browser (xdg-open is pointed at it); the user types the demo
// user's credentials into the sandbox's sign-on page, the redirect comes back to the app's
// loopback port, and the app shows the verified ID token. The app listens on a free port
// (PKCEDESK_REDIRECT_URI), so a dev server on port 3000 does not get in the way.
func TestXvfbBrowserSignIn(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is missing: run .ci/deps test")
	}
	bin := t.TempDir()
	profile := t.TempDir()
	sandboxFlag := ""
	if os.Getuid() == 0 {
		sandboxFlag = "--no-sandbox" // Chromium refuses to run as root otherwise (CI runs as root)
	}
	opener := "#!/bin/sh\nexec " + chromium + " " + sandboxFlag + " --disable-gpu --no-first-run --disable-background-networking" +
		" --disable-component-update --disable-sync --password-store=basic --user-data-dir=" + profile +
		" --window-position=640,120 --window-size=620,520 \"$@\" >/dev/null 2>&1 &\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(opener), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exec.Command("pkill", "-f", "--", "--user-data-dir="+profile).Run() })

	d := launch(t, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PKCEDESK_REDIRECT_URI=http://localhost:"+strconv.Itoa(sandboxtest.FreePort(t))+"/callback")
	d.waitForText(`Sandbox \(offline\)`, 20*time.Second)
	d.key("ctrl+2")
	d.waitForText(`Shared-Native-App`, 20*time.Second)
	d.key("ctrl+n")
	d.waitForText(`Created Shared-Native-App`, 30*time.Second)
	d.key("ctrl+3")
	d.waitForText(`Shared-Native-App \(`, 20*time.Second)
	d.key("ctrl+b") // Sign in with the browser

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	page := waitForWindow(ctx, t, "Sign On")
	// The title comes with the document; the form (whose first field takes the focus)
	// is there once its button can be read on screen.
	d.waitForText(`Sign\s?On`, 30*time.Second)
	_ = exec.Command("xdotool", "windowfocus", "--sync", page).Run()
	for _, args := range [][]string{
		{"type", "--delay", "20", "demo.user"}, {"key", "Tab"},
		{"type", "--delay", "20", "Demo-Passw0rd!"}, {"key", "Return"},
	} {
		if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v: %s", args, err, out)
		}
	}
	// The loopback listener answers the redirect with its own page ("PKCE Desk").
	waitForWindow(ctx, t, "^PKCE Desk - ")
	_ = exec.Command("pkill", "-f", "--", "--user-data-dir="+profile).Run()

	// The done page above proves the code came back through the browser and the loopback
	// listener (an in-app sign-in has no such page); now the app must show the result.
	d.waitForVerifiedToken(60 * time.Second)
	d.assertNoFyneThreadErrors()
}

type desktopApp struct {
	t      *testing.T
	wid    string
	dir    string
	mu     sync.Mutex
	output bytes.Buffer
	shots  int
}

func (d *desktopApp) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.output.Write(p)
}

func (d *desktopApp) log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.output.String()
}

// launch starts bin/pkcedesk with a fresh HOME (so it opens on the sandbox, as on first
// run) and waits for its window.
func launch(t *testing.T, env ...string) *desktopApp {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("DISPLAY is not set: run this test through .ci/with-xvfb (make e2e)")
	}
	for _, tool := range []string{"xdotool", "import", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run .ci/deps test", tool)
		}
	}
	bin, err := filepath.Abs("bin/pkcedesk")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	d := &desktopApp{t: t, dir: t.TempDir()}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(append(os.Environ(), "HOME="+d.dir, "FYNE_THEME=light"), env...)
	cmd.Stdout, cmd.Stderr = d, d
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("app output:\n%s", d.log())
			if dir := os.Getenv("E2E_SHOTS"); dir != "" {
				_ = exec.Command("cp", "-r", d.dir+"/shots", dir).Run()
			}
		}
	})
	d.wid = waitForWindow(ctx, t, "^PKCE Desk$")
	return d
}

// key sends a key chord to the window, as typed on a keyboard.
func (d *desktopApp) key(chord string) {
	d.t.Helper()
	_ = exec.Command("xdotool", "windowactivate", "--sync", d.wid).Run()
	if out, err := exec.Command("xdotool", "key", "--clearmodifiers", chord).CombinedOutput(); err != nil {
		d.t.Fatalf("xdotool key %s: %v: %s", chord, err, out)
	}
}

// screenshot saves the whole screen and returns the file.
func (d *desktopApp) screenshot(name string) string {
	d.t.Helper()
	_ = os.MkdirAll(filepath.Join(d.dir, "shots"), 0o755)
	d.shots++
	path := filepath.Join(d.dir, "shots", strings.ReplaceAll(name, " ", "-")+".png")
	if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		d.t.Fatalf("screenshot: %v: %s", err, out)
	}
	return path
}

// screenText is what OCR reads on the screen. The picture is enlarged first: tesseract
// reads 14-pixel UI text far better at twice the size.
func (d *desktopApp) screenText(name string) string {
	d.t.Helper()
	shot := d.screenshot(name)
	big := strings.TrimSuffix(shot, ".png") + "-x2.png"
	if out, err := exec.Command("convert", shot, "-resize", "200%", big).CombinedOutput(); err != nil {
		d.t.Fatalf("convert: %v: %s", err, out)
	}
	out, err := exec.Command("tesseract", big, "-", "--psm", "3").Output()
	if err != nil {
		d.t.Fatalf("tesseract: %v", err)
	}
	return string(out)
}

// waitForText reads the screen until pattern appears, and returns the text read.
func (d *desktopApp) waitForText(pattern string, within time.Duration) string {
	d.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(within)
	var text string
	for i := 0; ; i++ {
		text = d.screenText("wait-" + strings.Trim(regexp.MustCompile(`\W+`).ReplaceAllString(pattern, "-"), "-") + "-" + string(rune('a'+i%26)))
		if re.MatchString(text) {
			return text
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%q did not appear on screen within %s; the screen read:\n%s", pattern, within, text)
		}
	}
}

// waitForVerifiedToken reads the screen until the Tokens screen's summary says the RS256
// token was verified. OCR places the summary's parts on one line or several from run to
// run, so the verdict is looked for as a word: "verified" on its own, not "not verified"
// nor the "Email verified" claim title, and no "FAILED" anywhere.
func (d *desktopApp) waitForVerifiedToken(within time.Duration) string {
	d.t.Helper()
	deadline := time.Now().Add(within)
	for i := 0; ; i++ {
		text := d.screenText("wait-verified-" + string(rune('a'+i%26)))
		if strings.Contains(text, "RS256") && saysVerified(text) && !strings.Contains(text, "FAILED") {
			return text
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("the verified token did not appear on screen within %s; the screen read:\n%s", within, text)
		}
	}
}

func saysVerified(text string) bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	for i, w := range words {
		if w != "verified" {
			continue
		}
		if i == 0 || (words[i-1] != "not" && words[i-1] != "email") {
			return true
		}
	}
	return false
}

func (d *desktopApp) assertNoFyneThreadErrors() {
	d.t.Helper()
	if strings.Contains(d.log(), "Error in Fyne call thread") {
		d.t.Fatalf("the app touched widgets off the Fyne goroutine:\n%s", d.log())
	}
}

func waitForWindow(ctx context.Context, t *testing.T, pattern string) string {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", pattern).Output()
		if err == nil {
			if ids := strings.Fields(string(out)); len(ids) > 0 {
				return ids[0]
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no visible window matching %q appeared", pattern)
		case <-tick.C:
		}
	}
}

func distinctColours(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

func TestSaysVerified(t *testing.T) {
	for text, want := range map[string]bool{
		"ID token - RS256\n\nConnections\n\n-verified Expires in 59 minutes": true,
		"Ip token-RS256 verified Expires":                                    true,
		"ID token · RS256 · not verified":                                    false,
		"Email verified no":                                                  false,
		"email_verified":                                                     false,
		"unverified":                                                         false,
	} {
		if got := saysVerified(text); got != want {
			t.Errorf("saysVerified(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestXvfbStageDemoStepThrough: on a fresh start the presenter opens the Flow screen, turns
// on step-through (Ctrl+Shift+S) and runs the stage demo (Ctrl+D), stepping with Space on
// the focused Next button. The diagram's steps are read on screen up to the verified
// tokens; the planted canary password, the access token's first 12 characters and the
// demo user's email never are.
// The stage demo as a presenter runs it: presenter view on (Ctrl+Shift+P), step-through on,
// each held request sent with Space, to verified tokens; OCR finds the diagram's step labels
// and never the planted password, the demo user's email or a token's first 12 characters.
func TestXvfbPresenterStageDemoStepThrough(t *testing.T) {
	const canary = "Canary-Stage-Pw-93!"
	d := launch(t, "PKCEDESK_SANDBOX_PASSWORD="+canary)
	// The Connections screen shows the sandbox's demo password until presenter view hides it.
	d.waitForText(`Canary-Stage`, 20*time.Second)
	d.key("ctrl+shift+p")
	d.waitForNoText(`Canary`, 20*time.Second)
	d.key("ctrl+5") // Flow
	d.waitForText(`Run the demo`, 20*time.Second)
	d.key("ctrl+shift+s") // pause before each request
	d.key("ctrl+d")       // run the demo
	// Step through: each held request waits for Space on the focused Next button.
	var seen []string
	deadline := time.Now().Add(90 * time.Second)
	for {
		text := d.screenText("stage-" + strconv.Itoa(len(seen)))
		seen = append(seen, text)
		if regexp.MustCompile(`(?i)what just happened`).MatchString(text) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not reach verified tokens; the screen read:\n%s", text)
		}
		if regexp.MustCompile(`(?i)paused|about to send`).MatchString(text) {
			d.key("space")
		}
	}
	all := strings.Join(seen, "\n")
	if !regexp.MustCompile(`(?i)paused|about to send`).MatchString(all) {
		t.Error("step-through never showed a held request")
	}
	final := seen[len(seen)-1]
	for _, label := range []string{`/as/authorize`, `/as/token`, `code.verifier`, `username \+ password`, `/as/jwks`} {
		if !regexp.MustCompile(label).MatchString(all) {
			t.Errorf("the diagram's step %q was never on screen", label)
		}
	}
	if !regexp.MustCompile(`(?i)verified`).MatchString(final) {
		t.Errorf("the final screen does not say verified:\n%s", final)
	}
	// The verified tokens on the Tokens screen, and the Sign in screen, as the audience sees them.
	d.key("ctrl+4")
	all += "\n" + d.waitForVerifiedToken(20*time.Second)
	d.key("ctrl+3")
	all += "\n" + d.waitForText(`(?i)signed in as`, 20*time.Second)
	squeezed := strings.ReplaceAll(all, " ", "")
	for _, secret := range []string{canary, "Canary", "demo.user@example.com", "demo.user", "eyJhbGciOiJS"} {
		if strings.Contains(squeezed, secret) {
			t.Errorf("%.6s… was readable on screen in presenter view", secret)
		}
	}
	d.assertNoFyneThreadErrors()
}

// waitForNoText reads the screen until pattern is gone from it.
func (d *desktopApp) waitForNoText(pattern string, within time.Duration) {
	d.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(within)
	for i := 0; ; i++ {
		text := d.screenText("gone-" + string(rune('a'+i%26)))
		if !re.MatchString(text) {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%q was still on screen after %s; the screen read:\n%s", pattern, within, text)
		}
	}
}
