package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/pkcedesk/pkcedesk/pingone"
)

func validProfile() Profile {
	return Profile{
		Name:                "Acme test",
		Region:              pingone.RegionEU,
		AdminEnvironmentID:  "11111111-2222-4333-8444-555555555555",
		WorkerClientID:      "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
		TargetEnvironmentID: "99999999-8888-4777-8666-555555555555",
		Tag:                 TagTest,
	}
}

func TestFirstRunActivatesSandbox(t *testing.T) {
	d, _ := newDesk(t)
	if got := d.ActiveProfile(); !got.IsSandbox() || got.Tag != TagSandbox {
		t.Fatalf("active profile on first run = %+v, want the sandbox", got)
	}
	ps := d.Profiles()
	if len(ps) != 1 || !ps[0].IsSandbox() {
		t.Fatalf("profiles = %+v, want only the sandbox", ps)
	}
	src, err := d.WorkerSecretSource(context.Background(), SandboxProfileID)
	if err != nil || src != SecretFromSandbox {
		t.Fatalf("sandbox secret source = %v, %v", src, err)
	}
}

func TestProfilesRoundTripThroughPreferences(t *testing.T) {
	d, prefs := newDesk(t)
	saved, err := d.SaveProfile(validProfile())
	if err != nil {
		t.Fatal(err)
	}
	if saved.ID == "" {
		t.Fatal("a new profile got no ID")
	}
	custom := validProfile()
	custom.Name = "Custom domain"
	custom.Region = ""
	custom.AuthBaseURL = "https://login.example.com/"
	custom.APIBaseURL = "https://api.pingone.eu/v1"
	custom.Tag = TagProduction
	custom2, err := d.SaveProfile(custom)
	if err != nil {
		t.Fatal(err)
	}
	if custom2.AuthBaseURL != "https://login.example.com" {
		t.Fatalf("trailing slash kept: %q", custom2.AuthBaseURL)
	}
	if err := d.SetActive(custom2.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.SetWorkerSecret(context.Background(), saved.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}

	// A second Desk on the same preferences sees the same profiles and active profile.
	d2, err := New(Options{Preferences: prefs})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	got := d2.Profiles()
	if len(got) != 3 || !got[0].IsSandbox() || got[1] != saved || got[2] != custom2 {
		t.Fatalf("reloaded profiles = %+v", got)
	}
	if d2.ActiveProfile() != custom2 {
		t.Fatalf("reloaded active = %+v, want %+v", d2.ActiveProfile(), custom2)
	}
	// The secret went to the keyring, never to preferences.
	for _, k := range prefs.Keys() {
		assertNoCanary(t, "preference "+k, prefs.String(k))
	}
	if v, err := keyring.Get(KeyringService, saved.ID); err != nil || v != canaryWorkerSecret {
		t.Fatalf("keyring holds %q, %v", v, err)
	}
}

func TestProfileValidation(t *testing.T) {
	cases := []struct {
		name   string
		mod    func(*Profile)
		fields []string
	}{
		{"valid region", func(*Profile) {}, nil},
		{"valid custom domain", func(p *Profile) {
			p.Region = ""
			p.AuthBaseURL = "https://auth.example.com"
			p.APIBaseURL = "https://api.pingone.com/v1"
		}, nil},
		{"custom domain with regional API", func(p *Profile) { p.AuthBaseURL = "https://auth.example.com" }, nil},
		{"empty name", func(p *Profile) { p.Name = "  " }, []string{FieldName}},
		{"path traversal env", func(p *Profile) { p.AdminEnvironmentID = "../../x" }, []string{FieldAdminEnvironmentID}},
		{"URL as env", func(p *Profile) { p.TargetEnvironmentID = "https://api.pingone.com/v1/environments/x" }, []string{FieldTargetEnvironmentID}},
		{"client ID not a UUID", func(p *Profile) { p.WorkerClientID = "worker" }, []string{FieldWorkerClientID}},
		{"missing IDs", func(p *Profile) { p.AdminEnvironmentID, p.WorkerClientID = "", "" }, []string{FieldAdminEnvironmentID, FieldWorkerClientID}},
		{"no region", func(p *Profile) { p.Region = "" }, []string{FieldRegion}},
		{"unknown region", func(p *Profile) { p.Region = "XX" }, []string{FieldRegion}},
		{"cleartext custom domain", func(p *Profile) { p.AuthBaseURL = "http://auth.example.com" }, []string{FieldAuthBaseURL}},
		{"sandbox tag", func(p *Profile) { p.Tag = TagSandbox }, []string{FieldTag}},
		{"no tag", func(p *Profile) { p.Tag = "" }, []string{FieldTag}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProfile()
			tc.mod(&p)
			err := p.Validate()
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			if len(ve.FieldErrors()) != len(tc.fields) {
				t.Fatalf("fields = %v, want %v", ve.Fields, tc.fields)
			}
			for _, f := range tc.fields {
				if ve.Fields[f] == "" {
					t.Fatalf("field %s not flagged: %v", f, ve.Fields)
				}
			}
		})
	}
}

