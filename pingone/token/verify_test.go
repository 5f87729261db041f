package token

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestVerify_RS256HappyPath(t *testing.T) {
	f := newFixture(t)
	raw := f.idToken(t, nil)
	rep, err := f.verify(t, raw, expect())
	if err != nil {
		t.Fatalf("valid token rejected: %v", err)
	}
	for _, c := range rep.Checks {
		if c.Status == Failed {
			t.Errorf("check %s failed: %s", c.ID, c.Reason)
		}
	}
	for _, id := range idTokenChecks {
		if _, ok := rep.Check(id); !ok {
			t.Errorf("check %q missing from report", id)
		}
	}
	assertCheck(t, rep, CheckSignature, Passed, "")
	assertCheck(t, rep, CheckNonce, Passed, "Matches the value this app sent")
	assertCheck(t, rep, CheckAtHash, Passed, "")
	assertCheck(t, rep, CheckCHash, NotApplicable, "")
	assertCheck(t, rep, CheckNbf, NotApplicable, "")
	assertCheck(t, rep, CheckExp, Passed, "in 1 hour")
	if rep.Token == nil || rep.Token.Kind != IDToken {
		t.Fatalf("report token kind = %v, want ID token", rep.Token)
	}
	if got := f.keys.Fetches(); got != 1 {
		t.Fatalf("JWKS fetched %d times, want 1", got)
	}
	// A second verification uses the cache.
	if _, err := f.verify(t, raw, expect()); err != nil {
		t.Fatal(err)
	}
	if got := f.jwks.hits.Load(); got != 1 {
		t.Fatalf("JWKS endpoint hit %d times, want 1", got)
	}
}

func TestVerify_C1_AlgNone(t *testing.T) {
	f := newFixture(t)
	for _, alg := range []string{"none", "None", "NONE"} {
		t.Run(alg, func(t *testing.T) {
			h, _ := json.Marshal(map[string]any{"alg": alg, "kid": "k1"})
			c, _ := json.Marshal(idClaims(t0))
			raw := b64(h) + "." + b64(c) + "."
			rep, err := f.verify(t, raw, expect())
			assertRejected(t, rep, err, CheckAlg)
			assertCheck(t, rep, CheckAlg, Failed, "not signed")
			assertCheck(t, rep, CheckSignature, Failed, "")
			if !errors.Is(err, ErrRejected) {
				t.Fatalf("error %v is not ErrRejected", err)
			}
		})
	}
	if f.jwks.hits.Load() != 0 {
		t.Fatal("alg none must be rejected without fetching keys")
	}
}

func TestVerify_C2_HS256WithPublicKeyAsSecret(t *testing.T) {
	f := newFixture(t)
	pub := &mainKey(t).PublicKey
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	jwkBytes, _ := json.Marshal(rsaJWK("k1", pub))
	for name, secret := range map[string][]byte{"PEM": pemBytes, "DER": der, "JWK": jwkBytes, "modulus": pub.N.Bytes()} {
		for _, alg := range []string{"HS256", "HS384", "HS512"} {
			t.Run(name+"/"+alg, func(t *testing.T) {
				method := jwt.GetSigningMethod(alg)
				raw := signWith(t, method, secret, map[string]any{"alg": alg, "kid": "k1"}, idClaims(t0))
				rep, err := f.verify(t, raw, expect())
				assertRejected(t, rep, err, CheckAlg)
				assertCheck(t, rep, CheckAlg, Failed, "shared-secret")
				assertCheck(t, rep, CheckSignature, Failed, "")
			})
		}
	}
	// Also hand-rolled, to be independent of golang-jwt's HMAC code.
	h := b64([]byte(`{"alg":"HS256","kid":"k1"}`))
	c, _ := json.Marshal(idClaims(t0))
	input := h + "." + b64(c)
	mac := hmac.New(sha256.New, pemBytes)
	mac.Write([]byte(input))
	rep, err := f.verify(t, input+"."+b64(mac.Sum(nil)), expect())
	assertRejected(t, rep, err, CheckAlg)
}

