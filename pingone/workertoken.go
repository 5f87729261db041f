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
	"time"
)

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
	tokenURL := m.endpoints.authURL(m.worker.EnvironmentID, "as/token")

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
			if d, ok := m.retry.backoff(attempt+1, 0); ok {
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
			tok, ttl, err := parseTokenResponse(status, resp.Header, respBody)
			return tok, ttl, withHost(err, responseHost(resp))
		}
		apiErr := decodeResponseError(resp, respBody)
		retryAfter, _ = ParseRetryAfter(resp.Header, m.now())
		if retryableStatus(status) {
			if d, ok := m.retry.backoff(attempt+1, retryAfter); ok {
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
		// x/oauth2 treats a 200 carrying {"error":...} as an error too (case B4).
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
