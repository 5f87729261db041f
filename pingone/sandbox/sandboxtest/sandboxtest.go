// Package sandboxtest holds what the tests of several packages need around the offline
// sandbox: a signing key made once per test binary (2048-bit RSA generation is slow under
// -race), loopback ports free on both IP stacks, so no test needs port 3000, and a
// stand-in for the user's browser on the sandbox's sign-on page.
package sandboxtest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"
)

var (
	keyOnce, rotatedOnce sync.Once
	key, rotated         *rsa.PrivateKey
)

// SigningKey returns the test binary's shared RSA signing key, for sandbox.Options.SigningKey.
func SigningKey() *rsa.PrivateKey { return onceKey(&keyOnce, &key) }

// RotatedSigningKey returns a second shared key, for tests that rotate the sandbox's key.
func RotatedSigningKey() *rsa.PrivateKey { return onceKey(&rotatedOnce, &rotated) }

func onceKey(once *sync.Once, k **rsa.PrivateKey) *rsa.PrivateKey {
	once.Do(func() {
		generated, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		*k = generated
	})
	return *k
}

// FreePort returns a port that is free on 127.0.0.1 and on [::1] right now: the loopback
// receiver binds both, so a port taken on either stack would make it fail.
func FreePort(t testing.TB) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l6, err := net.Listen("tcp6", fmt.Sprintf("[::1]:%d", port))
		l.Close()
		if err == nil {
			l6.Close()
			return port
		}
	}
	t.Fatal("no port free on both loopback stacks")
	return 0
}

// FreeRedirect returns a loopback redirect URI like the app's own on a free port.
func FreeRedirect(t testing.TB) (string, int) {
	t.Helper()
	port := FreePort(t)
	return fmt.Sprintf("http://localhost:%d/callback", port), port
}

var signonFormAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)

// SignOnInBrowser plays the user's browser on the sandbox: it loads the authorize URL,
// posts the hosted sign-on form with username and password, and follows the redirects
// back to the app's loopback listener. It returns once the last page was read.
func SignOnInBrowser(authURL, username, password string) error {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
	resp, err := hc.Get(authURL)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := signonFormAction.FindSubmatch(page)
	if m == nil {
		return fmt.Errorf("no sign-on form (status %d)", resp.StatusCode)
	}
	action, err := resp.Request.URL.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		return err
	}
	resp, err = hc.PostForm(action.String(), url.Values{
		"flowId": {resp.Request.URL.Query().Get("flowId")}, "username": {username}, "password": {password}, "action": {"signin"},
	})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// ChromiumPath finds the browser for the tests that drive a real Chromium: $CHROMIUM_PATH,
// else Debian's /usr/bin/chromium, which CI installs. A missing browser fails the test
// rather than skipping it, so such a test cannot silently stop running.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	p := os.Getenv("CHROMIUM_PATH")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Chromium not found at %q (set CHROMIUM_PATH or install the chromium package): %v", p, err)
	}
	return p
}

// DoJSON sends req, fails the test unless the answer has status want, and decodes its
// JSON body into out.
func DoJSON(t testing.TB, hc *http.Client, req *http.Request, want int, out any) {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d: %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}
