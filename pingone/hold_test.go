package pingone

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestHoldBeforeSend_NothingLeavesUntilReleased(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	tr := NewTranscript()
	c := NewHTTPClient(HTTPOptions{Transcript: tr})

	held := make(chan Exchange)
	release := make(chan error)
	ctx := HoldBeforeSend(WithStep(context.Background(), "token"), func(ctx context.Context, p Exchange) error {
		held <- p
		return <-release
	})
	form := url.Values{"grant_type": {"authorization_code"}, "code": {"the-code-canary"}, "code_verifier": {"verifier-canary"}, "client_id": {"c1"}}
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/as/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	p := <-held
	if n := hits.Load(); n != 0 {
		t.Fatalf("server saw %d requests while the request was held", n)
	}
	if p.Step != "token" || p.Method != http.MethodPost || !strings.HasSuffix(p.URL, "/as/token") {
		t.Errorf("pending = %s %s (step %q), want POST …/as/token (token)", p.Method, p.URL, p.Step)
	}
	if strings.Contains(p.RequestBody, "canary") || !strings.Contains(p.RequestBody, "client_id=c1") {
		t.Errorf("pending body not redacted as the transcript would: %q", p.RequestBody)
	}
	if p.Status != 0 || p.ResponseBody != "" {
		t.Errorf("pending exchange has a response: %+v", p)
	}
	release <- nil
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 1 || len(tr.Entries()) != 1 {
		t.Fatalf("after release: %d hits, %d recorded; want 1 and 1", hits.Load(), len(tr.Entries()))
	}
}

func TestHoldBeforeSend_ErrorAbandonsTheRequest(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	tr := NewTranscript()
	c := NewHTTPClient(HTTPOptions{Transcript: tr})
	stop := errors.New("stopped by the presenter")
	ctx := HoldBeforeSend(context.Background(), func(context.Context, Exchange) error { return stop })
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := c.Do(req)
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the hold's error", err)
	}
	if hits.Load() != 0 || len(tr.Entries()) != 0 {
		t.Fatalf("an abandoned request reached the server (%d) or the transcript (%d)", hits.Load(), len(tr.Entries()))
	}
}
