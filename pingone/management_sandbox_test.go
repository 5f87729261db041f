package pingone_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

const workerCanary = "CANARY-SECRET-1234-worker"

var (
	keyOnce   sync.Once
	sharedKey *rsa.PrivateKey
)

// sleepRecorder is an injected RetryPolicy.Sleep: it records waits instead of waiting.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

type fixture struct {
	srv    *sandbox.Server
	info   sandbox.Info
	mgmt   *pingone.Management
	tr     *pingone.Transcript
	sleeps *sleepRecorder
	env    string
}

func newFixture(t *testing.T, httpOpts pingone.HTTPOptions, mods ...func(*sandbox.Options)) *fixture {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if sharedKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	opts := sandbox.Options{SigningKey: sharedKey, WorkerSecret: workerCanary}
	for _, mod := range mods {
		mod(&opts)
	}
	srv, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	info := srv.Info()
	ep, err := pingone.CustomEndpoints(info.AuthBaseURL, info.APIBaseURL)
	if err != nil {
		t.Fatal(err)
	}
	tr := pingone.NewTranscript()
	httpOpts.Transcript = tr
	sleeps := &sleepRecorder{}
	m, err := pingone.NewManagement(pingone.ManagementConfig{
		Endpoints:  ep,
		Worker:     pingone.WorkerCredentials{EnvironmentID: info.EnvironmentID, ClientID: info.Worker.ClientID, ClientSecret: info.Worker.ClientSecret},
		HTTPClient: pingone.NewHTTPClient(httpOpts),
		Retry:      pingone.RetryPolicy{Sleep: sleeps.sleep},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{srv: srv, info: info, mgmt: m, tr: tr, sleeps: sleeps, env: info.EnvironmentID}
	t.Cleanup(func() { f.assertNoSecrets(t) })
	return f
}

// assertNoSecrets: the worker secret and any bearer token never reach the transcript.
func (f *fixture) assertNoSecrets(t *testing.T) {
	t.Helper()
	tok, _ := f.mgmt.Token(context.Background())
	for _, e := range f.tr.Entries() {
		all := e.URL + e.RequestBody + e.ResponseBody + e.Curl()
		for _, h := range []http.Header{e.RequestHeader, e.ResponseHeader} {
			for k, vs := range h {
				all += k + ": " + strings.Join(vs, ",")
			}
		}
		if strings.Contains(all, workerCanary) || (tok != "" && strings.Contains(all, tok)) {
			t.Errorf("exchange %d (%s) leaked a secret", e.ID, e.Step)
		}
	}
}

func TestSandboxApplicationLifecycle(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	ctx := context.Background()

	app, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp())
	if err != nil {
		t.Fatal(err)
	}
	if app.ID == "" || app.ClientID != app.ID || app.Reconciled || app.EnvironmentID != f.env ||
		app.PKCEEnforcement != "S256_REQUIRED" || app.TokenEndpointAuthMethod != "NONE" ||
		app.RedirectURIs[0] != "http://localhost:3000/callback" || app.CreatedAt.IsZero() || len(app.Raw) == 0 {
		t.Fatalf("created: %+v", app)
	}

	got, err := f.mgmt.GetApplication(ctx, f.env, app.ID)
	if err != nil || got.Name != "Shared-Native-App" || got.Type != "NATIVE_APP" {
		t.Fatalf("get: %+v, %v", got, err)
	}

	grant, err := f.mgmt.GrantOpenIDScopes(ctx, f.env, app.ID, []string{"profile", "email"})
	if err != nil || len(grant.ScopeIDs) != 2 || grant.ApplicationID != app.ID {
		t.Fatalf("grant: %+v, %v", grant, err)
	}
	// A second grant call updates the same grant instead of adding another.
	grant2, err := f.mgmt.GrantOpenIDScopes(ctx, f.env, app.ID, []string{"email", "offline_access"})
	if err != nil || grant2.ID != grant.ID || len(grant2.ScopeIDs) != 3 {
		t.Fatalf("grant update: %+v, %v", grant2, err)
	}
	grants, err := f.mgmt.ListGrants(ctx, f.env, app.ID)
	if err != nil || len(grants) != 1 {
		t.Fatalf("grants: %+v, %v", grants, err)
	}
	if f.srv.Requests(http.MethodPost, "/grants") != 1 || f.srv.Requests(http.MethodPut, "/grants/") != 1 {
		t.Errorf("grant requests: POST %d PUT %d", f.srv.Requests(http.MethodPost, "/grants"), f.srv.Requests(http.MethodPut, "/grants/"))
	}
	// Already covered: no write at all.
	if _, err := f.mgmt.GrantOpenIDScopes(ctx, f.env, app.ID, []string{"profile"}); err != nil {
		t.Fatal(err)
	}
	if f.srv.Requests(http.MethodPut, "/grants/") != 1 {
		t.Error("a no-op grant was written")
	}
	_, err = f.mgmt.GrantOpenIDScopes(ctx, f.env, app.ID, []string{"no-such-scope"})
	var pe *pingone.Error
	if !errors.As(err, &pe) || pe.FieldErrors()["scopes"] == "" {
		t.Errorf("unknown scope: %v", err)
	}

	apps, err := f.mgmt.ListApplications(ctx, f.env)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range apps {
		found = found || a.ID == app.ID
	}
	if !found || len(apps) < 2 { // the worker app is listed too
		t.Errorf("list: %d apps, found=%v", len(apps), found)
	}

	req := got.Request()
	req.GrantTypes = append(req.GrantTypes, "REFRESH_TOKEN")
	req.PostLogoutRedirectURIs = []string{"http://localhost:3000/logout"}
	req.Description = "edited"
	upd, err := f.mgmt.UpdateApplication(ctx, f.env, app.ID, req)
	if err != nil || upd.Description != "edited" || len(upd.GrantTypes) != 2 || len(upd.PostLogoutRedirectURIs) != 1 {
		t.Fatalf("update: %+v, %v", upd, err)
	}

	if err := f.mgmt.DeleteApplication(ctx, f.env, app.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.mgmt.GetApplication(ctx, f.env, app.ID)
	if !errors.As(err, &pe) || !pe.IsNotFound() {
		t.Errorf("get after delete: %v", err)
	}

	// Every exchange is labelled with a step.
	steps := map[string]bool{}
	for _, e := range f.tr.Entries() {
		steps[e.Step] = true
		if e.Step == "" {
			t.Errorf("exchange %d %s %s has no step", e.ID, e.Method, e.URL)
		}
	}
	for _, s := range []string{"worker-token", "create-application", "get-application", "list-grants", "update-grant", "create-grant", "delete-application"} {
		if !steps[s] {
			t.Errorf("no exchange with step %q (have %v)", s, steps)
		}
	}
	// Only one worker token was needed for the whole session.
	if n := f.srv.Requests(http.MethodPost, "/as/token"); n != 1 {
		t.Errorf("token requests = %d", n)
	}
}

func TestSandboxServerValidationFieldErrors(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	ctx := context.Background()
	if _, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp()); err != nil {
		t.Fatal(err)
	}
	// Same name again: PingOne answers 400 INVALID_DATA with a UNIQUENESS_VIOLATION on name.
	_, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp())
	var pe *pingone.Error
	if !errors.As(err, &pe) || pe.Status != 400 || !pe.IsUniquenessViolation() || pe.FieldErrors()["name"] == "" {
		t.Fatalf("duplicate: %v", err)
	}
	if n := f.srv.Requests(http.MethodPost, "/applications"); n != 2 {
		t.Errorf("a 400 must not be retried: %d POSTs", n)
	}
	// Client-side validation stops a bad request before it is sent.
	bad := pingone.SeedNativeApp()
	bad.Name = "Other"
	bad.RedirectURIs = []string{"http://evil.example/cb"}
	_, err = f.mgmt.CreateApplication(ctx, f.env, bad)
	if !errors.As(err, &pe) || pe.Status != 0 || pe.FieldErrors()["redirectUris"] == "" {
		t.Fatalf("client validation: %v", err)
	}
	if n := f.srv.Requests(http.MethodPost, "/applications"); n != 2 {
		t.Errorf("invalid request was sent")
	}
}

