package pingone

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestDecodePlatformError(t *testing.T) {
	body := `{"id":"6c796712-0f16-4062-815a-e0a92f4a2143","code":"INVALID_DATA",
	  "message":"The request could not be completed. One or more validation errors were in the request.",
	  "details":[{"code":"INVALID_VALUE","target":"redirectUris","message":"must be https",
	              "innerError":{"allowedPattern":"^https://"}},
	             {"code":"UNIQUENESS_VIOLATION","target":"name","message":"name taken"},
	             {"code":"INVALID_VALUE","target":"name","message":"too long"}]}`
	err := DecodeError(400, hdr("Content-Type", "application/json", "Correlation-Id", "corr-1"), []byte(body))
	pe, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %T", err)
	}
	if pe.Status != 400 || pe.Code != "INVALID_DATA" || pe.ID == "" || pe.CorrelationID != "corr-1" || len(pe.Details) != 3 {
		t.Errorf("decoded %+v", pe)
	}
	if pe.Details[0].InnerError["allowedPattern"] != "^https://" {
		t.Errorf("innerError = %v", pe.Details[0].InnerError)
	}
	fe := pe.FieldErrors()
	if fe["redirectUris"] != "must be https" || fe["name"] != "name taken; too long" {
		t.Errorf("FieldErrors = %v", fe)
	}
	if !pe.IsUniquenessViolation() || pe.IsUnauthorized() || pe.IsRateLimited() || pe.IsNotFound() || pe.IsForbidden() {
		t.Errorf("predicates wrong")
	}
	if msg := pe.Error(); !strings.Contains(msg, "INVALID_DATA") || !strings.Contains(msg, "redirectUris") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestDecodeErrorPredicates(t *testing.T) {
	cases := []struct {
		status int
		code   string
		check  func(*Error) bool
	}{
		{401, "ACCESS_FAILED", (*Error).IsUnauthorized},
		{403, "ACCESS_FAILED", (*Error).IsForbidden},
		{429, "REQUEST_LIMITED", (*Error).IsRateLimited},
		{404, "NOT_FOUND", (*Error).IsNotFound},
		{409, "CONFLICT", (*Error).IsUniquenessViolation},
		{418, "SOMETHING_NEW_AND_UNKNOWN", func(e *Error) bool { return e.Code == "SOMETHING_NEW_AND_UNKNOWN" }},
	}
	for _, c := range cases {
		err := DecodeError(c.status, hdr("Content-Type", "application/json"), []byte(`{"id":"x","code":"`+c.code+`","message":"m"}`))
		pe, ok := err.(*Error)
		if !ok || !c.check(pe) {
			t.Errorf("%d %s: %T %v", c.status, c.code, err, err)
		}
	}
}

func TestDecodeOAuthError(t *testing.T) {
	err := DecodeError(400, hdr("Content-Type", "application/json;charset=UTF-8", "Retry-After", "7"),
		[]byte(`{"error":"invalid_grant","error_description":"The request could not be completed.\u001b[31m code=`+canary+`"}`))
	oe, ok := err.(*OAuthError)
	if !ok {
		t.Fatalf("got %T", err)
	}
	if oe.Code != "invalid_grant" || oe.Status != 400 || oe.RetryAfter != 7*time.Second {
		t.Errorf("decoded %+v", oe)
	}
	if strings.Contains(oe.Error(), canary) || strings.Contains(oe.Description, "\x1b") {
		t.Errorf("unsafe text: %q", oe.Error())
	}
}

func TestDecodeUnexpected(t *testing.T) {
	cases := []struct {
		name, ct, body, reason string
	}{
		{"html", "text/html; charset=utf-8", "<html><body>Proxy error " + canary + "</body></html>", "web page"},
		{"html-without-ct", "", "<!DOCTYPE html><html>" + canary, "web page"},
		{"empty", "application/json", "", "empty"},
		{"whitespace", "application/json", "  \n", "empty"},
		{"truncated", "application/json", `{"id":"x","code":"INVALID_DA` + canary, "malformed"},
		{"array", "application/json", `[1,2,3]`, "malformed"},
		{"unknown-json", "application/json", `{"status":"bad","token":"` + canary + `"}`, "recognised"},
		{"plain", "text/plain", "Bad gateway " + canary, "not JSON"},
		{"error-not-string", "application/json", `{"error":{"code":"X"}}`, "recognised"},
	}
	for _, c := range cases {
		err := DecodeError(502, hdr("Content-Type", c.ct), []byte(c.body))
		ue, ok := err.(*UnexpectedResponseError)
		if !ok {
			t.Errorf("%s: got %T %v", c.name, err, err)
			continue
		}
		if ue.Status != 502 || !strings.Contains(ue.Reason, c.reason) {
			t.Errorf("%s: %+v", c.name, ue)
		}
		if strings.Contains(ue.Error(), canary) {
			t.Errorf("%s: body echoed: %q", c.name, ue.Error())
		}
	}
}

