package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// allocBytesPerRun is the average heap allocated by f, in bytes. Unlike
// testing.AllocsPerRun it measures size, which is what must stay bounded.
func allocBytesPerRun(runs int, f func()) uint64 {
	f() // warm up
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < runs; i++ {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

func seg(s string) string { return b64([]byte(s)) }

func TestDecode_Valid(t *testing.T) {
	claims := `{"iss":"https://auth.pingone.com/e/as","exp":1795384990,"big":12345678901234567890,"nonce":"n","amr":["pwd"]}`
	raw := seg(`{"alg":"RS256","kid":"k1"}`) + "." + seg(claims) + "." + seg("sig-bytes")
	d, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if d.Raw != raw || d.HeaderString("alg") != "RS256" || d.HeaderString("kid") != "k1" {
		t.Fatalf("header = %v", d.Header)
	}
	if string(d.Signature) != "sig-bytes" {
		t.Fatalf("signature = %q", d.Signature)
	}
	// UseNumber keeps integers exact beyond float64 precision.
	if n, ok := d.Claims["big"].(json.Number); !ok || n.String() != "12345678901234567890" {
		t.Fatalf("big = %#v", d.Claims["big"])
	}
	if d.ClaimString("iss") != "https://auth.pingone.com/e/as" {
		t.Fatalf("iss = %v", d.Claims["iss"])
	}
	// Pretty JSON keeps the issuer's member order.
	pretty := string(d.ClaimsJSON())
	if !strings.Contains(pretty, "\n  \"iss\"") || strings.Index(pretty, "iss") > strings.Index(pretty, "exp") {
		t.Fatalf("ClaimsJSON not indented in original order:\n%s", pretty)
	}
	if !json.Valid(d.HeaderJSON()) || !json.Valid(d.ClaimsJSON()) {
		t.Fatal("pretty JSON invalid")
	}
	if d.Kind != IDToken {
		t.Fatalf("kind = %v", d.Kind)
	}
}

// The indented JSON is made on demand from the decoded bytes, for the
// Verifier's Report.Token as much as for Decode.
func TestDecode_RawJSONOnDemand(t *testing.T) {
	header, claims := `{"alg":"RS256","kid":"k1"}`, `{"sub":"a","amr":["pwd"],"n":1.50}`
	d, err := Decode(seg(header) + "." + seg(claims) + "." + seg("sig"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ got, src []byte }{{d.HeaderJSON(), []byte(header)}, {d.ClaimsJSON(), []byte(claims)}} {
		var want bytes.Buffer
		if err := json.Indent(&want, tc.src, "", "  "); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(tc.got, want.Bytes()) {
			t.Fatalf("indented:\n%s\nwant:\n%s", tc.got, want.Bytes())
		}
	}
	// Each call returns its own copy.
	a := d.ClaimsJSON()
	a[0] = 'X'
	if d.ClaimsJSON()[0] != '{' {
		t.Fatal("ClaimsJSON shares its buffer between calls")
	}
	if (&Decoded{}).HeaderJSON() != nil {
		t.Fatal("zero Decoded has header JSON")
	}
}

func TestDecode_EmptySignatureIsDisplayable(t *testing.T) {
	// alg "none" tokens must be showable (and then rejected by the verifier).
	d, err := Decode(seg(`{"alg":"none"}`) + "." + seg(`{"sub":"x"}`) + ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Signature) != 0 {
		t.Fatal("signature not empty")
	}
}

func TestDecode_Kind(t *testing.T) {
	cases := []struct {
		header, claims string
		want           Kind
	}{
		{`{"alg":"RS256","typ":"at+jwt"}`, `{"sub":"x"}`, AccessToken},
		{`{"alg":"RS256","typ":"application/at+jwt"}`, `{"nonce":"x"}`, AccessToken},
		{`{"alg":"RS256"}`, `{"nonce":"x"}`, IDToken},
		{`{"alg":"RS256"}`, `{"at_hash":"x"}`, IDToken},
		{`{"alg":"RS256"}`, `{"scope":"openid"}`, AccessToken},
		{`{"alg":"RS256"}`, `{"client_id":"c"}`, AccessToken},
		{`{"alg":"RS256"}`, `{"sub":"x"}`, Unknown},
	}
	for _, tc := range cases {
		d, err := Decode(seg(tc.header) + "." + seg(tc.claims) + ".c2ln")
		if err != nil {
			t.Fatal(err)
		}
		if d.Kind != tc.want {
			t.Errorf("%s %s: kind %v, want %v", tc.header, tc.claims, d.Kind, tc.want)
		}
	}
	if IDToken.String() != "ID token" || AccessToken.String() != "access token" || Unknown.String() != "unknown token" {
		t.Fatal("Kind.String")
	}
}

func TestDecode_C18_StrictEncoding(t *testing.T) {
	h, c := seg(`{"alg":"RS256"}`), seg(`{"sub":"a"}`)
	cases := map[string]string{
		"padding on header":      h + "==." + c + ".c2ln",
		"padding on signature":   h + "." + c + ".c2lnbg==",
		"plus":                   h + "." + c + ".ab+c",
		"slash":                  h + "." + c + ".ab/c",
		"newline":                h + "\n." + c + ".c2ln",
		"carriage return":        h + "." + c + "\r.c2ln",
		"space":                  " " + h + "." + c + ".c2ln",
		"tab":                    h + "." + c + "\t.c2ln",
		"non-ASCII":              h + "." + c + ".c2lé",
		"non-zero trailing bits": h + "." + c + ".c2l", // "l" sets bits past the last whole byte
		"empty header":           "." + c + ".c2ln",
		"empty claims":           h + "..c2ln",
		"invalid UTF-8 claims":   h + "." + b64([]byte("{\"sub\":\"\xff\"}")) + ".c2ln",
		"duplicate alg":          seg(`{"alg":"RS256","alg":"none"}`) + "." + c + ".c2ln",
		"duplicate via escape":   seg(`{"alg":"RS256","\u0061lg":"none"}`) + "." + c + ".c2ln",
		"duplicate nested":       h + "." + seg(`{"sub":"a","x":{"y":1,"y":2}}`) + ".c2ln",
		"duplicate in array":     h + "." + seg(`{"sub":"a","x":[{"y":1,"y":2}]}`) + ".c2ln",
		"duplicate claim":        h + "." + seg(`{"sub":"a","sub":"admin"}`) + ".c2ln",
		"array payload":          h + "." + seg(`["sub"]`) + ".c2ln",
		"string payload":         h + "." + seg(`"sub"`) + ".c2ln",
		"null payload":           h + "." + seg(`null`) + ".c2ln",
		"trailing data":          h + "." + seg(`{"sub":"a"}{"sub":"b"}`) + ".c2ln",
		"trailing garbage":       h + "." + seg(`{"sub":"a"} x`) + ".c2ln",
		"not JSON":               h + "." + seg(`sub=a`) + ".c2ln",
		"truncated JSON":         h + "." + seg(`{"sub":"a"`) + ".c2ln",
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			d, err := Decode(raw)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Decode = %v, %v; want ErrMalformed", d, err)
			}
			if d != nil {
				t.Fatal("non-nil result with error")
			}
		})
	}
	// The pinned behaviour for duplicates is rejection, with a message that
	// names the member (quoted) but not its values.
	_, err := Decode(cases["duplicate alg"])
	if err == nil || !strings.Contains(err.Error(), `"alg" appears more than once`) || strings.Contains(err.Error(), "none") {
		t.Fatalf("duplicate error = %v", err)
	}
}

