package app

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func TestSecretStoreRoundTripWithMockKeyring(t *testing.T) {
	keyring.MockInit()
	s := NewSecretStore(SecretStoreOptions{})
	ctx := context.Background()
	if _, _, err := s.Load(ctx, "p1"); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Load before Save: err = %v, want ErrSecretNotFound", err)
	}
	if err := s.Save(ctx, "p1", canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	v, src, err := s.Load(ctx, "p1")
	if err != nil || v != canaryWorkerSecret || src != SecretInKeyring {
		t.Fatalf("Load = %q, %v, %v", v, src, err)
	}
	if s.InMemory("p1") {
		t.Fatal("a keyring secret was also kept in memory")
	}
	if err := s.Forget(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Forget(ctx, "p1"); err != nil {
		t.Fatalf("forgetting a missing secret: %v", err)
	}
	if _, _, err := s.Load(ctx, "p1"); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Load after Forget: err = %v", err)
	}
}

// The error messages go-keyring actually produces on Linux (docs/fyne-notes.md) and its
// sentinel errors, each mapped to one plain-words problem.
func TestKeyringErrorsAreClassified(t *testing.T) {
	cases := []struct {
		name string
		raw  error
		want error
	}{
		{"no D-Bus", errors.New(`exec: "dbus-launch": executable file not found in $PATH`), ErrKeyringUnavailable},
		{"no Secret Service", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), ErrKeyringUnavailable},
		{"no collection interface", errors.New("No such interface 'org.freedesktop.Secret.Collection' on object at path /org/freedesktop/secrets/collection/login"), ErrKeyringUnavailable},
		{"unsupported platform", keyring.ErrUnsupportedPlatform, ErrKeyringUnavailable},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrKeyringLocked},
		{"too big", keyring.ErrSetDataTooBig, ErrSecretTooBig},
		{"not found", keyring.ErrNotFound, ErrSecretNotFound},
		{"other", errors.New("org.freedesktop.DBus.Error.NoReply"), ErrKeyringFailed},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keyring.MockInitWithError(tc.raw)
			s := NewSecretStore(SecretStoreOptions{})
			for _, op := range []func() error{
				func() error { return s.Save(ctx, "p1", canaryWorkerSecret) },
				func() error { _, _, err := s.Load(ctx, "p1"); return err },
			} {
				err := op()
				var ke *KeyringError
				if !errors.As(err, &ke) || !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want a KeyringError of kind %v", err, tc.want)
				}
				if !errors.Is(err, tc.raw) {
					t.Fatal("the underlying keyring error is not kept")
				}
				if ke.Remedy() == "" || Explain(err).Remedy == "" {
					t.Fatal("no remedy offered")
				}
				assertNoCanary(t, "keyring error", err.Error()+ke.Detail())
			}
			// No silent fallback: a failed Save stores nothing anywhere.
			if s.InMemory("p1") {
				t.Fatal("a failed keyring write fell back to memory")
			}
		})
	}
}

func TestUnavailableKeyringOffersMemoryOnly(t *testing.T) {
	d, prefs := newDesk(t)
	p, err := d.SaveProfile(validProfile())
	if err != nil {
		t.Fatal(err)
	}
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	ctx := context.Background()
	err = d.SetWorkerSecret(ctx, p.ID, canaryWorkerSecret)
	if !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("SetWorkerSecret: %v, want ErrKeyringUnavailable", err)
	}
	pr := Explain(err)
	if !strings.Contains(pr.Title, "not available") || !strings.Contains(pr.Remedy, "this run only") {
		t.Fatalf("explanation %q / %q does not offer the memory-only option", pr.Title, pr.Remedy)
	}
	if src, err := d.WorkerSecretSource(ctx, p.ID); src != SecretMissing || err == nil {
		t.Fatalf("after the failure: source %v, err %v; want missing", src, err)
	}
	if err := d.RememberWorkerSecret(p.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	if src, err := d.WorkerSecretSource(ctx, p.ID); src != SecretInMemory || err != nil {
		t.Fatalf("source = %v, %v; want in memory", src, err)
	}
	for _, k := range prefs.Keys() {
		assertNoCanary(t, "preference "+k, prefs.String(k))
	}
}

