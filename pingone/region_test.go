package pingone

import (
	"errors"
	"strings"
	"testing"
)

func TestRegionEndpoints(t *testing.T) {
	want := map[Region][2]string{
		RegionNA: {"https://auth.pingone.com", "https://api.pingone.com/v1"},
		RegionCA: {"https://auth.pingone.ca", "https://api.pingone.ca/v1"},
		RegionEU: {"https://auth.pingone.eu", "https://api.pingone.eu/v1"},
		RegionAU: {"https://auth.pingone.com.au", "https://api.pingone.com.au/v1"},
		RegionSG: {"https://auth.pingone.sg", "https://api.pingone.sg/v1"},
		RegionAP: {"https://auth.pingone.asia", "https://api.pingone.asia/v1"},
	}
	regions := Regions()
	if got := strings.Join(func() []string {
		s := make([]string, len(regions))
		for i, r := range regions {
			s[i] = string(r)
		}
		return s
	}(), ","); got != "NA,CA,EU,AU,SG,AP" {
		t.Fatalf("Regions() order = %s", got)
	}
	for _, r := range regions {
		e, err := RegionEndpoints(r)
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		if e.AuthBase != want[r][0] || e.APIBase != want[r][1] {
			t.Errorf("%s: got %+v", r, e)
		}
		if r.DisplayName() == string(r) || r.DisplayName() == "" {
			t.Errorf("%s has no display name", r)
		}
	}
	if RegionNA.DisplayName() != "North America" {
		t.Errorf("NA display name = %q", RegionNA.DisplayName())
	}
	if _, err := RegionEndpoints("XX"); !errors.Is(err, ErrUnknownRegion) {
		t.Errorf("unknown region: err = %v", err)
	}
}

func TestEndpointURLs(t *testing.T) {
	e, _ := RegionEndpoints(RegionEU)
	env := "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6"
	if got := e.Issuer(env); got != "https://auth.pingone.eu/"+env+"/as" {
		t.Errorf("Issuer = %s", got)
	}
	if got := e.authURL(env, "as/token"); got != "https://auth.pingone.eu/"+env+"/as/token" {
		t.Errorf("authURL = %s", got)
	}
	if got := e.authURL(env, "/flows/x"); got != "https://auth.pingone.eu/"+env+"/flows/x" {
		t.Errorf("authURL with leading slash = %s", got)
	}
	if got := e.apiURL("environments/" + env + "/applications"); got != "https://api.pingone.eu/v1/environments/"+env+"/applications" {
		t.Errorf("apiURL = %s", got)
	}
}

func TestCustomEndpoints(t *testing.T) {
	cases := []struct {
		auth, api string
		ok        bool
		wantAuth  string
	}{
		{"https://login.example.com/", "https://api.pingone.com/v1/", true, "https://login.example.com"},
		{"HTTPS://Login.Example.com", "https://api.pingone.com/v1", true, "https://login.example.com"},
		{"http://localhost:8080", "http://localhost:8080/v1", true, "http://localhost:8080"},
		{"http://127.0.0.1:9000/sandbox", "http://127.0.0.1:9000/v1", true, "http://127.0.0.1:9000/sandbox"},
		{"http://127.8.9.10", "http://[::1]:1234/v1", true, "http://127.8.9.10"},
		{"http://example.com", "https://api.pingone.com/v1", false, ""},
		{"http://10.0.0.1", "https://api.pingone.com/v1", false, ""},
		{"http://localhost.evil.com", "https://api.pingone.com/v1", false, ""},
		{"ftp://example.com", "https://api.pingone.com/v1", false, ""},
		{"https://user:pw@example.com", "https://api.pingone.com/v1", false, ""},
		{"https://example.com?x=1", "https://api.pingone.com/v1", false, ""},
		{"https://example.com#frag", "https://api.pingone.com/v1", false, ""},
		{"https://example.com", "https://api.pingone.com/v1?", false, ""},
		{"", "https://api.pingone.com/v1", false, ""},
		{"example.com", "https://api.pingone.com/v1", false, ""},
		{"https://example.com", "javascript:alert(1)", false, ""},
		{"https://example.com", "https://ok.example/%zz", false, ""},
	}
	for _, c := range cases {
		e, err := CustomEndpoints(c.auth, c.api)
		if (err == nil) != c.ok {
			t.Errorf("CustomEndpoints(%q, %q) err = %v, want ok=%v", c.auth, c.api, err, c.ok)
			continue
		}
		if c.ok {
			if e.AuthBase != c.wantAuth {
				t.Errorf("CustomEndpoints(%q) AuthBase = %q, want %q", c.auth, e.AuthBase, c.wantAuth)
			}
			if strings.HasSuffix(e.APIBase, "/") {
				t.Errorf("APIBase has trailing slash: %q", e.APIBase)
			}
		}
	}
}

func TestValidateID(t *testing.T) {
	good := []string{"abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6", "ABFBA8F6-49EB-49F5-A5D9-80AD5C98F9F6"}
	bad := []string{"", "../../x", "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f", "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6/",
		"abfba8f649eb49f5a5d980ad5c98f9f6xxxx", "https://auth.pingone.com/abfba8f6",
		"abfba8f6-49eb-49f5-a5d9-80ad5c98f9fg", "abfba8f6 49eb-49f5-a5d9-80ad5c98f9f6"}
	for _, s := range good {
		if err := ValidateID(s); err != nil {
			t.Errorf("ValidateID(%q) = %v", s, err)
		}
	}
	for _, s := range bad {
		if err := ValidateID(s); err == nil {
			t.Errorf("ValidateID(%q) accepted", s)
		}
	}
}

func TestCustomDomainIssuer(t *testing.T) {
	ok := map[string]string{
		"auth.example.com":           "https://auth.example.com/as",
		" https://Auth.Example.com/": "https://auth.example.com/as",
		"login.acme.co.uk":           "https://login.acme.co.uk/as",
	}
	for in, want := range ok {
		got, err := CustomDomainIssuer(in)
		if err != nil || got != want {
			t.Errorf("CustomDomainIssuer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "auth", "http://auth.example.com", "auth.example.com/as", "auth.example.com:8443",
		"user@auth.example.com", "auth.example.com?x=1", "localhost", "127.0.0.1", "auth example.com"} {
		if got, err := CustomDomainIssuer(bad); err == nil {
			t.Errorf("CustomDomainIssuer(%q) = %q, want an error", bad, got)
		}
	}
}
