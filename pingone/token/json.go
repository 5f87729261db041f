package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting. Real claims nest two levels (address, cnf);
// the bound keeps the recursion of the parser below shallow whatever the
// input.
const maxJSONDepth = 32

var (
	errJSONSyntax    = errors.New("not valid JSON")
	errJSONNotObject = errors.New("not a JSON object")
	errJSONDepth     = fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
	errJSONTrailing  = errors.New("unexpected data after the JSON object")
)

// decodeObject parses b as exactly one JSON object (RFC 8259) with unique
// member names in every object, nested at most maxJSONDepth levels, and
// returns it as encoding/json with UseNumber would: map[string]any,
// []any, string, json.Number, bool and nil. It is one pass over b: the
// duplicate check is the map insertion itself.
func decodeObject(b []byte) (map[string]any, error) {
	if !utf8.Valid(b) {
		// encoding/json would quietly turn bad bytes into U+FFFD (RFC 8725 §3.7).
		return nil, errors.New("not valid UTF-8")
	}
	p := jsonParser{b: b}
	p.skipSpace()
	if p.i == len(b) {
		return nil, errJSONSyntax
	}
	switch b[p.i] {
	case '{':
	case '[':
		return nil, errJSONNotObject
	default:
		if _, err := p.value(0); err != nil {
			return nil, errJSONSyntax
		}
		return nil, errJSONNotObject
	}
	p.i++
	// Size the top-level map once: it has at most as many members as b has
	// colons (the rest are in nested objects or inside strings).
	m, err := p.object(1, min(bytes.Count(b, []byte{':'}), 64))
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(b) {
		return nil, errJSONTrailing
	}
	return m, nil
}

// jsonParser reads JSON from b, whose UTF-8 has been checked.
type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value reads one value at p.i inside a container at the given depth.
func (p *jsonParser) value(depth int) (any, error) {
	if p.i == len(p.b) {
		return nil, errJSONSyntax
	}
	switch c := p.b[p.i]; {
	case c == '"':
		p.i++
		return p.string(false)
	case c == '{':
		p.i++
		return p.object(depth+1, 0)
	case c == '[':
		p.i++
		return p.array(depth + 1)
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	return nil, errJSONSyntax
}

// object reads the members of an object whose '{' has been read.
func (p *jsonParser) object(depth, sizeHint int) (map[string]any, error) {
	if depth > maxJSONDepth {
		return nil, errJSONDepth
	}
	m := make(map[string]any, sizeHint)
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		if p.i == len(p.b) || p.b[p.i] != '"' {
			return nil, errJSONSyntax
		}
		p.i++
		name, err := p.string(true)
		if err != nil {
			return nil, err
		}
		if _, dup := m[name]; dup {
			// Parsers disagree on which duplicate wins. The name comes from
			// untrusted input; quote it so control characters cannot
			// reshape the message.
			return nil, fmt.Errorf("member %q appears more than once", truncate(name, 40))
		}
		p.skipSpace()
		if p.i == len(p.b) || p.b[p.i] != ':' {
			return nil, errJSONSyntax
		}
		p.i++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		m[name] = v
		p.skipSpace()
		if p.i == len(p.b) {
			return nil, errJSONSyntax
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case '}':
			p.i++
			return m, nil
		default:
			return nil, errJSONSyntax
		}
	}
}

// array reads the elements of an array whose '[' has been read.
func (p *jsonParser) array(depth int) ([]any, error) {
	if depth > maxJSONDepth {
		return nil, errJSONDepth
	}
	list := []any{}
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return list, nil
	}
	for {
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		p.skipSpace()
		if p.i == len(p.b) {
			return nil, errJSONSyntax
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case ']':
			p.i++
			return list, nil
		default:
			return nil, errJSONSyntax
		}
	}
}

func (p *jsonParser) literal(word string) error {
	if !bytes.HasPrefix(p.b[p.i:], []byte(word)) {
		return errJSONSyntax
	}
	p.i += len(word)
	return nil
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? and keeps its
// text, as json.Number does.
func (p *jsonParser) number() (json.Number, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i == len(p.b):
		return "", errJSONSyntax
	case p.b[p.i] == '0':
		p.i++
	case '1' <= p.b[p.i] && p.b[p.i] <= '9':
		p.digits()
	default:
		return "", errJSONSyntax
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return "", errJSONSyntax
		}
	}
	exponent := false
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		exponent = true
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return "", errJSONSyntax
		}
	}
	n := json.Number(p.b[start:p.i])
	// A number beyond float64's range (about 1.8e308) is refused, as it
	// always has been here: no claim needs one, and readers that convert
	// to float64 would each do something different with it. Only an
	// exponent or more than 308 digits can get there.
	if exponent || len(n) > 308 {
		if _, err := strconv.ParseFloat(string(n), 64); err != nil {
			return "", errJSONSyntax
		}
	}
	return n, nil
}

func (p *jsonParser) digits() int {
	start := p.i
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i - start
}

// knownNames holds the member names of the claim and header dictionaries,
// so that reading them allocates nothing.
var knownNames = func() map[string]string {
	m := make(map[string]string, len(claimDictionary)+len(headerDictionary))
	for n := range claimDictionary {
		m[n] = n
	}
	for n := range headerDictionary {
		m[n] = n
	}
	return m
}()

// string reads a string whose opening quote has been read. With intern,
// a string found in knownNames is returned without allocating (member
// names).
func (p *jsonParser) string(intern bool) (string, error) {
	start := p.i
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			raw := p.b[start:p.i]
			p.i++
			if intern {
				if s, ok := knownNames[string(raw)]; ok {
					return s, nil
				}
			}
			return string(raw), nil
		case c == '\\':
			return p.escapedString(start)
		case c < 0x20:
			return "", errJSONSyntax
		}
		p.i++
	}
	return "", errJSONSyntax
}

// escapedString finishes a string that has an escape at p.i, decoding
// escapes as encoding/json does: a \u escape that is not half of a valid
// surrogate pair becomes U+FFFD.
func (p *jsonParser) escapedString(start int) (string, error) {
	// Size the buffer by this string's own length (decoding never makes a
	// string longer), not by what is left of the input: thousands of short
	// escaped strings must not each get a buffer the size of the token.
	end := p.i
	for end < len(p.b) && p.b[end] != '"' {
		if p.b[end] == '\\' {
			end++
		}
		end++
	}
	out := make([]byte, 0, min(end, len(p.b))-start)
	out = append(out, p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c < 0x20:
			return "", errJSONSyntax
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		p.i++
		if p.i == len(p.b) {
			return "", errJSONSyntax
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", errJSONSyntax
			}
			if utf16.IsSurrogate(r) {
				r2, ok := p.lowSurrogate()
				if pair := utf16.DecodeRune(r, r2); ok && pair != utf8.RuneError {
					r = pair
					p.i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errJSONSyntax
		}
	}
	return "", errJSONSyntax
}

// hex4 reads the four hex digits of a \u escape.
func (p *jsonParser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// lowSurrogate peeks at a \u escape right after a high surrogate without
// consuming it.
func (p *jsonParser) lowSurrogate() (rune, bool) {
	if len(p.b)-p.i < 6 || p.b[p.i] != '\\' || p.b[p.i+1] != 'u' {
		return 0, false
	}
	q := jsonParser{b: p.b, i: p.i + 2}
	return q.hex4()
}