func TestSecretTooBigIsRefusedNotTruncated(t *testing.T) {
	keyring.MockInit()
	var calls atomic.Int32
	s := NewSecretStore(SecretStoreOptions{Keyring: countingKeyring{&calls}})
	err := s.Save(context.Background(), "p1", strings.Repeat("s", MaxSecretBytes+1))
	if !errors.Is(err, ErrSecretTooBig) {
		t.Fatalf("err = %v, want ErrSecretTooBig", err)
	}
	if calls.Load() != 0 {
		t.Fatal("an oversized secret was handed to the keyring")
	}
	if err := s.Save(context.Background(), "p1", strings.Repeat("s", MaxSecretBytes)); err != nil {
		t.Fatalf("a secret of exactly the limit: %v", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("keyring calls = %d, want 1", calls.Load())
	}
}

func TestEmptySecretIsRefused(t *testing.T) {
	keyring.MockInit()
	s := NewSecretStore(SecretStoreOptions{})
	var ve *ValidationError
	if err := s.Save(context.Background(), "p1", ""); !errors.As(err, &ve) || ve.Fields[FieldWorkerSecret] == "" {
		t.Fatalf("Save(\"\") = %v", err)
	}
	if err := s.Remember("p1", ""); !errors.As(err, &ve) {
		t.Fatalf("Remember(\"\") = %v", err)
	}
}

// blockingKeyring never answers, like go-keyring waiting on an unlock prompt nobody sees.
type blockingKeyring struct{ release chan struct{} }

func (b blockingKeyring) Set(string, string, string) error   { <-b.release; return nil }
func (b blockingKeyring) Get(string, string) (string, error) { <-b.release; return "", nil }
func (b blockingKeyring) Delete(string, string) error        { <-b.release; return nil }
func (b blockingKeyring) DeleteAll(string) error             { <-b.release; return nil }

type countingKeyring struct{ n *atomic.Int32 }

func (c countingKeyring) Set(string, string, string) error { c.n.Add(1); return nil }
func (c countingKeyring) Get(string, string) (string, error) {
	c.n.Add(1)
	return "", keyring.ErrNotFound
}
func (c countingKeyring) Delete(string, string) error { c.n.Add(1); return nil }
func (c countingKeyring) DeleteAll(string) error      { c.n.Add(1); return nil }

func TestKeyringTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release) // let the abandoned goroutines finish
	fire := make(chan time.Time)
	var asked []time.Duration
	askedCh := make(chan time.Duration, 4)
	s := NewSecretStore(SecretStoreOptions{
		Keyring: blockingKeyring{release},
		After: func(d time.Duration) <-chan time.Time {
			askedCh <- d
			return fire
		},
	})
	for _, tc := range []struct {
		op    string
		call  func() error
		limit time.Duration
	}{
		{"read", func() error { _, _, err := s.Load(context.Background(), "p1"); return err }, DefaultKeyringReadTimeout},
		{"save", func() error { return s.Save(context.Background(), "p1", canaryWorkerSecret) }, DefaultKeyringWriteTimeout},
	} {
		done := make(chan error, 1)
		go func() { done <- tc.call() }()
		select {
		case d := <-askedCh:
			asked = append(asked, d)
		case <-time.After(10 * time.Second):
			t.Fatal("the keyring call was not bounded by a timer")
		}
		fire <- time.Now() // the time limit passes
		select {
		case err := <-done:
			var ke *KeyringError
			if !errors.Is(err, ErrKeyringTimeout) || !errors.As(err, &ke) || ke.Op != tc.op {
				t.Fatalf("%s: err = %v, want ErrKeyringTimeout", tc.op, err)
			}
			if !strings.Contains(ke.Remedy(), "unlock") {
				t.Fatalf("remedy %q does not mention the unlock prompt", ke.Remedy())
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not return after its time limit", tc.op)
		}
		if tc.limit != asked[len(asked)-1] {
			t.Fatalf("%s limit = %v, want %v", tc.op, asked[len(asked)-1], tc.limit)
		}
	}
	if s.InMemory("p1") {
		t.Fatal("a timed-out write fell back to memory")
	}
}

func TestKeyringCallStopsWaitingWhenContextEnds(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s := NewSecretStore(SecretStoreOptions{Keyring: blockingKeyring{release}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, _, err := s.Load(ctx, "p1"); done <- err }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load ignored the cancelled context")
	}
}
