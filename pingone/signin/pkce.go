package signin

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"golang.org/x/oauth2"
)

// AttemptSecrets are the one-time values of a single sign-in attempt. RFC 9700 §2.1.1
// requires the PKCE challenge and the nonce to be transaction-specific, so a fresh set is
// made for every attempt and never reused.
type AttemptSecrets struct {
	Verifier  string // PKCE code_verifier (RFC 7636 §4.1); secret until the exchange
	Challenge string // BASE64URL(SHA256(Verifier)), sent with method S256
	State     string // binds the authorization response to this attempt (RFC 6749 §10.12)
	Nonce     string // binds the ID token to this attempt (OIDC Core §3.1.2.1)
}

// NewAttemptSecrets draws a fresh verifier, state and nonce from crypto/rand.
func NewAttemptSecrets() (AttemptSecrets, error) {
	state, err := randomToken(32)
	if err != nil {
		return AttemptSecrets{}, err
	}
	nonce, err := randomToken(32)
	if err != nil {
		return AttemptSecrets{}, err
	}
	// GenerateVerifier reads 32 bytes from crypto/rand (43 characters, RFC 7636 §4.1);
	// it panics only when the system RNG is broken, which we cannot recover from anyway.
	v := oauth2.GenerateVerifier()
	return AttemptSecrets{
		Verifier:  v,
		Challenge: oauth2.S256ChallengeFromVerifier(v),
		State:     state,
		Nonce:     nonce,
	}, nil
}

// String keeps the values out of logs that format the struct with %v.
func (AttemptSecrets) String() string { return "signin.AttemptSecrets{redacted}" }

// GoString does the same for %#v.
func (AttemptSecrets) GoString() string { return "signin.AttemptSecrets{redacted}" }

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("signin: reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
