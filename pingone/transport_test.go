package pingone

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// assertNoCanary fails if the canary appears anywhere in the transcript or its cURL form.
func assertNoCanary(t *testing.T, tr *Transcript) {
	t.Helper()
	for _, e := range tr.Entries() {
		all := e.URL + e.RequestBody + e.ResponseBody + e.Curl() + e.Err
		for _, h := range []http.Header{e.RequestHeader, e.ResponseHeader} {
			for k, vs := range h {
				all += k + strings.Join(vs, ",")
			}
		}
		if strings.Contains(all, canary) {
			t.Errorf("exchange %d leaked the canary:\n%s", e.ID, all)
		}
	}
}

func TestTranscriptRecordsAndRedacts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Errorf("server could not read body: %v", err)
		}
		if r.PostForm.Get("code_verifier") != canary {
			t.Errorf("request body not delivered intact: %q", r.PostForm.Get("code_verifier"))
		}
		if r.UserAgent() != "PKCE Desk" {
			t.Errorf("User-Agent = %q", r.UserAgent())
		}
		http.SetCookie(w, &http.Cookie{Name: "ST", Value: canary})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "http://localhost:3000/callback?code="+canary+"&state=s")
		io.WriteString(w, `{"access_token":"`+canary+`","id_token":"`+canary+`","refresh_token":"`+canary+`","token_type":"Bearer"}`)
	}))
	defer srv.Close()

	tr := NewTranscript()
	got := make(chan Exchange, 1)
	unsubscribe := tr.Subscribe(func(e Exchange) { got <- e })
	c := NewHTTPClient(HTTPOptions{Transcript: tr})

	form := url.Values{"grant_type": {"authorization_code"}, "code": {canary}, "code_verifier": {canary},
		"client_secret": {canary}, "password": {canary}, "client_id": {"app"}}
	ctx := WithStep(context.Background(), "token")
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/as/token?token="+canary+"&x=1", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+canary)
	req.Header.Set("Cookie", "ST="+canary)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), canary) {
		t.Fatalf("caller must receive the real body, got %q", body)
	}

	var e Exchange
	select {
	case e = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("subscriber not called")
	}
	unsubscribe()
	entries := tr.Entries()
	if len(entries) != 1 {
		t.Fatalf("entries = %d", len(entries))
	}
	if e.ID != entries[0].ID || e.ID == 0 {
		t.Errorf("IDs: subscriber %d, entries %d", e.ID, entries[0].ID)
	}
	if e.Step != "token" || e.Method != http.MethodPost || e.Status != 200 {
		t.Errorf("step/method/status = %q %q %d", e.Step, e.Method, e.Status)
	}
	if !strings.HasPrefix(e.URL, srv.URL+"/as/token?token=<redacted>&x=1") {
		t.Errorf("URL = %q", e.URL)
	}
	if e.Duration <= 0 || e.Started.IsZero() {
		t.Errorf("timing not recorded: %v %v", e.Started, e.Duration)
	}
	if !strings.Contains(e.RequestBody, "client_id=app") || !strings.Contains(e.ResponseBody, "Bearer") {
		t.Errorf("bodies: %q / %q", e.RequestBody, e.ResponseBody)
	}
	curl := e.Curl()
	if !strings.HasPrefix(curl, "curl -X 'POST'") || !strings.Contains(curl, "--data-raw") ||
		!strings.Contains(curl, "'Authorization: Bearer <redacted>'") {
		t.Errorf("curl = %s", curl)
	}
	assertNoCanary(t, tr)

	// After unsubscribing the callback must not run again.
	resp, err = c.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
	}
	select {
	case <-got:
		t.Error("unsubscribed callback called")
	default:
	}
	if n := len(tr.Entries()); n != 2 {
		t.Errorf("entries after 2nd call = %d", n)
	}
}