func TestSaveProfileRefusesInvalidAndSandbox(t *testing.T) {
	d, prefs := newDesk(t)
	bad := validProfile()
	bad.AdminEnvironmentID = "../admin"
	if _, err := d.SaveProfile(bad); err == nil {
		t.Fatal("invalid profile saved")
	}
	if prefs.String(prefProfiles) != "" {
		t.Fatal("an invalid profile reached preferences")
	}
	sb := d.ActiveProfile()
	sb.Name = "renamed"
	if _, err := d.SaveProfile(sb); err == nil {
		t.Fatal("the sandbox profile was changed")
	}
	if err := d.DeleteProfile(context.Background(), SandboxProfileID); err == nil {
		t.Fatal("the sandbox profile was deleted")
	}
	if err := d.SetWorkerSecret(context.Background(), SandboxProfileID, "x"); err == nil {
		t.Fatal("a secret was stored for the sandbox profile")
	}
}

func TestDeleteActiveProfileForgetsSecretAndFallsBackToSandbox(t *testing.T) {
	d, _ := newDesk(t)
	p, err := d.SaveProfile(validProfile())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := d.SetWorkerSecret(ctx, p.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteProfile(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if !d.ActiveProfile().IsSandbox() {
		t.Fatal("deleting the active profile did not fall back to the sandbox")
	}
	if _, err := keyring.Get(KeyringService, p.ID); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("secret still in keyring: %v", err)
	}
	if _, ok := d.Profile(p.ID); ok {
		t.Fatal("profile still listed")
	}
}

func TestCorruptOrStalePreferences(t *testing.T) {
	prefs := NewMemoryPreferences()
	prefs.SetString(prefProfiles, "{not json")
	if _, err := New(Options{Preferences: prefs}); err == nil || !strings.Contains(err.Error(), "could not be read") {
		t.Fatalf("corrupt preferences: err = %v", err)
	}
	if prefs.String(prefProfiles) != "{not json" {
		t.Fatal("corrupt preferences were overwritten")
	}

	prefs = NewMemoryPreferences()
	prefs.SetString(prefActive, "deleted-profile")
	prefs.SetString(prefProfiles, `[{"id":"sandbox","name":"fake sandbox","region":"NA"}]`)
	d, err := New(Options{Preferences: prefs})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !d.ActiveProfile().IsSandbox() || d.ActiveProfile().Name != "Sandbox (offline)" {
		t.Fatalf("active = %+v, want the built-in sandbox", d.ActiveProfile())
	}
	if len(d.Profiles()) != 1 {
		t.Fatalf("a stored copy of the sandbox profile was trusted: %+v", d.Profiles())
	}
}

// A custom domain changes the sign-in issuer only: https://{domain}/as, without the
// environment ID (pingone-api.md §1.1); the worker and the Management API stay regional.
func TestCustomDomainIsTheSignInIssuer(t *testing.T) {
	d, _ := newDesk(t)
	p := validProfile()
	p.CustomDomain = " https://Login.Acme.example/ "
	saved, err := d.SaveProfile(p)
	if err != nil {
		t.Fatal(err)
	}
	if saved.CustomDomain != "login.acme.example" {
		t.Fatalf("saved custom domain %q, want the bare host", saved.CustomDomain)
	}
	if err := d.SetActive(saved.ID); err != nil {
		t.Fatal(err)
	}
	iss, err := d.Issuer()
	if err != nil || iss != "https://login.acme.example/as" {
		t.Fatalf("Issuer() = %q, %v; want https://login.acme.example/as", iss, err)
	}
	ep, _ := saved.Endpoints()
	if ep.AuthBase != "https://auth.pingone.eu" || ep.APIBase != "https://api.pingone.eu/v1" {
		t.Fatalf("endpoints %+v: the worker and the Management API must stay on the region's hosts", ep)
	}

	saved.CustomDomain = ""
	if _, err := d.SaveProfile(saved); err != nil {
		t.Fatal(err)
	}
	if iss, _ := d.Issuer(); iss != "https://auth.pingone.eu/"+saved.TargetEnvironmentID+"/as" {
		t.Fatalf("without a custom domain Issuer() = %q", iss)
	}

	bad := validProfile()
	bad.CustomDomain = "http://login.acme.example/as"
	_, err = d.SaveProfile(bad)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields[FieldCustomDomain] == "" {
		t.Fatalf("a URL with a path as custom domain: err = %v, want a field error on %s", err, FieldCustomDomain)
	}
}
