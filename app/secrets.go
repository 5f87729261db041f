package app

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name under which worker secrets are stored in the OS
// keyring (Keychain, Credential Manager, Secret Service).
const KeyringService = "io.github.pkcedesk"

// MaxSecretBytes is the largest secret stored: Windows Credential Manager refuses blobs
// over 2560 bytes and macOS about 3000, so the app refuses them everywhere rather than
// behave differently per platform (security.md E5). Secrets are never truncated.
const MaxSecretBytes = 2560

// Default keyring time limits. go-keyring waits on an unlock prompt with no timeout, so
// an unanswered prompt would block forever (security.md §3.6, E2). Writes get longer
// because the user may be typing the keyring password.
const (
	DefaultKeyringReadTimeout  = 10 * time.Second
	DefaultKeyringWriteTimeout = 30 * time.Second
)

// Keyring problems. A *KeyringError matches exactly one of them with errors.Is.
var (
	// ErrKeyringUnavailable: no keyring service (no D-Bus session, no Secret Service,
	// unsupported platform).
	ErrKeyringUnavailable = errors.New("the system keyring is not available")
	// ErrKeyringLocked: the keyring is locked, or its unlock prompt was dismissed.
	ErrKeyringLocked = errors.New("the system keyring is locked")
	// ErrKeyringTimeout: the keyring did not answer in time, usually because an unlock
	// prompt is waiting for the user.
	ErrKeyringTimeout = errors.New("the system keyring did not answer in time")
	// ErrSecretTooBig: the secret is larger than MaxSecretBytes.
	ErrSecretTooBig = errors.New("the secret is too large for the system keyring")
	// ErrSecretNotFound: no secret is stored for this connection.
	ErrSecretNotFound = errors.New("no secret is stored for this connection")
	// ErrKeyringFailed: any other keyring failure.
	ErrKeyringFailed = errors.New("the system keyring reported an error")
)

// KeyringError is a keyring failure in plain words. Kind is one of the Err* sentinels
// above; Remedy tells the user what to do. The underlying error (never containing the
// secret) is kept for Unwrap and Detail.
type KeyringError struct {
	Kind error
	Op   string // "read", "save" or "delete"
	Err  error
}

func (e *KeyringError) Error() string {
	return "could not " + e.Op + " the worker secret: " + e.Kind.Error()
}

// Unwrap lets errors.Is match both the sentinel and the underlying cause.
func (e *KeyringError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Detail is the keyring's own message, for a "details" expander.
func (e *KeyringError) Detail() string {
	if e == nil || e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

// Remedy says what the user can do about it.
func (e *KeyringError) Remedy() string {
	switch e.Kind {
	case ErrKeyringUnavailable:
		return "This session has no keyring service. On Linux, log in to a desktop session with GNOME Keyring or KWallet " +
			"(package gnome-keyring) running. Or choose \"Use for this run only\": the secret is then kept in memory " +
			"and forgotten when the app quits."
	case ErrKeyringLocked:
		return "Unlock the keyring (your login keyring password), then try again; or choose \"Use for this run only\"."
	case ErrKeyringTimeout:
		return "The keyring may be waiting for you to unlock it in another window. Answer that prompt and try again; " +
			"or choose \"Use for this run only\"."
	case ErrSecretTooBig:
		return "A PingOne worker secret is far shorter; check that only the secret was pasted."
	case ErrSecretNotFound:
		return "Enter the worker app's client secret for this connection."
	default:
		return "Try again; if it keeps failing, choose \"Use for this run only\"."
	}
}

// classifyKeyring maps go-keyring's errors, which are mostly untyped D-Bus messages on
// Linux, to the app's problems (see docs/fyne-notes.md "Keyring").
func classifyKeyring(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrSecretNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrSecretTooBig
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return ErrKeyringUnavailable
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "failed to unlock"),
		strings.Contains(msg, "is locked"),
		strings.Contains(msg, "dismissed"):
		return ErrKeyringLocked
	case strings.Contains(msg, "dbus-launch"),
		strings.Contains(msg, "org.freedesktop.secrets"),
		strings.Contains(msg, "org.freedesktop.secret."),
		strings.Contains(msg, "not provided by any .service files"),
		strings.Contains(msg, "dbus_session_bus_address"),
		strings.Contains(msg, "autolaunch"),
		strings.Contains(msg, "unsupported platform"):
		return ErrKeyringUnavailable
	}
	return ErrKeyringFailed
}

// SecretSource says where a connection's worker secret currently comes from.
type SecretSource int

// Secret sources.
const (
	SecretMissing SecretSource = iota
	SecretInKeyring
	SecretInMemory // "use for this run only"
	SecretFromSandbox
)

func (s SecretSource) String() string {
	switch s {
	case SecretInKeyring:
		return "stored in the system keyring"
	case SecretInMemory:
		return "kept for this run only"
	case SecretFromSandbox:
		return "provided by the offline sandbox"
	default:
		return "not set"
	}
}

