package app

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
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
		{"locked", errors.New("Cannot get secret of a locked object: the collection is locked"), ErrKeyringLocked},
		{"unlock prompt dismissed", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrKeyringDismissed},
		{"macOS prompt cancelled", errors.New("security: SecKeychainItemCopyContent: User canceled the operation."), ErrKeyringDismissed},
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

// errDismissedPrompt is what go-keyring's Secret Service backend returns when the user
// dismisses the unlock prompt: it ignores the prompt's "dismissed" flag, finds no
// unlocked collection and reports that.
var errDismissedPrompt = errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")

// failingKeyring answers every call with err.
type failingKeyring struct{ err error }

func (f failingKeyring) Set(string, string, string) error   { return f.err }
func (f failingKeyring) Get(string, string) (string, error) { return "", f.err }
func (f failingKeyring) Delete(string, string) error        { return f.err }
func (f failingKeyring) DeleteAll(string) error             { return f.err }

func TestKeyring_E3_DismissedPromptIsACancelNotNotFound(t *testing.T) {
	ctx := context.Background()
	s := NewSecretStore(SecretStoreOptions{Keyring: failingKeyring{errDismissedPrompt}})
	v, src, err := s.Load(ctx, "p1")
	if v != "" || src != SecretMissing {
		t.Fatalf("Load = %q, %v", v, src)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrKeyringDismissed) {
		t.Fatalf("err = %v, want a cancel (ErrKeyringDismissed)", err)
	}
	if errors.Is(err, ErrSecretNotFound) {
		t.Fatal("a dismissed prompt was taken for a missing secret")
	}
	p := Explain(err)
	if !strings.Contains(p.Title, "dismissed") || strings.Contains(p.Remedy, "Enter the worker app's client secret") {
		t.Fatalf("explained as %q / %q", p.Title, p.Remedy)
	}
	for name, op := range map[string]func() error{
		"save":   func() error { return s.Save(ctx, "p1", canaryWorkerSecret) },
		"forget": func() error { return s.Forget(ctx, "p1") },
	} {
		if err := op(); !errors.Is(err, ErrKeyringDismissed) || !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: err = %v, want the dismissal reported as a cancel", name, err)
		}
	}
	if s.InMemory("p1") {
		t.Fatal("a dismissed prompt fell back to memory")
	}

	// The same through go-keyring's own package functions and a Desk.
	d, _ := newDesk(t)
	prof := sandboxAsCustomProfile(t, d, nil)
	keyring.MockInitWithError(errDismissedPrompt)
	src, err = d.WorkerSecretSource(ctx, prof.ID)
	if src != SecretMissing || !errors.Is(err, context.Canceled) || errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("WorkerSecretSource = %v, %v; want a cancel, not \"not found\"", src, err)
	}
	if err := d.DeleteProfile(ctx, prof.ID); !errors.Is(err, ErrKeyringDismissed) {
		t.Fatalf("DeleteProfile: %v; want the dismissal reported (the secret may still be stored)", err)
	}
}