func TestSandboxTokenRenewedOnce401(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	ctx := context.Background()
	if _, err := f.mgmt.ListApplications(ctx, f.env); err != nil {
		t.Fatal(err)
	}
	// The API rejects the (still cached) token once: a new one is fetched and the call repeated.
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/applications", Times: 1, Status: 401,
		Body: `{"id":"e1","code":"ACCESS_FAILED","message":"The access token is invalid or expired."}`})
	if _, err := f.mgmt.ListApplications(ctx, f.env); err != nil {
		t.Fatalf("after one 401: %v", err)
	}
	if n := f.srv.Requests(http.MethodPost, "/as/token"); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
	// A persistent 401 is reported after exactly one renewal, not looped on.
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/applications", Status: 401,
		Body: `{"id":"e2","code":"ACCESS_FAILED","message":"no"}`})
	_, err := f.mgmt.ListApplications(ctx, f.env)
	var pe *pingone.Error
	if !errors.As(err, &pe) || !pe.IsUnauthorized() {
		t.Fatalf("persistent 401: %v", err)
	}
	if n := f.srv.Requests(http.MethodPost, "/as/token"); n != 3 {
		t.Errorf("token requests = %d, want 3", n)
	}
}

func TestSandbox403NotRetried(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/applications", Status: 403,
		Body: `{"id":"e","code":"ACCESS_FAILED","message":"not authorized","details":[{"code":"INSUFFICIENT_PERMISSIONS","message":"x"}]}`})
	_, err := f.mgmt.ListApplications(context.Background(), f.env)
	var pe *pingone.Error
	if !errors.As(err, &pe) || !pe.IsForbidden() {
		t.Fatalf("err = %v", err)
	}
	if n := f.srv.Requests(http.MethodGet, "/applications"); n != 1 {
		t.Errorf("403 retried: %d GETs", n)
	}
	if len(f.sleeps.all()) != 0 {
		t.Errorf("slept on 403")
	}
}

