package token

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

func checkIssuer(d *Decoded, want string) Check {
	if want == "" {
		return mk(CheckIss, Failed, "Not checked: the app does not know which issuer to expect.")
	}
	got, ok := d.Claims["iss"].(string)
	if !ok || got == "" {
		return mk(CheckIss, Failed, "The token does not say who issued it (iss).")
	}
	if got == want {
		return mk(CheckIss, Passed, "Issued by "+want+", the expected PingOne environment.")
	}
	return mk(CheckIss, Failed, fmt.Sprintf("Issued by %q, but this app expects %q%s.", truncate(got, 120), want, issuerHint(got, want)))
}

// issuerHint names the most likely reason two issuers differ. The comparison
// itself stays exact (OIDC Core §3.1.3.7 rule 2).
func issuerHint(got, want string) string {
	switch {
	case strings.TrimSuffix(got, "/") == strings.TrimSuffix(want, "/"):
		return " (they differ only by a trailing slash, which still makes them different issuers)"
	case strings.EqualFold(got, want):
		return " (they differ only in upper/lower case, which still makes them different issuers)"
	}
	g, err1 := url.Parse(got)
	w, err2 := url.Parse(want)
	if err1 != nil || err2 != nil {
		return ""
	}
	switch {
	case g.Scheme != w.Scheme:
		return " (the scheme differs: " + g.Scheme + " instead of " + w.Scheme + ")"
	case !strings.EqualFold(g.Host, w.Host):
		return " (a different host: perhaps another PingOne region)"
	case g.Path != w.Path:
		return " (a different path: perhaps another PingOne environment)"
	}
	return ""
}

// audiences returns aud as a list; ok is false when aud is absent or not a
// string / array of strings (RFC 7519 §4.1.3).
func audiences(d *Decoded) (list []string, present, ok bool) {
	v, present := d.Claims["aud"]
	if !present {
		return nil, false, false
	}
	switch a := v.(type) {
	case string:
		return []string{a}, true, true
	case []any:
		for _, e := range a {
			s, isString := e.(string)
			if !isString {
				return nil, true, false
			}
			list = append(list, s)
		}
		return list, true, len(list) > 0
	}
	return nil, true, false
}

func checkAudience(d *Decoded, clientID string, trusted []string) Check {
	if clientID == "" {
		return mk(CheckAud, Failed, "Not checked: the app does not know its own client ID.")
	}
	aud, present, ok := audiences(d)
	if !present {
		return mk(CheckAud, Failed, "The token does not say which app it is for (aud is missing).")
	}
	if !ok {
		return mk(CheckAud, Failed, "The audience (aud) is not a name or a list of names.")
	}
	if !contains(aud, clientID) {
		return mk(CheckAud, Failed, "The token was issued for a different app, not for this app's client ID "+clientID+".")
	}
	var untrusted int
	for _, a := range aud {
		if a != clientID && !contains(trusted, a) {
			untrusted++
		}
	}
	if untrusted > 0 {
		// Rule 3: an audience the client does not know could be another
		// party that can also replay this token.
		return mk(CheckAud, Failed, fmt.Sprintf("Besides this app, the token is also addressed to %d audience(s) this app does not trust.", untrusted))
	}
	if len(aud) == 1 {
		return mk(CheckAud, Passed, "Issued for this app (client ID "+clientID+").")
	}
	return mk(CheckAud, Passed, fmt.Sprintf("Issued for this app and %d other trusted audience(s).", len(aud)-1))
}

func checkAzp(d *Decoded, clientID string) Check {
	v, present := d.Claims["azp"]
	if !present {
		if aud, _, ok := audiences(d); ok && len(aud) > 1 {
			// OIDC Core §3.1.3.7 rules 4–5 (original text): with several
			// audiences, azp says which one asked for the token.
			return mk(CheckAzp, Failed, "The token has several audiences but does not say which app requested it (azp is missing).")
		}
		return mk(CheckAzp, NotApplicable, "Not present; it is only needed when a token has several audiences.")
	}
	azp, _ := v.(string)
	if clientID != "" && azp == clientID {
		return mk(CheckAzp, Passed, "Requested by this app.")
	}
	return mk(CheckAzp, Failed, "The token says it was requested by a different app (azp is not this app's client ID).")
}

func (v *Verifier) checkExp(d *Decoded, now time.Time) Check {
	t, present, err := numericDate(d.Claims, "exp")
	switch {
	case !present:
		return mk(CheckExp, Failed, "The token has no expiry time (exp), which every token must have.")
	case err != nil:
		return mk(CheckExp, Failed, "The expiry time (exp) is "+err.Error()+".")
	}
	late := now.Sub(t)
	switch {
	case late < 0:
		return mk(CheckExp, Passed, "Valid until "+whenRelative(t, now)+".")
	case late < v.leeway:
		return mk(CheckExp, Passed, fmt.Sprintf("Expired %s ago, which is within the %s allowed for clock differences.", Humanize(late), Humanize(v.leeway)))
	}
	reason := fmt.Sprintf("The token expired %s ago (at %s).", Humanize(late), formatTime(t))
	if late > clockHintThreshold {
		reason += " If you have just signed in, your computer's clock may be wrong (it would be running ahead)."
	}
	return mk(CheckExp, Failed, reason)
}

