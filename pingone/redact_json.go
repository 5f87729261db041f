package pingone

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

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

// open reads the opening byte of the object or array at r.pos and, when emit is set,
// writes it. It reports whether the container is empty; its closing byte has then been
// read (and written) too.
func (r *jsonRedactor) open(opening, closing byte, emit bool) (empty bool) {
	r.pos++ // opening
	if emit {
		r.out = append(r.out, opening)
	}
	r.skipSpace()
	if r.peek() != closing {
		return false
	}
	r.pos++
	if emit {
		r.out = append(r.out, closing)
	}
	return true
}

func (r *jsonRedactor) object(depth int, emit bool) error {
	if r.open('{', '}', emit) {
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
	if r.open('[', ']', emit) {
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

var (
	errInvalidJSON = errors.New("invalid JSON")
	errJSONTooDeep = errors.New("JSON nested too deeply")
)
