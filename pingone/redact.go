package pingone

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Redacted replaces every secret value in transcripts, cURL commands and logs.
const Redacted = "<redacted>"

// maxRecordedBody bounds how much of a (redacted) body a transcript entry keeps.
const maxRecordedBody = 64 << 10

// secretParams are query/form parameter names whose values are credentials (RFC 6749,
// RFC 7636, RFC 7009/7662, RFC 7521, OIDC). "state" and "nonce" are deliberately absent: they
// are anti-forgery values, not credentials, and seeing them helps debug a mismatch.
var secretParams = setOf(
	"code", "code_verifier", "client_secret", "password", "access_token", "id_token",
	"id_token_hint", "refresh_token", "token", "assertion", "client_assertion",
	"subject_token", "actor_token", "device_code", "login_hint_token",
)

// secretJSONKeys are JSON member names whose values are secrets, at any depth. "value" is the
// member PingOne's password.set body carries the password in. "code" is special-cased in
// redactJSON so platform error codes stay readable.
var secretJSONKeys = setOf(
	"access_token", "id_token", "refresh_token", "password", "currentpassword", "newpassword",
	"clientsecret", "client_secret", "secret", "value", "code", "code_verifier",
	"client_assertion", "assertion", "device_code",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = true
	}
	return m
}

// redactHeader returns a copy of h with credentials replaced: the credentials of
// Authorization/Proxy-Authorization (the scheme is kept), cookie values (names are kept) and
// secret query parameters of Location, which carries the authorization code on a redirect.
func redactHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := h.Clone()
	for name, values := range out {
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "Proxy-Authorization":
			for i, v := range values {
				scheme, _, found := strings.Cut(strings.TrimSpace(v), " ")
				if found && isToken(scheme) {
					values[i] = scheme + " " + Redacted
				} else {
					values[i] = Redacted
				}
			}
		case "Cookie":
			for i, v := range values {
				values[i] = redactCookiePairs(v, ";")
			}
		case "Set-Cookie":
			for i, v := range values {
				nameValue, attrs, hasAttrs := strings.Cut(v, ";")
				values[i] = redactCookiePairs(nameValue, ";")
				if hasAttrs {
					values[i] += ";" + attrs
				}
			}
		case "Location", "Content-Location", "Refresh":
			for i, v := range values {
				values[i] = redactURL(v)
			}
		}
	}
	return out
}

func redactCookiePairs(s, sep string) string {
	parts := strings.Split(s, sep)
	for i, p := range parts {
		name, _, ok := strings.Cut(p, "=")
		if ok {
			parts[i] = name + "=" + Redacted
		} else if strings.TrimSpace(p) != "" {
			parts[i] = " " + Redacted
		}
	}
	return strings.Join(parts, sep)
}

func isToken(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')) {
			return false
		}
	}
	return true
}

// redactURL replaces the values of secret query parameters (and of the same parameters in a
// fragment, where implicit/hybrid responses put tokens) plus any userinfo password. Parameter
// order and everything else is kept, so the URL still reads like the one that was sent.
// A URL that cannot be parsed loses its query and fragment entirely.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		base, _, _ := strings.Cut(raw, "?")
		base, _, _ = strings.Cut(base, "#")
		if strings.Contains(base, "@") {
			return Redacted
		}
		if base != raw {
			return base + "?" + Redacted
		}
		return base
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
		}
	}
	q, frag, forceQuery := u.RawQuery, u.EscapedFragment(), u.ForceQuery
	u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = "", "", "", false
	s := u.String()
	if q != "" || forceQuery {
		s += "?" + redactPairs(q)
	}
	if frag != "" {
		s += "#" + redactPairs(frag)
	}
	return s
}

// redactPairs redacts an application/x-www-form-urlencoded string in place, keeping order.
// Names are compared case-insensitively: over-redacting "Code" is cheaper than leaking it.
func redactPairs(s string) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		rawName, _, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			name = rawName
		}
		if secretParams[strings.ToLower(strings.TrimSpace(name))] {
			parts[i] = rawName + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// redactBody renders a request or response body for display with secrets replaced.
// Form bodies lose the values of secret parameters; JSON bodies (any +json media type) lose
// the values of secret members at any depth; other text is shown with a pattern-based scrub;
// binary bodies are summarised by size. Output is capped at 64 KiB.
func redactBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch {
	case mt == "application/x-www-form-urlencoded":
		return capText(redactPairs(string(body)))
	case mt == "application/json" || strings.HasSuffix(mt, "+json") ||
		(mt == "" && looksLikeJSON(body)):
		out, err := redactJSON(body)
		if err != nil {
			// A truncated or invalid document cannot be walked reliably; scrub by pattern.
			return capText(fmt.Sprintf("[invalid JSON, %d bytes] ", len(body)) + scrubText(string(body)))
		}
		return capText(out)
	}
	if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 {
		return fmt.Sprintf("[%s body, %d bytes]", nonEmpty(mt, "binary"), len(body))
	}
	return capText(scrubText(string(body)))
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func looksLikeJSON(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

func capText(s string) string {
	if len(s) <= maxRecordedBody {
		return s
	}
	cut := maxRecordedBody
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… [%d bytes truncated]", len(s)-cut)
}

// Patterns for text we cannot parse: JSON-ish "key": "value" / "key": token and form-ish
// key=value pairs whose key is a known secret name.
var (
	jsonPairRe = regexp.MustCompile(`(?i)("(?:access_token|id_token|refresh_token|password|currentPassword|newPassword|clientSecret|client_secret|secret|value|code|code_verifier|client_assertion|assertion|device_code)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]+)`)
	formPairRe = regexp.MustCompile(`(?i)((?:^|[?&#;\s"'])(?:code|code_verifier|client_secret|password|access_token|id_token|id_token_hint|refresh_token|token|assertion|client_assertion|subject_token|actor_token|device_code|login_hint_token)=)(<redacted>|[^&#\s"'<>]*)`)
	bearerRe   = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+`)
)

func scrubText(s string) string {
	s = jsonPairRe.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	s = formPairRe.ReplaceAllString(s, "${1}"+Redacted)
	s = bearerRe.ReplaceAllString(s, "${1} "+Redacted)
	return s
}
