package sandbox

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
)

// Top-level platform messages as PingOne words them (pingone-api.md §4.1).
const (
	msgInvalidData    = "The request could not be completed. One or more validation errors were in the request."
	msgInvalidRequest = "The request could not be completed. The request was malformed or invalid."
	msgAccessFailed   = "The request could not be completed. You do not have access to this resource."
	msgNotFound       = "The request could not be completed. The requested resource was not found."
)

// errorDetail is one entry of a platform error's details[].
type errorDetail struct {
	Code       string         `json:"code"`
	Target     string         `json:"target,omitempty"`
	Message    string         `json:"message"`
	InnerError map[string]any `json:"innerError,omitempty"`
}

type platformError struct {
	ID      string        `json:"id"`
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Details []errorDetail `json:"details,omitempty"`
}

// writePlatformError writes the Management/flows API error shape. Its id is
// the response's Correlation-Id, as in PingOne.
func writePlatformError(w http.ResponseWriter, r *http.Request, status int, code, message string, details []errorDetail) {
	id := w.Header().Get("Correlation-Id")
	if id == "" {
		id = newUUID()
	}
	writeJSON(w, status, platformError{ID: id, Code: code, Message: message, Details: details})
}

func writeInvalidData(w http.ResponseWriter, r *http.Request, details []errorDetail) {
	writePlatformError(w, r, http.StatusBadRequest, "INVALID_DATA", msgInvalidData, details)
}

func writeInvalidRequest(w http.ResponseWriter, r *http.Request, message string) {
	if message == "" {
		message = msgInvalidRequest
	}
	writePlatformError(w, r, http.StatusBadRequest, "INVALID_REQUEST", message, nil)
}

func writeNotFound(w http.ResponseWriter, r *http.Request) {
	writePlatformError(w, r, http.StatusNotFound, "NOT_FOUND", msgNotFound, nil)
}

// writeMethodNotAllowed answers 405 (PingOne's convention for unsupported
// methods) with the Allow header RFC 9110 §15.5.6 requires.
func writeMethodNotAllowed(w http.ResponseWriter, r *http.Request, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writePlatformError(w, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
		"The request could not be completed. The HTTP method "+r.Method+" is not supported for this resource.", nil)
}

func writeUnsupportedMediaType(w http.ResponseWriter, r *http.Request, got string) {
	writePlatformError(w, r, http.StatusUnsupportedMediaType, "INVALID_REQUEST",
		"The request could not be completed. The content type "+quoteForMessage(got)+" is not supported for this operation.", nil)
}

// oauthError is the RFC 6749 §5.2 error body used by the /as/* endpoints.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// writeOAuthError follows PingOne's description pattern
// "The request could not be completed. ...: <detail> (Correlation ID: <id>)".
// Descriptions never contain request values, so no secret can leak through them.
func writeOAuthError(w http.ResponseWriter, status int, code, detail string) {
	desc := "The request could not be completed. There was an issue processing the request: " + detail +
		" (Correlation ID: " + w.Header().Get("Correlation-Id") + ")"
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		// RFC 6749 §5.2: a 401 invalid_client must carry WWW-Authenticate.
		w.Header().Set("WWW-Authenticate", `Basic realm="PingOne"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// quoteForMessage keeps client-supplied text in messages short and inert.
func quoteForMessage(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return "'" + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s) + "'"
}

// errorPageTemplate is what the browser sees when the sandbox must not redirect
// (RFC 6749 §4.1.2.1: bad client_id or redirect_uri). html/template escapes.
var errorPageTemplate = template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;margin:3em}</style></head>
<body><h1 id="title">{{.Title}}</h1><p id="message">{{.Message}}</p></body></html>
`))

func writeErrorPage(w http.ResponseWriter, status int, title, message string) {
	setPageHeaders(w)
	w.WriteHeader(status)
	_ = errorPageTemplate.Execute(w, struct{ Title, Message string }{title, message})
}

// setPageHeaders applies the RFC 9700 §4.2.4 advice for pages in an OAuth
// flow: no third-party resources, no Referer, no caching.
func setPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
}