func (v *Verifier) checkIat(d *Decoded, now time.Time) Check {
	t, present, err := numericDate(d.Claims, "iat")
	switch {
	case !present:
		return mk(CheckIat, Failed, "The token has no issue time (iat), which every ID token must have.")
	case err != nil:
		return mk(CheckIat, Failed, "The issue time (iat) is "+err.Error()+".")
	}
	age := now.Sub(t)
	switch {
	case -age > v.maxIatFuture:
		reason := fmt.Sprintf("The token claims to be issued %s in the future (%s).", Humanize(-age), formatTime(t))
		if -age > clockHintThreshold {
			reason += " Your computer's clock may be wrong (it would be running behind)."
		}
		return mk(CheckIat, Failed, reason)
	case age > v.maxIatAge:
		return mk(CheckIat, Failed, fmt.Sprintf("The token was issued %s ago; this app accepts ID tokens issued within the last %s.", Humanize(age), Humanize(v.maxIatAge)))
	}
	return mk(CheckIat, Passed, "Issued "+whenRelative(t, now)+".")
}

func (v *Verifier) checkNbf(d *Decoded, now time.Time) Check {
	t, present, err := numericDate(d.Claims, "nbf")
	switch {
	case !present:
		return mk(CheckNbf, NotApplicable, "Not present; the token is valid from the moment it was issued.")
	case err != nil:
		return mk(CheckNbf, Failed, `The "not before" time (nbf) is `+err.Error()+".")
	}
	early := t.Sub(now)
	if early <= v.leeway {
		return mk(CheckNbf, Passed, "Valid since "+whenRelative(t, now)+".")
	}
	reason := "The token is not valid yet: it becomes valid " + whenRelative(t, now) + "."
	if early > clockHintThreshold {
		reason += " Your computer's clock may be wrong (it would be running behind)."
	}
	return mk(CheckNbf, Failed, reason)
}

// checkNonce never puts either nonce into the reason: a nonce from a
// pending sign-in is a one-time secret.
func checkNonce(d *Decoded, want string) Check {
	v, present := d.Claims["nonce"]
	if want == "" {
		if present {
			return mk(CheckNonce, NotApplicable, "The token carries a nonce, but no expected value was given for this check.")
		}
		return mk(CheckNonce, NotApplicable, "This app did not send a nonce for this sign-in.")
	}
	if !present {
		return mk(CheckNonce, Failed, "This app sent a nonce, but the token does not carry one, so it cannot be tied to this sign-in.")
	}
	got, _ := v.(string)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
		return mk(CheckNonce, Passed, "Matches the value this app sent, so the token belongs to this sign-in.")
	}
	return mk(CheckNonce, Failed, "Does not match the value this app sent: the token belongs to another (perhaps earlier) sign-in attempt, or is being replayed.")
}

// checkHalfHash verifies at_hash or c_hash: base64url of the left half of
// SHA-256 of the ASCII value, SHA-256 because the only accepted alg is RS256
// (OIDC Core §3.1.3.8 and §3.3.2.11).
func checkHalfHash(d *Decoded, id, value, what string) Check {
	claim, present := d.Claims[id]
	if !present {
		return mk(id, NotApplicable, "Not present; it is optional here.")
	}
	got, ok := claim.(string)
	if !ok {
		return mk(id, Failed, "The "+id+" claim is not text.")
	}
	if value == "" {
		return mk(id, NotApplicable, "Present, but no "+what+" was given to compare it with.")
	}
	if want := halfHash(value); subtle.ConstantTimeCompare([]byte(got), want[:]) == 1 {
		return mk(id, Passed, "Matches the "+what+" received with this token.")
	}
	return mk(id, Failed, "Does not match the "+what+" received with this token: the two were not issued together.")
}

// HalfHash is the at_hash / c_hash value for an RS256-signed token.
func HalfHash(value string) string {
	h := halfHash(value)
	return string(h[:])
}

// halfHash is HalfHash without an allocation: base64url of 16 bytes,
// unpadded, is 22 characters.
func halfHash(value string) (out [22]byte) {
	sum := sha256.Sum256([]byte(value))
	base64.RawURLEncoding.Encode(out[:], sum[:len(sum)/2])
	return out
}

func checkSub(d *Decoded) Check {
	v, present := d.Claims["sub"]
	if !present {
		return mk(CheckSub, Failed, "The token does not say who signed in (sub is missing).")
	}
	s, ok := v.(string)
	switch {
	case !ok:
		return mk(CheckSub, Failed, "The user identifier (sub) is not text.")
	case s == "":
		return mk(CheckSub, Failed, "The user identifier (sub) is empty.")
	case len(s) > maxSubLength:
		return mk(CheckSub, Failed, fmt.Sprintf("The user identifier (sub) is longer than the %d characters allowed.", maxSubLength))
	}
	return mk(CheckSub, Passed, "Identifies the signed-in user ("+strconv.Quote(truncate(s, 64))+").")
}
