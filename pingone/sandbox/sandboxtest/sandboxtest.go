// Package sandboxtest holds what the tests of several packages need around the offline
// sandbox: a signing key made once per test binary (2048-bit RSA generation is slow under
// -race) and loopback ports free on both IP stacks, so no test needs port 3000.
package sandboxtest

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net"
	"sync"
	"testing"
)

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
)

// SigningKey returns the test binary's shared RSA signing key, for sandbox.Options.SigningKey.
func SigningKey() *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		key = k
	})
	return key
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
