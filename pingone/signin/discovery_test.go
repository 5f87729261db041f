package signin

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func goodMetadata(iss string) Metadata {
	return Metadata{
		Issuer: iss, AuthorizationEndpoint: iss + "/authorize", TokenEndpoint: iss + "/token",
		JWKSURI: iss + "/jwks", UserinfoEndpoint: iss + "/userinfo", EndSessionEndpoint: iss + "/signoff",
		CodeChallengeMethodsSupported: []string{"S256"},
	}
}

func TestDiscovery_B18_B19_Validate(t *testing.T) {
	const iss = "https://auth.pingone.com/env-1/as"
	cases := map[string]struct {
		mutate func(*Metadata)
		want   string // "" = valid
	}{
		"valid":                {func(*Metadata) {}, ""},
		"issuer mismatch":      {func(m *Metadata) { m.Issuer = iss + "/" }, "another issuer"},
		"issuer case":          {func(m *Metadata) { m.Issuer = strings.ToUpper(iss) }, "another issuer"},
		"no jwks_uri":          {func(m *Metadata) { m.JWKSURI = "" }, "jwks_uri is missing"},
		"no token endpoint":    {func(m *Metadata) { m.TokenEndpoint = "" }, "token_endpoint is missing"},
		"http endpoint":        {func(m *Metadata) { m.TokenEndpoint = "http://auth.pingone.com/env-1/as/token" }, "token_endpoint is not on the issuer's host"},
		"foreign host":         {func(m *Metadata) { m.AuthorizationEndpoint = "https://evil.example/authorize" }, "authorization_endpoint is not on the issuer's host"},
		"foreign port":         {func(m *Metadata) { m.UserinfoEndpoint = "https://auth.pingone.com:8443/u" }, "userinfo_endpoint is not on the issuer's host"},
		"no S256":              {func(m *Metadata) { m.CodeChallengeMethodsSupported = []string{"plain"} }, "S256"},
		"PKCE not advertised":  {func(m *Metadata) { m.CodeChallengeMethodsSupported = nil }, "S256"},
		"userinfo with userid": {func(m *Metadata) { m.UserinfoEndpoint = "https://x@auth.pingone.com/u" }, "not a valid URL"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := goodMetadata(iss)
			tc.mutate(&m)
			err := m.Validate(iss)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var de *DiscoveryError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want DiscoveryError mentioning %q", err, tc.want)
			}
		})
	}
}

func TestDiscovery_IssuerMustBeHTTPSUnlessLoopback(t *testing.T) {
	for iss, ok := range map[string]bool{
		"https://auth.pingone.eu/e/as": true,
		"http://127.0.0.1:8080/e/as":   true,
		"http://localhost:8080/e/as":   true,
		"http://[::1]:8080/e/as":       true,
		"http://auth.pingone.com/e/as": false,
		"ftp://auth.pingone.com/e/as":  false,
		"https://auth.pingone.com/e?x": false,
		"auth.pingone.com/e/as":        false,
	} {
		if err := checkIssuerURL(iss); (err == nil) != ok {
			t.Errorf("%s: err = %v, want ok=%v", iss, err, ok)
		}
	}
}

func TestDiscovery_FetchAnyProvider(t *testing.T) {
	noLeaks(t)
	var iss string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/realm/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(goodMetadata(iss))
	}))
	defer srv.Close()
	iss = srv.URL + "/realm"
	c, err := NewClient(Config{Issuer: iss, ClientID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, err := c.Discover(waitCtx(t, 10*time.Second))
	if err != nil || m.TokenEndpoint != iss+"/token" {
		t.Fatalf("Discover: %+v %v", m, err)
	}
	// A provider answering for another issuer is refused.
	c2, _ := NewClient(Config{Issuer: srv.URL + "/realm/", ClientID: "app"})
	defer c2.Close()
	if _, err := c2.Discover(waitCtx(t, 10*time.Second)); err == nil {
		t.Fatal("issuer with trailing slash accepted")
	}
}

func TestNewClient_RejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no client id": {Issuer: "https://auth.pingone.com/e/as"},
		"http issuer":  {Issuer: "http://auth.pingone.com/e/as", ClientID: "a"},
		"no openid":    {Issuer: "https://auth.pingone.com/e/as", ClientID: "a", Scopes: []string{"profile"}},
		"empty issuer": {ClientID: "a"},
	} {
		if _, err := NewClient(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
