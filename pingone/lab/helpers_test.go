package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

const (
	canaryPassword = "Canary-Lab-Pw-7c1d9e!q"
	canaryWorker   = "CANARY-lab-worker-secret-5f2a8b3c"
)

// secretCatcher sits under every lab request and collects the secret values that went
// over the wire (codes, verifiers, tokens), so the outputs can be searched for them.
type secretCatcher struct {
	mu      sync.Mutex
	secrets map[string]bool
}

func (s *secretCatcher) add(v string) {
	if len(v) >= 8 {
		s.mu.Lock()
		s.secrets[v] = true
		s.mu.Unlock()
	}
}

func (s *secretCatcher) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{canaryPassword, canaryWorker}
	for v := range s.secrets {
		out = append(out, v)
	}
	return out
}

var secretNames = []string{"code", "code_verifier", "access_token", "refresh_token", "id_token", "token", "password"}

func (s *secretCatcher) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		s.scan(b)
	}
	s.scanQuery(req.URL.RawQuery)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	s.scan(b)
	if loc, err := url.Parse(resp.Header.Get("Location")); err == nil {
		s.scanQuery(loc.RawQuery)
	}
	return resp, nil
}

func (s *secretCatcher) scanQuery(raw string) {
	q, _ := url.ParseQuery(raw)
	for _, n := range secretNames {
		s.add(q.Get(n))
	}
}

// scan picks secret members out of JSON (at any depth) or form bodies.
func (s *secretCatcher) scan(b []byte) {
	var v any
	if json.Unmarshal(b, &v) == nil {
		s.walk(v)
		return
	}
	s.scanQuery(string(b))
}

func (s *secretCatcher) walk(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			for _, n := range secretNames {
				if str, ok := val.(string); ok && k == n {
					s.add(str)
				}
			}
			s.walk(val)
		}
	case []any:
		for _, val := range x {
			s.walk(val)
		}
	}
}

// labEnv is a running sandbox and a Target for it.
type labEnv struct {
	srv     *sandbox.Server
	target  Target
	catcher *secretCatcher
}

func newLabEnv(t *testing.T, lax sandbox.Lax) *labEnv {
	t.Helper()
	clock := NewClock(nil)
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Options{
		SigningKey: sandboxtest.SigningKey(), Password: canaryPassword, WorkerSecret: canaryWorker,
		Now: clock.Now, Lax: lax,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	info := srv.Info()
	catcher := &secretCatcher{secrets: map[string]bool{}}
	mgmt, err := pingone.NewManagement(pingone.ManagementConfig{
		Endpoints:  pingone.Endpoints{AuthBase: info.AuthBaseURL, APIBase: info.APIBaseURL},
		Worker:     pingone.WorkerCredentials{EnvironmentID: info.EnvironmentID, ClientID: info.Worker.ClientID, ClientSecret: info.Worker.ClientSecret},
		HTTPClient: pingone.NewHTTPClient(pingone.HTTPOptions{Transport: catcher}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &labEnv{srv: srv, catcher: catcher, target: Target{
		Management: mgmt, EnvironmentID: info.EnvironmentID, Issuer: srv.Issuer(),
		Username: info.User.Username, Password: info.User.Password,
		Transport: catcher, Now: clock.Now, AdvanceClock: clock.Advance,
	}}
}

// labApps lists the applications the lab made that still exist.
func (e *labEnv) labApps(t *testing.T) []string {
	t.Helper()
	apps, err := e.target.Management.ListApplications(context.Background(), e.target.EnvironmentID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range apps {
		if strings.HasPrefix(a.Name, "pkcedesk-lab-") {
			out = append(out, a.Name)
		}
	}
	return out
}

func (e *labEnv) run(t *testing.T, cases ...int) Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Run(ctx, e.target, cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func resultOf(t *testing.T, rep Report, n int) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Case.Number == n {
			return r
		}
	}
	t.Fatalf("no result for case %d", n)
	return Result{}
}

// outputs renders the report in both formats, plus everything a progress display saw.
func outputs(t *testing.T, rep Report) (junit, js string) {
	t.Helper()
	var jb, xb bytes.Buffer
	if err := rep.WriteJSON(&jb); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJUnit(&xb); err != nil {
		t.Fatal(err)
	}
	return xb.String(), jb.String()
}

func assertNoSecrets(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains a secret value (%d characters, starts %q)", where, len(s), s[:4])
		}
	}
}
