package pingone_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// loadSpec is the official Management API OpenAPI document (see sandboxtest.SpecEnv).
func loadSpec(t *testing.T) *openapi3.T { return sandboxtest.ManagementSpec(t) }

func schemaRef(t *testing.T, doc *openapi3.T, name string) *openapi3.Schema {
	t.Helper()
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		t.Fatalf("schema %s not in spec", name)
	}
	return ref.Value
}

func asGeneric(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSchemaSeedRequestAndSandboxAnswers checks the body the client sends for SeedNativeApp()
// and the sandbox's answers against Application / ApplicationOIDC of the official spec.
func TestSchemaSeedRequestAndSandboxAnswers(t *testing.T) {
	doc := loadSpec(t)
	oidc := schemaRef(t, doc, "ApplicationOIDC")
	base := schemaRef(t, doc, "Application")

	body, err := json.Marshal(pingone.SeedNativeApp())
	if err != nil {
		t.Fatal(err)
	}
	// The exact seed body, field for field.
	const seed = `{"enabled":true,"name":"Shared-Native-App","description":"Public client application with NONE authentication - for SPAs and mobile apps that cannot securely store secrets. MUST use PKCE for security.","type":"NATIVE_APP","protocol":"OPENID_CONNECT","grantTypes":["AUTHORIZATION_CODE"],"redirectUris":["http://localhost:3000/callback"],"responseTypes":["CODE"],"tokenEndpointAuthMethod":"NONE","pkceEnforcement":"S256_REQUIRED"}`
	if string(body) != seed {
		t.Errorf("seed body differs:\n got %s\nwant %s", body, seed)
	}
	for name, s := range map[string]*openapi3.Schema{"Application": base, "ApplicationOIDC": oidc} {
		if err := s.VisitJSON(asGeneric(t, body), openapi3.VisitAsRequest(), openapi3.MultiErrors()); err != nil {
			t.Errorf("request body vs %s: %v", name, err)
		}
	}
	// The check can fail: a wrong enum value is caught.
	broken := strings.Replace(string(body), "S256_REQUIRED", "S256_ONLY", 1)
	if err := oidc.VisitJSON(asGeneric(t, []byte(broken)), openapi3.VisitAsRequest()); err == nil {
		t.Error("schema accepted an invalid pkceEnforcement")
	}

	// The sandbox's answers (create, get, list items) as the client received them.
	f := newFixture(t, pingone.HTTPOptions{})
	ctx := context.Background()
	app, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp())
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.mgmt.GetApplication(ctx, f.env, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	apps, err := f.mgmt.ListApplications(ctx, f.env)
	if err != nil {
		t.Fatal(err)
	}
	answers := [][]byte{app.Raw, got.Raw}
	for _, a := range apps {
		answers = append(answers, a.Raw)
	}
	for i, raw := range answers {
		if err := oidc.VisitJSON(asGeneric(t, raw), openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
			t.Errorf("answer %d vs ApplicationOIDC: %v", i, err)
		}
	}
	// And what went over the wire for the create is the seed body.
	for _, e := range f.tr.Entries() {
		if e.Step == "create-application" && e.Method == http.MethodPost {
			if !strings.Contains(e.RequestBody, `"pkceEnforcement": "S256_REQUIRED"`) {
				t.Errorf("recorded create body: %s", e.RequestBody)
			}
		}
	}
}