func TestKeyring_E6_DamagedValueIsInvalidAndNeverUsed(t *testing.T) {
	ctx := context.Background()
	cases := map[string]string{
		"old base64 prefix": "go-keyring-base64:" + base64.StdEncoding.EncodeToString([]byte(canaryWorkerSecret)),
		"old hex prefix":    "go-keyring-encoded:" + hex.EncodeToString([]byte(canaryWorkerSecret)),
		"empty":             "",
		"control bytes":     "\x00\x01\x02" + canaryWorkerSecret,
		"line break":        canaryWorkerSecret + "\n" + canaryWorkerSecret,
		"inner space":       "CANARY worker",
		"invalid UTF-8":     canaryWorkerSecret + "\xff\xfe",
		"replacement char":  canaryWorkerSecret + "\uFFFD",
		"too large":         strings.Repeat("s", MaxSecretBytes+1),
	}
	for name, stored := range cases {
		t.Run(name, func(t *testing.T) {
			keyring.MockInit()
			if err := keyring.Set(KeyringService, "p1", stored); err != nil {
				t.Fatal(err)
			}
			s := NewSecretStore(SecretStoreOptions{})
			v, src, err := s.Load(ctx, "p1")
			var ke *KeyringError
			if !errors.Is(err, ErrSecretInvalid) || !errors.As(err, &ke) || ke.Op != "read" {
				t.Fatalf("Load err = %v, want ErrSecretInvalid", err)
			}
			if v != "" || src != SecretMissing {
				t.Fatalf("a damaged value was handed out (%d bytes, source %v)", len(v), src)
			}
			if p := Explain(err); !strings.Contains(p.Title+p.Remedy, "again") {
				t.Fatalf("the user is not asked to re-enter the secret: %q / %q", p.Title, p.Remedy)
			}
			if stored != "" && strings.Contains(err.Error()+ke.Detail()+Explain(err).Detail(), stored) {
				t.Fatal("the error quotes the stored value")
			}
			// What Load refuses, Save refuses too, so it cannot be written in the first place.
			if stored != "" {
				if err := s.Save(ctx, "p2", stored); err == nil {
					t.Fatal("Save accepted a value Load would refuse")
				}
			}
		})
	}

	// On a connection the damaged secret is never sent; pasting it again repairs it.
	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, nil)
	if err := keyring.Set(KeyringService, p.ID, cases["old base64 prefix"]); err != nil {
		t.Fatal(err)
	}
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	srv, _ := d.ensureSandbox()
	before := srv.Requests("", "/as/token")
	if _, err := d.ListApplications(ctx, ""); !errors.Is(err, ErrSecretInvalid) {
		t.Fatalf("ListApplications with a damaged secret: %v", err)
	}
	if srv.Requests("", "/as/token") != before {
		t.Fatal("a worker token was requested with the damaged value")
	}
	if err := d.SetWorkerSecret(ctx, p.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ListApplications(ctx, ""); err != nil {
		t.Fatalf("after re-entering the secret: %v", err)
	}
}

// orderedKeyring records the order of Set calls and how many calls overlap. Its first Set
// waits for hold to close, so a test can line calls up behind it.
type orderedKeyring struct {
	hold    chan struct{}
	started chan string // the value of each Set as it starts

	mu       sync.Mutex
	stored   map[string]string
	sets     []string
	inFlight int
	overlap  int // the most calls that were inside the keyring at once
}

func newOrderedKeyring() *orderedKeyring {
	return &orderedKeyring{hold: make(chan struct{}), started: make(chan string, 128), stored: map[string]string{}}
}

func (k *orderedKeyring) enter() {
	k.mu.Lock()
	k.inFlight++
	k.overlap = max(k.overlap, k.inFlight)
	k.mu.Unlock()
}

func (k *orderedKeyring) leave() {
	k.mu.Lock()
	k.inFlight--
	k.mu.Unlock()
}

func (k *orderedKeyring) Set(_, user, v string) error {
	k.enter()
	defer k.leave()
	k.mu.Lock()
	first := len(k.sets) == 0
	k.sets = append(k.sets, v)
	k.mu.Unlock()
	k.started <- v
	if first {
		<-k.hold
	}
	k.mu.Lock()
	k.stored[user] = v
	k.mu.Unlock()
	return nil
}

func (k *orderedKeyring) Get(_, user string) (string, error) {
	k.enter()
	defer k.leave()
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.stored[user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *orderedKeyring) Delete(_, user string) error {
	k.enter()
	defer k.leave()
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.stored, user)
	return nil
}

func (k *orderedKeyring) DeleteAll(string) error { return nil }

