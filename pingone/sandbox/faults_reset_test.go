package sandbox_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// ResetMidResponse: the client sees the status and headers, then the body breaks off.
// Without a canned status the real request runs, so its effect happens.
func TestFaultResetMidResponse(t *testing.T) {
	e := newEnv(t)
	e.s.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/as/token", Times: 1, ResetMidResponse: true})
	form := url.Values{"grant_type": {"client_credentials"}}
	req := newRequest(t, http.MethodPost, e.asURL("token"), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.info.Worker.ClientID, e.info.Worker.ClientSecret)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("the status and headers should arrive: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Fatalf("the body was read completely: %q", body)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" ||
		len(body) == 0 || int64(len(body)) >= resp.ContentLength {
		t.Fatalf("status %d, %s, %d of %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body), resp.ContentLength)
	}
}

// Canned faults can carry extra headers, such as PingOne's Correlation-Id.
func TestFaultHeader(t *testing.T) {
	e := newEnv(t)
	e.s.Faults().Add(sandbox.Fault{PathContains: "/as/token", Times: 1, Status: 400, Header: map[string]string{"Correlation-Id": "corr-9"},
		Body: `{"error":"invalid_request"}`})
	r := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"}})
	if r.status != 400 || r.header.Get("Correlation-Id") != "corr-9" {
		t.Fatalf("%d %v", r.status, r.header)
	}
}
