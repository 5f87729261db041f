package export

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// harImported is what Chrome DevTools made of one entry.
type harImported struct {
	Method   string  `json:"method"`
	URL      string  `json:"url"`
	Status   int     `json:"status"`
	Text     string  `json:"statusText"`
	Mime     string  `json:"mime"`
	Duration float64 `json:"duration"` // seconds
	Headers  int     `json:"requestHeaders"`
	Form     string  `json:"form"` // the request body DevTools shows
}

// The HARs open in Chrome DevTools: the browser's bundled front end parses them with its
// own HAR importer (models/har, what Network ▸ Import HAR file runs) and gets one request
// per entry with our method, URL, status and duration.
func TestHAR_ChromeDevToolsImports(t *testing.T) {
	ok, failed, labRun := recordedRuns(t)
	runs := map[string]Run{"succeeded": ok, "wrong password": failed, "lab": labRun, "transport failure": harFailureRun()}

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(sandboxtest.ChromiumPath(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("devtools://devtools/bundled/devtools_app.html")); err != nil {
		t.Fatalf("opening the DevTools front end: %v", err)
	}

	for name, r := range runs {
		b, err := HAR(r)
		if err != nil {
			t.Fatal(err)
		}
		var h harFile
		if err := json.Unmarshal(b, &h); err != nil {
			t.Fatal(err)
		}
		lit, _ := json.Marshal(string(b))
		script := fmt.Sprintf(`(async () => {
  const HAR = await import('./models/har/har.js');
  const log = new HAR.HARFormat.HARRoot(JSON.parse(%s)).log;
  const reqs = HAR.Importer.Importer.requestsFromHARLog(log);
  return JSON.stringify(await Promise.all(reqs.map(async r => ({
    method: r.requestMethod, url: r.url(), status: r.statusCode, statusText: r.statusText,
    mime: r.mimeType || '', duration: r.duration, requestHeaders: r.requestHeaders().length,
    form: (await r.requestFormData()) || '',
  }))));
})()`, lit)
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: DevTools could not import the HAR: %v", name, err)
		}
		var got []harImported
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %v (%s)", name, err, out)
		}
		if len(got) != len(h.Log.Entries) || len(got) == 0 {
			t.Fatalf("%s: DevTools imported %d requests from %d entries", name, len(got), len(h.Log.Entries))
		}
		// DevTools sorts by start time; ours are in order already.
		for i, e := range h.Log.Entries {
			g := got[i]
			if g.Method != e.Request.Method || g.URL != e.Request.URL || g.Status != e.Response.Status || g.Text != e.Response.StatusText {
				t.Errorf("%s entry %d: DevTools read %s %s %d %q, the HAR has %s %s %d %q", name, i,
					g.Method, g.URL, g.Status, g.Text, e.Request.Method, e.Request.URL, e.Response.Status, e.Response.StatusText)
			}
			if math.Abs(g.Duration*1000-e.Time) > 0.01 {
				t.Errorf("%s entry %d: DevTools duration %v s for time %v ms", name, i, g.Duration, e.Time)
			}
			var body string
			if e.Request.PostData != nil {
				body = e.Request.PostData.Text
			}
			if g.Form != body {
				t.Errorf("%s entry %d: DevTools shows the request body %q, the HAR has %q", name, i, g.Form, body)
			}
			if g.Headers != len(e.Request.Headers) {
				t.Errorf("%s entry %d: DevTools read %d request headers of %d", name, i, g.Headers, len(e.Request.Headers))
			}
			if e.Response.Status != 0 && !strings.HasPrefix(e.Response.Content.MimeType, g.Mime) {
				t.Errorf("%s entry %d: DevTools mime %q for %q", name, i, g.Mime, e.Response.Content.MimeType)
			}
		}
	}
}
