package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxTokenSize is the largest token Decode accepts. PingOne tokens are a few
// KiB; the cap is applied before any parsing so that hostile input (a
// megabyte of dots, a 100 kB header) costs almost nothing (CVE-2025-30204 and
// CVE-2025-27144 were both unbounded work on such input).
const MaxTokenSize = 64 << 10

// Sentinel errors returned (wrapped) by Decode. Use errors.Is.
var (
	// ErrTooLarge: the token is longer than MaxTokenSize.
	ErrTooLarge = errors.New("token is too large")
	// ErrEncrypted: the token has five parts, i.e. it is a JWE (RFC 7516).
	// This app never asks PingOne for encrypted tokens, so it cannot read it.
	ErrEncrypted = errors.New("token is encrypted (JWE) and cannot be read")
	// ErrMalformed: anything else that is not a well-formed compact JWS.
	ErrMalformed = errors.New("token is malformed")
)

// Kind is a best-effort guess at what a token is for, used to label it in the
// UI and to refuse the obvious mix-ups (RFC 8725 §3.11–3.12). It is a
// heuristic on untrusted content and never grants anything.
type Kind int

const (
	Unknown Kind = iota
	IDToken
	AccessToken
)

func (k Kind) String() string {
	switch k {
	case IDToken:
		return "ID token"
	case AccessToken:
		return "access token"
	default:
		return "unknown token"
	}
}

// Decoded is a token split into its parts. Nothing in it has been verified.
type Decoded struct {
	Raw string

	// Header and Claims are decoded with json.Number so that large integer
	// claims (exp, auth_time, custom ids) stay exact.
	Header map[string]any
	Claims map[string]any

	// HeaderJSON and ClaimsJSON are the decoded JSON, indented for display,
	// in the member order the issuer wrote.
	HeaderJSON []byte
	ClaimsJSON []byte

	// Signature is the raw signature bytes; empty for alg "none".
	Signature []byte

	Kind Kind
}

// HeaderString returns a string header parameter, or "" if it is absent or
// not a string.
func (d *Decoded) HeaderString(name string) string {
	s, _ := d.Header[name].(string)
	return s
}

// ClaimString returns a string claim, or "" if it is absent or not a string.
func (d *Decoded) ClaimString(name string) string {
	s, _ := d.Claims[name].(string)
	return s
}

// Decode splits a compact JWS for display without trusting it.
//
// It refuses (before looking at the content) anything over MaxTokenSize,
// reports a 5-part token as ErrEncrypted and anything but exactly 3 parts as
// ErrMalformed. Each part must be unpadded base64url with no other characters
// (no '+', '/', '=' or whitespace, RFC 7515 §2), header and claims must be
// UTF-8 JSON objects, and a repeated member name anywhere in them is an error:
// JSON parsers disagree on which duplicate wins, which is exactly how a token
// can show one alg to a reviewer and another to a verifier.
func Decode(raw string) (*Decoded, error) {
	if len(raw) > MaxTokenSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(raw), MaxTokenSize)
	}
	if raw == "" {
		return nil, fmt.Errorf("%w: empty", ErrMalformed)
	}
	// strings.Count allocates nothing, unlike strings.Split on a token made
	// of dots.
	switch dots := strings.Count(raw, "."); dots {
	case 2:
	case 4:
		return nil, ErrEncrypted
	default:
		return nil, fmt.Errorf("%w: it has %d parts separated by dots, a signed JWT has 3", ErrMalformed, dots+1)
	}
	headerPart, rest, _ := strings.Cut(raw, ".")
	claimsPart, sigPart, _ := strings.Cut(rest, ".")

	headerBytes, err := decodeSegment(headerPart)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	claimsBytes, err := decodeSegment(claimsPart)
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	var sig []byte
	if sigPart != "" {
		if sig, err = decodeSegment(sigPart); err != nil {
			return nil, fmt.Errorf("%w: signature: %v", ErrMalformed, err)
		}
	}

	d := &Decoded{Raw: raw, Signature: sig}
	if d.Header, d.HeaderJSON, err = decodeObject(headerBytes); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if d.Claims, d.ClaimsJSON, err = decodeObject(claimsBytes); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	d.Kind = guessKind(d)
	return d, nil
}

