//go:build keyring

package app

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const realKeyringChildEnv = "PKCEDESK_REAL_KEYRING_CHILD"

// TestRealKeyringRoundTrip stores, reads and deletes a secret in the real OS keyring
// (Secret Service under `make test`, which runs an unlocked gnome-keyring in a private
// D-Bus session).
//
// The other tests swap go-keyring's global provider for a mock, and go-keyring cannot
// swap it back. So the test re-runs itself alone in a fresh test process, where the
// provider is still the real one, and checks that process's verdict.
func TestRealKeyringRoundTrip(t *testing.T) {
	if os.Getenv(realKeyringChildEnv) == "1" {
		realKeyringRoundTrip(t)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRealKeyringRoundTrip$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), realKeyringChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestRealKeyringRoundTrip") {
		t.Fatalf("real keyring round trip failed (%v):\n%s", err, out)
	}
	assertNoCanary(t, "child output", string(out))
}

func realKeyringRoundTrip(t *testing.T) {
	s := NewSecretStore(SecretStoreOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	id := "test-" + newProfileID()
	if err := s.Save(ctx, id, canaryWorkerSecret); err != nil {
		var ke *KeyringError
		errors.As(err, &ke)
		t.Fatalf("Save in the real keyring: %v (%s; keyring said: %s)", err, Explain(err).Remedy, ke.Detail())
	}
	t.Cleanup(func() { _ = s.Forget(context.Background(), id) })
	v, src, err := s.Load(ctx, id)
	if err != nil || src != SecretInKeyring || v != canaryWorkerSecret {
		t.Fatalf("Load: source %v, err %v, value matches: %v", src, err, v == canaryWorkerSecret)
	}
	if s.InMemory(id) {
		t.Fatal("the secret was also kept in memory")
	}
	if err := s.Forget(ctx, id); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if _, _, err := s.Load(ctx, id); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Load after Forget: %v, want ErrSecretNotFound", err)
	}
}
