package export

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// harSchemaURL is the $id of testdata/har-1.2.schema.json, our own JSON Schema of HAR 1.2
// written from the spec (http://www.softwareishard.com/blog/har-12-spec/), cross-checked
// against the community schema github.com/ahmadnassri/har-schema.
const harSchemaURL = "https://pkcedesk.invalid/schemas/har-1.2.schema.json"

func harSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return compileSchema(t, harSchemaURL, true, "har-1.2.schema.json")
}

type harFile struct {
	Log struct {
		Version string `json:"version"`
		Creator struct{ Name, Version string }
		Comment string `json:"comment"`
		Entries []struct {
			Started string  `json:"startedDateTime"`
			Time    float64 `json:"time"`
			Comment string  `json:"comment"`
			Request struct {
				Method      string
				URL         string `json:"url"`
				Cookies     []struct{ Name, Value string }
				Headers     []struct{ Name, Value string }
				QueryString []struct{ Name, Value string } `json:"queryString"`
				PostData    *struct {
					MimeType string `json:"mimeType"`
					Text     string `json:"text"`
					Params   []struct{ Name, Value string }
				} `json:"postData"`
				BodySize int `json:"bodySize"`
			}
			Response struct {
				Status      int    `json:"status"`
				StatusText  string `json:"statusText"`
				RedirectURL string `json:"redirectURL"`
				Error       string `json:"_error"`
				Cookies     []struct {
					Name, Value string
					HTTPOnly    bool `json:"httpOnly"`
				}
				Content struct {
					Size     int    `json:"size"`
					MimeType string `json:"mimeType"`
					Text     string `json:"text"`
				}
			}
			Timings map[string]float64 `json:"timings"`
		}
	}
}

