package token

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	defaultLeeway            = 60 * time.Second
	defaultMaxIssuedAtAge    = 24 * time.Hour
	defaultMaxIssuedAtFuture = 5 * time.Minute
	// A time check that misses by more than this is more likely a wrong
	// local clock than network latency, so the reason says so.
	clockHintThreshold = 5 * time.Minute
	// OIDC Core §2: sub "MUST NOT exceed 255 ASCII characters".
	maxSubLength = 255
)

// Expect is what the app knows independently of the token: the values the
// token must match.
type Expect struct {
	// Issuer is the configured issuer, e.g. https://auth.pingone.com/{envID}/as.
	// Compared exactly: no trailing-slash or case normalisation (OIDC
	// Core §3.1.3.7 rule 2).
	Issuer string
	// ClientID must be in aud, and equal azp when azp is present.
	ClientID string
	// Nonce is the value sent in the authorization request; when set, the
	// token must carry the same nonce (rule 11).
	Nonce string
	// AccessToken and Code, when given, are checked against at_hash and
	// c_hash if the token carries them (§3.1.3.8, §3.3.2.11).
	AccessToken string
	Code        string
	// TrustedAudiences lists audiences besides ClientID that may appear in
	// aud (rule 3: reject a token naming audiences the client does not trust).
	TrustedAudiences []string
	// MaxAgeRequested says the authorization request carried max_age, whose
	// value is MaxAge (zero is a valid max_age). The token must then carry
	// auth_time, no older than MaxAge plus the leeway (OIDC Core §3.1.2.1,
	// §3.1.3.7 rule 13). Without it, auth_time is shown but not required.
	MaxAgeRequested bool
	MaxAge          time.Duration
}