func TestSandboxRateLimitHonoursRetryAfter(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/applications", Times: 2, Status: 429, RetryAfter: "7",
		Body: `{"id":"e","code":"REQUEST_LIMITED","message":"slow down","details":[{"code":"LIMIT_EXCEEDED","message":"x"}]}`})
	if _, err := f.mgmt.ListApplications(context.Background(), f.env); err != nil {
		t.Fatal(err)
	}
	if w := f.sleeps.all(); len(w) != 2 || w[0] != 7*time.Second || w[1] != 7*time.Second {
		t.Errorf("waits = %v, want two of 7s", w)
	}
	if n := f.srv.Requests(http.MethodGet, "/applications"); n != 3 {
		t.Errorf("GETs = %d", n)
	}

	// An absurd Retry-After is not slept through: the error carries it for the UI instead.
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/applications", Status: 429, RetryAfter: "86400",
		Body: `{"id":"e","code":"REQUEST_LIMITED","message":"slow down"}`})
	_, err := f.mgmt.ListApplications(context.Background(), f.env)
	var pe *pingone.Error
	if !errors.As(err, &pe) || !pe.IsRateLimited() || pe.RetryAfter != 24*time.Hour {
		t.Fatalf("absurd Retry-After: %v", err)
	}
	if w := f.sleeps.all(); len(w) != 2 {
		t.Errorf("slept for an absurd Retry-After: %v", w)
	}
}

func TestSandbox5xxGetRetriedWithBackoff(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/resources", Times: 2, Status: 503,
		ContentType: "text/html", Body: "<html>maintenance</html>"})
	if _, _, err := f.mgmt.OpenIDResource(context.Background(), f.env); err != nil {
		t.Fatal(err)
	}
	w := f.sleeps.all()
	if len(w) != 2 || w[0] <= 0 || w[1] < w[0]/2 {
		t.Errorf("backoff waits = %v", w)
	}
}

func TestSandboxDropDuringCreateIsReconciled(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	ctx := context.Background()
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1,
		DropConnection: true, AfterEffect: true})
	app, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !app.Reconciled || app.Name != "Shared-Native-App" || app.ID == "" || app.RedirectURIs[0] != pingone.SeedRedirectURI {
		t.Errorf("app = %+v", app)
	}
	if n := f.appsNamed(t, "Shared-Native-App"); n != 1 {
		t.Errorf("%d apps of the name, want exactly the one the lost POST made", n)
	}
	if n := f.srv.Requests(http.MethodPost, "/applications"); n != 1 {
		t.Errorf("POSTs = %d, want exactly 1", n)
	}
}

