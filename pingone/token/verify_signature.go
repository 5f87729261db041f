package token

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
)

func checkAlg(d *Decoded) (bool, Check) {
	alg, isString := d.Header["alg"].(string)
	switch {
	case !isString || alg == "":
		return false, mk(CheckAlg, Failed, "The header does not name a signing algorithm (alg).")
	case strings.EqualFold(alg, "none"):
		return false, mk(CheckAlg, Failed, `The token is not signed at all (alg "none"), so anyone could have written it.`)
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		return false, mk(CheckAlg, Failed, fmt.Sprintf("The token uses a shared-secret algorithm (%q). This app is a public client and has no secret, so such a token cannot be genuine.", truncate(alg, 16)))
	case alg != "RS256":
		return false, mk(CheckAlg, Failed, fmt.Sprintf("The token is signed with %q, but only RS256 — the algorithm PingOne uses — is accepted.", truncate(alg, 16)))
	}
	if _, ok := d.Header["crit"]; ok {
		// RFC 7515 §4.1.11: a recipient that does not understand a critical
		// extension must reject the token. We understand none.
		return false, mk(CheckAlg, Failed, "The token requires header extensions (crit) that this app does not understand.")
	}
	reason := "Signed with RS256, the algorithm PingOne uses."
	var hints []string
	for _, h := range []string{"jku", "x5u", "jwk", "x5c"} {
		if _, ok := d.Header[h]; ok {
			hints = append(hints, h)
		}
	}
	if len(hints) > 0 {
		// RFC 8725 §3.10: following these would let the token choose its own
		// verification key (and make this app fetch attacker URLs).
		reason += " The token's own key hints (" + strings.Join(hints, ", ") + ") are ignored: keys come only from the issuer."
	}
	return true, mk(CheckAlg, Passed, reason)
}

func checkIDTokenTyp(d *Decoded) Check {
	typ, present := d.Header["typ"]
	if !present {
		return mk(CheckTyp, Passed, "No explicit type, as usual for ID tokens.")
	}
	s, _ := typ.(string)
	switch {
	case strings.EqualFold(s, "JWT") || strings.EqualFold(s, "application/jwt"):
		return mk(CheckTyp, Passed, "Typed as a plain JWT, as usual for ID tokens.")
	case isAccessTokenTyp(s):
		// RFC 8725 §3.11, RFC 9068: never accept an access token as proof of
		// sign-in.
		return mk(CheckTyp, Failed, "This is an access token (type at+jwt), not an ID token. It must not be used as proof of sign-in.")
	default:
		return mk(CheckTyp, Failed, fmt.Sprintf("The token type %q is not an ID token type.", truncate(s, 32)))
	}
}

func checkAccessTokenTyp(d *Decoded) Check {
	if d.Kind == IDToken {
		// RFC 8725 §3.12: keep the rules for the two kinds mutually exclusive.
		return mk(CheckTyp, Failed, "This looks like an ID token (it carries a nonce or token hash), not an access token.")
	}
	typ, present := d.Header["typ"]
	if !present {
		return mk(CheckTyp, Passed, "No explicit type; PingOne access tokens did not always carry one.")
	}
	s, _ := typ.(string)
	switch {
	case isAccessTokenTyp(s):
		return mk(CheckTyp, Passed, "Typed as an access token (at+jwt).")
	case strings.EqualFold(s, "JWT") || strings.EqualFold(s, "application/jwt"):
		return mk(CheckTyp, Passed, "Typed as a plain JWT.")
	default:
		return mk(CheckTyp, Failed, fmt.Sprintf("The token type %q is not an access token type.", truncate(s, 32)))
	}
}

func (v *Verifier) checkSignature(ctx context.Context, d *Decoded, algOK bool) Check {
	if !algOK {
		return mk(CheckSignature, Failed, "Not verified, because the signing algorithm is not accepted.")
	}
	if v.keys == nil {
		return mk(CheckSignature, Failed, "Not verified: no issuer key set is configured.")
	}
	kidValue, hasKid := d.Header["kid"]
	kid, isString := kidValue.(string)
	if hasKid && !isString {
		return mk(CheckSignature, Failed, "The key id (kid) in the header is not text.")
	}

	// checkAlg has allowed RS256 only (RFC 8725 §3.1), so the signature is
	// RSASSA-PKCS1-v1_5 with SHA-256 over the signing input as it appears
	// in the token (RFC 7518 §3.3, RFC 7515 §5.2), verified on the bytes
	// Decode already split: nothing is parsed twice.
	digest := sha256.Sum256([]byte(d.signingInput()))
	verified := func(key *rsa.PublicKey) bool {
		return rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], d.Signature) == nil
	}
	var keyErr error
	ok := false
	if hasKid {
		var key *rsa.PublicKey
		if key, keyErr = v.keys.Key(ctx, kid); keyErr == nil {
			ok = verified(key)
		}
	} else {
		// No kid: try every published key (OIDC conformance KidAbsent*).
		var keys []*rsa.PublicKey
		if keys, keyErr = v.keys.all(ctx); keyErr == nil {
			for _, key := range keys {
				if ok = verified(key); ok {
					break
				}
			}
		}
	}
	switch {
	case ok:
		return mk(CheckSignature, Passed, "Signed by one of the issuer's published keys, and the contents are unchanged.")
	case errors.Is(keyErr, ErrKeysUnavailable):
		return mk(CheckSignature, Failed, "Cannot verify tokens right now: "+lowerFirst(strings.TrimPrefix(keyErr.Error(), ErrKeysUnavailable.Error()+": "))+".")
	case errors.Is(keyErr, ErrUnknownKey):
		detail := strings.TrimPrefix(keyErr.Error(), ErrUnknownKey.Error())
		return mk(CheckSignature, Failed, "The token was signed with a key the issuer does not publish"+detail+". It may be forged, or come from another environment.")
	case keyErr != nil:
		return mk(CheckSignature, Failed, "Not verified: "+keyErr.Error()+".")
	default:
		return mk(CheckSignature, Failed, "The signature does not match: the token was altered, or signed by someone other than the issuer.")
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
