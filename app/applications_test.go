package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone"
)

func TestCreateListGetDeleteApplication(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	req := d.NewApplicationRequest()
	if req.Type != "NATIVE_APP" || req.TokenEndpointAuthMethod != "NONE" || req.PKCEEnforcement != "S256_REQUIRED" ||
		!slices.Equal(req.RedirectURIs, []string{pingone.SeedRedirectURI}) {
		t.Fatalf("create form not prefilled from the seed: %+v", req)
	}
	req.Name = "PKCE Desk demo"
	app, err := d.CreateApplication(ctx, req, []string{"profile", "email"})
	if err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	if pingone.ValidateID(app.ID) != nil || app.ClientID != app.ID {
		t.Fatalf("created app = %+v", app)
	}

	list, err := d.ListApplications(ctx, "desk DEMO")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != app.ID {
		t.Fatalf("filtered list = %+v, want just the new app", list)
	}
	all, err := d.ListApplications(ctx, "")
	if err != nil || len(all) < 2 {
		t.Fatalf("unfiltered list = %d apps, %v", len(all), err)
	}

	check, err := d.CheckApplication(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK() {
		t.Fatalf("the seed app with profile+email granted fails the self-check: %+v", check.Findings)
	}

	got, err := d.GetApplication(ctx, app.ID)
	if err != nil || got.Name != req.Name {
		t.Fatalf("GetApplication = %+v, %v", got, err)
	}
	if err := d.DeleteApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	_, err = d.GetApplication(ctx, app.ID)
	var pe *pingone.Error
	if !errors.As(err, &pe) || !pe.IsNotFound() {
		t.Fatalf("after delete: err = %v, want not found", err)
	}
}

func TestCreateApplicationFieldError(t *testing.T) {
	d, _ := newDesk(t)
	req := d.NewApplicationRequest()
	req.RedirectURIs = []string{"http://example.com/callback"} // http only for loopback hosts
	app, err := d.CreateApplication(testCtx(t), req, nil)
	if app != nil {
		t.Fatalf("an invalid app was created: %+v", app)
	}
	var pe *pingone.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *pingone.Error", err)
	}
	fields := pe.FieldErrors()
	if fields["redirectUris"] == "" {
		t.Fatalf("field errors = %v, want one on redirectUris", fields)
	}
	if pr := Explain(err); !strings.Contains(pr.Remedy, "marked fields") {
		t.Fatalf("explanation = %+v", pr)
	}
}

