package token

import (
	"testing"
	"time"
)

// OpenID Connect Core §12.2: a refreshed ID token must describe the same
// sign-in of the same user as the original one.
func TestRefreshIdentityMismatch(t *testing.T) {
	f := newFixture(t)
	decode := func(mutate func(c map[string]any)) *Decoded {
		t.Helper()
		d, err := Decode(f.idToken(t, func(_, c map[string]any) {
			if mutate != nil {
				mutate(c)
			}
		}))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	original := decode(nil)
	authTime := original.Claims["auth_time"]
	cases := []struct {
		name   string
		mutate func(c map[string]any)
		want   string
	}{
		{"same user, later iat", func(c map[string]any) { c["iat"] = unix(t0.Add(time.Hour)); delete(c, "nonce") }, ""},
		{"auth_time unchanged", func(c map[string]any) { c["auth_time"] = authTime }, ""},
		{"auth_time absent", func(c map[string]any) { delete(c, "auth_time") }, ""},
		{"auth_time later", func(c map[string]any) { c["auth_time"] = unix(t0.Add(time.Minute)) }, ""},
		{"another user", func(c map[string]any) { c["sub"] = "another-user" }, "sub"},
		{"no sub", func(c map[string]any) { delete(c, "sub") }, "sub"},
		{"another issuer", func(c map[string]any) { c["iss"] = testIssuer + "/" }, "iss"},
		{"another app", func(c map[string]any) { c["aud"] = "someone-else" }, "aud"},
		{"an added audience", func(c map[string]any) { c["aud"] = []string{testClientID, "api"} }, "aud"},
		{"azp appears", func(c map[string]any) { c["azp"] = testClientID }, "azp"},
		{"auth_time goes back", func(c map[string]any) { c["auth_time"] = unix(t0.Add(-time.Hour)) }, "auth_time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := RefreshIdentityMismatch(original, decode(tc.mutate), testClientID); got != tc.want {
				t.Fatalf("mismatch = %q, want %q", got, tc.want)
			}
		})
	}
	if got := RefreshIdentityMismatch(nil, original, testClientID); got == "" {
		t.Fatal("no original ID token: accepted without comparison")
	}
	if got := RefreshIdentityMismatch(original, original, "another-client"); got != "aud" {
		t.Fatalf("aud without this client: mismatch = %q, want aud", got)
	}
}
