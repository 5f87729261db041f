package pingone

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Error is a PingOne platform error, the {id, code, message, details[]} body returned by the
// Management API and the flows API (pingone-api.md §4.1). Text fields are sanitised at decode
// time, so they are safe to display.
type Error struct {
	Status        int
	ID            string // PingOne's error id, quoted to Ping support
	Code          string // top-level constant: INVALID_DATA, ACCESS_FAILED, REQUEST_LIMITED, ...
	Message       string
	Details       []ErrorDetail
	CorrelationID string        // Correlation-Id response header
	RetryAfter    time.Duration // from Retry-After; 0 when absent
}

// ErrorDetail is one entry of details[]; Target names the offending request field.
type ErrorDetail struct {
	Code       string
	Target     string
	Message    string
	InnerError map[string]any
}

const maxErrorText = 300

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "PingOne error %d", e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for i, d := range e.Details {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Details)-i)
			break
		}
		b.WriteString("; ")
		if d.Target != "" {
			b.WriteString(d.Target + ": ")
		}
		b.WriteString(nonEmpty(d.Message, d.Code))
	}
	if e.ID != "" {
		b.WriteString(" (id " + e.ID + ")")
	}
	return SanitizeText(b.String(), maxErrorText)
}

// FieldErrors maps details[].target to its message, so a form can mark the fields PingOne
// rejected (case D4). Details without a target are collected under "".
func (e *Error) FieldErrors() map[string]string {
	out := map[string]string{}
	for _, d := range e.Details {
		msg := nonEmpty(d.Message, d.Code)
		if prev, ok := out[d.Target]; ok && prev != msg {
			msg = prev + "; " + msg
		}
		out[d.Target] = msg
	}
	return out
}

// IsUnauthorized: the worker token is missing, expired or invalid.
func (e *Error) IsUnauthorized() bool { return e.Status == http.StatusUnauthorized }

// IsForbidden: the worker lacks a role for the environment (not retryable).
func (e *Error) IsForbidden() bool { return e.Status == http.StatusForbidden }

// IsRateLimited: 429 / REQUEST_LIMITED; RetryAfter says when to try again.
func (e *Error) IsRateLimited() bool {
	return e.Status == http.StatusTooManyRequests || e.Code == "REQUEST_LIMITED"
}

// IsNotFound: 404 / NOT_FOUND (also an unknown or expired flow ID).
func (e *Error) IsNotFound() bool { return e.Status == http.StatusNotFound || e.Code == "NOT_FOUND" }

// IsUniquenessViolation: a name or other unique value is taken. PingOne reports this as a
// 400 with a UNIQUENESS_VIOLATION detail; a 409 is treated the same way.
func (e *Error) IsUniquenessViolation() bool {
	if e.Status == http.StatusConflict {
		return true
	}
	for _, d := range e.Details {
		if d.Code == "UNIQUENESS_VIOLATION" {
			return true
		}
	}
	return false
}

// OAuthError is an RFC 6749 §5.2 error ({error, error_description}) from an /as/* endpoint.
type OAuthError struct {
	Status      int
	Code        string // invalid_grant, invalid_client, ...
	Description string
	// CorrelationID is PingOne's id for the failed request, to quote to Ping support: the
	// Correlation-Id header, or the "(Correlation ID: …)" PingOne appends to descriptions.
	CorrelationID string
	RetryAfter    time.Duration
}

func (e *OAuthError) Error() string {
	s := fmt.Sprintf("OAuth error %s (HTTP %d)", e.Code, e.Status)
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.CorrelationID != "" && !strings.Contains(e.Description, e.CorrelationID) {
		s += " (correlation id " + e.CorrelationID + ")"
	}
	return SanitizeText(s, maxErrorText)
}