func TestCurlQuotesSingleQuotes(t *testing.T) {
	e := Exchange{Method: "GET", URL: "https://x/p?q=it's", RequestHeader: http.Header{"X": {"a'b"}}}
	c := e.Curl()
	if !strings.Contains(c, `'https://x/p?q=it'\''s'`) || !strings.Contains(c, `'X: a'\''b'`) {
		t.Errorf("quoting: %s", c)
	}
	if strings.Contains(c, "-X") {
		t.Errorf("GET should not need -X: %s", c)
	}
}

func TestResponseSizeBound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 2048))
	}))
	defer srv.Close()
	tr := NewTranscript()
	c := NewHTTPClient(HTTPOptions{MaxResponseBytes: 1024, Transcript: tr})
	_, err := c.Get(srv.URL)
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("err = %v, want ErrResponseTooLarge", err)
	}
	if es := tr.Entries(); len(es) != 1 || es[0].Err != "response too large" || len(es[0].ResponseBody) > 100 {
		t.Errorf("transcript: %+v", es)
	}
	// Exactly at the limit is fine.
	c = NewHTTPClient(HTTPOptions{MaxResponseBytes: 2048})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(b) != 2048 {
		t.Errorf("len = %d", len(b))
	}
}

func TestNoRedirectFollowingByDefault(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/target" {
			hits++
			return
		}
		http.Redirect(w, r, "/target?code="+canary, http.StatusFound)
	}))
	defer srv.Close()
	tr := NewTranscript()
	resp, err := NewHTTPClient(HTTPOptions{Transcript: tr}).Get(srv.URL + "/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || hits != 0 {
		t.Errorf("status %d, target hits %d", resp.StatusCode, hits)
	}
	if !strings.Contains(resp.Header.Get("Location"), canary) {
		t.Errorf("caller must see the real Location")
	}
	assertNoCanary(t, tr)

	resp, err = NewHTTPClient(HTTPOptions{FollowRedirects: true}).Get(srv.URL + "/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || hits != 1 {
		t.Errorf("follow: status %d hits %d", resp.StatusCode, hits)
	}
}

func TestTimeoutRecordedAsClass(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	tr := NewTranscript()
	c := NewHTTPClient(HTTPOptions{Timeout: 50 * time.Millisecond, Transcript: tr})
	_, err := c.Get(srv.URL + "/?code=" + canary)
	if err == nil {
		t.Fatal("expected timeout")
	}
	var ue *url.Error
	if !errors.As(err, &ue) || !ue.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout not recognisable: %T %v", err, err)
	}
	ne := NewNetworkError("token", err)
	if !ne.Timeout() || strings.Contains(ne.Error(), canary) || strings.Contains(ne.Error(), srv.URL) {
		t.Errorf("NetworkError = %q (class %q)", ne.Error(), ne.Class)
	}
	es := tr.Entries()
	if len(es) != 1 || es[0].Err != "timeout" || es[0].Status != 0 {
		t.Errorf("transcript: %+v", es)
	}
	assertNoCanary(t, tr)
}

func TestConnectionRefusedClass(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	_, err := NewHTTPClient(HTTPOptions{}).Get(addr)
	if got := classifyNetworkError(err); got != "connection refused" {
		t.Errorf("class = %q", got)
	}
	if classifyNetworkError(context.Canceled) != "canceled" || classifyNetworkError(nil) != "" {
		t.Error("simple classes wrong")
	}
}

func TestTranscriptLimit(t *testing.T) {
	tr := NewTranscript()
	tr.limit = 3
	for i := 0; i < 5; i++ {
		tr.add(Exchange{Method: "GET"})
	}
	es := tr.Entries()
	if len(es) != 3 || es[0].ID != 3 || es[2].ID != 5 {
		t.Errorf("entries: %+v", es)
	}
	tr.Clear()
	if len(tr.Entries()) != 0 {
		t.Error("Clear kept entries")
	}
}

// stubTransport answers every request at once with the same JSON body.
type stubTransport struct{ body []byte }

func (s stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(bytes.NewReader(s.body)),
		Request: req,
	}, nil
}

