// The sandbox answers must fit the official Management API description (sandboxtest.SpecEnv),
// checked with kin-openapi (the whole 1.4 MB file loads in about half a second).

package sandbox_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// loadSpec is the official Management API OpenAPI document (see sandboxtest.SpecEnv).
func loadSpec(t *testing.T) *openapi3.T { return sandboxtest.ManagementSpec(t) }

func schema(t *testing.T, name string) *openapi3.Schema {
	t.Helper()
	ref := loadSpec(t).Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		t.Fatalf("schema %s not found", name)
	}
	return ref.Value
}

// validate re-decodes body generically (kin-openapi wants map[string]any with
// float64 numbers) and checks it against the schema.
func validate(t *testing.T, s *openapi3.Schema, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if err := s.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		t.Errorf("response does not match the schema: %v\n%s", err, body)
	}
}

func TestApplicationResponsesMatchOpenAPI(t *testing.T) {
	oidc := schema(t, "ApplicationOIDC")
	base := schema(t, "Application")
	e := newEnv(t)
	tok := e.workerToken()

	created := e.api(http.MethodPost, "/applications", tok, seedApp())
	if created.status != http.StatusCreated {
		t.Fatalf("%d %s", created.status, created.body)
	}
	validate(t, oidc, created.body)
	validate(t, base, created.body)
	id := created.json(t)["id"].(string)

	validate(t, oidc, e.api(http.MethodGet, "/applications/"+id, tok, nil).body)

	put := seedApp()
	put["grantTypes"] = []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}
	put["postLogoutRedirectUris"] = []string{"http://localhost:3000/bye"}
	validate(t, oidc, e.api(http.MethodPut, "/applications/"+id, tok, put).body)

	list := e.api(http.MethodGet, "/applications", tok, nil)
	for _, app := range embedded(t, list.json(t), "applications") {
		raw, _ := json.Marshal(app)
		validate(t, oidc, raw) // includes the seeded WORKER app
	}
}

func TestErrorResponsesMatchOpenAPI(t *testing.T) {
	p1 := schema(t, "P1Error")
	e := newEnv(t)
	tok := e.workerToken()
	body := seedApp()
	delete(body, "name")
	body["parTimeout"] = 0
	r := e.api(http.MethodPost, "/applications", tok, body)
	if r.status != http.StatusBadRequest {
		t.Fatalf("%d", r.status)
	}
	validate(t, p1, r.body)
	validate(t, p1, e.api(http.MethodGet, "/applications", "", nil).body)
}