// appsNamed counts the sandbox's applications called name.
func (f *fixture) appsNamed(t *testing.T, name string) int {
	t.Helper()
	apps, err := f.mgmt.ListApplications(context.Background(), f.env)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range apps {
		if a.Name == name {
			n++
		}
	}
	return n
}

// assertNameTaken checks the typed "already exists" answer to a lost create request.
func assertNameTaken(t *testing.T, app *pingone.Application, err error, existingID string) {
	t.Helper()
	var nt *pingone.NameTakenError
	if !errors.As(err, &nt) || nt.ExistingID != existingID || app != nil {
		t.Fatalf("app %+v, err %v; want NameTakenError naming %s", app, err, existingID)
	}
	// Forms mark PingOne's field errors: the name field is the one to change.
	var pe *pingone.Error
	if !errors.As(err, &pe) || !pe.IsUniquenessViolation() || pe.FieldErrors()["name"] == "" {
		t.Fatalf("err = %v does not carry a uniqueness violation on name", err)
	}
	if errors.Is(err, pingone.ErrNotCreated) || errors.Is(err, pingone.ErrOutcomeUnknown) {
		t.Fatalf("err = %v also claims another outcome", err)
	}
	var ne *pingone.NetworkError
	if !errors.As(err, &ne) {
		t.Errorf("the lost reply's cause is not kept: %v", err)
	}
}

// A lost POST whose name is held by an older app with other settings must not return
// that app as if the POST had made it (the POST was refused as a duplicate).
func TestSandboxLostCreateNameHeldByOtherApp(t *testing.T) {
	for _, afterEffect := range []bool{true, false} {
		t.Run(fmt.Sprintf("request handled=%v", afterEffect), func(t *testing.T) {
			f := newFixture(t, pingone.HTTPOptions{})
			ctx := context.Background()
			other := pingone.SeedNativeApp()
			other.RedirectURIs = []string{"http://localhost:8080/other"}
			existing, err := f.mgmt.CreateApplication(ctx, f.env, other)
			if err != nil {
				t.Fatal(err)
			}
			f.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1,
				DropConnection: true, AfterEffect: afterEffect})
			app, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp())
			assertNameTaken(t, app, err, existing.ID)
			if n := f.srv.Requests(http.MethodPost, "/applications"); n != 2 {
				t.Errorf("POSTs = %d, want 2 (the setup and the lost one, never re-sent)", n)
			}
			if n := f.appsNamed(t, "Shared-Native-App"); n != 1 {
				t.Errorf("%d apps of the name, want 1", n)
			}
		})
	}
}

// An identical app of the same name that PingOne created well before the lost POST
// started was not made by it either.
func TestSandboxLostCreateIdenticalAppFromBefore(t *testing.T) {
	var offset atomic.Int64 // the sandbox's clock, relative to now
	f := newFixture(t, pingone.HTTPOptions{}, func(o *sandbox.Options) {
		o.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	ctx := context.Background()
	offset.Store(int64(-10 * time.Minute))
	existing, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp())
	if err != nil {
		t.Fatal(err)
	}
	offset.Store(0)
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1,
		DropConnection: true, AfterEffect: true})
	app, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp())
	assertNameTaken(t, app, err, existing.ID)
	if n := f.appsNamed(t, "Shared-Native-App"); n != 1 {
		t.Errorf("%d apps of the name, want 1", n)
	}
}

// PingOne's clock may run behind the machine's: within the documented skew the app the
// lost POST made is still recognised.
func TestSandboxLostCreateToleratesClockSkew(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{}, func(o *sandbox.Options) {
		o.Now = func() time.Time { return time.Now().Add(-pingone.DefaultClockSkew / 2) }
	})
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1,
		DropConnection: true, AfterEffect: true})
	app, err := f.mgmt.CreateApplication(context.Background(), f.env, pingone.SeedNativeApp())
	if err != nil || !app.Reconciled {
		t.Fatalf("app %+v, err %v; want the reconciled app", app, err)
	}
}