func TestVerify_C3_AlgorithmsOutsideAllowList(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t,
		rsaJWK("k1", &mainKey(t).PublicKey),
		// The same kind of key, but published for RS512 only: an RS256
		// token must not be verified with it (one key, one algorithm).
		func() map[string]any { j := rsaJWK("k512", &rotatedKey(t).PublicKey); j["alg"] = "RS512"; return j }(),
	)
	cases := []struct {
		name   string
		method jwt.SigningMethod
		key    any
		kid    string
		failOn string
		reason string
	}{
		{"RS512 valid signature", jwt.SigningMethodRS512, mainKey(t), "k1", CheckAlg, `"RS512"`},
		{"RS384 valid signature", jwt.SigningMethodRS384, mainKey(t), "k1", CheckAlg, `"RS384"`},
		{"PS256 valid signature", jwt.SigningMethodPS256, mainKey(t), "k1", CheckAlg, `"PS256"`},
		{"ES256", jwt.SigningMethodES256, ecKey, "k1", CheckAlg, `"ES256"`},
		{"RS256 with a key published for RS512", jwt.SigningMethodRS256, rotatedKey(t), "k512", CheckSignature, "RS512"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := signWith(t, tc.method, tc.key, map[string]any{"alg": tc.method.Alg(), "kid": tc.kid}, idClaims(t0))
			rep, err := f.verify(t, raw, expect())
			assertRejected(t, rep, err, tc.failOn)
			assertCheck(t, rep, tc.failOn, Failed, tc.reason)
			assertCheck(t, rep, CheckSignature, Failed, "")
		})
	}
}

func TestVerify_C4_UnknownKidRejectedWithOneRefetch(t *testing.T) {
	f := newFixture(t)
	// Warm the cache.
	if _, err := f.verify(t, f.idToken(t, nil), expect()); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Minute) // the next unknown kid may refetch once
	for i := 0; i < 25; i++ {
		raw := signWith(t, jwt.SigningMethodRS256, attackerKey(t), rs256Header(fmt.Sprintf("random-%d", i)), idClaims(f.clock.Now()))
		rep, err := f.verify(t, raw, expect())
		assertRejected(t, rep, err, CheckSignature)
		assertCheck(t, rep, CheckSignature, Failed, "does not publish")
	}
	if got := f.jwks.hits.Load(); got != 2 {
		t.Fatalf("JWKS endpoint hit %d times for 25 random kids, want 2 (initial + one refetch)", got)
	}
}

func TestVerify_C5_KidAbsent(t *testing.T) {
	noKid := func(key any) func(t *testing.T) string {
		return func(t *testing.T) string {
			return signWith(t, jwt.SigningMethodRS256, key, map[string]any{"alg": "RS256"}, idClaims(t0))
		}
	}
	cases := []struct {
		name   string
		jwks   []any
		token  func(t *testing.T) string
		accept bool
	}{
		{"single key in JWKS", []any{rsaJWK("k1", &mainKey(t).PublicKey)}, noKid(mainKey(t)), true},
		{"several keys, one matches", []any{rsaJWK("k2", &rotatedKey(t).PublicKey), rsaJWK("k1", &mainKey(t).PublicKey)}, noKid(mainKey(t)), true},
		{"several keys, none matches", []any{rsaJWK("k2", &rotatedKey(t).PublicKey), rsaJWK("k1", &mainKey(t).PublicKey)}, noKid(attackerKey(t)), false},
		{"kid of wrong type", []any{rsaJWK("k1", &mainKey(t).PublicKey)}, func(t *testing.T) string {
			return signWith(t, jwt.SigningMethodRS256, mainKey(t), map[string]any{"alg": "RS256", "kid": 1}, idClaims(t0))
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.jwks...)
			rep, err := f.verify(t, tc.token(t), expect())
			if tc.accept {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			assertRejected(t, rep, err, CheckSignature)
		})
	}
}

func TestVerify_C6_KeyRotation(t *testing.T) {
	f := newFixture(t)
	if _, err := f.verify(t, f.idToken(t, nil), expect()); err != nil {
		t.Fatal(err)
	}
	// PingOne rotates: k1 retired, k2 published.
	f.jwks.setKeys(rsaJWK("k2", &rotatedKey(t).PublicKey))
	signK2 := func() string {
		return signWith(t, jwt.SigningMethodRS256, rotatedKey(t), rs256Header("k2"), idClaims(f.clock.Now()))
	}

	// Ten seconds after the last fetch, well inside the interval: the new
	// kid is fetched at once.
	f.clock.Advance(10 * time.Second)
	if _, err := f.verify(t, signK2(), expect()); err != nil {
		t.Fatalf("rotated key not accepted at once: %v", err)
	}
	if got := f.keys.Fetches(); got != 2 {
		t.Fatalf("fetches = %d, want 2", got)
	}

	// The retired key is gone from the cache.
	rep, err := f.verify(t, f.idToken(t, nil), expect())
	assertRejected(t, rep, err, CheckSignature)
	if got := f.keys.Fetches(); got != 2 {
		t.Fatalf("fetches = %d, want still 2", got)
	}
}