// UnexpectedResponseError is an answer that is not PingOne's: neither the platform error
// shape nor an OAuth error, such as an HTML page from a proxy or captive portal, plain
// text, JSON of another service, an empty or truncated body. It usually means the request
// reached something other than PingOne (wrong region or host, a proxy), which is why it is
// kept apart from PingOne's own server errors. The body is never echoed.
type UnexpectedResponseError struct {
	Status      int
	ContentType string
	Reason      string
	// Host is the host (and port, if any) that answered, when the caller knew it.
	Host string
}

func (e *UnexpectedResponseError) Error() string {
	s := "unexpected response from "
	if e.Host != "" {
		s += e.Host
	} else {
		s += "server"
	}
	s += fmt.Sprintf(" (HTTP %d", e.Status)
	if e.ContentType != "" {
		s += ", " + e.ContentType
	}
	s += ")"
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return SanitizeText(s, maxErrorText)
}

// DecodeError turns an error response into *Error, *OAuthError or *UnexpectedResponseError.
// It never returns nil and never panics, whatever the body.
//
// Only replies in PingOne's own shapes become *Error or *OAuthError, so that a page from
// a proxy or a JSON error of some other service is not mistaken for PingOne's answer:
//   - platform errors (pingone-api.md §4.1): a JSON object whose "code" is an upper-case
//     constant such as INVALID_DATA, with an "id" or a "message" string beside it;
//   - OAuth errors (RFC 6749 §5.2): "error" is a code of the RFC's lower-case snake form
//     (invalid_grant, server_error, ...), as JSON or, as some token endpoints answer,
//     form-encoded (which golang.org/x/oauth2 accepts too).
func DecodeError(status int, header http.Header, body []byte) error {
	ct := contentTypeOf(header)
	retryAfter, _ := ParseRetryAfter(header, time.Now())
	correlationID := SanitizeText(header.Get("Correlation-Id"), 64)
	unexpected := func(reason string) error {
		return &UnexpectedResponseError{Status: status, ContentType: ct, Reason: reason}
	}
	oauth := func(code, description string) error {
		desc := SanitizeText(scrubText(description), 500)
		return &OAuthError{
			Status:        status,
			Code:          code,
			Description:   desc,
			CorrelationID: nonEmpty(correlationID, correlationIDIn(desc)),
			RetryAfter:    retryAfter,
		}
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return unexpected("empty body")
	}
	isJSON := ct == "application/json" || strings.HasSuffix(ct, "+json") ||
		(trimmed[0] == '{' && ct != "text/html")
	if !isJSON {
		if ct == "text/html" || looksLikeHTML(trimmed) {
			return unexpected("a web page instead of a PingOne response (proxy, firewall or captive portal?)")
		}
		if ct == "application/x-www-form-urlencoded" || ct == "text/plain" {
			if vals, err := url.ParseQuery(string(trimmed)); err == nil && isOAuthErrorCode(vals.Get("error")) {
				return oauth(vals.Get("error"), vals.Get("error_description"))
			}
		}
		return unexpected("not JSON")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil || fields == nil {
		return unexpected("malformed JSON")
	}
	if code := jsonString(fields["error"]); isOAuthErrorCode(code) {
		return oauth(code, jsonString(fields["error_description"]))
	}
	code := jsonString(fields["code"])
	if !isPlatformErrorCode(code) || (jsonString(fields["id"]) == "" && jsonString(fields["message"]) == "") {
		return unexpected("JSON without a recognised PingOne error shape")
	}
	e := &Error{
		Status:        status,
		ID:            SanitizeText(jsonString(fields["id"]), 64),
		Code:          code,
		Message:       safeServerText(fields["message"], 500),
		CorrelationID: correlationID,
		RetryAfter:    retryAfter,
	}
	var details []map[string]json.RawMessage
	if json.Unmarshal(fields["details"], &details) == nil {
		for _, d := range details {
			det := ErrorDetail{
				Code:    SanitizeText(jsonString(d["code"]), 64),
				Target:  SanitizeText(jsonString(d["target"]), 128),
				Message: safeServerText(d["message"], 500),
			}
			var inner map[string]any
			if json.Unmarshal(d["innerError"], &inner) == nil {
				det.InnerError = inner
			}
			e.Details = append(e.Details, det)
		}
	}
	return e
}

// isOAuthErrorCode: RFC 6749 §5.2 and its extensions name errors in lower-case snake
// form. Other services put a status text in "error" ("Internal Server Error", "Not
// Found"); those are not OAuth errors.
func isOAuthErrorCode(s string) bool {
	return len(s) <= 64 && matchesCode(s, 'a', 'z')
}

// isPlatformErrorCode: PingOne's platform codes are upper-case constants (INVALID_DATA,
// ACCESS_FAILED, ...).
func isPlatformErrorCode(s string) bool {
	return len(s) <= 64 && matchesCode(s, 'A', 'Z')
}

// matchesCode reports whether s is a letter from lo..hi followed by letters from lo..hi,
// digits and underscores.
func matchesCode(s string, lo, hi byte) bool {
	if s == "" || s[0] < lo || s[0] > hi {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= lo && c <= hi || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// correlationIDIn finds the id PingOne appends to OAuth error descriptions:
// "… (Correlation ID: 8f7e…)" (pingone-api.md §4.2).
func correlationIDIn(desc string) string {
	const marker = "(Correlation ID: "
	i := strings.LastIndex(desc, marker)
	if i < 0 {
		return ""
	}
	rest := desc[i+len(marker):]
	j := strings.IndexByte(rest, ')')
	if j <= 0 || j > 64 {
		return ""
	}
	id := strings.TrimSpace(rest[:j])
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return ""
		}
	}
	return id
}

// decodeResponseError is DecodeError for resp, whose request names the host: a reply that
// is not PingOne's says which host sent it.
func decodeResponseError(resp *http.Response, body []byte) error {
	return withHost(DecodeError(resp.StatusCode, resp.Header, body), responseHost(resp))
}

// withHost labels an *UnexpectedResponseError inside err with host, unless it has one.
func withHost(err error, host string) error {
	var ue *UnexpectedResponseError
	if host != "" && errors.As(err, &ue) && ue.Host == "" {
		ue.Host = host
	}
	return err
}

// responseHost is the host a response came from ("" when unknown).
func responseHost(resp *http.Response) string {
	if resp == nil || resp.Request == nil || resp.Request.URL == nil {
		return ""
	}
	return SanitizeText(resp.Request.URL.Host, 255)
}

// hostOfURL is the host of raw, or "" if it does not parse.
func hostOfURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return SanitizeText(u.Host, 255)
}

