package signin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// DefaultScopes are requested when Config.Scopes is empty.
var DefaultScopes = []string{"openid", "profile", "email"}

// Config describes the public client and its issuer.
type Config struct {
	// Issuer is the OpenID issuer, e.g. https://auth.pingone.com/{envID}/as.
	Issuer string
	// ClientID is the native app's ID (tokenEndpointAuthMethod NONE).
	ClientID string
	// RedirectURI is the registered loopback redirect URI; default DefaultRedirectURI.
	// The same string is sent to the authorize and the token endpoint (RFC 6749 §4.1.3).
	RedirectURI string
	// Scopes to request; default DefaultScopes. openid is required.
	Scopes []string
	// HTTPTimeout bounds every request; default pingone.DefaultHTTPTimeout (case B11).
	HTTPTimeout time.Duration
	// Transport is the base round tripper (proxies, tests); default a clone of
	// http.DefaultTransport owned by the Client, whose connections the Client's
	// attempts and calls reuse (keep-alive) and Close releases. Attempts share no
	// cookies: each redirectless attempt has its own jar.
	Transport http.RoundTripper
	// Transcript, if set, also records every exchange (redacted).
	Transcript *pingone.Transcript
	// Now and Leeway are handed to the ID-token verifier; defaults time.Now and the
	// verifier's own default.
	Now    func() time.Time
	Leeway time.Duration
}

// Client runs sign-ins and token calls for one public client of one issuer. It is safe
// for concurrent use; use a Runner to keep to one browser sign-in at a time.
//
// The issuer's key set is fetched once and kept for the life of the Client (one per
// issuer and jwks_uri, with the key set's own refetch rules for keys it has not seen), so
// a second sign-in or a refresh does not fetch it again.
type Client struct {
	cfg  Config
	base *http.Transport // owned when cfg.Transport is nil; closed by Close

	mu       sync.Mutex
	meta     *Metadata
	verifier *token.Verifier // for meta's issuer and jwks_uri; nil until first needed
	keys     *token.KeySet   // verifier's key set
	httpc    *http.Client
}

// NewClient checks cfg and returns a Client. It does no I/O; discovery happens on the
// first call that needs it (and again at the start of every sign-in attempt).
func NewClient(cfg Config) (*Client, error) {
	if cfg.ClientID == "" {
		return nil, errors.New("signin: client ID is required")
	}
	if err := checkIssuerURL(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("signin: %w", err)
	}
	if cfg.RedirectURI == "" {
		cfg.RedirectURI = DefaultRedirectURI
	}
	if _, err := url.Parse(cfg.RedirectURI); err != nil {
		return nil, fmt.Errorf("signin: invalid redirect URI: %w", err)
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultScopes
	}
	if !slices.Contains(cfg.Scopes, "openid") {
		return nil, errors.New("signin: the openid scope is required")
	}
	cfg.Scopes = slices.Clone(cfg.Scopes)
	if cfg.HTTPTimeout <= 0 {
		cfg.HTTPTimeout = pingone.DefaultHTTPTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{cfg: cfg}
	if cfg.Transport == nil {
		c.base = newBaseTransport()
	}
	c.httpc = c.newHTTPClient(nil, nil, nil)
	return c, nil
}

// Config returns the effective configuration (defaults filled in).
func (c *Client) Config() Config { return c.cfg }

// Close releases the idle connections of the Client's own transport. The Client stays
// usable; later calls open new connections.
func (c *Client) Close() {
	if c.base != nil {
		c.base.CloseIdleConnections()
	}
}

func newBaseTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = pingone.DefaultHTTPTimeout
	return t
}

func (c *Client) roundTripper() http.RoundTripper {
	if c.cfg.Transport != nil {
		return c.cfg.Transport
	}
	return c.base
}

// newHTTPClient builds the pingone client for one purpose. When attemptTranscript is
// non-nil it records the exchanges (feeding the attempt's events) in addition to
// cfg.Transcript; one recording step feeds both, so each exchange is redacted once.
func (c *Client) newHTTPClient(attemptTranscript *pingone.Transcript, jar http.CookieJar, ev *emitter) *http.Client {
	rt := c.roundTripper()
	if ev != nil {
		rt = &announcingTransport{base: rt, ev: ev}
	}
	return pingone.NewHTTPClient(pingone.HTTPOptions{
		Timeout:      c.cfg.HTTPTimeout,
		Transcript:   attemptTranscript,
		AlsoRecordTo: []*pingone.Transcript{c.cfg.Transcript},
		Jar:          jar,
		Transport:    rt,
	})
}

