package token

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
	// MinRefreshInterval is the least time between two fetches. A token
	// naming an unknown kid triggers at most one fetch per interval, so a
	// stream of tokens with random kids cannot turn into a request storm
	// (go-oidc#482). Default 1 minute.
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

	mu        sync.Mutex
	keys      map[string]*rsa.PublicKey
	order     []*rsa.PublicKey  // every usable key, for tokens without kid
	skipped   map[string]string // kid → why the key was not usable
	fetched   bool
	lastErr   error // outcome of the latest fetch, repeated while rate limited
	lastFetch time.Time
	fetches   int
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
		keys:     map[string]*rsa.PublicKey{},
		skipped:  map[string]string{},
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
// cached, the set is refetched — unless a fetch already happened within
// MinRefreshInterval, in which case the kid is reported unknown without any
// request.
func (k *KeySet) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if key, ok := k.cached(kid); ok {
		return key, nil
	}
	if err := k.refreshIfAllowed(ctx, func() bool { _, ok := k.cached(kid); return ok }); err != nil {
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
func (k *KeySet) all(ctx context.Context) ([]*rsa.PublicKey, error) {
	k.mu.Lock()
	fetched := k.fetched
	k.mu.Unlock()
	if !fetched {
		if err := k.refreshIfAllowed(ctx, func() bool {
			k.mu.Lock()
			defer k.mu.Unlock()
			return k.fetched
		}); err != nil {
			return nil, err
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.order) == 0 {
		return nil, ErrUnknownKey
	}
	return append([]*rsa.PublicKey(nil), k.order...), nil
}

func (k *KeySet) cached(kid string) (*rsa.PublicKey, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok := k.keys[kid]
	return key, ok
}

// refreshIfAllowed fetches the set unless done() already holds after waiting
// for a concurrent fetch, or the rate limit forbids it. It returns an error
// only when a fetch was made and failed.
func (k *KeySet) refreshIfAllowed(ctx context.Context, done func() bool) error {
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
	if k.fetches > 0 && now.Sub(k.lastFetch) < k.interval {
		err := k.lastErr
		k.mu.Unlock()
		return err
	}
	// Count the attempt before making it, so a failing endpoint is also
	// asked at most once per interval.
	k.fetches++
	k.lastFetch = now
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
	k.keys, k.order, k.skipped, k.fetched, k.lastErr = keys, order, skipped, true, err
	k.mu.Unlock()
	return err
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

// jwk holds the members of RFC 7517 §4 and RFC 7518 §6.3.1 we look at.
type jwk struct {
	Kty    string   `json:"kty"`
	Use    string   `json:"use"`
	Alg    string   `json:"alg"`
	Kid    string   `json:"kid"`
	KeyOps []string `json:"key_ops"`
	N      string   `json:"n"`
	E      string   `json:"e"`
}

func parseJWKS(body []byte) (map[string]*rsa.PublicKey, []*rsa.PublicKey, map[string]string, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, nil, nil, errors.New("the JWKS response is not valid JSON")
	}
	keys := map[string]*rsa.PublicKey{}
	skipped := map[string]string{}
	var order []*rsa.PublicKey
	for _, raw := range doc.Keys {
		var j jwk
		if err := json.Unmarshal(raw, &j); err != nil {
			continue // one broken entry must not take the good keys down
		}
		pub, why := j.rsaVerificationKey()
		if why != "" {
			if _, good := keys[j.Kid]; j.Kid != "" && !good && skipped[j.Kid] == "" {
				skipped[j.Kid] = why
			}
			continue
		}
		if j.Kid != "" {
			if _, dup := keys[j.Kid]; dup {
				// Two usable keys claiming one kid: the first wins,
				// deterministically.
				continue
			}
			keys[j.Kid] = pub
			delete(skipped, j.Kid)
		}
		order = append(order, pub)
	}
	return keys, order, skipped, nil
}

// rsaVerificationKey returns the key, or a plain-language reason it is not
// usable for RS256 signature verification.
func (j *jwk) rsaVerificationKey() (*rsa.PublicKey, string) {
	if j.Kty != "RSA" {
		return nil, "it is not an RSA key"
	}
	if j.Use != "" && j.Use != "sig" {
		return nil, "it is marked for encryption, not signing"
	}
	if j.Alg != "" && j.Alg != "RS256" {
		// RFC 8725 §3.1: one key, one algorithm.
		return nil, "it is marked for the " + truncate(j.Alg, 16) + " algorithm, not RS256"
	}
	if len(j.KeyOps) > 0 && !contains(j.KeyOps, "verify") {
		return nil, "it is not marked for signature verification"
	}
	nb, err := decodeSegment(j.N)
	if err != nil {
		return nil, "its modulus is not valid base64url"
	}
	eb, err := decodeSegment(j.E)
	if err != nil || len(eb) > 4 {
		return nil, "its exponent is not valid"
	}
	n := new(big.Int).SetBytes(nb)
	e := new(big.Int).SetBytes(eb)
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, "its exponent is not valid"
	}
	if n.BitLen() < minRSABits {
		return nil, fmt.Sprintf("it is too weak (%d-bit RSA; at least %d bits are required)", n.BitLen(), minRSABits)
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
