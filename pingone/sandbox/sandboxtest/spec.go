package sandboxtest

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// SpecEnv names the environment variable that points at the official PingOne Management API
// OpenAPI description (pingone-management.yml, published with PingOne's Go SDK). The file is
// not part of this repository; `make test` sets the variable.
const SpecEnv = "PKCEDESK_OPENAPI_SPEC"

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
)

// ManagementSpec loads the OpenAPI description once per test binary. A missing variable or
// file fails the test with a message that says where the file comes from.
func ManagementSpec(t testing.TB) *openapi3.T {
	t.Helper()
	path := os.Getenv(SpecEnv)
	if path == "" {
		t.Fatalf("%s is not set: point it at pingone-management.yml, the PingOne Management API "+
			"OpenAPI description (make test sets it to ../shared/specs/pingone-management.yml)", SpecEnv)
	}
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		loader.Context = context.Background()
		specDoc, specErr = loader.LoadFromFile(path)
	})
	if specErr != nil {
		t.Fatalf("cannot load the PingOne Management API OpenAPI description from %s=%s: %v "+
			"(make test sets it to ../shared/specs/pingone-management.yml; set it to your copy)", SpecEnv, path, specErr)
	}
	return specDoc
}
