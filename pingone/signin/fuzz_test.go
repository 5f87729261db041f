package signin

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzCallback drives the loopback handler with arbitrary paths, queries and hosts. It
// must never panic, and it must never accept a code (303 and a result carrying a code)
// unless the request proves knowledge of the state.
func FuzzCallback(f *testing.F) {
	f.Add("/callback", "code=abc&state="+testState, "localhost:3000")
	f.Add("/callback", "error=access_denied&state="+testState, "127.0.0.1:3000")
	f.Add("/callback", "code=abc&state=wrong", "localhost:3000")
	f.Add("/callback", "code=a&code=b&state="+testState, "[::1]:3000")
	f.Add("/callback", "state="+testState+"&state="+testState+"&code=x", "localhost:3000")
	f.Add("/callback", "code=%zz&state="+testState, "localhost:3000")
	f.Add("/done", "", "localhost:3000")
	f.Add("//callback", "code=abc&state="+testState, "localhost:3000")
	f.Fuzz(func(t *testing.T, path, rawQuery, host string) {
		h := newCallbackHandler(ReceiverOptions{State: testState}, 3000, "/callback")
		req := httptest.NewRequest(http.MethodGet, "http://localhost:3000/", nil)
		req.URL.Path = path
		req.URL.RawQuery = rawQuery
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		var res *callbackResult
		select {
		case r := <-h.results:
			res = &r
		default:
		}
		accepted := rec.Code == http.StatusSeeOther || (res != nil && res.code != "")
		if !accepted {
			if body := rec.Body.String(); rawQuery != "" && len(rawQuery) > 8 && strings.Contains(body, rawQuery) {
				t.Fatalf("page reflects the query")
			}
			return
		}
		q, err := url.ParseQuery(rawQuery)
		if err != nil || len(q["state"]) != 1 || q.Get("state") != testState {
			t.Fatalf("code accepted without the right state: path %q query %q", path, rawQuery)
		}
		if path != "/callback" || !h.allowedHosts[strings.ToLower(host)] {
			t.Fatalf("code accepted on path %q host %q", path, host)
		}
		if res == nil || res.code == "" || res.code != q.Get("code") || len(q["code"]) != 1 {
			t.Fatalf("303 without a matching single code result")
		}
	})
}