func TestVerify_C7_HeaderKeyHintsIgnored(t *testing.T) {
	attacker, attackerHits := countingServer(t, "{}")
	akey := attackerKey(t)
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "evil"}, NotBefore: t0.Add(-time.Hour), NotAfter: t0.Add(time.Hour)}
	certDER, err := x509.CreateCertificate(rand.Reader, template, template, &akey.PublicKey, akey)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[string]any{
		"jku": attacker.URL + "/jwks.json",
		"x5u": attacker.URL + "/cert.pem",
		"jwk": rsaJWK("evil", &akey.PublicKey),
		"x5c": []string{base64.StdEncoding.EncodeToString(certDER)},
	}
	f := newFixture(t)

	for name, kid := range map[string]string{"kid of issuer key": "k1", "kid of embedded key": "evil", "no kid": ""} {
		t.Run("attacker signed/"+name, func(t *testing.T) {
			h := map[string]any{"alg": "RS256"}
			for k, v := range hints {
				h[k] = v
			}
			if kid != "" {
				h["kid"] = kid
			}
			raw := signWith(t, jwt.SigningMethodRS256, akey, h, idClaims(t0))
			rep, err := f.verify(t, raw, expect())
			assertRejected(t, rep, err, CheckSignature)
			ar, aerr := f.v.VerifyAccessToken(context.Background(), raw, testIssuer)
			assertConsistent(t, ar, aerr)
			assertRejected(t, ar, aerr, CheckSignature)
		})
	}
	t.Run("issuer signed with hints", func(t *testing.T) {
		raw := f.idToken(t, func(h, c map[string]any) {
			for k, v := range hints {
				h[k] = v
			}
		})
		rep, err := f.verify(t, raw, expect())
		if err != nil {
			t.Fatalf("issuer-signed token rejected: %v", err)
		}
		assertCheck(t, rep, CheckAlg, Passed, "ignored")
	})
	if n := attackerHits.Load(); n != 0 {
		t.Fatalf("attacker URL from jku/x5u was requested %d times, want 0", n)
	}
}

func TestVerify_C8_UnknownCritRejected(t *testing.T) {
	f := newFixture(t)
	raw := f.idToken(t, func(h, c map[string]any) { h["crit"] = []string{"exp-ext"}; h["exp-ext"] = true })
	rep, err := f.verify(t, raw, expect())
	assertRejected(t, rep, err, CheckAlg)
	assertCheck(t, rep, CheckAlg, Failed, "crit")
}

func TestVerify_C9_Expiry(t *testing.T) {
	cases := []struct {
		name   string
		exp    any // nil: remove the claim
		want   Status
		reason string
		hint   bool
	}{
		{"expired 3 minutes", unix(t0.Add(-3 * time.Minute)), Failed, "expired 3 minutes ago", false},
		{"expired at the leeway edge", unix(t0.Add(-60 * time.Second)), Failed, "expired 1 minute ago", false},
		{"expired just inside the leeway", unix(t0.Add(-59 * time.Second)), Passed, "within the 1 minute allowed", false},
		{"expires at now+leeway", unix(t0.Add(60 * time.Second)), Passed, "in 1 minute", false},
		{"expires exactly now", unix(t0), Passed, "within", false},
		{"missing", nil, Failed, "no expiry", false},
		{"string", fmt.Sprint(unix(t0.Add(time.Hour))), Failed, "text, but it must be a number", false},
		{"negative", -5, Failed, "out of range", false},
		{"absurdly large", 1e300, Failed, "out of range", false},
		{"fractional", float64(unix(t0.Add(time.Hour))) + 0.5, Passed, "in 1 hour", false},
		{"expired 2 hours", unix(t0.Add(-2 * time.Hour)), Failed, "expired 2 hours ago", true},
	}
	f := newFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := f.idToken(t, func(h, c map[string]any) {
				if tc.exp == nil {
					delete(c, "exp")
				} else {
					c["exp"] = tc.exp
				}
				c["iat"] = unix(t0.Add(-3 * time.Hour)) // keep iat valid for every case
			})
			rep, err := f.verify(t, raw, expect())
			assertCheck(t, rep, CheckExp, tc.want, tc.reason)
			if tc.want == Passed && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if tc.want == Failed && err == nil {
				t.Fatal("accepted")
			}
			c, _ := rep.Check(CheckExp)
			if got := strings.Contains(c.Reason, "clock may be wrong"); got != tc.hint {
				t.Fatalf("clock hint = %v, want %v (%s)", got, tc.hint, c.Reason)
			}
		})
	}
}