func TestDecode_C19_Segments(t *testing.T) {
	h, c := seg(`{"alg":"RS256"}`), seg(`{"sub":"a"}`)
	cases := map[string]struct {
		raw  string
		want error
	}{
		"empty":       {"", ErrMalformed},
		"1 segment":   {h, ErrMalformed},
		"2 segments":  {h + "." + c, ErrMalformed},
		"4 segments":  {h + "." + c + ".c2ln.x", ErrMalformed},
		"5 segments":  {seg(`{"alg":"RSA-OAEP","enc":"A256GCM"}`) + ".a.b.c.d", ErrEncrypted},
		"5 empty":     {"....", ErrEncrypted},
		"6 segments":  {h + "." + c + ".a.b.c.d", ErrMalformed},
		"only dots":   {strings.Repeat(".", 60_000), ErrMalformed},
		"10^6 dots":   {strings.Repeat(".", 1_000_000), ErrTooLarge},
		"just 2 dots": {"..", ErrMalformed},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode(tc.raw); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("bounded work on many dots", func(t *testing.T) {
		raw := strings.Repeat(".", MaxTokenSize)
		if n := allocBytesPerRun(20, func() { _, _ = Decode(raw) }); n > 4<<10 {
			t.Fatalf("%d bytes allocated per token of dots; splitting must not allocate per dot", n)
		}
	})
	t.Run("encrypted message", func(t *testing.T) {
		_, err := Decode(cases["5 segments"].raw)
		if !strings.Contains(err.Error(), "encrypted") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestDecode_C20_SizeCapBeforeParsing(t *testing.T) {
	big := strings.Repeat("A", 1<<20)
	if _, err := Decode(big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if n := allocBytesPerRun(10, func() { _, _ = Decode(big) }); n > 4<<10 {
		t.Fatalf("%d bytes allocated rejecting a 1 MB token; the cap must come first", n)
	}
	hugeHeader := seg(`{"alg":"RS256","x":"`+strings.Repeat("a", 100_000)+`"}`) + "." + seg(`{}`) + ".c2ln"
	if _, err := Decode(hugeHeader); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("100 kB header: err = %v", err)
	}
	// Exactly at the limit is read (and here fails only as malformed).
	atLimit := strings.Repeat("A", MaxTokenSize-4) + ".A.A"
	if _, err := Decode(atLimit); errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrMalformed) {
		t.Fatalf("at the limit: err = %v", err)
	}
	if _, err := Decode(atLimit + "A"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over: err = %v", err)
	}
	// A real-size, valid token just under the limit decodes.
	pad := MaxTokenSize - 200
	near := seg(`{"alg":"RS256"}`) + "." + seg(`{"x":"`+strings.Repeat("a", pad*3/4-20)+`"}`) + ".c2ln"
	if len(near) > MaxTokenSize {
		t.Fatalf("test token too long: %d", len(near))
	}
	if _, err := Decode(near); err != nil {
		t.Fatalf("token of %d bytes: %v", len(near), err)
	}
}

// Work and memory stay linear in the token, however its JSON is shaped.
func TestDecode_BoundedAllocationNearTheCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"a":[`)
	for b.Len() < MaxTokenSize*3/4-100 {
		b.WriteString(`"\n",`)
	}
	b.WriteString(`"\n"],"b":{}}`)
	raw := seg(`{"alg":"RS256"}`) + "." + seg(b.String()) + ".c2ln"
	if len(raw) > MaxTokenSize {
		t.Fatalf("test token too long: %d", len(raw))
	}
	if _, err := Decode(raw); err != nil {
		t.Fatal(err)
	}
	if n := allocBytesPerRun(5, func() { _, _ = Decode(raw) }); n > 16*MaxTokenSize {
		t.Fatalf("%d bytes allocated decoding a %d-byte token of escaped strings", n, len(raw))
	}
}

func TestDecode_ErrorsDoNotEchoContent(t *testing.T) {
	secret := "SECRETCLAIMVALUE"
	raw := seg(`{"alg":"RS256"}`) + "." + seg(`{"sub":"`+secret+`"`) + ".c2ln"
	_, err := Decode(raw)
	if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), raw[:20]) {
		t.Fatalf("err = %v", err)
	}
}

func TestDecode_NestingDepthCapped(t *testing.T) {
	nested := func(levels int) string {
		// The claims object is level 1; each array adds one.
		return seg(`{"alg":"RS256"}`) + "." + seg(`{"a":`+strings.Repeat("[", levels-1)+strings.Repeat("]", levels-1)+`}`) + ".c2ln"
	}
	if _, err := Decode(nested(maxJSONDepth)); err != nil {
		t.Fatalf("%d levels: %v", maxJSONDepth, err)
	}
	for _, levels := range []int{maxJSONDepth + 1, 9000} {
		if _, err := Decode(nested(levels)); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "nested") {
			t.Fatalf("%d levels: err = %v", levels, err)
		}
	}
	deepObjects := seg(`{"alg":"RS256"}`) + "." + seg(strings.Repeat(`{"a":`, 40)+"1"+strings.Repeat("}", 40)) + ".c2ln"
	if _, err := Decode(deepObjects); !errors.Is(err, ErrMalformed) {
		t.Fatalf("40 nested objects: err = %v", err)
	}
}
