package token

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Key-set errors. Lookups wrap them; use errors.Is.
var (
	// ErrUnknownKey: the issuer's key set has no usable key with that kid,
	// even after the permitted refetch.
	ErrUnknownKey = errors.New("the issuer does not publish a usable signing key with this key id")
	// ErrKeysUnavailable: the key set could not be fetched or read, so no
	// token can be verified ("fail closed").
	ErrKeysUnavailable = errors.New("cannot load the issuer's signing keys")
)

const (
	defaultRefreshInterval = time.Minute
	// A PingOne environment publishes a handful of RSA keys (a few KiB with
	// x5c chains); 256 KiB leaves ample room and bounds a hostile answer.
	defaultMaxJWKSBytes = 256 << 10
	defaultFetchTimeout = 15 * time.Second
	// RFC 7518 §3.3 requires RSA keys of at least 2048 bits for RS256.
	minRSABits = 2048
)

// KeySetOptions configures a KeySet. The zero value is usable.
type KeySetOptions struct {
	// HTTPClient performs the JWKS request (callers pass one that records a
	// redacted transcript). The KeySet uses a copy with redirects refused and
	// no cookie jar, so the JWKS host stays pinned. Nil means a client with a
	// 15-second timeout.
	HTTPClient *http.Client
	// MinRefreshInterval bounds refetches. Once keys are cached, a kid not
	// seen before is refetched at once, so a key PingOne has just rotated in
	// is picked up on its first token (OIDC Core §10.1.1); but at most one
	// such refetch happens per interval, and a kid that a fetch already
	// looked for in vain is not fetched for again within the interval, so a
	// stream of tokens with random kids cannot turn into a request storm
	// (go-oidc#482). Before any fetch has succeeded, fetches are at least one
	// interval apart, so a failing endpoint is not hammered. Default 1 minute.
	MinRefreshInterval time.Duration
	// MaxBytes caps the JWKS response body. Default 256 KiB.
	MaxBytes int64
	// Now is the clock used for rate limiting. Default time.Now.
	Now func() time.Time
}

// KeySet is the issuer's RS256 verification keys, fetched lazily from a
// fixed jwks_uri. It is safe for concurrent use.
//
// It keeps only keys that are RSA, at least 2048 bits, and not marked for
// another use or algorithm (use "enc", alg other than RS256, key_ops without
// "verify"); other entries are skipped rather than failing the whole set, the
// way the OpenID conformance test IgnoresUnparseableKeyInJwks expects.
type KeySet struct {
	url      string
	client   *http.Client
	interval time.Duration
	maxBytes int64
	now      func() time.Time

	// fetching is a one-slot semaphore: one fetch at a time, and waiters can
	// give up when their context ends (a mutex cannot be abandoned).
	fetching chan struct{}

	// usable holds the keys of the latest successful fetch. A fetch
	// replaces it whole and nothing modifies it after, so the lookup of a
	// cached key (every verification) reads it without taking mu.
	usable atomic.Pointer[usableKeys]

	mu        sync.Mutex
	skipped   map[string]string // kid → why the key was not usable
	fetched   bool
	lastErr   error // outcome of the latest fetch, repeated while rate limited
	lastFetch time.Time
	fetches   int
	// lastRefetch is when the cached set was last refetched for an unknown
	// kid (zero: never); misses holds the kids such a fetch looked for in
	// vain, with the time, for the rate limit on repeats.
	lastRefetch time.Time
	misses      map[string]time.Time
}

// usableKeys is one fetch's usable keys; never modified once published.
type usableKeys struct {
	byKid map[string]*rsa.PublicKey
	all   []*rsa.PublicKey // every usable key, for tokens without kid
}

