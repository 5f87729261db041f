package token

import (
	"context"
	"errors"
	"fmt"
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
