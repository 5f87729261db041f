package app

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Prefixes go-keyring's macOS backend writes in front of an encoded value. Seen in a
// value read back, they mean another tool or version stored it, and what follows is not
// the secret itself.
var foreignEncodings = []string{"go-keyring-base64:", "go-keyring-encoded:"}

// usableSecret reports whether v can be a worker secret: non-empty, within the size
// limit, valid UTF-8 without replacement characters, and free of whitespace, control
// characters and foreign encoding prefixes. A PingOne client secret is a short run of
// URL-safe characters, so anything else is damage, not a secret.
func usableSecret(v string) bool {
	if v == "" || len(v) > MaxSecretBytes || !utf8.ValidString(v) {
		return false
	}
	for _, p := range foreignEncodings {
		if strings.HasPrefix(v, p) {
			return false
		}
	}
	for _, r := range v {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// checkSecret refuses what could not be read back as a secret later.
func checkSecret(secret string) error {
	switch {
	case secret == "":
		return &ValidationError{Fields: map[string]string{FieldWorkerSecret: "Paste the worker's client secret."}}
	case len(secret) > MaxSecretBytes:
		return &KeyringError{Kind: ErrSecretTooBig, Op: "save"}
	case !usableSecret(secret):
		return &ValidationError{Fields: map[string]string{FieldWorkerSecret: "This is not a worker secret: it contains spaces, line breaks or other " +
			"characters a PingOne client secret does not have. Paste only the secret."}}
	}
	return nil
}
