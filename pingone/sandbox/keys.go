package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" // #nosec G505 -- x5t is defined as a SHA-1 thumbprint (RFC 7517 §4.8)
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signingKey is one RSA key of the environment with its JWK metadata. It is
// immutable once made, so it can sign without s.mu.
type signingKey struct {
	priv   *rsa.PrivateKey
	kid    string
	cert   []byte // self-signed certificate, published as x5c[0] like PingOne does
	x5t    string
	header string // base64url JOSE header {"alg":"RS256","kid":…,"typ":"JWT"} (RFC 7515 §4)
}

func newSigningKey(priv *rsa.PrivateKey, now time.Time) *signingKey {
	k := &signingKey{priv: priv, kid: thumbprint(&priv.PublicKey)}
	h, err := json.Marshal(map[string]any{"alg": "RS256", "kid": k.kid, "typ": "JWT"})
	if err != nil {
		panic(fmt.Sprintf("sandbox: encoding JOSE header: %v", err))
	}
	k.header = base64.RawURLEncoding.EncodeToString(h)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "PingOne sandbox signing key", Organization: []string{"PKCE Desk sandbox"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err == nil {
		k.cert = der
		sum := sha1.Sum(der) // #nosec G401 -- see import
		k.x5t = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return k
}

// thumbprint is the RFC 7638 JWK thumbprint, a stable kid for a key.
func thumbprint(pub *rsa.PublicKey) string {
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
	n := base64.RawURLEncoding.EncodeToString(pub.N.Bytes())
	sum := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

type jwk struct {
	Kty string   `json:"kty"`
	Kid string   `json:"kid"`
	Use string   `json:"use"`
	Alg string   `json:"alg"`
	N   string   `json:"n"`
	E   string   `json:"e"`
	X5t string   `json:"x5t,omitempty"`
	X5c []string `json:"x5c,omitempty"`
}

func (k *signingKey) jwk() jwk {
	pub := k.priv.PublicKey
	j := jwk{
		Kty: "RSA", Kid: k.kid, Use: "sig", Alg: "RS256",
		N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
	if k.cert != nil {
		j.X5t = k.x5t
		j.X5c = []string{base64.StdEncoding.EncodeToString(k.cert)} // x5c is standard base64 (RFC 7517 §4.7)
	}
	return j
}

// RotateSigningKey makes a fresh key the signing key (new kid). The previous
// key stays in the JWKS unless Options.DropRotatedKeys was set.
func (s *Server) RotateSigningKey() {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(fmt.Sprintf("sandbox: generating RSA key: %v", err))
	}
	s.RotateSigningKeyTo(priv)
}

// RotateSigningKeyTo is RotateSigningKey with a caller-supplied key (fast tests).
func (s *Server) RotateSigningKeyTo(priv *rsa.PrivateKey) {
	k := newSigningKey(priv, s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropRotated {
		s.keys = []*signingKey{k}
	} else {
		s.keys = append([]*signingKey{k}, s.keys...)
	}
	s.jwksJSON.Store(nil)
	s.keysGen++
}

// SigningKeyID returns the kid currently used for signing.
func (s *Server) SigningKeyID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[0].kid
}

func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	body, err := s.jwksDocument()
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "max-age=300")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// jwksDocument returns the encoded JWKS (RFC 7517 §5). It is built once per
// key set, outside s.mu; a rotation while it is built (keysGen moved on)
// leaves the caching to the next request.
func (s *Server) jwksDocument() ([]byte, error) {
	if b := s.jwksJSON.Load(); b != nil {
		return *b, nil
	}
	s.mu.Lock()
	keys, gen := s.keys, s.keysGen
	s.mu.Unlock()
	list := make([]jwk, 0, len(keys))
	for _, k := range keys {
		list = append(list, k.jwk())
	}
	body, err := json.Marshal(map[string]any{"keys": list})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.keysGen == gen {
		s.jwksJSON.Store(&body)
	}
	s.mu.Unlock()
	return body, nil
}

// signingKeyLocked is the key new tokens are signed with; s.mu must be held.
// The key itself is immutable: sign with it after releasing s.mu.
func (s *Server) signingKeyLocked() *signingKey { return s.keys[0] }

// sign returns a compact RS256 JWS (RFC 7515 §7.1) with kid and typ headers
// over the JSON encoding of claims. It needs no lock: the claims must not be
// shared with other goroutines.
func (k *signingKey) sign(claims any) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("sandbox: encoding claims: %v", err)) // claims are built from plain values
	}
	input := k.header + "." + base64.RawURLEncoding.EncodeToString(payload)
	sig, err := jwt.SigningMethodRS256.Sign(input, k.priv)
	if err != nil {
		panic(fmt.Sprintf("sandbox: signing token: %v", err)) // only fails on a broken key
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

var errUnknownKey = errors.New("unknown signing key")

// parseTokenLocked verifies an RS256 token signed by one of the published
// keys and checks exp/iat against the sandbox clock; s.mu must be held.
// withExpiry=false accepts expired tokens (id_token_hint at sign-off).
func (s *Server) parseTokenLocked(raw string, withExpiry bool) (jwt.MapClaims, error) {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(s.issuerLocked()),
		jwt.WithTimeFunc(s.now),
	}
	if withExpiry {
		opts = append(opts, jwt.WithExpirationRequired())
	} else {
		opts = append(opts, jwt.WithoutClaimsValidation())
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		for _, k := range s.keys {
			if k.kid == kid {
				return k.priv.Public(), nil
			}
		}
		return nil, errUnknownKey
	}, opts...)
	if err != nil {
		return nil, err
	}
	if !withExpiry {
		// WithoutClaimsValidation also skipped the issuer check.
		if iss, _ := claims["iss"].(string); iss != s.issuerLocked() {
			return nil, errors.New("issuer mismatch")
		}
	}
	return claims, nil
}

// atHash is OIDC Core §3.1.3.6: base64url of the left half of SHA-256.
func atHash(accessToken string) string {
	sum := crypto.SHA256.New()
	sum.Write([]byte(accessToken))
	h := sum.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(h[:len(h)/2])
}
