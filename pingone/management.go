package pingone

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// WorkerCredentials identify the worker application whose client_credentials token calls the
// Management API. The worker lives in the admin environment, which may differ from the
// environment being managed.
type WorkerCredentials struct {
	EnvironmentID string
	ClientID      string
	ClientSecret  string
}

// String hides the secret, so credentials printed by accident (%v, %+v) do not leak it.
func (w WorkerCredentials) String() string {
	return fmt.Sprintf("{EnvironmentID:%s ClientID:%s ClientSecret:%s}", w.EnvironmentID, w.ClientID, Redacted)
}

// GoString hides the secret from %#v as well.
func (w WorkerCredentials) GoString() string { return "pingone.WorkerCredentials" + w.String() }

// ManagementConfig configures NewManagement.
type ManagementConfig struct {
	Endpoints Endpoints
	Worker    WorkerCredentials
	// HTTPClient should come from NewHTTPClient (bounded, non-redirecting, recorded);
	// a default one is built when nil.
	HTTPClient *http.Client
	Retry      RetryPolicy
	Now        func() time.Time
}

// Management is a PingOne Management API client authenticated as a worker application.
// It is safe for concurrent use.
type Management struct {
	endpoints Endpoints
	worker    WorkerCredentials
	client    *http.Client
	retry     RetryPolicy
	now       func() time.Time

	mu        sync.Mutex
	token     string
	expiry    time.Time // when to stop using token (already minus the safety margin)
	authStyle authStyle // which client authentication the token endpoint accepted
	inflight  *tokenCall
}

type authStyle int

const (
	authStyleUnknown authStyle = iota
	authStyleBasic
	authStylePost
)

type tokenCall struct {
	done  chan struct{}
	token string
	err   error
}

// NewManagement validates cfg and returns a client. No request is made until first use.
func NewManagement(cfg ManagementConfig) (*Management, error) {
	if cfg.Endpoints.AuthBase == "" || cfg.Endpoints.APIBase == "" {
		return nil, errors.New("pingone: management endpoints are not set")
	}
	if err := ValidateID(cfg.Worker.EnvironmentID); err != nil {
		return nil, fmt.Errorf("pingone: worker environment ID: %w", err)
	}
	if strings.TrimSpace(cfg.Worker.ClientID) == "" {
		return nil, errors.New("pingone: worker client ID is empty")
	}
	if cfg.Worker.ClientSecret == "" {
		return nil, errors.New("pingone: worker client secret is empty")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = NewHTTPClient(HTTPOptions{})
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Management{
		endpoints: cfg.Endpoints,
		worker:    cfg.Worker,
		client:    cfg.HTTPClient,
		retry:     cfg.Retry.WithDefaults(),
		now:       cfg.Now,
	}, nil
}

// tokenSafetyMargin: a cached worker token is replaced this long before it expires, so a
// request never leaves with a token that dies in flight (pingone-api.md §2).
const tokenSafetyMargin = 60 * time.Second

// Token returns a worker access token, fetching one with client_credentials at
// {auth}/{adminEnvID}/as/token when none is cached. Concurrent callers share one fetch.
// A caller whose ctx ends stops waiting; the shared fetch still completes for the others.
func (m *Management) Token(ctx context.Context) (string, error) {
	m.mu.Lock()
	if m.token != "" && m.now().Before(m.expiry) {
		tok := m.token
		m.mu.Unlock()
		return tok, nil
	}
	call := m.inflight
	if call == nil {
		call = &tokenCall{done: make(chan struct{})}
		m.inflight = call
		// Detached from the first caller's cancellation but bounded by the HTTP client's
		// timeout and the retry policy.
		go m.runTokenFetch(context.WithoutCancel(WithStep(ctx, "worker-token")), call)
	}
	m.mu.Unlock()
	select {
	case <-call.done:
		return call.token, call.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// invalidate drops the cached token if it is still tok (another caller may have renewed it).
func (m *Management) invalidate(tok string) {
	m.mu.Lock()
	if m.token == tok {
		m.token, m.expiry = "", time.Time{}
	}
	m.mu.Unlock()
}

func (m *Management) runTokenFetch(ctx context.Context, call *tokenCall) {
	tok, ttl, err := m.fetchToken(ctx)
	m.mu.Lock()
	if err == nil {
		margin := min(tokenSafetyMargin, ttl/2)
		m.token, m.expiry = tok, m.now().Add(ttl-margin)
	}
	call.token, call.err = tok, err
	m.inflight = nil
	m.mu.Unlock()
	close(call.done)
}

// fetchToken tries client_secret_basic first and falls back to client_secret_post when the
// server rejects the client (the worker's tokenEndpointAuthMethod decides which one PingOne
// accepts; the Ping Go SDK auto-detects the same way). The style that worked is remembered.
func (m *Management) fetchToken(ctx context.Context) (string, time.Duration, error) {
	m.mu.Lock()
	style := m.authStyle
	m.mu.Unlock()
	if style == authStyleUnknown {
		style = authStyleBasic
	}
	tok, ttl, err := m.requestToken(ctx, style)
	if err != nil && m.authStyleUnknown() && style == authStyleBasic && isClientRejected(err) {
		style = authStylePost
		tok, ttl, err = m.requestToken(ctx, style)
	}
	if err != nil {
		return "", 0, fmt.Errorf("pingone: worker token: %w", err)
	}
	m.mu.Lock()
	m.authStyle = style
	m.mu.Unlock()
	return tok, ttl, nil
}

func (m *Management) authStyleUnknown() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.authStyle == authStyleUnknown
}

func isClientRejected(err error) bool {
	var oe *OAuthError
	if errors.As(err, &oe) {
		return oe.Code == "invalid_client" || oe.Status == http.StatusUnauthorized
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Status == http.StatusUnauthorized
	}
	var ue *UnexpectedResponseError
	return errors.As(err, &ue) && ue.Status == http.StatusUnauthorized
}

type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

// defaultWorkerTTL applies when expires_in is missing or unusable; PingOne's default
// access-token lifetime is one hour.
const defaultWorkerTTL = time.Hour

func (m *Management) requestToken(ctx context.Context, style authStyle) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if style == authStylePost {
		form.Set("client_id", m.worker.ClientID)
		form.Set("client_secret", m.worker.ClientSecret)
	}
	body := []byte(form.Encode())
	tokenURL := m.endpoints.AuthURL(m.worker.EnvironmentID, "as/token")

	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, bytes.NewReader(body))
		if err != nil {
			return "", 0, errors.New("cannot build token request")
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		if style == authStyleBasic {
			// RFC 6749 §2.3.1: form-encode id and secret before base64.
			cred := url.QueryEscape(m.worker.ClientID) + ":" + url.QueryEscape(m.worker.ClientSecret)
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
		}
		resp, err := m.client.Do(req)
		var (
			status     int
			respBody   []byte
			retryAfter time.Duration
		)
		if err != nil {
			if ctx.Err() != nil {
				return "", 0, ctx.Err()
			}
			// A client_credentials request has no side effect worth protecting, so a
			// transport failure is retried like an idempotent call.
			if d, ok := m.retry.Backoff(attempt+1, 0); ok {
				if werr := m.retry.Sleep(ctx, d); werr != nil {
					return "", 0, werr
				}
				continue
			}
			return "", 0, NewNetworkError("worker token", err)
		}
		respBody, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
		if status == http.StatusOK {
			return parseTokenResponse(status, resp.Header, respBody)
		}
		apiErr := DecodeError(status, resp.Header, respBody)
		retryAfter, _ = ParseRetryAfter(resp.Header, m.now())
		if RetryableStatus(status) {
			if d, ok := m.retry.Backoff(attempt+1, retryAfter); ok {
				if werr := m.retry.Sleep(ctx, d); werr != nil {
					return "", 0, werr
				}
				continue
			}
		}
		return "", 0, apiErr
	}
}

