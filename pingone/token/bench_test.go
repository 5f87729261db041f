package token

import (
	"context"
	"testing"
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

func BenchmarkVerifyIDToken(b *testing.B) {
	f := newFixture(b)
	raw := f.idToken(b, nil)
	ctx := context.Background()
	if _, err := f.v.VerifyIDToken(ctx, raw, expect()); err != nil { // warm the key cache
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.v.VerifyIDToken(ctx, raw, expect()); err != nil {
			b.Fatal(err)
		}
	}
}
