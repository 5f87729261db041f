package views

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone"
)

func tokenExchange() pingone.Exchange {
	return pingone.Exchange{
		ID:     7,
		Step:   "token",
		Method: "POST",
		URL:    "https://auth.pingone.com/" + testEnvID + "/as/token",
		RequestHeader: map[string][]string{
			"Content-Type": {"application/x-www-form-urlencoded"},
		},
		RequestBody:    "grant_type=authorization_code&code=" + pingone.Redacted + "&code_verifier=" + pingone.Redacted,
		Status:         200,
		ResponseHeader: map[string][]string{"Content-Type": {"application/json"}},
		ResponseBody:   `{"access_token":"` + pingone.Redacted + `","token_type":"Bearer","expires_in":3600}`,
		Started:        t0,
		Duration:       312 * time.Millisecond,
	}
}

func newTestTimeline(t *testing.T) (*Timeline, fyne.App) {
	t.Helper()
	a := test.NewTempApp(t)
	tl := NewTimeline(a)
	tl.ui = newQueuedUI()
	w := test.NewTempWindow(t, tl)
	w.Resize(fyne.NewSize(1000, 500))
	return tl, a
}

func TestTimelineAppendAddsRow(t *testing.T) {
	tl, _ := newTestTimeline(t)
	if !tl.empty.Visible() || !tl.clear.Disabled() {
		t.Fatal("an empty timeline should say so and have nothing to clear")
	}
	tl.Append(tokenExchange())
	if tl.Len() != 1 || tl.list.Length() != 1 {
		t.Fatalf("Len = %d, list length = %d, want 1", tl.Len(), tl.list.Length())
	}
	if tl.empty.Visible() || tl.count.Text != "1 request" {
		t.Errorf("count = %q, empty hint visible = %v", tl.count.Text, tl.empty.Visible())
	}
	for _, want := range []string{"auth.pingone.com/" + testEnvID + "/as/token", "200", "312 ms", "token"} {
		if !hasLabelContaining(tl.list, want) {
			t.Errorf("row does not show %q; labels: %q", want, labelsIn(tl.list))
		}
	}
}

func TestTimelineSelectShowsRedactedRequest(t *testing.T) {
	tl, _ := newTestTimeline(t)
	tl.Append(tokenExchange())
	tl.Select(0)

	for _, want := range []string{
		"POST https://auth.pingone.com/" + testEnvID + "/as/token",
		"Content-Type: application/x-www-form-urlencoded",
		"code=" + pingone.Redacted,
		"code_verifier=" + pingone.Redacted,
	} {
		if !strings.Contains(tl.request.Text, want) {
			t.Errorf("request pane lacks %q:\n%s", want, tl.request.Text)
		}
	}
	if !strings.Contains(tl.response.Text, "HTTP 200") || !strings.Contains(tl.response.Text, `"access_token": "`+pingone.Redacted+`"`) {
		t.Errorf("response pane:\n%s", tl.response.Text)
	}
}

func TestTimelineCopyAsCurl(t *testing.T) {
	tl, a := newTestTimeline(t)
	ex := tokenExchange()
	tl.Append(pingone.Exchange{Method: "GET", URL: "https://auth.pingone.com/x/as/jwks", Status: 200})
	tl.Append(ex)
	if !tl.copyCurl.Disabled() {
		t.Fatal("Copy as cURL is enabled with nothing selected")
	}
	tl.Select(1)
	test.Tap(tl.copyCurl)
	if got := a.Clipboard().Content(); got != ex.Curl() {
		t.Fatalf("clipboard = %q, want %q", got, ex.Curl())
	}
}

func TestTimelineClear(t *testing.T) {
	tl, _ := newTestTimeline(t)
	tl.Append(tokenExchange())
	tl.Select(0)
	test.Tap(tl.clear)
	if tl.Len() != 0 || tl.list.Length() != 0 || tl.request.Text != "" || !tl.copyCurl.Disabled() {
		t.Fatalf("after Clear: len %d, request %q", tl.Len(), tl.request.Text)
	}
}

func TestTimelineFailedRequestRow(t *testing.T) {
	tl, _ := newTestTimeline(t)
	tl.Append(pingone.Exchange{Method: "POST", URL: "https://api.pingone.com/v1/environments/x/applications", Err: "timeout", Duration: 15 * time.Second})
	tl.Select(0)
	if !strings.Contains(tl.response.Text, "No response: timeout") {
		t.Errorf("response pane = %q", tl.response.Text)
	}
	if !hasLabelContaining(tl.list, "ERR") {
		t.Errorf("row does not flag the failure: %q", labelsIn(tl.list))
	}
}

func TestStatusImportance(t *testing.T) {
	cases := []struct {
		ex   pingone.Exchange
		want widget.Importance
	}{
		{pingone.Exchange{Status: 200}, widget.SuccessImportance},
		{pingone.Exchange{Status: 201}, widget.SuccessImportance},
		{pingone.Exchange{Status: 302}, widget.HighImportance},
		{pingone.Exchange{Status: 400}, widget.WarningImportance},
		{pingone.Exchange{Status: 503}, widget.DangerImportance},
		{pingone.Exchange{Err: "timeout"}, widget.DangerImportance},
	}
	for _, c := range cases {
		if got := statusImportance(c.ex); got != c.want {
			t.Errorf("status %d (%q): importance %v, want %v", c.ex.Status, c.ex.Err, got, c.want)
		}
	}
}

func TestTimelineKeepsABoundedHistory(t *testing.T) {
	tl, _ := newTestTimeline(t)
	if tl.limit != pingone.DefaultTranscriptLimit {
		t.Fatalf("limit %d, want the transcript's %d", tl.limit, pingone.DefaultTranscriptLimit)
	}
	tl.limit = 20 // a thousand list refreshes are slow under -race; the rule is the same
	for i := range tl.limit + 5 {
		tl.Append(pingone.Exchange{ID: i + 1, Method: "GET", URL: "https://auth.pingone.com/", Status: 200})
	}
	if tl.Len() != tl.limit || tl.entries[0].ID != 6 {
		t.Fatalf("len %d, oldest ID %d: want %d rows starting at 6", tl.Len(), tl.entries[0].ID, tl.limit)
	}
}
