package signin

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// Metadata is the part of an OpenID Provider configuration (OpenID Connect Discovery 1.0
// §3) this package uses.
type Metadata struct {
	Issuer                                     string   `json:"issuer"`
	AuthorizationEndpoint                      string   `json:"authorization_endpoint"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	UserinfoEndpoint                           string   `json:"userinfo_endpoint"`
	JWKSURI                                    string   `json:"jwks_uri"`
	EndSessionEndpoint                         string   `json:"end_session_endpoint"`
	RevocationEndpoint                         string   `json:"revocation_endpoint"`
	IntrospectionEndpoint                      string   `json:"introspection_endpoint"`
	CodeChallengeMethodsSupported              []string `json:"code_challenge_methods_supported"`
	ResponseModesSupported                     []string `json:"response_modes_supported"`
	ScopesSupported                            []string `json:"scopes_supported"`
	IDTokenSigningAlgValuesSupported           []string `json:"id_token_signing_alg_values_supported"`
	AuthorizationResponseIssParameterSupported bool     `json:"authorization_response_iss_parameter_supported"`
}

// DiscoveryURL is where issuer publishes its configuration. PingOne's issuer ends in /as,
// so the document lives under /as (pingone-api.md §1.2).
func DiscoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// Discover fetches and validates issuer's OpenID configuration with client (which should
// refuse redirects, as pingone.NewHTTPClient does).
func Discover(ctx context.Context, client *http.Client, issuer string) (*Metadata, error) {
	if err := checkIssuerURL(issuer); err != nil {
		return nil, &DiscoveryError{Issuer: issuer, Reason: err.Error()}
	}
	req, err := http.NewRequestWithContext(pingone.WithStep(ctx, "discovery"), http.MethodGet, DiscoveryURL(issuer), nil)
	if err != nil {
		return nil, &DiscoveryError{Issuer: issuer, Reason: "cannot build the request", Err: err}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, &DiscoveryError{Issuer: issuer, Reason: "request failed", Err: transportError(ctx, err)}
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return nil, &DiscoveryError{Issuer: issuer, Reason: "reading the response failed", Err: transportError(ctx, err)}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &DiscoveryError{Issuer: issuer, Reason: "the server refused", Err: pingone.DecodeError(resp.StatusCode, resp.Header, body)}
	}
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, &DiscoveryError{Issuer: issuer, Reason: "the document is not valid JSON", Err: ErrMalformedResponse}
	}
	if err := m.Validate(issuer); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate applies the rules that make a configuration safe to use for issuer:
//   - issuer must equal the configured one exactly (OIDC Discovery §4.3, mix-up defence);
//   - every endpoint must use the issuer's scheme, host and port (RFC 9700 §2.6: pin
//     endpoints to the expected host, so a tampered document cannot send codes or
//     tokens elsewhere);
//   - https is required except for loopback hosts (the offline sandbox);
//   - S256 must be advertised, otherwise PKCE support cannot be relied on (RFC 9700 §2.1.1).
func (m *Metadata) Validate(issuer string) error {
	fail := func(reason string) error { return &DiscoveryError{Issuer: issuer, Reason: reason} }
	if m.Issuer != issuer {
		return fail("the document names another issuer (" + cleanText(m.Issuer, 200) + ")")
	}
	if err := checkIssuerURL(issuer); err != nil {
		return fail(err.Error())
	}
	origin := originOf(issuer)
	required := map[string]string{
		"authorization_endpoint": m.AuthorizationEndpoint,
		"token_endpoint":         m.TokenEndpoint,
		"jwks_uri":               m.JWKSURI,
	}
	optional := map[string]string{
		"userinfo_endpoint":      m.UserinfoEndpoint,
		"end_session_endpoint":   m.EndSessionEndpoint,
		"revocation_endpoint":    m.RevocationEndpoint,
		"introspection_endpoint": m.IntrospectionEndpoint,
	}
	for _, name := range sortedKeys(required) {
		if required[name] == "" {
			return fail(name + " is missing")
		}
	}
	all := mergeMaps(required, optional)
	for _, name := range sortedKeys(all) {
		v := all[name]
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.User != nil || u.Fragment != "" {
			return fail(name + " is not a valid URL")
		}
		if originOf(v) != origin {
			return fail(name + " is not on the issuer's host")
		}
	}
	if !slices.Contains(m.CodeChallengeMethodsSupported, "S256") {
		return fail("the provider does not advertise PKCE S256 (code_challenge_methods_supported)")
	}
	return nil
}

func checkIssuerURL(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("the issuer is not an absolute URL without query or fragment")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
		return errors.New("the issuer must use https (http is only allowed on loopback)")
	}
	return errors.New("the issuer must use https")
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// originOf returns scheme://host:port with the default port made explicit, or "" when
// raw is not an absolute URL. Links are only followed when their origin equals the
// issuer's (case G4).
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		default:
			return ""
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func mergeMaps(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
