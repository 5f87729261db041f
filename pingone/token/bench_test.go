package token

import (
	"context"
	"crypto/rsa"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

func BenchmarkDecode(b *testing.B) {
	f := newFixture(b)
	raw := f.idToken(b, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyIDToken compares the Verifier, with its key set already
// cached, against the plain thing a developer would write with
// golang-jwt/jwt/v5 and the RSA public key in hand: ParseWithClaims, RS256
// only (RFC 8725 §3.1), into MapClaims. Both verify the same token.
func BenchmarkVerifyIDToken(b *testing.B) {
	f := newFixture(b)
	raw := f.idToken(b, nil)
	ctx := context.Background()

	b.Run("desk", func(b *testing.B) {
		if _, err := f.v.VerifyIDToken(ctx, raw, expect()); err != nil { // warm the key cache
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			rep, err := f.v.VerifyIDToken(ctx, raw, expect())
			if err != nil || !rep.OK() {
				b.Fatal(err)
			}
		}
	})

	b.Run("reference", func(b *testing.B) {
		var pub *rsa.PublicKey = &mainKey(b).PublicKey
		// The fixture's clock, so that exp and iat are checked at the
		// same instant as on the desk side.
		parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(f.clock.Now))
		keyFunc := func(*jwt.Token) (any, error) { return pub, nil }
		b.ReportAllocs()
		for b.Loop() {
			tok, err := parser.ParseWithClaims(raw, jwt.MapClaims{}, keyFunc)
			if err != nil || !tok.Valid {
				b.Fatal(err)
			}
		}
	})
}
