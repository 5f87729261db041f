package pingone

import (
	"bytes"
	"encoding/json"
	"errors"
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

// RedactHeader returns a copy of h with credentials replaced: the credentials of
// Authorization/Proxy-Authorization (the scheme is kept), cookie values (names are kept) and
// secret query parameters of Location, which carries the authorization code on a redirect.
func RedactHeader(h http.Header) http.Header {
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
				values[i] = RedactURL(v)
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

// RedactURL replaces the values of secret query parameters (and of the same parameters in a
// fragment, where implicit/hybrid responses put tokens) plus any userinfo password. Parameter
// order and everything else is kept, so the URL still reads like the one that was sent.
// A URL that cannot be parsed loses its query and fragment entirely.
func RedactURL(raw string) string {
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

// RedactBody renders a request or response body for display with secrets replaced.
// Form bodies lose the values of secret parameters; JSON bodies (any +json media type) lose
// the values of secret members at any depth; other text is shown with a pattern-based scrub;
// binary bodies are summarised by size. Output is capped at 64 KiB.
func RedactBody(contentType string, body []byte) string {
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
	formPairRe = regexp.MustCompile(`(?i)((?:^|[?&#;\s"'])(?:code|code_verifier|client_secret|password|access_token|id_token|id_token_hint|refresh_token|token|assertion|client_assertion|subject_token|actor_token|device_code|login_hint_token)=)([^&#\s"'<>]*)`)
	bearerRe   = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+`)
)

func scrubText(s string) string {
	s = jsonPairRe.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	s = formPairRe.ReplaceAllString(s, "${1}"+Redacted)
	s = bearerRe.ReplaceAllString(s, "${1} "+Redacted)
	return s
}

// redactJSON replaces the values of secret members (secretJSONKeys, at any depth) and
// returns the document indented. It makes one pass over the valid document and copies
// everything else as it is: member order, duplicate members, number literals and plain
// strings. Strings with escapes, invalid UTF-8 or U+2028/U+2029 are decoded and written
// back without HTML escaping (marshalPlain), so "\u0026" in a URL reads as "&".
func redactJSON(body []byte) (string, error) {
	if !json.Valid(body) {
		return "", errInvalidJSON
	}
	r := jsonRedactor{in: body, out: make([]byte, 0, len(body)+len(body)/2)}
	r.skipSpace()
	if err := r.value(0, true); err != nil {
		return "", err
	}
	return string(r.out), nil
}

var (
	errInvalidJSON = errors.New("invalid JSON")
	errJSONTooDeep = errors.New("JSON nested too deeply")
)

// maxJSONDepth stops hostile, deeply nested documents: a value nested deeper than this
// (the top-level value is at depth 0) makes the document unredactable, and it is scrubbed
// by pattern instead.
const maxJSONDepth = 64

// jsonRedactor walks a document that json.Valid accepted, writing the redacted form to
// out indented as json.Indent(dst, src, "", "  ") would: one member or element per line,
// two spaces per level, "name": value, and empty objects and arrays as {} and [].
type jsonRedactor struct {
	in  []byte
	pos int
	out []byte
}

// newline starts a line indented for depth levels.
func (r *jsonRedactor) newline(depth int) {
	r.out = append(r.out, '\n')
	for range depth {
		r.out = append(r.out, ' ', ' ')
	}
}

func (r *jsonRedactor) peek() byte {
	if r.pos < len(r.in) {
		return r.in[r.pos]
	}
	return 0
}

func (r *jsonRedactor) skipSpace() {
	for r.pos < len(r.in) {
		switch r.in[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// value reads the value at r.pos (no leading space) and, when emit is set, writes it.
// Values that are not emitted are still walked, so the depth limit applies to a secret
// member's value too.
func (r *jsonRedactor) value(depth int, emit bool) error {
	if depth > maxJSONDepth {
		return errJSONTooDeep
	}
	switch r.peek() {
	case '{':
		return r.object(depth, emit)
	case '[':
		return r.array(depth, emit)
	case '"':
		raw, plain := r.str()
		if emit {
			r.writeString(raw, plain)
		}
	default: // number, true, false or null
		start := r.pos
		for r.pos < len(r.in) {
			c := r.in[r.pos]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				break
			}
			r.pos++
		}
		if r.pos == start {
			return errInvalidJSON
		}
		if emit {
			r.out = append(r.out, r.in[start:r.pos]...)
		}
	}
	return nil
}

// str reads a string token, quotes included. plain reports that it can be copied as it
// is: no escapes, valid UTF-8 and nothing marshalPlain would escape.
func (r *jsonRedactor) str() (raw []byte, plain bool) {
	start := r.pos
	plain = true
	i := r.pos + 1
	for i < len(r.in) {
		c := r.in[i]
		switch {
		case c == '"':
			r.pos = i + 1
			return r.in[start:r.pos], plain
		case c == '\\':
			plain = false
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			ru, size := utf8.DecodeRune(r.in[i:])
			if (ru == utf8.RuneError && size == 1) || ru == '\u2028' || ru == '\u2029' {
				plain = false
			}
			i += size
		}
	}
	r.pos = len(r.in)
	return r.in[start:], false
}

func (r *jsonRedactor) writeString(raw []byte, plain bool) {
	if plain {
		r.out = append(r.out, raw...)
		return
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		r.out = append(r.out, redactedJSON...)
		return
	}
	b, err := marshalPlain(s)
	if err != nil {
		r.out = append(r.out, redactedJSON...)
		return
	}
	r.out = append(r.out, b...)
}

// keyKind says whether a member name is a secret (case-insensitively) and whether it is
// exactly "message".
func keyKind(raw []byte, plain bool) (secret, isCode, isMessage bool) {
	name := raw[1 : len(raw)-1]
	if plain && len(name) <= 32 {
		var buf [32]byte
		ascii := true
		for i, c := range name {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		if ascii {
			lower := buf[:len(name)]
			return secretJSONKeys[string(lower)], string(lower) == "code", string(name) == "message"
		}
	}
	var key string
	if plain {
		key = string(name)
	} else if json.Unmarshal(raw, &key) != nil {
		return true, false, false
	}
	lk := strings.ToLower(key)
	return secretJSONKeys[lk], lk == "code", key == "message"
}

type outSpan struct{ start, end int }

func (r *jsonRedactor) object(depth int, emit bool) error {
	r.pos++ // '{'
	if emit {
		r.out = append(r.out, '{')
	}
	r.skipSpace()
	if r.peek() == '}' {
		r.pos++
		if emit {
			r.out = append(r.out, '}')
		}
		return nil
	}
	// Platform errors and their details are {code, message, ...} with an upper-case
	// constant as code; that code is the most useful thing in a transcript and is not a
	// credential. Such a code is written tentatively and redacted at the end of the
	// object if no "message" member turned up. Any other "code" (e.g. a flow's
	// authorizeResponse) is redacted at once.
	hasMessage := false
	var tentative []outSpan
	for first := true; ; first = false {
		if r.peek() != '"' {
			return errInvalidJSON
		}
		rawKey, plain := r.str()
		r.skipSpace()
		if r.peek() != ':' {
			return errInvalidJSON
		}
		r.pos++
		r.skipSpace()
		secret, isCode, isMessage := keyKind(rawKey, plain)
		hasMessage = hasMessage || isMessage
		if emit {
			if !first {
				r.out = append(r.out, ',')
			}
			r.newline(depth + 1)
			r.writeString(rawKey, plain)
			r.out = append(r.out, ':', ' ')
		}
		var err error
		switch c := r.peek(); {
		case !emit || !secret:
			err = r.value(depth+1, emit)
		case isCode && c != '{' && c != '[':
			start := len(r.out)
			err = r.value(depth+1, true)
			if errorCodeRe.Match(r.out[start:]) {
				tentative = append(tentative, outSpan{start, len(r.out)})
			} else {
				r.out = append(r.out[:start], redactedJSON...)
			}
		default:
			err = r.value(depth+1, false)
			r.out = append(r.out, redactedJSON...)
		}
		if err != nil {
			return err
		}
		r.skipSpace()
		switch r.peek() {
		case ',':
			r.pos++
			r.skipSpace()
			continue
		case '}':
			r.pos++
		default:
			return errInvalidJSON
		}
		break
	}
	if emit {
		r.newline(depth)
		r.out = append(r.out, '}')
	}
	if !hasMessage {
		for i := len(tentative) - 1; i >= 0; i-- {
			sp := tentative[i]
			tail := append([]byte(redactedJSON), r.out[sp.end:]...)
			r.out = append(r.out[:sp.start], tail...)
		}
	}
	return nil
}

func (r *jsonRedactor) array(depth int, emit bool) error {
	r.pos++ // '['
	if emit {
		r.out = append(r.out, '[')
	}
	r.skipSpace()
	if r.peek() == ']' {
		r.pos++
		if emit {
			r.out = append(r.out, ']')
		}
		return nil
	}
	for first := true; ; first = false {
		if emit {
			if !first {
				r.out = append(r.out, ',')
			}
			r.newline(depth + 1)
		}
		if err := r.value(depth+1, emit); err != nil {
			return err
		}
		r.skipSpace()
		switch r.peek() {
		case ',':
			r.pos++
			r.skipSpace()
			continue
		case ']':
			r.pos++
		default:
			return errInvalidJSON
		}
		break
	}
	if emit {
		r.newline(depth)
		r.out = append(r.out, ']')
	}
	return nil
}

var redactedJSON = []byte(`"` + Redacted + `"`)

// errorCodeRe matches PingOne's upper-case error code constants (INVALID_DATA, ...).
var errorCodeRe = regexp.MustCompile(`^"[A-Z][A-Z0-9_]*"$`)

// marshalPlain encodes v without HTML escaping, so "<" stays readable in transcripts.
func marshalPlain(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