func TestVerify_C9_LeewayIsConfigurable(t *testing.T) {
	f := newFixture(t)
	v := NewVerifier(VerifierOptions{Keys: f.keys, Now: f.clock.Now, Leeway: 2 * time.Minute})
	raw := f.idToken(t, func(h, c map[string]any) { c["exp"] = unix(t0.Add(-90 * time.Second)) })
	if _, err := v.VerifyIDToken(context.Background(), raw, expect()); err != nil {
		t.Fatalf("90 s late with 2 min leeway rejected: %v", err)
	}
	if _, err := f.verify(t, raw, expect()); err == nil {
		t.Fatal("90 s late with the default 60 s leeway accepted")
	}
}

func TestVerify_C10_NotBefore(t *testing.T) {
	cases := []struct {
		name   string
		nbf    any
		want   Status
		reason string
	}{
		{"future beyond leeway", unix(t0.Add(61 * time.Second)), Failed, "not valid yet"},
		{"far future", unix(t0.Add(10 * time.Minute)), Failed, "clock may be wrong"},
		{"future within leeway", unix(t0.Add(30 * time.Second)), Passed, ""},
		{"past", unix(t0.Add(-time.Minute)), Passed, "1 minute ago"},
		{"string", "soon", Failed, "text, but it must be a number"},
	}
	f := newFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := f.idToken(t, func(h, c map[string]any) { c["nbf"] = tc.nbf })
			rep, err := f.verify(t, raw, expect())
			assertCheck(t, rep, CheckNbf, tc.want, tc.reason)
			if (tc.want == Failed) != (err != nil) {
				t.Fatalf("err = %v for nbf status %v", err, tc.want)
			}
		})
	}
}

func TestVerify_C11_IssuedAt(t *testing.T) {
	cases := []struct {
		name   string
		iat    any
		want   Status
		reason string
	}{
		{"missing", nil, Failed, "no issue time"},
		{"1 day in the future", unix(t0.Add(24 * time.Hour)), Failed, "1 day in the future"},
		{"1 year old", unix(t0.Add(-365 * 24 * time.Hour)), Failed, "issued 1 year ago"},
		{"string", "yesterday", Failed, "text, but it must be a number"},
		{"boolean", true, Failed, "not a number of seconds"},
		{"2 minutes in the future", unix(t0.Add(2 * time.Minute)), Passed, ""},
		{"1 hour old", unix(t0.Add(-time.Hour)), Passed, "1 hour ago"},
	}
	f := newFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := f.idToken(t, func(h, c map[string]any) {
				if tc.iat == nil {
					delete(c, "iat")
				} else {
					c["iat"] = tc.iat
				}
				c["exp"] = unix(t0.Add(48 * time.Hour))
			})
			rep, err := f.verify(t, raw, expect())
			assertCheck(t, rep, CheckIat, tc.want, tc.reason)
			if (tc.want == Failed) != (err != nil) {
				t.Fatalf("err = %v for iat status %v", err, tc.want)
			}
		})
	}
}

func TestVerify_C12_Issuer(t *testing.T) {
	cases := map[string]any{
		"other environment": "https://auth.pingone.com/00000000-0b0e-4cf8-9b37-5d0c0a6ee4f1/as",
		"trailing slash":    testIssuer + "/",
		"http scheme":       strings.Replace(testIssuer, "https://", "http://", 1),
		"other region":      strings.Replace(testIssuer, "pingone.com", "pingone.eu", 1),
		"case change":       strings.ToUpper(testIssuer),
		"prefix attack":     testIssuer + ".evil.example",
		"empty":             "",
		"not a string":      42,
		"missing":           nil,
	}
	f := newFixture(t)
	for name, iss := range cases {
		t.Run(name, func(t *testing.T) {
			raw := f.idToken(t, func(h, c map[string]any) {
				if iss == nil {
					delete(c, "iss")
				} else {
					c["iss"] = iss
				}
			})
			rep, err := f.verify(t, raw, expect())
			assertRejected(t, rep, err, CheckIss)
		})
	}
	t.Run("hints", func(t *testing.T) {
		for iss, hint := range map[string]string{
			testIssuer + "/": "trailing slash",
			strings.Replace(testIssuer, "pingone.com", "pingone.eu", 1): "region",
			strings.ToUpper(testIssuer):                                 "upper/lower case",
		} {
			raw := f.idToken(t, func(h, c map[string]any) { c["iss"] = iss })
			rep, _ := f.verify(t, raw, expect())
			assertCheck(t, rep, CheckIss, Failed, hint)
		}
	})
	t.Run("no expected issuer fails closed", func(t *testing.T) {
		e := expect()
		e.Issuer = ""
		rep, err := f.verify(t, f.idToken(t, nil), e)
		assertRejected(t, rep, err, CheckIss)
	})
}