func contentTypeOf(h http.Header) string {
	if h == nil {
		return ""
	}
	raw := h.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(raw)
	if err != nil {
		return SanitizeText(strings.ToLower(raw), 64)
	}
	return SanitizeText(mt, 64)
}

func looksLikeHTML(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 256)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") ||
		strings.Contains(head, "<head") || strings.Contains(head, "<body")
}

// safeServerText prepares a server message for display. Servers sometimes echo request
// parameters into messages, so known secret patterns are scrubbed as in transcripts.
func safeServerText(raw json.RawMessage, max int) string {
	return SanitizeText(scrubText(jsonString(raw)), max)
}

// jsonString returns raw as a string if it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// maxRetryAfterParse keeps absurd Retry-After values from overflowing time.Duration;
// RetryPolicy.MaxRetryAfter decides what is actually honoured.
const maxRetryAfterParse = 365 * 24 * time.Hour

// ParseRetryAfter reads Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
// A date in the past yields 0. Values are clamped to a year; garbage yields false.
func ParseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil {
		if secs > uint64(maxRetryAfterParse/time.Second) {
			return maxRetryAfterParse, true
		}
		return time.Duration(secs) * time.Second, true
	} else if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return maxRetryAfterParse, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	switch {
	case d < 0:
		return 0, true
	case d > maxRetryAfterParse || d == math.MaxInt64:
		return maxRetryAfterParse, true
	}
	return d, true
}
