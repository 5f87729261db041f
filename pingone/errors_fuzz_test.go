package pingone

import (
	"net/http"
	"testing"
)

// FuzzDecodeError: whatever a server or proxy sends, DecodeError returns exactly one of the
// three error types and never panics.
func FuzzDecodeError(f *testing.F) {
	f.Add(400, "application/json", []byte(`{"id":"1","code":"INVALID_DATA","message":"m","details":[{"code":"INVALID_VALUE","target":"name","message":"x","innerError":{"rangeMinimumValue":1}}]}`))
	f.Add(400, "application/json", []byte(`{"error":"invalid_grant","error_description":"expired"}`))
	f.Add(502, "text/html", []byte(`<html><body>bad gateway</body></html>`))
	f.Add(500, "", []byte(``))
	f.Add(429, "application/json", []byte(`{"id":"1","code":"REQUEST_LIMITED","details":[{"innerError":{"retryAfter":"2026-01-01T00:00:00Z"}}]}`))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		err := DecodeError(status, h, body)
		switch e := err.(type) {
		case *Error:
			_ = e.Error()
			_ = e.FieldErrors()
		case *OAuthError:
			_ = e.Error()
		case *UnexpectedResponseError:
			_ = e.Error()
		default:
			t.Fatalf("DecodeError returned %T", err)
		}
	})
}
