// Package pingone is the client side of PKCE Desk's PingOne integration: regions and
// endpoints, the single HTTP layer (bounded, non-redirecting, with a redacted transcript),
// typed errors for PingOne's two error shapes, and the Management API client.
//
// It has no GUI dependencies; the Fyne front end and the sibling packages build on it.
package pingone

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Region is a PingOne geography. Every environment of an organisation lives in one region,
// and the region decides the top-level domain of both the auth and the API host.
type Region string

// The regions PingOne serves, by their API region code (EnumRegionCode in the Management API).
const (
	RegionNA Region = "NA"
	RegionCA Region = "CA"
	RegionEU Region = "EU"
	RegionAU Region = "AU"
	RegionSG Region = "SG"
	// RegionAP is the legacy .asia geography, open to existing customers only.
	RegionAP Region = "AP"
)

type regionInfo struct {
	name string
	tld  string
}

var regionTable = map[Region]regionInfo{
	RegionNA: {"North America", "com"},
	RegionCA: {"Canada", "ca"},
	RegionEU: {"European Union", "eu"},
	RegionAU: {"Australia", "com.au"},
	RegionSG: {"Singapore", "sg"},
	RegionAP: {"Asia-Pacific (legacy)", "asia"},
}

// Regions lists every region in a stable order suitable for a picker.
func Regions() []Region {
	return []Region{RegionNA, RegionCA, RegionEU, RegionAU, RegionSG, RegionAP}
}

// DisplayName is the human name of the region, or the raw code when it is unknown.
func (r Region) DisplayName() string {
	if info, ok := regionTable[r]; ok {
		return info.name
	}
	return string(r)
}

// Endpoints are the two base URLs every PingOne call is built from. Neither has a trailing
// slash. APIBase includes the "/v1" version segment; AuthBase must not (PingOne quirk: the
// auth host takes the environment ID as its first path segment instead).
type Endpoints struct {
	AuthBase string // e.g. https://auth.pingone.com
	APIBase  string // e.g. https://api.pingone.com/v1
}

// ErrUnknownRegion is returned by RegionEndpoints for a region code not in Regions().
var ErrUnknownRegion = errors.New("pingone: unknown region")

// RegionEndpoints returns the public PingOne hosts of a region.
func RegionEndpoints(r Region) (Endpoints, error) {
	info, ok := regionTable[r]
	if !ok {
		return Endpoints{}, fmt.Errorf("%w %q", ErrUnknownRegion, SanitizeText(string(r), 16))
	}
	return Endpoints{
		AuthBase: "https://auth.pingone." + info.tld,
		APIBase:  "https://api.pingone." + info.tld + "/v1",
	}, nil
}

// CustomEndpoints validates base URLs for a custom domain or the local sandbox.
//
// https is required; plain http is accepted only for loopback hosts (localhost, 127.0.0.0/8,
// ::1) so that the offline sandbox works while a typo can never send a worker secret over
// cleartext to the network (RFC 9700 §2.6). Userinfo, query and fragment are refused because
// they would be silently carried into every request URL built from the base.
func CustomEndpoints(authBase, apiBase string) (Endpoints, error) {
	a, err := cleanBaseURL("auth base URL", authBase)
	if err != nil {
		return Endpoints{}, err
	}
	b, err := cleanBaseURL("API base URL", apiBase)
	if err != nil {
		return Endpoints{}, err
	}
	return Endpoints{AuthBase: a, APIBase: b}, nil
}

func cleanBaseURL(what, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("pingone: %s is empty", what)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse errors quote the input; the input is not secret but may be long.
		return "", fmt.Errorf("pingone: %s is not a valid URL", what)
	}
	switch {
	case u.Opaque != "" || u.Host == "":
		return "", fmt.Errorf("pingone: %s must be an absolute URL with a host", what)
	case u.User != nil:
		return "", fmt.Errorf("pingone: %s must not contain user information", what)
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("pingone: %s must not contain a query", what)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "", fmt.Errorf("pingone: %s must not contain a fragment", what)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return "", fmt.Errorf("pingone: %s must use https (http is allowed only for localhost)", what)
		}
	default:
		return "", fmt.Errorf("pingone: %s must use https", what)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CustomDomainIssuer is the OIDC issuer of an environment reached through its custom
// domain (PingOne's "custom domain" feature): the domain replaces auth.pingone.<tld> and
// the environment-ID path segment is dropped, so the issuer is https://{domain}/as
// (pingone-api.md §1.1). domain is a bare host name such as auth.example.com; a pasted
// "https://auth.example.com/" is accepted too.
func CustomDomainIssuer(domain string) (string, error) {
	d := strings.TrimSpace(domain)
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "HTTPS://")
	d = strings.TrimRight(d, "/")
	if d == "" {
		return "", errors.New("pingone: the custom domain is empty")
	}
	if strings.ContainsAny(d, "/?#@:% ") || !strings.Contains(d, ".") {
		return "", errors.New("pingone: a custom domain is a host name such as auth.example.com")
	}
	u, err := url.Parse("https://" + d)
	if err != nil || u.Hostname() != d {
		return "", errors.New("pingone: a custom domain is a host name such as auth.example.com")
	}
	if isLoopbackHost(d) {
		return "", errors.New("pingone: a custom domain cannot be this computer")
	}
	return "https://" + strings.ToLower(d) + "/as", nil
}

// Issuer is the OIDC issuer of an environment: {AuthBase}/{envID}/as.
func (e Endpoints) Issuer(envID string) string {
	return e.authURL(envID, "as")
}

// authURL builds {AuthBase}/{envID}/{path}; path is relative, e.g. "as/token".
func (e Endpoints) authURL(envID, path string) string {
	return e.AuthBase + "/" + envID + "/" + strings.TrimLeft(path, "/")
}

// apiURL builds {APIBase}/{path}; path is relative, e.g. "environments/{id}/applications".
func (e Endpoints) apiURL(path string) string {
	return e.APIBase + "/" + strings.TrimLeft(path, "/")
}

// ValidateID checks that s is a canonical UUID (8-4-4-4-12 hex digits), the shape of every
// PingOne environment, application and client ID. IDs are pasted by users and spliced into
// URL paths, so anything else ("../x", a whole URL) is refused before a request is built
// (case D11).
func ValidateID(s string) error {
	if len(s) != 36 {
		return errInvalidID
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return errInvalidID
			}
		default:
			if !isHex(c) {
				return errInvalidID
			}
		}
	}
	return nil
}

var errInvalidID = errors.New("pingone: ID must be a UUID like 01234567-89ab-cdef-0123-456789abcdef")

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}
