package token

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
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

	// One buffer for the three decoded parts; Signature, headerJSON and
	// claimsJSON are slices of it.
	buf := make([]byte, 0, strictB64.DecodedLen(len(headerPart))+strictB64.DecodedLen(len(claimsPart))+strictB64.DecodedLen(len(sigPart)))
	buf, headerBytes, err := appendSegment(buf, headerPart)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	buf, claimsBytes, err := appendSegment(buf, claimsPart)
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	var sig []byte
	if sigPart != "" {
		if _, sig, err = appendSegment(buf, sigPart); err != nil {
			return nil, fmt.Errorf("%w: signature: %v", ErrMalformed, err)
		}
	}

	d := &Decoded{Raw: raw, Signature: sig, headerJSON: headerBytes, claimsJSON: claimsBytes}
	if d.Header, err = decodeObject(headerBytes); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if d.Claims, err = decodeObject(claimsBytes); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	d.Kind = guessKind(d)
	return d, nil
}

var strictB64 = base64.RawURLEncoding.Strict()

// decodeSegment decodes one unpadded base64url part.
func decodeSegment(s string) ([]byte, error) {
	_, b, err := appendSegment(nil, s)
	return b, err
}

// appendSegment decodes one unpadded base64url part onto buf and returns
// the extended buf and the decoded bytes (a slice of it). The alphabet is
// checked by hand because encoding/base64 silently skips '\r' and '\n'.
func appendSegment(buf []byte, s string) ([]byte, []byte, error) {
	if s == "" {
		return buf, nil, errors.New("part is empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return buf, nil, fmt.Errorf("invalid base64url character at offset %d", i)
		}
	}
	start := len(buf)
	out, err := strictB64.AppendDecode(buf, []byte(s))
	if err != nil {
		return buf, nil, errors.New("invalid base64url")
	}
	return out, out[start:len(out):len(out)], nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s // no more runes than bytes
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