// A long session records far more exchanges than a transcript keeps; the ring holds the
// newest DefaultTranscriptLimit and lets the rest go.
func TestTranscriptMemoryBoundedOver10000Exchanges(t *testing.T) {
	const exchanges = 10_000
	// An 8 KiB JSON response per exchange: a kept entry costs at least that much.
	const bodyBytes = 8 << 10
	entry := strings.Repeat("x", 64)
	var body bytes.Buffer
	body.WriteString(`{"items":[`)
	for body.Len() < bodyBytes-len(entry)-8 {
		body.WriteString(`"` + entry + `",`)
	}
	body.WriteString(`"end"]}`)

	tr := NewTranscript()
	c := NewHTTPClient(HTTPOptions{Transcript: tr, Transport: stubTransport{body.Bytes()}})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	for i := range exchanges {
		req, _ := http.NewRequest(http.MethodPost, "https://auth.example/as/token", strings.NewReader("grant_type=refresh_token&refresh_token="+canary))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("exchange %d: %v", i, err)
		}
		resp.Body.Close()
	}

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(tr)

	es := tr.Entries()
	if len(es) != DefaultTranscriptLimit || es[0].ID != exchanges-DefaultTranscriptLimit+1 || es[len(es)-1].ID != exchanges {
		t.Fatalf("transcript holds %d entries, IDs %d..%d; want the newest %d", len(es), es[0].ID, es[len(es)-1].ID, DefaultTranscriptLimit)
	}
	// The bound: each kept entry holds its redacted response body (re-indented, at most
	// about twice the 8 KiB), a small request body, headers and the struct itself (under
	// 2 KiB), so the limit's worth of entries stays under limit × (2 × 8 KiB + 2 KiB) =
	// about 18 MiB, plus 8 MiB of slack for the runtime and the test binary. Keeping every
	// exchange would hold at least 10,000 × 8 KiB = 78 MiB of response bodies alone,
	// four times the bound; keeping half of them would still exceed it.
	const bound = DefaultTranscriptLimit*(2*bodyBytes+2<<10) + 8<<20
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if grown > bound {
		t.Fatalf("heap grew by %d MiB over %d exchanges; bound %d MiB", grown>>20, exchanges, bound>>20)
	}
	t.Logf("heap grew by %.1f MiB (bound %d MiB)", float64(grown)/(1<<20), bound>>20)
	es = nil
	tr.Clear()
	if len(tr.Entries()) != 0 {
		t.Fatal("Clear kept entries")
	}
}

// The ring keeps order and IDs across many wraps, and Clear starts it over.
func TestTranscriptRingOrder(t *testing.T) {
	tr := NewTranscript()
	tr.limit = 4
	for n := 1; n <= 11; n++ {
		tr.add(Exchange{Method: "GET"})
		es := tr.Entries()
		if want := min(n, 4); len(es) != want {
			t.Fatalf("after %d adds: %d entries, want %d", n, len(es), want)
		}
		for i, e := range es {
			if want := n - len(es) + 1 + i; e.ID != want {
				t.Fatalf("after %d adds: entry %d has ID %d, want %d", n, i, e.ID, want)
			}
		}
	}
	tr.Clear()
	tr.add(Exchange{Method: "POST"})
	if es := tr.Entries(); len(es) != 1 || es[0].ID != 12 || es[0].Method != "POST" {
		t.Fatalf("after Clear: %+v", es)
	}
}

