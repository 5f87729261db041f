package token

import (
	"errors"
	"strings"
	"testing"
)

// FuzzDecode checks that Decode never panics, that only 3-part tokens within
// the size cap ever decode, and that every failure is one of the sentinels.
func FuzzDecode(f *testing.F) {
	f.Add(seg(`{"alg":"RS256","kid":"k1"}`) + "." + seg(`{"sub":"a","exp":1}`) + ".c2ln")
	f.Add("a.b.c.d.e")
	f.Add(strings.Repeat(".", 4096))
	f.Add(seg(`{"alg":"RS256"}`) + "==." + seg(`{}`) + ".")
	f.Add(seg(`{"alg":"RS256","alg":"none"}`) + "." + seg(`{}`) + ".")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		d, err := Decode(raw)
		if err != nil {
			if d != nil {
				t.Fatal("result with error")
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrEncrypted) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if strings.Count(raw, ".") == 4 && len(raw) <= MaxTokenSize && !errors.Is(err, ErrEncrypted) {
				t.Fatalf("5-part token not reported as encrypted: %v", err)
			}
			return
		}
		if strings.Count(raw, ".") != 2 {
			t.Fatalf("decoded a token with %d dots", strings.Count(raw, "."))
		}
		if len(raw) > MaxTokenSize {
			t.Fatal("decoded a token over the size cap")
		}
		if d.Header == nil || d.Claims == nil || d.Raw != raw {
			t.Fatal("incomplete result")
		}
		for i := 0; i < len(raw); i++ {
			c := raw[i]
			if !(c == '.' || c == '-' || c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
				t.Fatalf("decoded a token containing %q", c)
			}
		}
	})
}
