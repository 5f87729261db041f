package signin

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzCallback drives the loopback handler with arbitrary paths, queries and hosts. It
// must never panic; it must never accept a code (303 and a result carrying a code) unless
// the request proves knowledge of the state, and that code is printable ASCII; and a
// request without that proof must leave the attempt untouched, so the real callback sent
// after it is still accepted.
func FuzzCallback(f *testing.F) {
	f.Add("/callback", "code=abc&state="+testState, "localhost:3000")
	f.Add("/callback", "error=access_denied&state="+testState, "127.0.0.1:3000")
	f.Add("/callback", "code=abc&state=wrong", "localhost:3000")
	f.Add("/callback", "code=a&code=b&state="+testState, "[::1]:3000")
	f.Add("/callback", "state="+testState+"&state="+testState+"&code=x", "localhost:3000")
	f.Add("/callback", "code=%zz&state="+testState, "localhost:3000")
	f.Add("/callback", "code=abc%0d%0a&state="+testState, "localhost:3000")
	f.Add("/callback", "code=abc&state="+testState+"%00", "localhost:3000")
	f.Add("/done", "", "localhost:3000")
	f.Add("//callback", "code=abc&state="+testState, "localhost:3000")
	f.Fuzz(func(t *testing.T, path, rawQuery, host string) {
		h := newCallbackHandler(ReceiverOptions{State: testState}, 3000, "/callback")
		rec := serveOnce(h, path, rawQuery, host)

		var res *callbackResult
		select {
		case r := <-h.results:
			res = &r
		default:
		}
		q, qerr := url.ParseQuery(rawQuery)
		proves := qerr == nil && len(q["state"]) == 1 && q.Get("state") == testState &&
			path == "/callback" && h.allowedHosts[strings.ToLower(host)]
		if !proves {
			if res != nil || rec.Code == http.StatusSeeOther {
				t.Fatalf("a request without the right state ended the attempt: path %q query %q host %q", path, rawQuery, host)
			}
			if body := rec.Body.String(); len(rawQuery) > 8 && strings.Contains(body, rawQuery) {
				t.Fatalf("page reflects the query")
			}
			legit := serveOnce(h, "/callback", "code=legit&state="+testState, "localhost:3000")
			if legit.Code != http.StatusSeeOther {
				t.Fatalf("after path %q query %q host %q the real callback got %d", path, rawQuery, host, legit.Code)
			}
			if r := <-h.results; r.code != "legit" {
				t.Fatalf("after path %q query %q host %q the attempt ended with %+v", path, rawQuery, host, r)
			}
			return
		}
		if rec.Code != http.StatusSeeOther && (res == nil || res.code == "") {
			return // refused or ended with an error, by a request that knew the state
		}
		if res == nil || res.code == "" || res.code != q.Get("code") || len(q["code"]) != 1 {
			t.Fatalf("303 without a matching single code result")
		}
		if !isVSChars(res.code) {
			t.Fatalf("code %q outside printable ASCII accepted", res.code)
		}
	})
}

func serveOnce(h *callbackHandler, path, rawQuery, host string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "http://localhost:3000/", nil)
	req.URL.Path = path
	req.URL.RawQuery = rawQuery
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