func TestVerify_C13_AudienceAndAzp(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(c map[string]any)
		trusted []string
		failOn  string // "" = accepted
	}{
		{"aud is another client", func(c map[string]any) { c["aud"] = "someone-else" }, nil, CheckAud},
		{"aud missing", func(c map[string]any) { delete(c, "aud") }, nil, CheckAud},
		{"aud empty array", func(c map[string]any) { c["aud"] = []string{} }, nil, CheckAud},
		{"aud number", func(c map[string]any) { c["aud"] = 7 }, nil, CheckAud},
		{"aud array with unknown audience", func(c map[string]any) {
			c["aud"] = []string{testClientID, "https://unknown.example"}
			c["azp"] = testClientID
		}, nil, CheckAud},
		{"aud array with trusted audience and azp", func(c map[string]any) {
			c["aud"] = []string{testClientID, "https://api.example"}
			c["azp"] = testClientID
		}, []string{"https://api.example"}, ""},
		{"aud array without azp", func(c map[string]any) {
			c["aud"] = []string{testClientID, "https://api.example"}
		}, []string{"https://api.example"}, CheckAzp},
		{"azp is another client", func(c map[string]any) { c["azp"] = "someone-else" }, nil, CheckAzp},
		{"azp equals client", func(c map[string]any) { c["azp"] = testClientID }, nil, ""},
		{"aud array of one", func(c map[string]any) { c["aud"] = []string{testClientID} }, nil, ""},
	}
	f := newFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := f.idToken(t, func(h, c map[string]any) { tc.mutate(c) })
			e := expect()
			e.TrustedAudiences = tc.trusted
			rep, err := f.verify(t, raw, e)
			if tc.failOn == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			assertRejected(t, rep, err, tc.failOn)
		})
	}
}

func TestVerify_C14_Nonce(t *testing.T) {
	const older = "n-OLDERATTEMPT-9f8e7d6c"
	cases := []struct {
		name   string
		nonce  any // nil: claim removed
		want   string
		status Status
	}{
		{"missing", nil, testNonce, Failed},
		{"different", "n-something-else", testNonce, Failed},
		{"replayed from an older attempt", older, testNonce, Failed},
		{"not a string", 12345, testNonce, Failed},
		{"matches", testNonce, testNonce, Passed},
		{"none sent", testNonce, "", NotApplicable},
	}
	f := newFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := f.idToken(t, func(h, c map[string]any) {
				if tc.nonce == nil {
					delete(c, "nonce")
				} else {
					c["nonce"] = tc.nonce
				}
			})
			e := expect()
			e.Nonce = tc.want
			rep, err := f.verify(t, raw, e)
			assertCheck(t, rep, CheckNonce, tc.status, "")
			if (tc.status == Failed) != (err != nil) {
				t.Fatalf("err = %v for nonce status %v", err, tc.status)
			}
			// Nonces are one-time secrets: never echoed.
			for _, c := range rep.Checks {
				for _, n := range []string{testNonce, older, "n-something-else"} {
					if strings.Contains(c.Reason, n) {
						t.Fatalf("check %s reveals a nonce: %s", c.ID, c.Reason)
					}
				}
			}
			if err != nil && strings.Contains(err.Error(), testNonce) {
				t.Fatal("error reveals the nonce")
			}
		})
	}
}

func TestVerify_C15_Subject(t *testing.T) {
	cases := map[string]any{
		"missing":      nil,
		"empty":        "",
		"not a string": 123,
		"too long":     strings.Repeat("a", 256),
	}
	f := newFixture(t)
	for name, sub := range cases {
		t.Run(name, func(t *testing.T) {
			raw := f.idToken(t, func(h, c map[string]any) {
				if sub == nil {
					delete(c, "sub")
				} else {
					c["sub"] = sub
				}
			})
			rep, err := f.verify(t, raw, expect())
			assertRejected(t, rep, err, CheckSub)
		})
	}
}

