package token

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// jwk holds the members of RFC 7517 §4 and RFC 7518 §6.3.1 we look at.
type jwk struct {
	Kty    string   `json:"kty"`
	Use    string   `json:"use"`
	Alg    string   `json:"alg"`
	Kid    string   `json:"kid"`
	KeyOps []string `json:"key_ops"`
	N      string   `json:"n"`
	E      string   `json:"e"`
}

func parseJWKS(body []byte) (map[string]*rsa.PublicKey, []*rsa.PublicKey, map[string]string, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, nil, nil, errors.New("the JWKS response is not valid JSON")
	}
	keys := map[string]*rsa.PublicKey{}
	skipped := map[string]string{}
	var order []*rsa.PublicKey
	for _, raw := range doc.Keys {
		var j jwk
		if err := json.Unmarshal(raw, &j); err != nil {
			continue // one broken entry must not take the good keys down
		}
		pub, why := j.rsaVerificationKey()
		if why != "" {
			if _, good := keys[j.Kid]; j.Kid != "" && !good && skipped[j.Kid] == "" {
				skipped[j.Kid] = why
			}
			continue
		}
		if j.Kid != "" {
			if _, dup := keys[j.Kid]; dup {
				// Two usable keys claiming one kid: the first wins,
				// deterministically.
				continue
			}
			keys[j.Kid] = pub
			delete(skipped, j.Kid)
		}
		order = append(order, pub)
	}
	return keys, order, skipped, nil
}

// rsaVerificationKey returns the key, or a plain-language reason it is not
// usable for RS256 signature verification.
func (j *jwk) rsaVerificationKey() (*rsa.PublicKey, string) {
	if j.Kty != "RSA" {
		return nil, "it is not an RSA key"
	}
	if j.Use != "" && j.Use != "sig" {
		return nil, "it is marked for encryption, not signing"
	}
	if j.Alg != "" && j.Alg != "RS256" {
		// RFC 8725 §3.1: one key, one algorithm.
		return nil, "it is marked for the " + truncate(j.Alg, 16) + " algorithm, not RS256"
	}
	if len(j.KeyOps) > 0 && !contains(j.KeyOps, "verify") {
		return nil, "it is not marked for signature verification"
	}
	nb, err := decodeSegment(j.N)
	if err != nil {
		return nil, "its modulus is not valid base64url"
	}
	eb, err := decodeSegment(j.E)
	if err != nil || len(eb) > 4 {
		return nil, "its exponent is not valid"
	}
	n := new(big.Int).SetBytes(nb)
	e := new(big.Int).SetBytes(eb)
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, "its exponent is not valid"
	}
	if n.BitLen() < minRSABits {
		return nil, fmt.Sprintf("it is too weak (%d-bit RSA; at least %d bits are required)", n.BitLen(), minRSABits)
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