func parseTokenResponse(status int, h http.Header, body []byte) (string, time.Duration, error) {
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return "", 0, &UnexpectedResponseError{Status: status, ContentType: contentTypeOf(h), Reason: "token response is not valid JSON"}
	}
	if tr.AccessToken == "" {
		// x/oauth2 treats a 200 carrying {"error":...} as an error too (security.md B4).
		if err := DecodeError(status, h, body); !isUnexpected(err) {
			return "", 0, err
		}
		return "", 0, &UnexpectedResponseError{Status: status, ContentType: contentTypeOf(h), Reason: "token response has no access_token"}
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "Bearer") {
		return "", 0, &UnexpectedResponseError{Status: status, ContentType: contentTypeOf(h),
			Reason: "unsupported token_type " + SanitizeText(tr.TokenType, 32)}
	}
	ttl := defaultWorkerTTL
	var secs float64
	if json.Unmarshal(tr.ExpiresIn, &secs) == nil && secs >= 1 && secs < 1e7 {
		ttl = time.Duration(secs) * time.Second
	}
	return tr.AccessToken, ttl, nil
}

func isUnexpected(err error) bool {
	var ue *UnexpectedResponseError
	return errors.As(err, &ue)
}

// apiCall describes one Management API request.
type apiCall struct {
	step        string // transcript label
	op          string // for error messages, e.g. "create application"
	method      string
	path        string // relative to APIBase, already escaped
	rawURL      string // absolute URL instead of path (pagination links)
	contentType string
	body        any // JSON-encoded when non-nil
	// goneIsDone makes a 404 count as success when it answers a repeat of a request whose
	// earlier attempt may have taken effect (DELETE after a lost reply).
	goneIsDone bool
}

