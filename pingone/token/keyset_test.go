package token

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func newTestKeySet(t *testing.T, srv *jwksServer, clock *fakeClock, opts KeySetOptions) *KeySet {
	t.Helper()
	opts.HTTPClient = srv.Client()
	opts.Now = clock.Now
	ks, err := NewKeySet(srv.URL+"/as/jwks", opts)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func TestNewKeySet_URLRules(t *testing.T) {
	cases := map[string]bool{
		"https://auth.pingone.com/env/as/jwks":     true,
		"http://localhost:3000/env/as/jwks":        true,
		"http://127.0.0.1:8080/as/jwks":            true,
		"http://[::1]:8080/as/jwks":                true,
		"http://auth.pingone.com/env/as/jwks":      false,
		"http://127.0.0.1.evil.example/as/jwks":    false,
		"ftp://auth.pingone.com/jwks":              false,
		"https://user:pw@auth.pingone.com/as/jwks": false,
		"https://auth.pingone.com/as/jwks#frag":    false,
		"/as/jwks":                                 false,
		"":                                         false,
		"https://":                                 false,
	}
	for u, ok := range cases {
		_, err := NewKeySet(u, KeySetOptions{})
		if (err == nil) != ok {
			t.Errorf("NewKeySet(%q) err = %v, want ok=%v", u, err, ok)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("error reveals URL credentials: %v", err)
		}
	}
}

func TestKeySet_C4_RandomKidsAtMostOneRefetchPerInterval(t *testing.T) {
	clock := newClock(t0)
	srv := newJWKSServer(t, rsaJWK("k1", &mainKey(t).PublicKey))
	ks := newTestKeySet(t, srv, clock, KeySetOptions{MinRefreshInterval: time.Minute})
	ctx := context.Background()

	if _, err := ks.Key(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	// The initial fetch, then one refetch per interval however many new kids
	// arrive: the first random kid of each round refetches, the other 99 not.
	for round, want := range []int{2, 3, 4} {
		for i := 0; i < 100; i++ {
			_, err := ks.Key(ctx, fmt.Sprintf("random-%d-%d", round, i))
			if !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("random kid: err = %v, want ErrUnknownKey", err)
			}
			if i%10 == 0 {
				clock.Advance(time.Second) // 10 s in total: stays inside the interval
			}
		}
		if got := ks.Fetches(); got != want {
			t.Fatalf("round %d: %d fetches, want %d", round, got, want)
		}
		if got := srv.hits.Load(); got != int64(want) {
			t.Fatalf("round %d: server saw %d requests, want %d", round, got, want)
		}
		clock.Advance(time.Minute)
	}
	// Known keys keep working from the cache throughout.
	if _, err := ks.Key(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
}

func TestKeySet_C4_ConcurrentUnknownKids(t *testing.T) {
	clock := newClock(t0)
	srv := newJWKSServer(t, rsaJWK("k1", &mainKey(t).PublicKey))
	ks := newTestKeySet(t, srv, clock, KeySetOptions{})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			kid := fmt.Sprintf("r%d", i)
			if i%2 == 0 {
				kid = "k1"
			}
			_, err := ks.Key(context.Background(), kid)
			if kid == "k1" && err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("known kid failed under concurrency: %v", err)
	}
	// The first fetch, and one refetch for the first unknown kid after it.
	if got := srv.hits.Load(); got != 2 {
		t.Fatalf("%d JWKS requests from 64 concurrent lookups, want 2", got)
	}
}

// A key rotated in shortly after the last fetch is picked up on its first
// token, without waiting for the interval (OIDC Core §10.1.1).
func TestKeySet_C6_NewKidFetchedAtOnce(t *testing.T) {
	clock := newClock(t0)
	srv := newJWKSServer(t, rsaJWK("k1", &mainKey(t).PublicKey))
	ks := newTestKeySet(t, srv, clock, KeySetOptions{MinRefreshInterval: 30 * time.Second})
	ctx := context.Background()
	if _, err := ks.Key(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	srv.setKeys(rsaJWK("k2", &rotatedKey(t).PublicKey))
	clock.Advance(2 * time.Second)
	key, err := ks.Key(ctx, "k2")
	if err != nil {
		t.Fatalf("rotated kid inside the interval: %v", err)
	}
	if key.N.Cmp(rotatedKey(t).N) != 0 {
		t.Fatal("wrong key returned for k2")
	}
	if got := ks.Fetches(); got != 2 {
		t.Fatalf("fetches = %d, want 2 (initial + one refetch)", got)
	}
	// Replace, not merge: the retired key is gone, and asking for it does
	// not fetch again inside the interval.
	if _, err := ks.Key(ctx, "k1"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("retired key still served: %v", err)
	}
	if got := ks.Fetches(); got != 2 {
		t.Fatalf("fetches = %d after asking for the retired key, want still 2", got)
	}
}

// A kid that a fetch already looked for and did not find does not fetch
// again inside the interval, even when no refetch has been spent yet; a kid
// never looked for still does.
func TestKeySet_C4_RepeatedUnknownKidNotRefetchedWithinInterval(t *testing.T) {
	clock := newClock(t0)
	srv := newJWKSServer(t, rsaJWK("k1", &mainKey(t).PublicKey))
	ks := newTestKeySet(t, srv, clock, KeySetOptions{MinRefreshInterval: time.Minute})
	ctx := context.Background()

	// The first lookup names an unknown kid: the initial fetch looks for it.
	if _, err := ks.Key(ctx, "gone"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("err = %v, want ErrUnknownKey", err)
	}
	for i := 0; i < 20; i++ {
		clock.Advance(2 * time.Second) // 40 s: inside the interval
		if _, err := ks.Key(ctx, "gone"); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("repeat %d: err = %v, want ErrUnknownKey", i, err)
		}
	}
	if got := srv.hits.Load(); got != 1 {
		t.Fatalf("repeats of one unknown kid made %d requests, want 1", got)
	}

	// A kid never looked for still refetches at once (and finds the new key).
	srv.setKeys(rsaJWK("k1", &mainKey(t).PublicKey), rsaJWK("k2", &rotatedKey(t).PublicKey))
	if _, err := ks.Key(ctx, "k2"); err != nil {
		t.Fatalf("new kid: %v", err)
	}
	if got := srv.hits.Load(); got != 2 {
		t.Fatalf("%d requests, want 2", got)
	}

	// Once the interval has passed, the old unknown kid may be looked for again.
	clock.Advance(time.Minute)
	if _, err := ks.Key(ctx, "gone"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("err = %v", err)
	}
	if got := srv.hits.Load(); got != 3 {
		t.Fatalf("%d requests after the interval, want 3", got)
	}
}

func TestKeySet_C22_JWKSProblems(t *testing.T) {
	good := rsaJWK("k1", &mainKey(t).PublicKey)
	weak := rsaJWK("weak", &rsaKey(t, "weak1024", 1024).PublicKey)
	enc := rsaJWK("enc", &rotatedKey(t).PublicKey)
	enc["use"] = "enc"
	delete(enc, "alg")
	noVerifyOps := rsaJWK("ops", &rotatedKey(t).PublicKey)
	noVerifyOps["key_ops"] = []string{"encrypt"}
	badModulus := map[string]any{"kty": "RSA", "kid": "badn", "n": "!!not-base64!!", "e": "AQAB"}
	padded := rsaJWK("padded", &rotatedKey(t).PublicKey)
	padded["n"] = padded["n"].(string) + "=="
	evenExp := rsaJWK("evenexp", &rotatedKey(t).PublicKey)
	evenExp["e"] = "AQAA"
	ec := map[string]any{"kty": "EC", "kid": "ec", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
	oct := map[string]any{"kty": "oct", "kid": "oct", "k": "c2VjcmV0"}

	t.Run("unusable keys skipped, good ones kept", func(t *testing.T) {
		srv := newJWKSServer(t, "garbage", 42, badModulus, weak, enc, noVerifyOps, padded, evenExp, ec, oct, good)
		ks := newTestKeySet(t, srv, newClock(t0), KeySetOptions{})
		ctx := context.Background()
		if _, err := ks.Key(ctx, "k1"); err != nil {
			t.Fatalf("good key lost among bad ones: %v", err)
		}
		for kid, reason := range map[string]string{
			"weak": "too weak (1024-bit", "enc": "encryption", "ops": "verification",
			"badn": "modulus", "padded": "modulus", "evenexp": "exponent", "ec": "not an RSA key", "oct": "not an RSA key",
		} {
			_, err := ks.Key(ctx, kid)
			if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), reason) {
				t.Errorf("kid %s: err = %v, want ErrUnknownKey mentioning %q", kid, err, reason)
			}
		}
		if got := ks.Fetches(); got != 1 {
			t.Fatalf("fetches = %d, want 1", got)
		}
	})

	failing := map[string]struct {
		status int
		body   string
		reason string
	}{
		"404":          {404, "not found SECRETBODY", "HTTP 404"},
		"500":          {500, "<html>SECRETBODY</html>", "HTTP 500"},
		"invalid JSON": {200, "{not json SECRETBODY", "not valid JSON"},
		"HTML page":    {200, "<html>SECRETBODY</html>", "not valid JSON"},
		"empty keys":   {200, `{"keys":[]}`, "no usable"},
		"no keys":      {200, `{}`, "no usable"},
		"only weak":    {200, mustJSON(map[string]any{"keys": []any{weak, enc}}), "no usable"},
	}
	for name, tc := range failing {
		t.Run(name, func(t *testing.T) {
			srv := newJWKSServer(t)
			srv.setRaw(tc.status, []byte(tc.body))
			clock := newClock(t0)
			ks := newTestKeySet(t, srv, clock, KeySetOptions{})
			_, err := ks.Key(context.Background(), "k1")
			if !errors.Is(err, ErrKeysUnavailable) || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("err = %v, want ErrKeysUnavailable mentioning %q", err, tc.reason)
			}
			if strings.Contains(err.Error(), "SECRETBODY") {
				t.Fatal("error echoes the response body")
			}
			// Fail closed through the verifier too, with a plain reason.
			v := NewVerifier(VerifierOptions{Keys: ks, Now: clock.Now})
			raw := (&fixture{clock: clock}).idToken(t, nil)
			rep, verr := v.VerifyIDToken(context.Background(), raw, expect())
			assertConsistent(t, rep, verr)
			assertCheck(t, rep, CheckSignature, Failed, "Cannot verify tokens right now")
			// A failing endpoint is not hammered either.
			if got := srv.hits.Load(); got != 1 {
				t.Fatalf("failing JWKS endpoint hit %d times, want 1", got)
			}
		})
	}

	t.Run("recovers after the interval", func(t *testing.T) {
		srv := newJWKSServer(t)
		srv.setRaw(500, nil)
		clock := newClock(t0)
		ks := newTestKeySet(t, srv, clock, KeySetOptions{})
		if _, err := ks.Key(context.Background(), "k1"); !errors.Is(err, ErrKeysUnavailable) {
			t.Fatalf("err = %v", err)
		}
		srv.setKeys(good)
		clock.Advance(time.Minute)
		if _, err := ks.Key(context.Background(), "k1"); err != nil {
			t.Fatalf("not recovered: %v", err)
		}
	})

	t.Run("outage keeps cached keys", func(t *testing.T) {
		srv := newJWKSServer(t, good)
		clock := newClock(t0)
		ks := newTestKeySet(t, srv, clock, KeySetOptions{})
		if _, err := ks.Key(context.Background(), "k1"); err != nil {
			t.Fatal(err)
		}
		srv.setRaw(503, nil)
		clock.Advance(time.Hour)
		if _, err := ks.Key(context.Background(), "k9"); !errors.Is(err, ErrKeysUnavailable) {
			t.Fatalf("err = %v", err)
		}
		if _, err := ks.Key(context.Background(), "k1"); err != nil {
			t.Fatalf("cached key lost during outage: %v", err)
		}
	})
}