func TestVerify_C16_AtHashAndCHash(t *testing.T) {
	cases := []struct {
		name   string
		claims map[string]any
		access string
		code   string
		check  string
		want   Status
	}{
		{"at_hash wrong", map[string]any{"at_hash": HalfHash("another access token")}, testAccess, "", CheckAtHash, Failed},
		{"at_hash not a string", map[string]any{"at_hash": 1}, testAccess, "", CheckAtHash, Failed},
		{"at_hash right", map[string]any{"at_hash": HalfHash(testAccess)}, testAccess, "", CheckAtHash, Passed},
		{"at_hash without access token to compare", map[string]any{"at_hash": HalfHash(testAccess)}, "", "", CheckAtHash, NotApplicable},
		{"at_hash absent", map[string]any{"at_hash": nil}, testAccess, "", CheckAtHash, NotApplicable},
		{"c_hash wrong", map[string]any{"c_hash": HalfHash("another code")}, testAccess, testCode, CheckCHash, Failed},
		{"c_hash right", map[string]any{"c_hash": HalfHash(testCode)}, testAccess, testCode, CheckCHash, Passed},
	}
	f := newFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := f.idToken(t, func(h, c map[string]any) {
				for k, v := range tc.claims {
					if v == nil {
						delete(c, k)
					} else {
						c[k] = v
					}
				}
			})
			e := expect()
			e.AccessToken, e.Code = tc.access, tc.code
			rep, err := f.verify(t, raw, e)
			assertCheck(t, rep, tc.check, tc.want, "")
			if (tc.want == Failed) != (err != nil) {
				t.Fatalf("err = %v for %s status %v", err, tc.check, tc.want)
			}
		})
	}
}

func TestHalfHash_OIDCCoreExamples(t *testing.T) {
	// OpenID Connect Core 1.0, Appendix A.3 / A.4 (RS256 examples).
	if got := HalfHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"); got != "77QmUPtjPfzWtF2AnpK9RQ" {
		t.Fatalf("at_hash = %s", got)
	}
	if got := HalfHash("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"); got != "LDktKdoQak3Pk0cnXxCltA" {
		t.Fatalf("c_hash = %s", got)
	}
}

func TestVerify_C17_Tampered(t *testing.T) {
	f := newFixture(t)
	raw := f.idToken(t, nil)
	parts := strings.Split(raw, ".")

	t.Run("claim changed, signature kept", func(t *testing.T) {
		c := idClaims(t0)
		c["sub"] = "admin"
		cb, _ := json.Marshal(c)
		rep, err := f.verify(t, parts[0]+"."+b64(cb)+"."+parts[2], expect())
		assertRejected(t, rep, err, CheckSignature)
		assertCheck(t, rep, CheckSignature, Failed, "does not match")
	})
	t.Run("one bit flipped in signature", func(t *testing.T) {
		sig, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil {
			t.Fatal(err)
		}
		sig[len(sig)/2] ^= 0x01
		rep, verr := f.verify(t, parts[0]+"."+parts[1]+"."+b64(sig), expect())
		assertRejected(t, rep, verr, CheckSignature)
	})
	t.Run("signature truncated", func(t *testing.T) {
		rep, err := f.verify(t, parts[0]+"."+parts[1]+"."+parts[2][:40], expect())
		assertRejected(t, rep, err, CheckSignature)
	})
	t.Run("signature removed", func(t *testing.T) {
		rep, err := f.verify(t, parts[0]+"."+parts[1]+".", expect())
		assertRejected(t, rep, err, CheckSignature)
	})
}

func TestVerify_C18_StrictDecodingReportedAsFormat(t *testing.T) {
	f := newFixture(t)
	raw := f.idToken(t, nil)
	dupHeader := signRaw(t, jwt.SigningMethodRS256, mainKey(t), `{"alg":"RS256","alg":"none","kid":"k1"}`, mustJSON(idClaims(t0)))
	p := strings.Index(raw, ".") + 1 // first byte of the payload
	for name, tok := range map[string]string{
		"padding":          strings.Replace(raw, ".", "=.", 1),
		"newline":          raw[:10] + "\n" + raw[10:],
		"space":            raw[:10] + " " + raw[10:],
		"duplicate alg":    dupHeader,
		"plus in payload":  raw[:p] + "+" + raw[p+1:],
		"slash in payload": raw[:p] + "/" + raw[p+1:],
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := f.verify(t, tok, expect())
			assertRejected(t, rep, err, CheckFormat)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			assertCheck(t, rep, CheckSignature, NotApplicable, "could not be read")
			if len(rep.Checks) != len(idTokenChecks) {
				t.Fatalf("report has %d checks, want all %d", len(rep.Checks), len(idTokenChecks))
			}
		})
	}
}