// announcingTransport emits EventRequest before a request leaves, so a timeline shows a
// pending call (e.g. a hanging token endpoint) and not only finished ones. The URL is
// reduced to scheme, host and path: queries can carry secrets.
type announcingTransport struct {
	base http.RoundTripper
	ev   *emitter
}

func (t *announcingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	u.RawQuery, u.Fragment, u.User = "", "", nil
	t.ev.emit(Event{
		Kind:     EventRequest,
		Step:     pingone.StepFrom(req.Context()),
		Exchange: &pingone.Exchange{Step: pingone.StepFrom(req.Context()), Method: req.Method, URL: u.String()},
	})
	return t.base.RoundTrip(req)
}

// Discover fetches the issuer's configuration and caches it for later calls.
func (c *Client) Discover(ctx context.Context) (*Metadata, error) {
	return c.discoverWith(ctx, c.httpc)
}

func (c *Client) discoverWith(ctx context.Context, hc *http.Client) (*Metadata, error) {
	m, err := Discover(ctx, hc, c.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.meta == nil || *c.meta.cloneKey() != *m.cloneKey() {
		c.verifier, c.keys = nil, nil // endpoints changed: rebuild the key set
	}
	c.meta = m
	c.mu.Unlock()
	return m, nil
}

// cloneKey is the part of the metadata a cached verifier depends on.
func (m *Metadata) cloneKey() *string { s := m.Issuer + " " + m.JWKSURI; return &s }

// metadata returns the cached configuration, discovering it if needed.
func (c *Client) metadata(ctx context.Context) (*Metadata, error) {
	c.mu.Lock()
	m := c.meta
	c.mu.Unlock()
	if m != nil {
		return m, nil
	}
	return c.Discover(ctx)
}

// sharedVerifier returns the Client's ID-token verifier for m's issuer and jwks_uri,
// used by every sign-in attempt and refresh. Its key set fetches through the HTTP
// client named by keysVia in the verification's context, so a JWKS request made for an
// attempt appears in that attempt's transcript and timeline; without one it goes
// through the Client's own HTTP client (cfg.Transcript only).
func (c *Client) sharedVerifier(m *Metadata) (*token.Verifier, *token.KeySet, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.verifier != nil {
		return c.verifier, c.keys, nil
	}
	keys, err := token.NewKeySet(m.JWKSURI, token.KeySetOptions{
		HTTPClient: &http.Client{Transport: &callerTransport{fallback: c.httpc.Transport}},
	})
	if err != nil {
		return nil, nil, &DiscoveryError{Issuer: m.Issuer, Reason: "unusable jwks_uri", Err: err}
	}
	c.verifier = token.NewVerifier(token.VerifierOptions{Keys: keys, Now: c.cfg.Now, Leeway: c.cfg.Leeway})
	c.keys = keys
	return c.verifier, keys, nil
}

// forgetVerifier drops v if it is still the Client's verifier, so the next use starts
// with a fresh key set.
func (c *Client) forgetVerifier(v *token.Verifier) {
	c.mu.Lock()
	if c.verifier == v {
		c.verifier, c.keys = nil, nil
	}
	c.mu.Unlock()
}

type keysViaKey struct{}

// keysVia makes the key set fetch, if it has to, through hc's transport.
func keysVia(ctx context.Context, hc *http.Client) context.Context {
	return context.WithValue(ctx, keysViaKey{}, hc.Transport)
}

// callerTransport sends a request through the round tripper that keysVia put in its
// context, or through fallback. The key set's own http.Client (no jar, no redirects)
// stays in charge of everything else.
type callerTransport struct{ fallback http.RoundTripper }

func (t *callerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if rt, ok := req.Context().Value(keysViaKey{}).(http.RoundTripper); ok && rt != nil {
		return rt.RoundTrip(req)
	}
	return t.fallback.RoundTrip(req)
}

// readBody reads an already size-bounded response body (pingone.NewHTTPClient buffers it
// and sets ContentLength to its size, so one allocation of that size suffices).
func readBody(resp *http.Response) ([]byte, error) {
	const limit = 4 << 20
	if n := resp.ContentLength; n >= 0 && n <= limit {
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, err
		}
		// The length is a statement, not a promise: read whatever follows it too.
		var more [1]byte
		switch m, err := io.ReadFull(resp.Body, more[:]); {
		case m == 0 && err == io.EOF:
			return b, nil
		case m == 0:
			return nil, err
		}
		rest, err := io.ReadAll(io.LimitReader(resp.Body, limit-n-1))
		return append(append(b, more[0]), rest...), err
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit))
}

// transportError turns a client.Do error into something safe to show: the context's
// cause when the caller cancelled or timed out, otherwise a pingone.NetworkError that
// names the failure class but not the URL (net/http errors quote the full URL).
func transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return pingone.NewNetworkError("", err)
}