func TestKeySet_C23_RedirectAndSize(t *testing.T) {
	t.Run("redirect to another host refused", func(t *testing.T) {
		other, otherHits := countingServer(t, mustJSON(map[string]any{"keys": []any{rsaJWK("k1", &attackerKey(t).PublicKey)}}))
		redirector := httptest.NewServer(http.RedirectHandler(other.URL+"/jwks", http.StatusFound))
		t.Cleanup(redirector.Close)
		ks, err := NewKeySet(redirector.URL+"/as/jwks", KeySetOptions{HTTPClient: redirector.Client()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ks.Key(context.Background(), "k1")
		if !errors.Is(err, ErrKeysUnavailable) || !strings.Contains(err.Error(), "redirect") {
			t.Fatalf("err = %v, want a refused redirect", err)
		}
		if otherHits.Load() != 0 {
			t.Fatal("redirect target was contacted")
		}
	})
	t.Run("caller's client is not modified", func(t *testing.T) {
		c := &http.Client{}
		if _, err := NewKeySet("https://auth.pingone.com/e/as/jwks", KeySetOptions{HTTPClient: c}); err != nil {
			t.Fatal(err)
		}
		if c.CheckRedirect != nil {
			t.Fatal("NewKeySet changed the caller's http.Client")
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		entries := []any{rsaJWK("k1", &mainKey(t).PublicKey)}
		for i := 0; i < 50; i++ {
			entries = append(entries, map[string]any{"kty": "oct", "kid": fmt.Sprint(i), "k": strings.Repeat("A", 100)})
		}
		srv := newJWKSServer(t, entries...)
		ks := newTestKeySet(t, srv, newClock(t0), KeySetOptions{MaxBytes: 2048})
		_, err := ks.Key(context.Background(), "k1")
		if !errors.Is(err, ErrKeysUnavailable) || !strings.Contains(err.Error(), "larger than 2048 bytes") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestKeySet_WaiterHonoursContext(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		_, _ = w.Write([]byte(mustJSON(map[string]any{"keys": []any{rsaJWK("k1", &mainKey(t).PublicKey)}})))
	}))
	t.Cleanup(srv.Close)
	ks, err := NewKeySet(srv.URL, KeySetOptions{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { _, err := ks.Key(context.Background(), "k1"); first <- err }()
	<-entered

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ks.Key(ctx, "k1"); !errors.Is(err, ErrKeysUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("waiter with cancelled context: err = %v", err)
	}
	close(release)
	select {
	case err := <-first:
		if err != nil {
			t.Fatalf("first lookup: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("first lookup did not finish")
	}
}

// Once the set is cached, looking a key up (every verification) neither
// fetches nor allocates, with or without a kid.
func TestKeySet_CachedLookupIsCheap(t *testing.T) {
	srv := newJWKSServer(t, rsaJWK("k1", &mainKey(t).PublicKey), rsaJWK("k2", &rotatedKey(t).PublicKey))
	ks := newTestKeySet(t, srv, newClock(t0), KeySetOptions{})
	ctx := context.Background()
	if _, err := ks.Key(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	want := rotatedKey(t).N
	allocs := testing.AllocsPerRun(100, func() {
		if key, err := ks.Key(ctx, "k2"); err != nil || key.N.Cmp(want) != 0 {
			t.Fatalf("Key(k2) = %v, %v", key, err)
		}
		if keys, err := ks.all(ctx); err != nil || len(keys) != 2 {
			t.Fatalf("all() = %d keys, %v", len(keys), err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per cached lookup", allocs)
	}
	if got := srv.hits.Load(); got != 1 {
		t.Fatalf("%d JWKS requests, want 1", got)
	}
}
