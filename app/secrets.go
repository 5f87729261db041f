package app

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name under which worker secrets are stored in the OS
// keyring (Keychain, Credential Manager, Secret Service).
const KeyringService = "io.github.pkcedesk"

// MaxSecretBytes is the largest secret stored: Windows Credential Manager refuses blobs
// over 2560 bytes and macOS about 3000, so the app refuses them everywhere rather than
// behave differently per platform (case E5). Secrets are never truncated.
const MaxSecretBytes = 2560

// Default keyring time limits. go-keyring waits on an unlock prompt with no timeout, so
// an unanswered prompt would block forever (case E2). Writes get longer
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
	// ErrKeyringLocked: the keyring is locked.
	ErrKeyringLocked = errors.New("the system keyring is locked")
	// ErrKeyringDismissed: the keyring stayed locked because its unlock prompt was
	// dismissed (or could not be shown). It is the user saying no, so it matches
	// context.Canceled as well as ErrKeyringLocked; it never means "no secret stored"
	// (case E3).
	ErrKeyringDismissed error = &kindError{
		msg:  "the system keyring stayed locked because its unlock prompt was dismissed",
		also: []error{ErrKeyringLocked, context.Canceled},
	}
	// ErrKeyringTimeout: the keyring did not answer in time, usually because an unlock
	// prompt is waiting for the user.
	ErrKeyringTimeout = errors.New("the system keyring did not answer in time")
	// ErrSecretTooBig: the secret is larger than MaxSecretBytes.
	ErrSecretTooBig = errors.New("the secret is too large for the system keyring")
	// ErrSecretNotFound: no secret is stored for this connection.
	ErrSecretNotFound = errors.New("no secret is stored for this connection")
	// ErrSecretInvalid: the keyring holds something for this connection that cannot be
	// a worker secret (damaged, another tool's encoding, control characters). It is
	// never used; the user is asked to paste the secret again (case E6).
	ErrSecretInvalid = errors.New("the stored secret is damaged or in an unexpected format; paste it again")
	// ErrKeyringFailed: any other keyring failure.
	ErrKeyringFailed = errors.New("the system keyring reported an error")
)

// kindError is a problem kind that also counts as other, broader kinds for errors.Is.
type kindError struct {
	msg  string
	also []error
}

func (k *kindError) Error() string   { return k.msg }
func (k *kindError) Unwrap() []error { return k.also }

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
	case ErrKeyringDismissed:
		return "Nothing was read or changed. Try again and unlock the keyring when it asks (usually your login password); " +
			"or choose \"Use for this run only\"."
	case ErrKeyringLocked:
		return "Unlock the keyring (your login keyring password), then try again; or choose \"Use for this run only\"."
	case ErrKeyringTimeout:
		return "The keyring may be waiting for you to unlock it in another window. Answer that prompt and try again; " +
			"or choose \"Use for this run only\"."
	case ErrSecretTooBig:
		return "A PingOne worker secret is far shorter; check that only the secret was pasted."
	case ErrSecretNotFound:
		return "Enter the worker app's client secret for this connection."
	case ErrSecretInvalid:
		return "The keyring entry for this connection does not hold a usable worker secret. Paste the worker app's " +
			"client secret again and save it; that replaces the entry."
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
	// go-keyring ignores the Secret Service prompt's "dismissed" flag: a dismissed unlock
	// prompt comes back as "failed to unlock correct collection". macOS says "User
	// canceled the operation".
	case strings.Contains(msg, "failed to unlock"),
		strings.Contains(msg, "dismissed"),
		strings.Contains(msg, "user canceled"),
		strings.Contains(msg, "user cancelled"),
		strings.Contains(msg, "canceled by user"),
		strings.Contains(msg, "cancelled by user"):
		return ErrKeyringDismissed
	case strings.Contains(msg, "is locked"):
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
// reports it and the user decides (case E1).
//
// Keyring calls are serialised in the order they were made (case E7): two windows
// saving and reading at once never interleave, and of two saves the later call is the one
// that stays. Stores on the OS keyring share one queue, so this holds across Desks too.
type SecretStore struct {
	backend             keyring.Keyring
	readLimit, writeLim time.Duration
	after               func(time.Duration) <-chan time.Time
	queue               *callQueue

	mu     sync.Mutex
	memory map[string]string
	seq    uint64            // bumped by every Save, Remember and Forget
	latest map[string]uint64 // the seq of each profile's latest write

	// queued (tests only) runs once a keyring call has taken its place in the queue.
	queued func()
}