func TestSandboxDropBeforeCreateReportsNotCreated(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1, DropConnection: true})
	_, err := f.mgmt.CreateApplication(context.Background(), f.env, pingone.SeedNativeApp())
	if !errors.Is(err, pingone.ErrNotCreated) {
		t.Fatalf("err = %v, want ErrNotCreated", err)
	}
	var ne *pingone.NetworkError
	if !errors.As(err, &ne) {
		t.Errorf("cause not kept: %v", err)
	}
	if n := f.srv.Requests(http.MethodPost, "/applications"); n != 1 {
		t.Errorf("POSTs = %d, want exactly 1", n)
	}
	if strings.Contains(err.Error(), f.info.APIBaseURL) {
		t.Errorf("error quotes the URL: %v", err)
	}
}

func TestSandboxTimeoutDuringCreate(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{Timeout: 200 * time.Millisecond})
	ctx := context.Background()
	if _, err := f.mgmt.Token(ctx); err != nil { // warm the token so only the POST is slow
		t.Fatal(err)
	}
	// The sandbox abandons a delayed request when the client hangs up, so nothing is
	// created: the client must time out, look, and report ErrNotCreated without re-POSTing.
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1,
		Latency: 5 * time.Second, Status: 201, AfterEffect: true, Body: `{}`})
	_, err := f.mgmt.CreateApplication(ctx, f.env, pingone.SeedNativeApp())
	var ne *pingone.NetworkError
	if !errors.Is(err, pingone.ErrNotCreated) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v", err)
	}
	if n := f.srv.Requests(http.MethodPost, "/applications"); n != 1 {
		t.Errorf("POSTs = %d, want exactly 1", n)
	}
	if n := f.srv.Requests(http.MethodGet, "/applications"); n != 1 {
		t.Errorf("reconciliation GETs = %d, want 1", n)
	}
}

func TestSandboxCreateUser(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	ctx := context.Background()
	const pw = "CANARY-SECRET-1234-Pw!a"
	u, err := f.mgmt.CreateUser(ctx, f.env, pingone.UserRequest{Username: "tester", Email: "tester@example.com",
		GivenName: "Test", FamilyName: "Er", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || u.Username != "tester" || !u.Enabled {
		t.Errorf("user = %+v", u)
	}
	for _, e := range f.tr.Entries() {
		if strings.Contains(e.RequestBody+e.Curl(), pw) {
			t.Errorf("password in transcript: %s", e.RequestBody)
		}
	}
	// The fallback path: user.import refused, so create then set the password.
	f.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/users", Times: 1, Status: 415,
		Body: `{"id":"e","code":"INVALID_REQUEST","message":"unsupported media type"}`})
	u2, err := f.mgmt.CreateUser(ctx, f.env, pingone.UserRequest{Username: "tester2", Email: "t2@example.com", Password: pw})
	if err != nil || u2.Username != "tester2" {
		t.Fatalf("fallback: %+v %v", u2, err)
	}
	if n := f.srv.Requests(http.MethodPut, "/password"); n != 1 {
		t.Errorf("password PUTs = %d", n)
	}
	if strings.Contains(pingone.UserRequest{Password: pw}.String(), pw) {
		t.Error("UserRequest.String leaks the password")
	}
	if err := f.mgmt.DeleteUser(ctx, f.env, u2.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	var pe *pingone.Error
	if err := f.mgmt.DeleteUser(ctx, f.env, u2.ID); !errors.As(err, &pe) || pe.Status != http.StatusNotFound {
		t.Errorf("deleting a deleted user: %v, want PingOne's 404", err)
	}
	if err := f.mgmt.DeleteUser(ctx, f.env, "not-a-uuid"); err == nil {
		t.Error("DeleteUser took an ID that is not a UUID")
	}
}

func TestSandboxConcurrentCallersShareOneToken(t *testing.T) {
	f := newFixture(t, pingone.HTTPOptions{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.mgmt.ListApplications(context.Background(), f.env)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.srv.Requests(http.MethodPost, "/as/token"); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}
