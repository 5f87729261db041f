package pingone

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// RecordTo collects the exchanges of the requests made with its context only, redacted as
// the client's transcript records them, even while other requests run on the same client.
func TestRecordToCollectsOnlyItsOwnRequests(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"path":"`+r.URL.Path+`","access_token":"`+canary+`"}`)
	}))
	defer srv.Close()
	desk, own := NewTranscript(), NewTranscript()
	c := NewHTTPClient(HTTPOptions{Transcript: desk})
	get := func(ctx context.Context, path string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	ctx := RecordTo(context.Background(), own)
	get(context.Background(), "/before")
	get(ctx, "/mine")
	get(context.Background(), "/between")
	// Adding the same transcript again, or the client's own, records nothing twice.
	get(RecordTo(RecordTo(ctx, own), desk), "/mine-again")

	mine := own.Entries()
	if len(mine) != 2 || !strings.HasSuffix(mine[0].URL, "/mine") || !strings.HasSuffix(mine[1].URL, "/mine-again") {
		t.Fatalf("own transcript = %v, want /mine and /mine-again only", urls(mine))
	}
	all := desk.Entries()
	if len(all) != 4 {
		t.Fatalf("desk transcript = %v, want the four requests once each", urls(all))
	}
	if mine[0].ResponseBody != all[1].ResponseBody || mine[0].RequestHeader.Get("User-Agent") != all[1].RequestHeader.Get("User-Agent") {
		t.Errorf("the two records of /mine differ:\n%+v\n%+v", mine[0], all[1])
	}
	if !strings.Contains(mine[0].ResponseBody, Redacted) {
		t.Errorf("response body not redacted: %s", mine[0].ResponseBody)
	}
	assertNoCanary(t, own)
}

// A client without a transcript of its own still records into the context's.
func TestRecordToWithoutClientTranscript(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	own := NewTranscript()
	req, _ := http.NewRequestWithContext(RecordTo(context.Background(), own), http.MethodGet, srv.URL+"/x?code="+canary, nil)
	resp, err := NewHTTPClient(HTTPOptions{}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := own.Entries(); len(got) != 1 || got[0].Status != http.StatusOK || strings.Contains(got[0].URL, canary) {
		t.Fatalf("entries = %+v, want the one request with its code redacted", got)
	}
	if RecordTo(context.Background(), nil) != context.Background() {
		t.Error("RecordTo(nil) must leave the context alone")
	}
}

func urls(es []Exchange) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.URL
	}
	return out
}