var strictB64 = base64.RawURLEncoding.Strict()

// decodeSegment decodes one unpadded base64url part. The alphabet is checked
// by hand because encoding/base64 silently skips '\r' and '\n'.
func decodeSegment(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("part is empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, fmt.Errorf("invalid base64url character at offset %d", i)
		}
	}
	b, err := strictB64.DecodeString(s)
	if err != nil {
		return nil, errors.New("invalid base64url")
	}
	return b, nil
}

// decodeObject parses b as exactly one JSON object with unique member names.
func decodeObject(b []byte) (map[string]any, []byte, error) {
	if !utf8.Valid(b) {
		// encoding/json would quietly turn bad bytes into U+FFFD (RFC 8725 §3.7).
		return nil, nil, errors.New("not valid UTF-8")
	}
	if err := checkUniqueMembers(b); err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, nil, errors.New("not a JSON object")
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, b, "", "  "); err != nil {
		return nil, nil, errors.New("not a JSON object")
	}
	return m, pretty.Bytes(), nil
}

// checkUniqueMembers walks the JSON token stream and fails on a repeated
// member name in any object, on a top-level value that is not an object, and
// on trailing data.
func checkUniqueMembers(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	first, err := dec.Token()
	if err != nil {
		return errors.New("not valid JSON")
	}
	if d, ok := first.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object")
	}
	if err := walkObject(dec, 1); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

// maxJSONDepth bounds nesting. Real claims nest two levels (address, cnf);
// encoding/json's token reader gets quadratically slow on thousands of
// levels, which fits comfortably inside MaxTokenSize.
const maxJSONDepth = 32

// walkObject consumes an object whose '{' has been read.
func walkObject(dec *json.Decoder, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return errors.New("not valid JSON")
		}
		name, ok := t.(string)
		if !ok {
			return errors.New("not valid JSON")
		}
		if seen[name] {
			// The name comes from untrusted input; quote it so control
			// characters cannot reshape the message.
			return fmt.Errorf("member %q appears more than once", truncate(name, 40))
		}
		seen[name] = true
		if err := walkValue(dec, depth); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return errors.New("not valid JSON")
	}
	return nil
}

// walkValue consumes one value inside a container at the given depth.
func walkValue(dec *json.Decoder, depth int) error {
	t, err := dec.Token()
	if err != nil {
		return errors.New("not valid JSON")
	}
	d, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		return walkObject(dec, depth+1)
	case '[':
		if depth+1 > maxJSONDepth {
			return fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
		}
		for dec.More() {
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return errors.New("not valid JSON")
		}
		return nil
	default:
		return errors.New("not valid JSON")
	}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// guessKind labels a token from its typ header (RFC 9068 at+jwt) and from
// claims only one kind carries: nonce/at_hash/c_hash appear in ID tokens,
// scope/client_id in PingOne access tokens.
func guessKind(d *Decoded) Kind {
	if isAccessTokenTyp(d.HeaderString("typ")) {
		return AccessToken
	}
	for _, c := range []string{"nonce", "at_hash", "c_hash"} {
		if _, ok := d.Claims[c]; ok {
			return IDToken
		}
	}
	for _, c := range []string{"scope", "client_id"} {
		if _, ok := d.Claims[c]; ok {
			return AccessToken
		}
	}
	return Unknown
}

// isAccessTokenTyp reports the RFC 9068 §2.1 media type, with or without the
// "application/" prefix (RFC 7515 §4.1.9), compared case-insensitively.
func isAccessTokenTyp(typ string) bool {
	t := strings.ToLower(typ)
	return t == "at+jwt" || t == "application/at+jwt"
}