func TestCreateApplicationDuplicateNameExplained(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	req := d.NewApplicationRequest()
	if _, err := d.CreateApplication(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	_, err := d.CreateApplication(ctx, req, nil)
	var pe *pingone.Error
	if !errors.As(err, &pe) || !pe.IsUniquenessViolation() {
		t.Fatalf("duplicate name: err = %v, want a uniqueness violation", err)
	}
	if pr := Explain(err); !strings.Contains(pr.Title, "already taken") {
		t.Fatalf("explanation = %+v", pr)
	}
}

func TestSelfCheckAndFixTurnAppGreen(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	req := pingone.ApplicationRequest{
		Enabled:                 false,
		Name:                    "Misconfigured",
		Type:                    "NATIVE_APP",
		Protocol:                "OPENID_CONNECT",
		GrantTypes:              []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"},
		RedirectURIs:            []string{"https://app.example.com/cb"},
		ResponseTypes:           []string{"CODE"},
		TokenEndpointAuthMethod: "CLIENT_SECRET_BASIC",
		PKCEEnforcement:         "OPTIONAL",
	}
	app, err := d.CreateApplication(ctx, req, nil)
	if err != nil {
		t.Fatalf("create misconfigured app: %v", err)
	}
	check, err := d.CheckApplication(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantFailed := []string{FindingEnabled, FindingRedirectURI, FindingPKCE, FindingAuthMethod, FindingScopes}
	if got := check.Failed(); !slices.Equal(got, wantFailed) {
		t.Fatalf("failed findings = %v, want %v", got, wantFailed)
	}
	for _, f := range check.Findings {
		if f.Title == "" || f.Detail == "" {
			t.Fatalf("finding without words: %+v", f)
		}
	}

	// One finding at a time works and touches only that setting.
	check, err = d.Fix(ctx, app.ID, FindingPKCE)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := check.Finding(FindingPKCE); !f.OK {
		t.Fatalf("PKCE still failing after its fix: %+v", f)
	}
	if f, _ := check.Finding(FindingEnabled); f.OK {
		t.Fatal("fixing PKCE also changed enabled")
	}

	// "Fix all" turns it green and keeps what was not broken (PUT is a full replace).
	check, err = d.Fix(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK() {
		t.Fatalf("still failing after fix all: %v", check.Failed())
	}
	if !slices.Contains(check.App.GrantTypes, "REFRESH_TOKEN") || !slices.Contains(check.App.RedirectURIs, "https://app.example.com/cb") ||
		check.App.Name != "Misconfigured" {
		t.Fatalf("the fix lost existing settings: %+v", check.App)
	}

	if _, err := d.Fix(ctx, app.ID, "no-such-finding"); err == nil {
		t.Fatal("an unknown finding was accepted")
	}
}

func TestApplicationIDsAreValidatedBeforeUse(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	for _, id := range []string{"", "../../environments", "https://evil.example/x"} {
		if _, err := d.GetApplication(ctx, id); err == nil {
			t.Fatalf("GetApplication(%q) accepted", id)
		}
		if err := d.DeleteApplication(ctx, id); err == nil {
			t.Fatalf("DeleteApplication(%q) accepted", id)
		}
		if _, err := d.CheckApplication(ctx, id); err == nil {
			t.Fatalf("CheckApplication(%q) accepted", id)
		}
	}
	srv, _ := d.ensureSandbox()
	if n := srv.Requests("", "/applications"); n != 0 {
		t.Fatalf("%d requests were made with invalid IDs", n)
	}
}

func TestCreateDemoUser(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	u, err := d.CreateDemoUser(ctx)
	if err != nil {
		t.Fatalf("CreateDemoUser on the sandbox: %v", err)
	}
	if u.ID == "" || !strings.HasPrefix(u.Username, "pkcedesk.demo.") || len(u.Password) < 8 {
		t.Fatalf("demo user = %v", u)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", u, u, u), u.Password) {
		t.Fatal("DemoUser's String/GoString show the password")
	}
	assertNoCanary(t, "transcript", transcriptText(d), u.Password)
	srv, _ := d.ensureSandbox()
	if srv.UserID(u.Username) != u.ID {
		t.Fatal("the sandbox does not know the new user")
	}
}

func TestCreateDemoUserRefusedOnProduction(t *testing.T) {
	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, func(p *Profile) { p.Tag = TagProduction })
	if err := d.RememberWorkerSecret(p.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	srv, _ := d.ensureSandbox()
	before := srv.Requests("", "")
	_, err := d.CreateDemoUser(testCtx(t))
	if !errors.Is(err, ErrProductionProfile) {
		t.Fatalf("err = %v, want ErrProductionProfile", err)
	}
	if srv.Requests("", "") != before {
		t.Fatal("a request was made for a production-tagged profile")
	}
}

func TestDemoPasswordMeetsStandardPolicy(t *testing.T) {
	for range 200 {
		p, err := demoPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) < 8 || hasTriple(p) || !strings.ContainsAny(p, "0123456789") || !strings.ContainsAny(p, "!#-") ||
			strings.ToLower(p) == p || strings.ToUpper(p) == p {
			t.Fatalf("password %q breaks the Standard policy", p)
		}
	}
}

// The seed app with REFRESH_TOKEN and offline_access granted: a sign-in must ask for
// offline_access by default, or PingOne issues no refresh token.
func TestSignInScopesOfTheSeedApp(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	create := func(name string, grantTypes []string, scopes ...string) string {
		t.Helper()
		r := d.NewApplicationRequest()
		r.Name, r.GrantTypes = name, grantTypes
		a, err := d.CreateApplication(ctx, r, scopes)
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	cases := []struct {
		name     string
		id       string
		granted  []string
		refresh  bool
		defaults []string
	}{
		{"refreshable", create("Refreshable", []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "profile", "email", "offline_access"),
			[]string{"email", "offline_access", "profile"}, true, []string{"profile", "email", "offline_access"}},
		{"offline_access without REFRESH_TOKEN", create("No refresh", []string{"AUTHORIZATION_CODE"}, "profile", "offline_access"),
			[]string{"offline_access", "profile"}, false, []string{"profile"}},
		{"nothing granted", create("Bare", []string{"AUTHORIZATION_CODE"}), nil, false, nil},
	}
	for _, c := range cases {
		got, err := d.SignInScopes(ctx, c.id)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.Equal(got.Granted, c.granted) || got.Refresh != c.refresh || !slices.Equal(got.Defaults(), c.defaults) {
			t.Errorf("%s: granted %v refresh %v defaults %v; want %v %v %v", c.name, got.Granted, got.Refresh, got.Defaults(), c.granted, c.refresh, c.defaults)
		}
	}
	if _, err := d.SignInScopes(ctx, "not-an-id"); err == nil {
		t.Error("a malformed application ID was looked up")
	}
}

// The Sign in screen's list reads every listed app's grants in one go.
func TestSignInScopesOfTheList(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	r := d.NewApplicationRequest()
	r.Name, r.GrantTypes = "Refreshable", []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}
	refreshable, err := d.CreateApplication(ctx, r, []string{"profile", "offline_access"})
	if err != nil {
		t.Fatal(err)
	}
	r = d.NewApplicationRequest()
	r.Name = "Plain"
	plain, err := d.CreateApplication(ctx, r, []string{"email"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := d.ListApplications(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.SignInScopesOf(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	if sc := got[refreshable.ID]; sc == nil || !sc.Refresh || !slices.Equal(sc.Defaults(), []string{"profile", "offline_access"}) {
		t.Errorf("refreshable: %+v", sc)
	}
	if sc := got[plain.ID]; sc == nil || sc.Refresh || !slices.Equal(sc.Defaults(), []string{"email"}) {
		t.Errorf("plain: %+v", sc)
	}
	if none, err := d.SignInScopesOf(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("no apps: %v, %v", none, err)
	}
}