func harParse(t *testing.T, b []byte) harFile {
	t.Helper()
	var h harFile
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// Every recorded run's HAR is valid HAR 1.2, and each entry's time is the sum of its
// timings that are not -1 (the spec's rule).
func TestHAR_RecordedRunsValidate(t *testing.T) {
	schema := harSchema(t)
	ok, failed, labRun := recordedRuns(t)
	for name, r := range map[string]Run{"succeeded": ok, "wrong password": failed, "lab": labRun} {
		b, err := HAR(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateJSON(t, schema, b); err != nil {
			t.Errorf("%s: HAR does not validate: %v", name, err)
		}
		h := harParse(t, b)
		if h.Log.Version != "1.2" || h.Log.Creator.Name != "PKCE Desk" || h.Log.Creator.Version == "" {
			t.Errorf("%s: log version %q creator %+v", name, h.Log.Version, h.Log.Creator)
		}
		if len(h.Log.Entries) == 0 {
			t.Fatalf("%s: no entries", name)
		}
		for i, e := range h.Log.Entries {
			sum := 0.0
			for _, v := range e.Timings {
				if v != -1 {
					sum += v
				}
			}
			if diff := sum - e.Time; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("%s entry %d: time %v but timings sum to %v (%v)", name, i, e.Time, sum, e.Timings)
			}
			if _, err := time.Parse(time.RFC3339Nano, e.Started); err != nil {
				t.Errorf("%s entry %d: startedDateTime %q: %v", name, i, e.Started, err)
			}
		}
	}
	// One entry per step with an exchange, in order.
	b, _ := HAR(ok)
	h := harParse(t, b)
	var want []string
	for _, s := range ok.Steps {
		if s.Exchange != nil {
			want = append(want, s.Exchange.URL)
		}
	}
	if len(h.Log.Entries) != len(want) {
		t.Fatalf("%d entries for %d exchanges", len(h.Log.Entries), len(want))
	}
	for i, e := range h.Log.Entries {
		if e.Request.URL != want[i] {
			t.Errorf("entry %d: %s, want %s", i, e.Request.URL, want[i])
		}
	}
}

// The schema is not a rubber stamp: it rejects what the spec forbids.
func TestHAR_SchemaRejectsBrokenArchives(t *testing.T) {
	schema := harSchema(t)
	ok, _, _ := recordedRuns(t)
	good, err := HAR(ok)
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(m map[string]any){
		"no creator": func(m map[string]any) { delete(m["log"].(map[string]any), "creator") },
		"unknown member without underscore": func(m map[string]any) {
			harFirstEntry(m)["error"] = "x"
		},
		"no cache": func(m map[string]any) { delete(harFirstEntry(m), "cache") },
		"timing below -1": func(m map[string]any) {
			harFirstEntry(m)["timings"].(map[string]any)["dns"] = -2
		},
		"bad date": func(m map[string]any) { harFirstEntry(m)["startedDateTime"] = "yesterday" },
		"no redirectURL": func(m map[string]any) {
			delete(harFirstEntry(m)["response"].(map[string]any), "redirectURL")
		},
	} {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		mutate(m)
		b, _ := json.Marshal(m)
		if validateJSON(t, schema, b) == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
}

func harFirstEntry(m map[string]any) map[string]any {
	return m["log"].(map[string]any)["entries"].([]any)[0].(map[string]any)
}

// harFailureRun is a browser sign-in whose authorize step redirected with a cookie and
// whose token request never got a response.
func harFailureRun() Run {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	return Run{ID: 9, Kind: "sign-in", Mode: "browser", Outcome: "failed", Error: "the token request timed out", Started: at,
		Steps: []Step{
			{Name: "authorize", State: "ok", Status: 302, At: at, Exchange: &pingone.Exchange{
				ID: 1, Step: "authorize", Method: "GET", URL: "https://auth.pingone.com/env/as/authorize?client_id=app&state=s1&scope=openid%20profile",
				Status: 302, ResponseHeader: http.Header{
					"Location":   {"http://127.0.0.1:3000/callback?code=abc&state=s1"},
					"Set-Cookie": {"ST=session-value; Path=/env; HttpOnly; Expires=Wed, 21 Oct 2026 07:28:00 GMT"},
				},
				Started: at, Duration: 3 * time.Millisecond,
			}},
			{Name: "token", State: "failed", Reason: "timed out", At: at.Add(time.Second), Exchange: &pingone.Exchange{
				ID: 2, Step: "token", Method: "POST", URL: "https://auth.pingone.com/env/as/token",
				RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {"ST=abc; other=1"}},
				RequestBody:   "grant_type=authorization_code&client_id=app&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fcallback",
				Status:        0, Err: "timeout", Started: at.Add(time.Second), Duration: 1500 * time.Microsecond,
			}},
		}}
}

func TestHAR_TransportFailureRedirectAndForm(t *testing.T) {
	b, err := HAR(harFailureRun())
	if err != nil {
		t.Fatal(err)
	}
	if err := validateJSON(t, harSchema(t), b); err != nil {
		t.Fatalf("does not validate: %v", err)
	}
	h := harParse(t, b)
	redirect, failed := h.Log.Entries[0], h.Log.Entries[1]
	if redirect.Response.RedirectURL != "http://127.0.0.1:3000/callback?code="+pingone.Redacted+"&state=s1" {
		t.Errorf("redirectURL %q", redirect.Response.RedirectURL)
	}
	if redirect.Started != "2026-01-02T03:04:05.006Z" || redirect.Time != 3 {
		t.Errorf("started %q time %v", redirect.Started, redirect.Time)
	}
	if q := redirect.Request.QueryString; len(q) != 3 || q[2].Name != "scope" || q[2].Value != "openid profile" {
		t.Errorf("queryString %+v", q)
	}
	if c := redirect.Response.Cookies; len(c) != 1 || c[0].Name != "ST" || c[0].Value != pingone.Redacted || !c[0].HTTPOnly {
		t.Errorf("response cookies %+v", c)
	}
	if failed.Response.Status != 0 || failed.Response.Error != "timeout" || failed.Response.StatusText != "" {
		t.Errorf("transport failure: status %d _error %q", failed.Response.Status, failed.Response.Error)
	}
	pd := failed.Request.PostData
	if pd == nil || pd.MimeType != "application/x-www-form-urlencoded" || len(pd.Params) != 3 ||
		pd.Params[2].Name != "redirect_uri" || pd.Params[2].Value != "http://127.0.0.1:3000/callback" {
		t.Fatalf("postData %+v", pd)
	}
	if failed.Request.BodySize != len(pd.Text) {
		t.Errorf("bodySize %d for %d bytes of text", failed.Request.BodySize, len(pd.Text))
	}
	if c := failed.Request.Cookies; len(c) != 2 || c[0].Value != pingone.Redacted || c[1].Name != "other" {
		t.Errorf("request cookies %+v", c)
	}
	if failed.Time != 1.5 || failed.Timings["wait"] != 1.5 || failed.Timings["dns"] != -1 {
		t.Errorf("time %v timings %v", failed.Time, failed.Timings)
	}
	if !strings.Contains(failed.Comment, "timed out") || !strings.Contains(h.Log.Comment, "What failed") {
		t.Errorf("comments: entry %q log %q", failed.Comment, h.Log.Comment)
	}
}