// NewKeySet returns a KeySet for jwksURL. The URL must be https, except for
// loopback hosts (the offline sandbox and tests); it may not carry user info
// or a fragment. Nothing is fetched until the first lookup.
func NewKeySet(jwksURL string, opts KeySetOptions) (*KeySet, error) {
	u, err := url.Parse(jwksURL)
	if err != nil {
		return nil, errors.New("token: JWKS URL is not a valid URL")
	}
	if u.User != nil || u.Fragment != "" || u.Host == "" || u.Opaque != "" {
		return nil, errors.New("token: JWKS URL must be a plain http(s) URL with a host")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, errors.New("token: JWKS URL must use https (plain http is only allowed for localhost)")
		}
	default:
		return nil, errors.New("token: JWKS URL must use https")
	}

	k := &KeySet{
		url:      u.String(),
		interval: opts.MinRefreshInterval,
		maxBytes: opts.MaxBytes,
		now:      opts.Now,
		fetching: make(chan struct{}, 1),
		skipped:  map[string]string{},
		misses:   map[string]time.Time{},
	}
	if k.interval <= 0 {
		k.interval = defaultRefreshInterval
	}
	if k.maxBytes <= 0 {
		k.maxBytes = defaultMaxJWKSBytes
	}
	if k.now == nil {
		k.now = time.Now
	}
	var c http.Client
	if opts.HTTPClient != nil {
		c = *opts.HTTPClient
	} else {
		c.Timeout = defaultFetchTimeout
	}
	c.Jar = nil
	c.CheckRedirect = func(*http.Request, []*http.Request) error {
		return errors.New("JWKS endpoint redirected; redirects are not followed")
	}
	k.client = &c
	return k, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL returns the jwks_uri this set fetches from.
func (k *KeySet) URL() string { return k.url }

// Fetches returns how many JWKS requests have been made (successful or not).
func (k *KeySet) Fetches() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.fetches
}

// Key returns the RS256 verification key with the given kid. If it is not
// cached, the set is refetched at once, within the limits described at
// KeySetOptions.MinRefreshInterval; when a limit applies, the kid is reported
// unknown without any request.
func (k *KeySet) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if key, ok := k.cached(kid); ok {
		return key, nil
	}
	found := func() bool { _, ok := k.cached(kid); return ok }
	if err := k.refreshIfAllowed(ctx, kid, found); err != nil {
		return nil, err
	}
	if key, ok := k.cached(kid); ok {
		return key, nil
	}
	k.mu.Lock()
	why := k.skipped[kid]
	k.mu.Unlock()
	if why != "" {
		return nil, fmt.Errorf("%w (the issuer publishes a key with this id, but %s)", ErrUnknownKey, why)
	}
	return nil, ErrUnknownKey
}

// all returns every usable key, fetching once if nothing has been fetched
// yet. It serves tokens without a kid (OpenID conformance KidAbsent* tests).
// The slice is shared: callers must not modify it.
func (k *KeySet) all(ctx context.Context) ([]*rsa.PublicKey, error) {
	u := k.usable.Load()
	if u == nil {
		if err := k.refreshIfAllowed(ctx, "", func() bool { return k.usable.Load() != nil }); err != nil {
			return nil, err
		}
		u = k.usable.Load()
	}
	if u == nil || len(u.all) == 0 {
		return nil, ErrUnknownKey
	}
	return u.all, nil
}

func (k *KeySet) cached(kid string) (*rsa.PublicKey, bool) {
	u := k.usable.Load()
	if u == nil {
		return nil, false
	}
	key, ok := u.byKid[kid]
	return key, ok
}

