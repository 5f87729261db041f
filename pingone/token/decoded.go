package token

import (
	"bytes"
	"encoding/json"
	"strings"
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

	// Signature is the raw signature bytes; empty for alg "none".
	Signature []byte

	Kind Kind

	// headerJSON and claimsJSON are the decoded JSON exactly as the issuer
	// wrote it; HeaderJSON and ClaimsJSON indent it when a screen asks.
	headerJSON, claimsJSON []byte
}

// HeaderJSON returns the decoded header JSON, indented for display, in the
// member order the issuer wrote. It is formatted on each call: only screens
// need it, so verification does not pay for it.
func (d *Decoded) HeaderJSON() []byte { return indentJSON(d.headerJSON) }

// ClaimsJSON returns the decoded claims JSON, indented for display, in the
// member order the issuer wrote. It is formatted on each call.
func (d *Decoded) ClaimsJSON() []byte { return indentJSON(d.claimsJSON) }

// signingInput is the part of Raw the signature covers: the encoded header
// and claims with the dot between them (RFC 7515 §5.2 step 8).
func (d *Decoded) signingInput() string {
	return d.Raw[:strings.LastIndexByte(d.Raw, '.')]
}

func indentJSON(b []byte) []byte {
	if b == nil {
		return nil
	}
	var pretty bytes.Buffer
	pretty.Grow(len(b) + len(b)/2)
	if err := json.Indent(&pretty, b, "", "  "); err != nil {
		// Unreachable for what Decode accepted; show it as written.
		return append([]byte(nil), b...)
	}
	return pretty.Bytes()
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
