package pingone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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
// rejected (security.md D4). Details without a target are collected under "".
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
	RetryAfter  time.Duration
}

func (e *OAuthError) Error() string {
	s := fmt.Sprintf("OAuth error %s (HTTP %d)", e.Code, e.Status)
	if e.Description != "" {
		s += ": " + e.Description
	}
	return SanitizeText(s, maxErrorText)
}

// UnexpectedResponseError is a response in neither error shape: an HTML page from a proxy
// or captive portal, an empty or truncated body, unknown JSON. The body is never echoed.
type UnexpectedResponseError struct {
	Status      int
	ContentType string
	Reason      string
}

func (e *UnexpectedResponseError) Error() string {
	s := fmt.Sprintf("unexpected response from server (HTTP %d", e.Status)
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
func DecodeError(status int, header http.Header, body []byte) error {
	ct := contentTypeOf(header)
	retryAfter, _ := ParseRetryAfter(header, time.Now())
	unexpected := func(reason string) error {
		return &UnexpectedResponseError{Status: status, ContentType: ct, Reason: reason}
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
		return unexpected("not JSON")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil || fields == nil {
		return unexpected("malformed JSON")
	}
	if code := jsonString(fields["error"]); code != "" {
		return &OAuthError{
			Status:      status,
			Code:        SanitizeText(code, 64),
			Description: safeServerText(fields["error_description"], 500),
			RetryAfter:  retryAfter,
		}
	}
	code := jsonString(fields["code"])
	if code == "" {
		return unexpected("JSON without a recognised error shape")
	}
	e := &Error{
		Status:        status,
		ID:            SanitizeText(jsonString(fields["id"]), 64),
		Code:          SanitizeText(code, 64),
		Message:       safeServerText(fields["message"], 500),
		CorrelationID: SanitizeText(header.Get("Correlation-Id"), 64),
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

// SanitizeText makes server-provided text safe to display: ANSI escape sequences and
// control characters are removed (newlines and tabs become spaces), bidi overrides that can
// disguise text are dropped, invalid UTF-8 is replaced, and the result is cut to max runes
// with an ellipsis. max <= 0 means no limit.
func SanitizeText(s string, max int) string {
	var b strings.Builder
	runes := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0x1b { // ESC: skip a CSI/OSC sequence or the single following char
			i += size + escapeLength(s[i+size:])
			continue
		}
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			r = '\uFFFD'
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case unicode.IsControl(r), isBidiControl(r):
			continue
		}
		if max > 0 && runes == max {
			return strings.TrimRight(b.String(), " ") + "…"
		}
		b.WriteRune(r)
		runes++
	}
	return b.String()
}

// escapeLength is the length of the ANSI sequence body following an ESC.
func escapeLength(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case '[': // CSI: parameters then one final byte in 0x40–0x7E
		for i := 1; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return len(s)
	case ']': // OSC: until BEL or ESC \
		for i := 1; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	_, size := utf8.DecodeRuneInString(s)
	return size
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f ||
		r == 0x061c || r == 0xfeff
}
