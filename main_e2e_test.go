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
	"strings"
	"testing"
	"time"
)

// TestXvfbSmoke launches the real binary on the Xvfb display set up by .ci/with-xvfb,
// waits for its window, screenshots the screen and checks the picture is not blank.
func TestXvfbSmoke(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("DISPLAY is not set: run this test through .ci/with-xvfb (make e2e)")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run .ci/deps test", tool)
		}
	}
	bin, err := filepath.Abs("bin/pkcedesk")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	wid := waitForWindow(ctx, t, "^PKCE Desk$")
	name, err := exec.Command("xdotool", "getwindowname", wid).Output()
	if err != nil || strings.TrimSpace(string(name)) != "PKCE Desk" {
		t.Fatalf("window title = %q (%v), want %q", name, err, "PKCE Desk")
	}

	shot := filepath.Join(t.TempDir(), "shot.png")
	settle := time.NewTimer(time.Second) // let the first frame render
	<-settle.C
	if out, err := exec.Command("import", "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v: %s", err, out)
	}
	if n := distinctColours(t, shot); n < 8 {
		t.Fatalf("screenshot has %d distinct colours: the window looks blank", n)
	}
	if strings.Contains(stderr.String(), "Error in Fyne call thread") {
		t.Fatalf("the app touched widgets off the Fyne goroutine:\n%s", stderr.String())
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
