package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

func TestFault429RetryAfter(t *testing.T) {
	e := newEnv(t)
	e.s.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/as/token", Times: 1, Status: http.StatusTooManyRequests,
		RetryAfter: "2", Body: `{"id":"x","code":"REQUEST_LIMITED","message":"slow down"}`})
	form := url.Values{"grant_type": {"client_credentials"}}
	auth := withBasic(e.info.Worker.ClientID, e.info.Worker.ClientSecret)
	r := postForm(t, nil, e.asURL("token"), form, auth)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" || r.json(t)["code"] != "REQUEST_LIMITED" {
		t.Fatalf("first: %d %v %s", r.status, r.header, r.body)
	}
	if r := postForm(t, nil, e.asURL("token"), form, auth); r.status != http.StatusOK {
		t.Errorf("second (Times exhausted): %d", r.status)
	}
	if n := e.s.Requests(http.MethodPost, "/as/token"); n != 2 {
		t.Errorf("Requests = %d, want 2", n)
	}
}

func TestFaultDropAfterEffect(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	e.s.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", Times: 1, DropConnection: true, AfterEffect: true})
	raw, _ := json.Marshal(seedApp())
	req := newRequest(t, http.MethodPost, e.apiURL("/applications"), strings.NewReader(string(raw)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("expected a dropped connection, got %d", resp.StatusCode)
	}
	// The application exists although the client never saw the 201.
	var found bool
	for _, a := range embedded(t, e.api(http.MethodGet, "/applications", tok, nil).json(t), "applications") {
		found = found || a["name"] == "Shared-Native-App"
	}
	if !found {
		t.Error("AfterEffect: application was not created")
	}
	if n := e.s.Requests(http.MethodPost, "/applications"); n != 1 {
		t.Errorf("POST count = %d", n)
	}
}

func TestFaultDropWithoutEffect(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	e.s.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/applications", DropConnection: true})
	raw, _ := json.Marshal(seedApp())
	req := newRequest(t, http.MethodPost, e.apiURL("/applications"), strings.NewReader(string(raw)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("expected a dropped connection")
	}
	if n := len(embedded(t, e.api(http.MethodGet, "/applications", tok, nil).json(t), "applications")); n != 1 {
		t.Errorf("%d apps, want only the worker", n)
	}
	e.s.Faults().Clear()
	if r := e.api(http.MethodPost, "/applications", tok, seedApp()); r.status != http.StatusCreated {
		t.Errorf("after Clear: %d", r.status)
	}
}

func TestFaultCannedHTMLAndAfterEffectStatus(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	e.s.Faults().Add(sandbox.Fault{PathContains: "/applications", Method: http.MethodPost, Times: 1, Status: http.StatusServiceUnavailable,
		Body: "<html>proxy error</html>", ContentType: "text/html", AfterEffect: true})
	r := e.api(http.MethodPost, "/applications", tok, seedApp())
	if r.status != http.StatusServiceUnavailable || r.header.Get("Content-Type") != "text/html" || string(r.body) != "<html>proxy error</html>" {
		t.Fatalf("canned: %d %v %s", r.status, r.header, r.body)
	}
	if n := len(embedded(t, e.api(http.MethodGet, "/applications", tok, nil).json(t), "applications")); n != 2 {
		t.Errorf("AfterEffect with status: %d apps, want 2", n)
	}
}

func TestFaultLatencyHonoursCancellation(t *testing.T) {
	e := newEnv(t)
	e.s.Faults().Add(sandbox.Fault{PathContains: "/as/jwks", Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	req := newRequest(t, http.MethodGet, e.asURL("jwks"), nil).WithContext(ctx)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("answered despite an hour of latency: %d", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if n := e.s.Requests(http.MethodGet, "/as/jwks"); n != 1 {
		t.Errorf("server saw %d requests", n)
	}
	// httptest.Server.Close (cleanup) blocks until handlers return: it would
	// hang for an hour if the latency ignored the cancelled request.
}

func TestStartInfoAndClose(t *testing.T) {
	s, err := sandbox.Start("127.0.0.1:0", sandbox.Options{SigningKey: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	info := s.Info()
	raw, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	_ = json.Unmarshal(raw, &generic)
	for _, k := range []string{"authBaseURL", "apiBaseURL", "environmentID", "worker", "user"} {
		if _, ok := generic[k]; !ok {
			t.Errorf("Info JSON lacks %s: %s", k, raw)
		}
	}
	if info.EnvironmentID != sandbox.DefaultEnvironmentID || info.Worker.ClientID != sandbox.DefaultWorkerClientID ||
		len(info.Worker.ClientSecret) < 43 || info.User.Username != "demo.user" || info.User.Password != "Demo-Passw0rd!" ||
		info.APIBaseURL != info.AuthBaseURL+"/v1" || s.URL() != info.AuthBaseURL {
		t.Errorf("info = %+v", info)
	}
	resp, err := http.Get(info.AuthBaseURL + "/" + info.EnvironmentID + "/as/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"issuer":"`+info.AuthBaseURL+"/"+info.EnvironmentID+`/as"`) {
		t.Errorf("discovery = %s", body)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := c.Get(info.AuthBaseURL + "/" + info.EnvironmentID + "/as/jwks"); err == nil {
		resp.Body.Close()
		t.Error("server still answers after Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	app := e.createApp(tok, nil)
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			p := newPKCE()
			resp, err := c.PostForm(e.asURL("authorize"), authorizeParams(app, p))
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- resp.Status
			}
			req, _ := http.NewRequest(http.MethodGet, e.apiURL("/applications"), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusOK {
				errs <- "list failed"
			} else {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