func TestKeyring_E7_TwoWindowsAreSerialisedAndTheLaterSaveWins(t *testing.T) {
	ctx := context.Background()
	kr := newOrderedKeyring()
	s := NewSecretStore(SecretStoreOptions{Keyring: kr})
	queued := make(chan struct{}, 8)
	s.queued = func() { queued <- struct{}{} }
	wait := func(what string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("timed out waiting for %s", what)
		}
	}

	// Window 1 saves "first"; the keyring is slow to answer (an unlock prompt).
	saves := make(chan error, 2)
	go func() { saves <- s.Save(ctx, "p1", "first-secret") }()
	wait("window 1's save to be queued", queued)
	select {
	case v := <-kr.started:
		if v != "first-secret" {
			t.Fatalf("the keyring got %q first", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("window 1's save never reached the keyring")
	}
	// Window 2 saves "second", then reads, while window 1's save is still inside.
	go func() { saves <- s.Save(ctx, "p1", "second-secret") }()
	wait("window 2's save to be queued", queued)
	type loaded struct {
		v   string
		err error
	}
	read := make(chan loaded, 1)
	go func() { v, _, err := s.Load(ctx, "p1"); read <- loaded{v, err} }()
	wait("window 2's read to be queued", queued)

	close(kr.hold)
	for range 2 {
		select {
		case err := <-saves:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a save did not finish")
		}
	}
	var got loaded
	select {
	case got = <-read:
	case <-time.After(10 * time.Second):
		t.Fatal("the read did not finish")
	}
	kr.mu.Lock()
	sets, overlap := append([]string(nil), kr.sets...), kr.overlap
	kr.mu.Unlock()
	if overlap != 1 {
		t.Fatalf("%d keyring calls ran at once; they must take turns", overlap)
	}
	if strings.Join(sets, ",") != "first-secret,second-secret" {
		t.Fatalf("keyring writes in order %v, want the order of the calls", sets)
	}
	if got.err != nil || got.v != "second-secret" {
		t.Fatalf("the read queued after both saves got %q, %v; want the later save", got.v, got.err)
	}
	if v, _, err := s.Load(ctx, "p1"); err != nil || v != "second-secret" {
		t.Fatalf("final value %q, %v; want the later save", v, err)
	}
}

// A Remember made while a keyring save is still running is the later write, so it is
// the one that stays (the save finishing must not drop it).
func TestKeyring_E7_RememberAfterASlowSaveWins(t *testing.T) {
	ctx := context.Background()
	kr := newOrderedKeyring()
	s := NewSecretStore(SecretStoreOptions{Keyring: kr})
	saved := make(chan error, 1)
	go func() { saved <- s.Save(ctx, "p1", "keyring-secret") }()
	select {
	case <-kr.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the save never reached the keyring")
	}
	if err := s.Remember("p1", "memory-secret"); err != nil {
		t.Fatal(err)
	}
	close(kr.hold)
	if err := <-saved; err != nil {
		t.Fatal(err)
	}
	if v, src, err := s.Load(ctx, "p1"); err != nil || v != "memory-secret" || src != SecretInMemory {
		t.Fatalf("Load = %q, %v, %v; want the later Remember", v, src, err)
	}
}

// Many goroutines on the OS keyring's queue (go-keyring's mock): run with -race.
func TestKeyring_E7_ConcurrentSaveAndLoadUnderRace(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	a, b := NewSecretStore(SecretStoreOptions{}), NewSecretStore(SecretStoreOptions{}) // two windows
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for w, s := range []*SecretStore{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				v := fmt.Sprintf("window%d-secret-%d", w, i)
				if err := s.Save(ctx, "p1", v); err != nil {
					errs <- err
				}
				got, _, err := s.Load(ctx, "p1")
				if err != nil {
					errs <- err
				} else if !strings.HasPrefix(got, "window") || !strings.Contains(got, "-secret-") {
					errs <- fmt.Errorf("read a torn value %q", got)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Both windows see the same final value, and it is the last write of one of them.
	va, _, errA := a.Load(ctx, "p1")
	vb, _, errB := b.Load(ctx, "p1")
	if errA != nil || errB != nil || va != vb || !strings.HasSuffix(va, "-secret-49") {
		t.Fatalf("final values %q / %q (%v, %v)", va, vb, errA, errB)
	}
}