func TestVerify_C19_C20_UnreadableTokens(t *testing.T) {
	f := newFixture(t)
	cases := map[string]struct {
		raw  string
		want error
	}{
		"empty":       {"", ErrMalformed},
		"2 segments":  {"eyJhbGciOiJSUzI1NiJ9.e30", ErrMalformed},
		"4 segments":  {"a.b.c.d", ErrMalformed},
		"5 segments":  {"eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d", ErrEncrypted},
		"10^6 dots":   {strings.Repeat(".", 1_000_000), ErrTooLarge},
		"1 MB token":  {strings.Repeat("A", 1<<20), ErrTooLarge},
		"100 kB head": {strings.Repeat("A", 100_000) + ".e30.sig", ErrTooLarge},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rep, err := f.verify(t, tc.raw, expect())
			assertRejected(t, rep, err, CheckFormat)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if rep.Token != nil {
				t.Fatal("undecodable token has a Decoded")
			}
			if strings.Contains(err.Error(), "AAAA") {
				t.Fatal("error echoes token content")
			}
		})
	}
	if f.jwks.hits.Load() != 0 {
		t.Fatal("unreadable tokens triggered a JWKS fetch")
	}
	t.Run("encrypted reason", func(t *testing.T) {
		rep, _ := f.verify(t, cases["5 segments"].raw, expect())
		assertCheck(t, rep, CheckFormat, Failed, "encrypted")
	})
}

func TestVerify_C21_TokenTypeConfusion(t *testing.T) {
	f := newFixture(t)
	accessClaims := func() map[string]any {
		return map[string]any{
			"iss": testIssuer, "sub": testSub, "aud": []string{"https://api.pingone.com"},
			"client_id": testClientID, "scope": "openid profile", "iat": unix(t0), "exp": unix(t0.Add(time.Hour)),
			"env": "7d2bd0e6-0b0e-4cf8-9b37-5d0c0a6ee4f1", "org": "a1b2c3d4-0000-4000-8000-000000000000",
		}
	}
	t.Run("at+jwt presented as ID token", func(t *testing.T) {
		for _, typ := range []string{"at+jwt", "application/at+jwt", "AT+JWT"} {
			raw := f.idToken(t, func(h, c map[string]any) { h["typ"] = typ })
			rep, err := f.verify(t, raw, expect())
			assertRejected(t, rep, err, CheckTyp)
			assertCheck(t, rep, CheckTyp, Failed, "access token")
		}
	})
	t.Run("access token with aud=client id presented as ID token", func(t *testing.T) {
		c := accessClaims()
		c["aud"] = testClientID
		raw := signWith(t, jwt.SigningMethodRS256, mainKey(t), map[string]any{"alg": "RS256", "kid": "k1", "typ": "at+jwt"}, c)
		rep, err := f.verify(t, raw, Expect{Issuer: testIssuer, ClientID: testClientID})
		assertRejected(t, rep, err, CheckTyp)
	})
	t.Run("unknown typ presented as ID token", func(t *testing.T) {
		raw := f.idToken(t, func(h, c map[string]any) { h["typ"] = "logout+jwt" })
		rep, err := f.verify(t, raw, expect())
		assertRejected(t, rep, err, CheckTyp)
	})
	t.Run("ID token presented as access token", func(t *testing.T) {
		rep, err := f.v.VerifyAccessToken(context.Background(), f.idToken(t, nil), testIssuer)
		assertConsistent(t, rep, err)
		assertRejected(t, rep, err, CheckTyp)
		assertCheck(t, rep, CheckTyp, Failed, "ID token")
	})
	t.Run("access token verified as access token (C25)", func(t *testing.T) {
		for _, typ := range []string{"at+jwt", "JWT", ""} {
			h := map[string]any{"alg": "RS256", "kid": "k1"}
			if typ != "" {
				h["typ"] = typ
			}
			raw := signWith(t, jwt.SigningMethodRS256, mainKey(t), h, accessClaims())
			rep, err := f.v.VerifyAccessToken(context.Background(), raw, testIssuer)
			assertConsistent(t, rep, err)
			if err != nil {
				t.Fatalf("typ %q: %v", typ, err)
			}
			assertCheck(t, rep, CheckAud, NotApplicable, "")
			if len(rep.Checks) != len(accessTokenChecks) {
				t.Fatalf("access-token report has %d checks, want %d", len(rep.Checks), len(accessTokenChecks))
			}
			if rep.Token.Kind != AccessToken {
				t.Fatalf("kind = %v", rep.Token.Kind)
			}
		}
	})
	t.Run("expired access token", func(t *testing.T) {
		c := accessClaims()
		c["exp"] = unix(t0.Add(-10 * time.Minute))
		raw := signWith(t, jwt.SigningMethodRS256, mainKey(t), map[string]any{"alg": "RS256", "kid": "k1", "typ": "at+jwt"}, c)
		rep, err := f.v.VerifyAccessToken(context.Background(), raw, testIssuer)
		assertConsistent(t, rep, err)
		assertRejected(t, rep, err, CheckExp)
	})
	t.Run("access token from another issuer", func(t *testing.T) {
		raw := signWith(t, jwt.SigningMethodRS256, mainKey(t), map[string]any{"alg": "RS256", "kid": "k1", "typ": "at+jwt"}, accessClaims())
		rep, err := f.v.VerifyAccessToken(context.Background(), raw, testIssuer+"/")
		assertConsistent(t, rep, err)
		assertRejected(t, rep, err, CheckIss)
	})
}