// SecretStoreOptions configure a SecretStore. The zero value uses the OS keyring through
// go-keyring (so keyring.MockInit in tests applies) with the default time limits.
type SecretStoreOptions struct {
	// Keyring replaces the OS keyring; tests use it for a backend that never answers.
	Keyring keyring.Keyring
	// ReadTimeout and WriteTimeout bound each keyring call.
	ReadTimeout, WriteTimeout time.Duration
	// After is the timer used for those bounds; default time.After. Tests inject a
	// channel they control instead of waiting.
	After func(time.Duration) <-chan time.Time
}

// SecretStore keeps worker secrets in the OS keyring, or in memory for this run only when
// the user chose so. There is no plaintext fallback: if the keyring fails, the caller
// reports it and the user decides (security.md E1).
type SecretStore struct {
	backend             keyring.Keyring
	readLimit, writeLim time.Duration
	after               func(time.Duration) <-chan time.Time

	mu     sync.Mutex
	memory map[string]string
}

// NewSecretStore returns a store.
func NewSecretStore(o SecretStoreOptions) *SecretStore {
	s := &SecretStore{
		backend:   o.Keyring,
		readLimit: o.ReadTimeout,
		writeLim:  o.WriteTimeout,
		after:     o.After,
		memory:    map[string]string{},
	}
	if s.backend == nil {
		s.backend = systemKeyring{}
	}
	if s.readLimit <= 0 {
		s.readLimit = DefaultKeyringReadTimeout
	}
	if s.writeLim <= 0 {
		s.writeLim = DefaultKeyringWriteTimeout
	}
	if s.after == nil {
		s.after = time.After
	}
	return s
}

// systemKeyring calls go-keyring's package functions at call time, so keyring.MockInit
// takes effect even for a store created earlier.
type systemKeyring struct{}

func (systemKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}
func (systemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (systemKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }
func (systemKeyring) DeleteAll(service string) error           { return keyring.DeleteAll(service) }

// bounded runs op in its own goroutine and waits at most limit. On timeout the goroutine
// is abandoned: go-keyring offers no way to cancel a pending prompt, and leaking one
// blocked goroutine beats freezing the app (security.md E2).
func (s *SecretStore) bounded(ctx context.Context, limit time.Duration, op func() (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned op can still finish and exit
	go func() {
		v, err := op()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-s.after(limit):
		return "", ErrKeyringTimeout
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func keyringError(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, ErrKeyringTimeout) {
		return &KeyringError{Kind: ErrKeyringTimeout, Op: op}
	}
	return &KeyringError{Kind: classifyKeyring(err), Op: op, Err: err}
}

// Save stores secret in the OS keyring for the connection and drops any in-memory copy.
// On failure nothing is stored anywhere; the caller may offer Remember instead.
func (s *SecretStore) Save(ctx context.Context, profileID, secret string) error {
	if secret == "" {
		return &ValidationError{Fields: map[string]string{FieldWorkerSecret: "Paste the worker's client secret."}}
	}
	if len(secret) > MaxSecretBytes {
		return &KeyringError{Kind: ErrSecretTooBig, Op: "save"}
	}
	_, err := s.bounded(ctx, s.writeLim, func() (string, error) {
		return "", s.backend.Set(KeyringService, profileID, secret)
	})
	if err != nil {
		return keyringError("save", err)
	}
	s.mu.Lock()
	delete(s.memory, profileID)
	s.mu.Unlock()
	return nil
}

// Remember keeps secret in memory for this run only ("use for this run only"). Nothing
// is written anywhere.
func (s *SecretStore) Remember(profileID, secret string) error {
	if secret == "" {
		return &ValidationError{Fields: map[string]string{FieldWorkerSecret: "Paste the worker's client secret."}}
	}
	s.mu.Lock()
	s.memory[profileID] = secret
	s.mu.Unlock()
	return nil
}

// Load returns the connection's secret: the in-memory copy if the user chose "this run
// only", else the keyring's. A missing secret is a *KeyringError of kind
// ErrSecretNotFound.
func (s *SecretStore) Load(ctx context.Context, profileID string) (string, SecretSource, error) {
	s.mu.Lock()
	v, ok := s.memory[profileID]
	s.mu.Unlock()
	if ok {
		return v, SecretInMemory, nil
	}
	v, err := s.bounded(ctx, s.readLimit, func() (string, error) {
		return s.backend.Get(KeyringService, profileID)
	})
	if err != nil {
		return "", SecretMissing, keyringError("read", err)
	}
	return v, SecretInKeyring, nil
}

// Forget removes the connection's secret from memory and from the keyring. A secret that
// was not there is not an error.
func (s *SecretStore) Forget(ctx context.Context, profileID string) error {
	s.mu.Lock()
	delete(s.memory, profileID)
	s.mu.Unlock()
	_, err := s.bounded(ctx, s.writeLim, func() (string, error) {
		return "", s.backend.Delete(KeyringService, profileID)
	})
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return keyringError("delete", err)
	}
	return nil
}

// InMemory reports whether the connection's secret is held for this run only.
func (s *SecretStore) InMemory(profileID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.memory[profileID]
	return ok
}
