package signin

import (
	"fmt"
	"regexp"
	"testing"

	"golang.org/x/oauth2"
)

func TestS256_RFC7636AppendixB(t *testing.T) {
	// Known-answer vector from RFC 7636 Appendix B.
	got := oauth2.S256ChallengeFromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	if want := "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; got != want {
		t.Fatalf("challenge = %q, want %q", got, want)
	}
}

func TestNewAttemptSecrets_FreshAndWellFormed(t *testing.T) {
	unreserved := regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)
	seen := map[string]bool{}
	for range 50 {
		s, err := NewAttemptSecrets()
		if err != nil {
			t.Fatal(err)
		}
		if !unreserved.MatchString(s.Verifier) {
			t.Fatalf("verifier %q violates RFC 7636 §4.1", s.Verifier)
		}
		if s.Challenge != oauth2.S256ChallengeFromVerifier(s.Verifier) {
			t.Fatal("challenge is not S256 of the verifier")
		}
		if len(s.State) < 43 || len(s.Nonce) < 43 {
			t.Fatalf("state/nonce too short: %d/%d", len(s.State), len(s.Nonce))
		}
		for _, v := range []string{s.Verifier, s.State, s.Nonce} {
			if seen[v] {
				t.Fatal("a value repeated across attempts")
			}
			seen[v] = true
		}
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(f, s)
			assertNoSecret(t, "formatted AttemptSecrets", out, s.Verifier, s.State, s.Nonce)
		}
	}
}