// do sends c with the worker token and decodes a 2xx JSON answer into out (nil = ignore).
//
// Retry rules (security.md D1, D2, D6, D7):
//   - 401: the token is renewed once and the request repeated once (a 401 means the request
//     was not processed, so this is safe even for POST).
//   - 429: waited out (Retry-After, capped) and repeated, for every method: the request was
//     refused, not processed.
//   - 408/5xx and transport failures: repeated with backoff for GET/PUT/DELETE only. A POST
//     may have taken effect; it is returned to the caller to reconcile, never re-sent here.
//   - 403 and other 4xx: returned at once.
func (m *Management) do(ctx context.Context, c apiCall, out any) error {
	ctx = WithStep(ctx, c.step)
	var body []byte
	if c.body != nil {
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			return fmt.Errorf("pingone: %s: cannot encode request", c.op)
		}
	}
	target := c.rawURL
	if target == "" {
		target = m.endpoints.APIURL(c.path)
	}
	idempotent := c.method != http.MethodPost
	renewed := false
	repeatedAfterUnclear := false
	for attempt := 1; ; attempt++ {
		tok, err := m.Token(ctx)
		if err != nil {
			return err
		}
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, c.method, target, rd)
		if err != nil {
			return fmt.Errorf("pingone: %s: cannot build request", c.op)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", nonEmpty(c.contentType, "application/json"))
		}
		resp, err := m.client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("pingone: %s: %w", c.op, ctx.Err())
			}
			netErr := NewNetworkError(c.op, err)
			if idempotent {
				if d, ok := m.retry.Backoff(attempt+1, 0); ok {
					if werr := m.retry.Sleep(ctx, d); werr != nil {
						return werr
					}
					repeatedAfterUnclear = true
					continue
				}
			}
			return netErr
		}
		respBody, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			if out == nil || len(bytes.TrimSpace(respBody)) == 0 {
				return nil
			}
			if err := json.Unmarshal(respBody, out); err != nil {
				return fmt.Errorf("pingone: %s: %w", c.op, &UnexpectedResponseError{
					Status: resp.StatusCode, ContentType: contentTypeOf(resp.Header), Reason: "response is not the expected JSON"})
			}
			return nil
		}
		apiErr := DecodeError(resp.StatusCode, resp.Header, respBody)
		if resp.StatusCode == http.StatusNotFound && c.goneIsDone && repeatedAfterUnclear {
			return nil
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized && !renewed:
			renewed = true
			m.invalidate(tok)
			attempt-- // the renewal retry does not use up the backoff budget
			continue
		case resp.StatusCode == http.StatusTooManyRequests || (idempotent && RetryableStatus(resp.StatusCode)):
			retryAfter, _ := ParseRetryAfter(resp.Header, m.now())
			if d, ok := m.retry.Backoff(attempt+1, retryAfter); ok {
				if werr := m.retry.Sleep(ctx, d); werr != nil {
					return werr
				}
				repeatedAfterUnclear = repeatedAfterUnclear || resp.StatusCode >= 500
				continue
			}
		}
		return fmt.Errorf("pingone: %s: %w", c.op, apiErr)
	}
}

// halLink is a HAL link object.
type halLink struct {
	Href string `json:"href"`
}

// listAll GETs a collection and follows _links.next, decoding _embedded[name] of every page
// into items. Next links are only followed on the configured API host: the worker token
// must never be sent to a host a response merely names.
func listAll[T any](ctx context.Context, m *Management, step, op, path, name string) ([]T, error) {
	var all []T
	call := apiCall{step: step, op: op, method: http.MethodGet, path: path}
	for page := 0; page < maxPages; page++ {
		var coll struct {
			Links    map[string]halLink         `json:"_links"`
			Embedded map[string]json.RawMessage `json:"_embedded"`
		}
		if err := m.do(ctx, call, &coll); err != nil {
			return nil, err
		}
		if raw, ok := coll.Embedded[name]; ok {
			var items []T
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, fmt.Errorf("pingone: %s: %w", op, &UnexpectedResponseError{Status: 200, ContentType: "application/json",
					Reason: "collection has an unexpected shape"})
			}
			all = append(all, items...)
		}
		next := coll.Links["next"].Href
		if next == "" || !strings.HasPrefix(next, m.endpoints.APIBase+"/") {
			return all, nil
		}
		call.rawURL, call.path = next, ""
	}
	return all, nil
}

// maxPages bounds pagination against a server that links pages in a loop.
const maxPages = 100

// envPath joins escaped path segments under environments/{envID}. Every ID is validated
// first so that user input cannot rewrite the path (security.md D11).
func envPath(envID string, segs ...string) (string, error) {
	if err := ValidateID(envID); err != nil {
		return "", fmt.Errorf("environment ID: %w", err)
	}
	var b strings.Builder
	b.WriteString("environments/" + envID)
	for _, s := range segs {
		b.WriteString("/" + url.PathEscape(s))
	}
	return b.String(), nil
}