// refreshIfAllowed fetches the set unless done() already holds after waiting
// for a concurrent fetch, or a rate limit forbids it. kid is the key being
// looked for ("" for a lookup without kid). It returns an error only when a
// fetch was made and failed, or (while rate limited) when the latest fetch
// failed.
func (k *KeySet) refreshIfAllowed(ctx context.Context, kid string, done func() bool) error {
	select {
	case k.fetching <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrKeysUnavailable, ctx.Err())
	}
	defer func() { <-k.fetching }()

	if done() {
		return nil // another caller fetched what we need while we waited
	}
	k.mu.Lock()
	now := k.now()
	refetch := k.fetched
	if !k.allowedLocked(now, kid) {
		err := k.lastErr
		k.mu.Unlock()
		return err
	}
	// Count the attempt before making it, so a failing endpoint is also
	// asked at most once per interval.
	k.fetches++
	k.lastFetch = now
	if refetch {
		k.lastRefetch = now
	}
	k.mu.Unlock()

	keys, order, skipped, err := k.fetch(ctx)
	if err != nil {
		err = fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
		// Keep whatever we had: a transient outage should not stop tokens
		// signed by already-known keys from verifying.
		k.mu.Lock()
		k.lastErr = err
		k.mu.Unlock()
		return err
	}
	if len(order) == 0 {
		err = fmt.Errorf("%w: the key set contains no usable RS256 signing key", ErrKeysUnavailable)
	}
	k.mu.Lock()
	// Replace, not merge: a key PingOne has retired disappears from the
	// cache at the next successful fetch.
	k.usable.Store(&usableKeys{byKid: keys, all: order})
	k.skipped, k.fetched, k.lastErr = skipped, true, err
	if _, ok := keys[kid]; kid != "" && !ok {
		k.noteMissLocked(kid, now)
	}
	k.mu.Unlock()
	return err
}

// allowedLocked applies the rate limits of KeySetOptions.MinRefreshInterval;
// k.mu must be held.
func (k *KeySet) allowedLocked(now time.Time, kid string) bool {
	if !k.fetched {
		// Nothing usable cached yet: the first fetch, or retries of a failing
		// one, at most once per interval.
		return k.fetches == 0 || now.Sub(k.lastFetch) >= k.interval
	}
	if at, ok := k.misses[kid]; ok && now.Sub(at) < k.interval {
		return false // a fetch just looked for this kid and did not find it
	}
	if _, ok := k.skipped[kid]; ok && now.Sub(k.lastFetch) < k.interval {
		return false // published, but unusable: the latest fetch saw it
	}
	if !k.lastRefetch.IsZero() && now.Sub(k.lastRefetch) < k.interval {
		return false // one refetch per interval, however many new kids arrive
	}
	if k.lastErr != nil && now.Sub(k.lastFetch) < k.interval {
		return false // the endpoint just failed; give it an interval
	}
	return true
}

// noteMissLocked remembers that a fresh fetch did not contain kid. Entries
// are added at most once per fetch, and stale ones are dropped here, so the
// map stays small. k.mu must be held.
func (k *KeySet) noteMissLocked(kid string, now time.Time) {
	for id, at := range k.misses {
		if now.Sub(at) >= k.interval {
			delete(k.misses, id)
		}
	}
	k.misses[kid] = now
}

func (k *KeySet) fetch(ctx context.Context) (map[string]*rsa.PublicKey, []*rsa.PublicKey, map[string]string, error) {
	if _, ok := ctx.Deadline(); !ok && k.client.Timeout == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultFetchTimeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, nil, nil, errors.New("cannot build the JWKS request")
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, nil, nil, describeFetchError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Drain a little so the connection can be reused; never echo the body.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		return nil, nil, nil, fmt.Errorf("the JWKS endpoint answered HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, k.maxBytes+1))
	if err != nil {
		return nil, nil, nil, errors.New("reading the JWKS response failed")
	}
	if int64(len(body)) > k.maxBytes {
		return nil, nil, nil, fmt.Errorf("the JWKS response is larger than %d bytes", k.maxBytes)
	}
	return parseJWKS(body)
}

func describeFetchError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("the JWKS request timed out")
		}
		if strings.Contains(ue.Err.Error(), "redirect") {
			return errors.New("the JWKS endpoint redirected; redirects are not followed")
		}
		if errors.Is(ue.Err, context.Canceled) {
			return errors.New("the JWKS request was cancelled")
		}
	}
	return errors.New("the JWKS endpoint could not be reached")
}