// One recording client feeding two transcripts records each exchange in both, redacted
// once, with each transcript's own IDs.
func TestAlsoRecordTo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"`+canary+`","token_type":"Bearer"}`)
	}))
	defer srv.Close()
	attempt, desk := NewTranscript(), NewTranscript()
	desk.add(Exchange{Method: "GET"}) // the desk transcript has history; its IDs go on
	var seen []Exchange
	unsub := desk.Subscribe(func(e Exchange) { seen = append(seen, e) })
	defer unsub()
	c := NewHTTPClient(HTTPOptions{Transcript: attempt, AlsoRecordTo: []*Transcript{desk, nil, attempt}})
	resp, err := c.Get(srv.URL + "/as/token")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	a, d := attempt.Entries(), desk.Entries()
	if len(a) != 1 || len(d) != 2 || len(seen) != 1 {
		t.Fatalf("attempt %d, desk %d entries, %d notifications; want 1, 2, 1", len(a), len(d), len(seen))
	}
	if a[0].ID != 1 || d[1].ID != 2 || seen[0].ID != 2 {
		t.Errorf("IDs: attempt %d, desk %d, notified %d", a[0].ID, d[1].ID, seen[0].ID)
	}
	if a[0].ResponseBody != d[1].ResponseBody || a[0].URL != d[1].URL || a[0].Status != http.StatusOK {
		t.Errorf("the transcripts disagree:\n%+v\n%+v", a[0], d[1])
	}
	// Each reader gets its own headers: changing one copy changes no other.
	a[0].ResponseHeader.Set("Content-Type", "changed")
	if desk.Entries()[1].ResponseHeader.Get("Content-Type") != "application/json" || attempt.Entries()[0].ResponseHeader.Get("Content-Type") != "application/json" {
		t.Error("a reader's copy shares headers with the stored exchange")
	}
	assertNoCanary(t, attempt)
	assertNoCanary(t, desk)
}

func TestStepContext(t *testing.T) {
	if StepFrom(context.Background()) != "" {
		t.Error("empty context has a step")
	}
	if StepFrom(WithStep(context.Background(), "authorize")) != "authorize" {
		t.Error("step lost")
	}
}

func TestCallerCancelIsNotATimeout(t *testing.T) {
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	}))
	defer srv.Close()
	tr := NewTranscript()
	c := NewHTTPClient(HTTPOptions{Transcript: tr})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := c.Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if es := tr.Entries(); len(es) != 1 || es[0].Err != "canceled" {
		t.Errorf("transcript: %+v", es)
	}
}

// F5/B16: a transport failure names the host it could not reach (the resolver's or the
// request's), never the URL with its query.
func TestNetworkErrorNamesTheHost(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("a request got through an untrusted certificate")
	}))
	defer tlsSrv.Close()
	tlsHost := strings.TrimPrefix(tlsSrv.URL, "https://")
	cases := []struct {
		name, url, class, host string
	}{
		{"DNS", "https://auth.pingone.invalid/env/as/.well-known/openid-configuration?x=" + canary, "DNS lookup failed", "auth.pingone.invalid"},
		{"untrusted certificate", tlsSrv.URL + "/as/token?x=" + canary, "TLS certificate rejected", tlsHost},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The default client: its certificate check must be on (case B16).
			_, err := NewHTTPClient(HTTPOptions{Timeout: 10 * time.Second}).Get(c.url)
			if err == nil {
				t.Fatal("request succeeded")
			}
			ne := NewNetworkError("discovery", err)
			if ne.Class != c.class || ne.Host != c.host {
				t.Fatalf("class %q host %q, want %q %q (%v)", ne.Class, ne.Host, c.class, c.host, err)
			}
			if msg := ne.Error(); !strings.Contains(msg, "cannot reach "+c.host) || strings.Contains(msg, canary) {
				t.Errorf("Error() = %q", msg)
			}
		})
	}
	// Without a URL the resolver's own error still names the host.
	ne := NewNetworkError("", &net.DNSError{Err: "no such host", Name: "api.pingone.invalid", IsNotFound: true})
	if ne.Host != "api.pingone.invalid" {
		t.Errorf("host %q from a bare DNS error", ne.Host)
	}
}

// B16: nothing in the module turns certificate verification off; a MITM or corporate
// proxy certificate must fail the connection, not be accepted.
func TestNoCodeSkipsCertificateVerification(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "vendor" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), "InsecureSkipVerify") {
			t.Errorf("%s mentions InsecureSkipVerify", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