// VerifierOptions configures a Verifier.
type VerifierOptions struct {
	// Keys is the issuer's key set. Without it every signature check fails.
	Keys *KeySet
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Leeway is the allowance for clock differences on exp, nbf and (as a
	// floor) iat. Default 60 s.
	Leeway time.Duration
	// MaxIssuedAtAge rejects ID tokens whose iat is older than this
	// (rule 10). Default 24 h; a caller verifying a fresh sign-in may use a
	// few minutes.
	MaxIssuedAtAge time.Duration
	// MaxIssuedAtFuture rejects ID tokens whose iat is further in the
	// future than this. Default 5 min.
	MaxIssuedAtFuture time.Duration
}

// Verifier checks tokens from one issuer. It is safe for concurrent use.
type Verifier struct {
	keys         *KeySet
	now          func() time.Time
	leeway       time.Duration
	maxIatAge    time.Duration
	maxIatFuture time.Duration
}

// NewVerifier returns a Verifier; zero options get the documented defaults.
func NewVerifier(o VerifierOptions) *Verifier {
	v := &Verifier{
		keys:         o.Keys,
		now:          o.Now,
		leeway:       o.Leeway,
		maxIatAge:    o.MaxIssuedAtAge,
		maxIatFuture: o.MaxIssuedAtFuture,
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.leeway <= 0 {
		v.leeway = defaultLeeway
	}
	if v.maxIatAge <= 0 {
		v.maxIatAge = defaultMaxIssuedAtAge
	}
	if v.maxIatFuture <= 0 {
		v.maxIatFuture = defaultMaxIssuedAtFuture
	}
	if v.maxIatFuture < v.leeway {
		v.maxIatFuture = v.leeway
	}
	return v
}

var checkTitles = map[string]string{
	CheckFormat:    "Token format",
	CheckAlg:       "Signing algorithm",
	CheckTyp:       "Token type",
	CheckSignature: "Signature",
	CheckIss:       "Issuer",
	CheckAud:       "Audience",
	CheckAzp:       "Authorized party",
	CheckExp:       "Expiry",
	CheckIat:       "Issue time",
	CheckNbf:       "Not valid before",
	CheckNonce:     "Nonce",
	CheckAtHash:    "Access-token hash",
	CheckCHash:     "Authorization-code hash",
	CheckSub:       "Subject (user)",
	CheckAuthTime:  "Sign-in time",
}

var (
	idTokenChecks     = []string{CheckFormat, CheckAlg, CheckTyp, CheckSignature, CheckIss, CheckAud, CheckAzp, CheckExp, CheckIat, CheckNbf, CheckNonce, CheckAtHash, CheckCHash, CheckSub, CheckAuthTime}
	accessTokenChecks = []string{CheckFormat, CheckAlg, CheckTyp, CheckSignature, CheckIss, CheckAud, CheckExp}
)

func mk(id string, s Status, reason string) Check {
	return Check{ID: id, Title: checkTitles[id], Status: s, Reason: reason}
}

// VerifyIDToken runs the checklist of OpenID Connect Core §3.1.3.7 on raw.
// The Report always lists every check (and is returned even on failure); err
// is a *VerifyError exactly when the report is not OK.
func (v *Verifier) VerifyIDToken(ctx context.Context, raw string, exp Expect) (*Report, error) {
	d, rep, err := v.decode(raw, idTokenChecks, "ID token")
	if err != nil {
		return rep, err
	}
	now := v.now()
	algOK, algCheck := checkAlg(d)
	rep.Checks = append(rep.Checks,
		algCheck,
		checkIDTokenTyp(d),
		v.checkSignature(ctx, d, algOK),
		checkIssuer(d, exp.Issuer),
		checkAudience(d, exp.ClientID, exp.TrustedAudiences),
		checkAzp(d, exp.ClientID),
		v.checkExp(d, now),
		v.checkIat(d, now),
		v.checkNbf(d, now),
		checkNonce(d, exp.Nonce),
		checkHalfHash(d, CheckAtHash, exp.AccessToken, "access token"),
		checkHalfHash(d, CheckCHash, exp.Code, "authorization code"),
		checkSub(d),
		v.checkAuthTime(d, now, exp),
	)
	return rep, rep.err("ID token", nil)
}

// VerifyAccessToken checks what a client may check on an access token it
// holds: signature, algorithm, type, issuer and expiry. Its audience is the
// API (resource) it is meant for, not this app, so aud is not applicable
// (RFC 6749 §1.4: access tokens are opaque to the client). A passing report
// is for display only and is never proof of who signed in.
func (v *Verifier) VerifyAccessToken(ctx context.Context, raw string, issuer string) (*Report, error) {
	d, rep, err := v.decode(raw, accessTokenChecks, "access token")
	if err != nil {
		return rep, err
	}
	now := v.now()
	algOK, algCheck := checkAlg(d)
	rep.Checks = append(rep.Checks,
		algCheck,
		checkAccessTokenTyp(d),
		v.checkSignature(ctx, d, algOK),
		checkIssuer(d, issuer),
		mk(CheckAud, NotApplicable, "An access token is addressed to the API it is meant for, not to this app, so its audience is not checked here."),
		v.checkExp(d, now),
	)
	return rep, rep.err("access token", nil)
}

func (r *Report) err(what string, cause error) error {
	if r.OK() {
		return nil
	}
	return &VerifyError{What: what, Failed: r.Failed(), Cause: cause}
}

// decode runs Decode and, on failure, builds the report that says why with
// every other check marked as not run.
func (v *Verifier) decode(raw string, ids []string, what string) (*Decoded, *Report, error) {
	d, err := Decode(raw)
	checks := make([]Check, 1, len(ids))
	if err == nil {
		checks[0] = mk(CheckFormat, Passed, "A signed JWT in three parts, readable as JSON.")
		return d, &Report{Token: d, Checks: checks}, nil
	}
	checks[0] = mk(CheckFormat, Failed, explainDecodeError(err))
	rep := &Report{Checks: checks}
	for _, id := range ids[1:] {
		rep.Checks = append(rep.Checks, mk(id, NotApplicable, "Not checked, because the token could not be read."))
	}
	return nil, rep, rep.err(what, err)
}

func explainDecodeError(err error) string {
	switch {
	case errors.Is(err, ErrTooLarge):
		return fmt.Sprintf("The token is larger than %d KiB — far bigger than any PingOne token — so it was not read.", MaxTokenSize>>10)
	case errors.Is(err, ErrEncrypted):
		return "The token is encrypted (it has 5 parts: a JWE). This app does not ask for encrypted tokens and cannot read it."
	default:
		// Decode's messages describe structure only, never content.
		return "This is not a well-formed signed JWT (" + strings.TrimPrefix(err.Error(), ErrMalformed.Error()+": ") + ")."
	}
}

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