func TestVerify_C24_WrongLocalClock(t *testing.T) {
	f := newFixture(t)
	raw := f.idToken(t, nil) // issued at t0 by a correct clock

	t.Run("2 hours ahead", func(t *testing.T) {
		v := NewVerifier(VerifierOptions{Keys: f.keys, Now: func() time.Time { return t0.Add(2 * time.Hour) }})
		rep, err := v.VerifyIDToken(context.Background(), raw, expect())
		assertConsistent(t, rep, err)
		assertRejected(t, rep, err, CheckExp)
		assertCheck(t, rep, CheckExp, Failed, "your computer's clock may be wrong")
	})
	t.Run("2 hours behind", func(t *testing.T) {
		v := NewVerifier(VerifierOptions{Keys: f.keys, Now: func() time.Time { return t0.Add(-2 * time.Hour) }})
		rep, err := v.VerifyIDToken(context.Background(), raw, expect())
		assertConsistent(t, rep, err)
		assertRejected(t, rep, err, CheckIat)
		assertCheck(t, rep, CheckIat, Failed, "Your computer's clock may be wrong")
	})
}

// TestVerify_H1_NoSecretsInReasons runs failing and passing verifications
// and checks that no token, nonce, code or access token reaches a reason or
// an error string.
func TestVerify_H1_NoSecretsInReasons(t *testing.T) {
	f := newFixture(t)
	canaries := []string{testNonce, testAccess, testCode, "NONCECANARY", "ACCESSCANARY", "CODECANARY"}
	tokens := []string{
		f.idToken(t, nil),
		f.idToken(t, func(h, c map[string]any) { c["nonce"] = "n-NONCECANARY-other" }),
		f.idToken(t, func(h, c map[string]any) { c["at_hash"] = "x"; c["c_hash"] = "y" }),
		f.idToken(t, func(h, c map[string]any) { c["exp"] = unix(t0.Add(-time.Hour)) }),
		signWith(t, jwt.SigningMethodRS256, attackerKey(t), rs256Header("k1"), idClaims(t0)),
	}
	e := expect()
	e.Code = testCode
	for i, raw := range tokens {
		rep, err := f.verify(t, raw, e)
		canaries := append(canaries, raw, strings.Split(raw, ".")[1], strings.Split(raw, ".")[2])
		for _, c := range rep.Checks {
			for _, s := range canaries {
				if strings.Contains(c.Reason, s) {
					t.Fatalf("token %d: check %s reveals a secret: %s", i, c.ID, c.Reason)
				}
			}
		}
		if err != nil {
			for _, s := range canaries {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("token %d: error reveals a secret: %v", i, err)
				}
			}
		}
	}
}

func TestVerify_NoKeySetFailsClosed(t *testing.T) {
	f := newFixture(t)
	v := NewVerifier(VerifierOptions{Now: f.clock.Now})
	rep, err := v.VerifyIDToken(context.Background(), f.idToken(t, nil), expect())
	assertConsistent(t, rep, err)
	assertRejected(t, rep, err, CheckSignature)
}

func TestVerifyError_Message(t *testing.T) {
	f := newFixture(t)
	raw := f.idToken(t, func(h, c map[string]any) { c["aud"] = "other"; c["exp"] = unix(t0.Add(-time.Hour)) })
	_, err := f.verify(t, raw, expect())
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("error %T is not *VerifyError", err)
	}
	if len(ve.Failed) != 2 || ve.Failed[0].ID != CheckAud || ve.Failed[1].ID != CheckExp {
		t.Fatalf("failed checks = %+v", ve.Failed)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "token: ID token rejected (aud, exp): ") {
		t.Fatalf("message = %q", msg)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
