package pingone

import (
	"bytes"
	"context"
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
	// ClockSkew is how far this machine's clock may be ahead of PingOne's when a create
	// request whose reply was lost looks for the application it made; default
	// DefaultClockSkew.
	ClockSkew time.Duration
}

// Management is a PingOne Management API client authenticated as a worker application.
// It is safe for concurrent use.
type Management struct {
	endpoints Endpoints
	worker    WorkerCredentials
	client    *http.Client
	retry     RetryPolicy
	now       func() time.Time
	clockSkew time.Duration

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
	if cfg.ClockSkew <= 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	return &Management{
		endpoints: cfg.Endpoints,
		worker:    cfg.Worker,
		client:    cfg.HTTPClient,
		retry:     cfg.Retry.withDefaults(),
		now:       cfg.Now,
		clockSkew: cfg.ClockSkew,
	}, nil
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
// Retry rules (case D1, D2, D6, D7):
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
		target = m.endpoints.apiURL(c.path)
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
				if d, ok := m.retry.backoff(attempt+1, 0); ok {
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
					Status: resp.StatusCode, ContentType: contentTypeOf(resp.Header), Reason: "response is not the expected JSON",
					Host: responseHost(resp)})
			}
			return nil
		}
		apiErr := decodeResponseError(resp, respBody)
		if resp.StatusCode == http.StatusNotFound && c.goneIsDone && repeatedAfterUnclear {
			return nil
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized && !renewed:
			renewed = true
			m.invalidate(tok)
			attempt-- // the renewal retry does not use up the backoff budget
			continue
		case resp.StatusCode == http.StatusTooManyRequests || (idempotent && retryableStatus(resp.StatusCode)):
			retryAfter, _ := ParseRetryAfter(resp.Header, m.now())
			if d, ok := m.retry.backoff(attempt+1, retryAfter); ok {
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
		raw, ok := coll.Embedded[name]
		if !ok && coll.Embedded == nil {
			// PingOne always sends _embedded, even for an empty collection; JSON without it
			// came from something else (a wrong host or a proxy) and must not read as "none".
			return nil, fmt.Errorf("pingone: %s: %w", op, &UnexpectedResponseError{Status: 200, ContentType: "application/json",
				Reason: "not a PingOne collection", Host: hostOfURL(nonEmpty(call.rawURL, m.endpoints.apiURL(call.path)))})
		}
		if ok {
			var items []T
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, fmt.Errorf("pingone: %s: %w", op, &UnexpectedResponseError{Status: 200, ContentType: "application/json",
					Reason: "collection has an unexpected shape", Host: hostOfURL(nonEmpty(call.rawURL, m.endpoints.apiURL(call.path)))})
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
// first so that user input cannot rewrite the path (case D11).
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