func TestErrorStringSafety(t *testing.T) {
	long := strings.Repeat("x", 5000)
	err := DecodeError(400, hdr("Content-Type", "application/json"),
		[]byte(`{"id":"i","code":"INVALID_DATA","message":"`+long+`\u0007\u202e","details":[{"target":"password","message":"password=`+canary+`"}]}`))
	msg := err.Error()
	if len([]rune(msg)) > maxErrorText+1 {
		t.Errorf("not truncated: %d", len(msg))
	}
	if strings.ContainsAny(msg, "\x07\u202e") {
		t.Errorf("control characters kept")
	}
	if fe := err.(*Error).FieldErrors(); strings.Contains(fe["password"], canary) {
		t.Errorf("field error leaked: %q", fe["password"])
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"30", 30 * time.Second, true},
		{" 0 ", 0, true},
		{"86400", 24 * time.Hour, true},
		{"99999999999999999999999", maxRetryAfterParse, true},
		{"9223372036854775807", maxRetryAfterParse, true},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", maxRetryAfterParse, true},
	}
	for _, c := range cases {
		h := http.Header{}
		if c.v != "" {
			h.Set("Retry-After", c.v)
		}
		got, ok := ParseRetryAfter(h, now)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", c.v, got, ok, c.want, c.ok)
		}
	}
	if _, ok := ParseRetryAfter(nil, now); ok {
		t.Error("nil header")
	}
}

func TestSanitizeText(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 0, "plain"},
		{"a\x1b[31mred\x1b[0m b", 0, "ared b"},
		{"title\x1b]0;evil\x07x", 0, "titlex"},
		{"line1\nline2\ttab", 0, "line1 line2 tab"},
		{"nul\x00bell\x07del\x7f", 0, "nulbelldel"},
		{"rtl\u202eoverride", 0, "rtloverride"},
		{"bad\xffutf8", 0, "bad\uFFFDutf8"},
		{"héllo wörld", 5, "héllo…"},
		{"short", 10, "short"},
	}
	for _, c := range cases {
		if got := SanitizeText(c.in, c.max); got != c.want {
			t.Errorf("SanitizeText(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

// Defect 8: only PingOne's own error shapes are decoded as PingOne's; JSON errors of other
// services (gateways, frameworks, another vendor's API on a wrong host) are not.
func TestDecodeError_OtherServicesJSONIsNotPingOne(t *testing.T) {
	for name, body := range map[string]string{
		"spring boot":     `{"timestamp":"2026-04-20T12:00:00Z","status":500,"error":"Internal Server Error","path":"/as/token"}`,
		"status text":     `{"error":"Not Found"}`,
		"numeric code":    `{"code":502,"message":"Bad gateway"}`,
		"camel-case code": `{"code":"ServiceUnavailable","message":"The service is unavailable."}`,
		"bare code":       `{"code":"BAD_GATEWAY"}`,
		"kong":            `{"message":"An invalid response was received from the upstream server"}`,
		"nested":          `{"error":{"code":"UNAVAILABLE","message":"try later"}}`,
	} {
		err := DecodeError(503, hdr("Content-Type", "application/json"), []byte(body))
		if _, ok := err.(*UnexpectedResponseError); !ok {
			t.Errorf("%s: got %T (%v), want *UnexpectedResponseError", name, err, err)
		}
	}
	// PingOne's shapes still decode, with only an id or only a message beside the code.
	for _, body := range []string{`{"id":"e1","code":"UNEXPECTED_ERROR"}`, `{"code":"UNEXPECTED_ERROR","message":"Unexpected error."}`} {
		if _, ok := DecodeError(503, hdr("Content-Type", "application/json"), []byte(body)).(*Error); !ok {
			t.Errorf("%s: not decoded as a PingOne platform error", body)
		}
	}
}

func TestDecodeError_OAuthCorrelationIDAndFormEncoding(t *testing.T) {
	desc := "The request could not be completed. There was an issue processing the request: bad (Correlation ID: 9f1c-22ab)"
	cases := []struct {
		name, ct, body string
		header         []string
		wantCorr       string
	}{
		{"json, id in description", "application/json", `{"error":"invalid_request","error_description":"` + desc + `"}`, nil, "9f1c-22ab"},
		{"json, id in header", "application/json", `{"error":"invalid_request"}`, []string{"Correlation-Id", "hdr-77"}, "hdr-77"},
		{"form-encoded", "application/x-www-form-urlencoded", "error=invalid_request&error_description=" + url.QueryEscape(desc), nil, "9f1c-22ab"},
		{"text/plain query string", "text/plain", "error=invalid_request", nil, ""},
	}
	for _, c := range cases {
		h := hdr(append([]string{"Content-Type", c.ct}, c.header...)...)
		oe, ok := DecodeError(400, h, []byte(c.body)).(*OAuthError)
		if !ok || oe.Code != "invalid_request" || oe.CorrelationID != c.wantCorr {
			t.Errorf("%s: %#v", c.name, oe)
		}
	}
	if oe := (&OAuthError{Status: 400, Code: "invalid_scope", CorrelationID: "c-1"}); !strings.Contains(oe.Error(), "c-1") {
		t.Errorf("Error() = %q does not quote the correlation id", oe.Error())
	}
}

func TestDecodeResponseError_NamesTheHost(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://api.pingone.eu/v1/environments?secret="+canary, nil)
	resp := &http.Response{StatusCode: 502, Header: hdr("Content-Type", "text/html"), Request: req}
	err := decodeResponseError(resp, []byte("<html><body>"+canary+"</body></html>"))
	ue, ok := err.(*UnexpectedResponseError)
	if !ok || ue.Host != "api.pingone.eu" {
		t.Fatalf("got %#v", err)
	}
	if msg := ue.Error(); !strings.Contains(msg, "api.pingone.eu") || strings.Contains(msg, canary) {
		t.Errorf("Error() = %q", msg)
	}
}