// callQueue runs keyring calls one after the other, first come first served.
type callQueue struct {
	mu   sync.Mutex
	tail chan struct{} // closed when the last queued call has finished
}

// systemQueue serialises every call to the OS keyring in this process.
var systemQueue = &callQueue{}

// NewSecretStore returns a store.
func NewSecretStore(o SecretStoreOptions) *SecretStore {
	s := &SecretStore{
		backend:   o.Keyring,
		readLimit: o.ReadTimeout,
		writeLim:  o.WriteTimeout,
		after:     o.After,
		queue:     &callQueue{},
		memory:    map[string]string{},
		latest:    map[string]uint64{},
	}
	if s.backend == nil {
		s.backend = systemKeyring{}
		s.queue = systemQueue
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

// errGaveUp ends a queued call whose caller stopped waiting before its turn came.
var errGaveUp = errors.New("app: the keyring call was abandoned before it started")

// bounded queues op behind the keyring calls made before it and waits at most limit for
// it to be done. On timeout the call is abandoned: if it has not started yet it never
// will; if it is already inside the keyring (go-keyring cannot cancel a pending prompt)
// its goroutine finishes later on its own. Leaking one blocked goroutine beats freezing
// the app (case E2).
func (s *SecretStore) bounded(ctx context.Context, limit time.Duration, op func() (string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	type result struct {
		v   string
		err error
	}
	s.queue.mu.Lock()
	prev := s.queue.tail
	mine := make(chan struct{})
	s.queue.tail = mine
	s.queue.mu.Unlock()
	if s.queued != nil {
		s.queued()
	}

	var gaveUp atomic.Bool
	done := make(chan result, 1) // buffered: an abandoned op can still finish and exit
	go func() {
		defer close(mine)
		if prev != nil {
			<-prev
		}
		if gaveUp.Load() {
			done <- result{err: errGaveUp}
			return
		}
		v, err := op()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-s.after(limit):
		gaveUp.Store(true)
		return "", ErrKeyringTimeout
	case <-ctx.Done():
		gaveUp.Store(true)
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

// write records a write of the profile's secret and returns its sequence number.
func (s *SecretStore) write(profileID string) uint64 {
	s.seq++
	s.latest[profileID] = s.seq
	return s.seq
}

// Save stores secret in the OS keyring for the connection and drops any in-memory copy.
// On failure nothing is stored anywhere; the caller may offer Remember instead.
func (s *SecretStore) Save(ctx context.Context, profileID, secret string) error {
	if err := checkSecret(secret); err != nil {
		return err
	}
	s.mu.Lock()
	seq := s.write(profileID)
	s.mu.Unlock()
	_, err := s.bounded(ctx, s.writeLim, func() (string, error) {
		return "", s.backend.Set(KeyringService, profileID, secret)
	})
	if err != nil {
		return keyringError("save", err)
	}
	s.mu.Lock()
	if s.latest[profileID] == seq { // a later Remember keeps its in-memory secret
		delete(s.memory, profileID)
	}
	s.mu.Unlock()
	return nil
}

// Remember keeps secret in memory for this run only ("use for this run only"). Nothing
// is written anywhere.
func (s *SecretStore) Remember(profileID, secret string) error {
	if err := checkSecret(secret); err != nil {
		var ke *KeyringError
		if errors.As(err, &ke) {
			ke.Op = "keep"
		}
		return err
	}
	s.mu.Lock()
	s.write(profileID)
	s.memory[profileID] = secret
	s.mu.Unlock()
	return nil
}

// Load returns the connection's secret: the in-memory copy if the user chose "this run
// only", else the keyring's. A missing secret is a *KeyringError of kind
// ErrSecretNotFound; a stored value that cannot be a secret, one of kind
// ErrSecretInvalid (the value itself is never returned or quoted).
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
	if !usableSecret(v) {
		return "", SecretMissing, &KeyringError{Kind: ErrSecretInvalid, Op: "read"}
	}
	return v, SecretInKeyring, nil
}

// Forget removes the connection's secret from memory and from the keyring. A secret that
// was not there is not an error.
func (s *SecretStore) Forget(ctx context.Context, profileID string) error {
	s.mu.Lock()
	s.write(profileID)
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
