package export

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// A body holding a run of backticks cannot close the fence it is printed in.
func TestMarkdown_FenceLongerThanBackticksInBody(t *testing.T) {
	body := "see ````` here and ``` there"
	r := Run{Kind: "userinfo", Outcome: "succeeded", Steps: []Step{{Name: "userinfo", State: "ok", Status: 200,
		Exchange: &pingone.Exchange{Method: "GET", URL: "https://auth.pingone.com/env/as/userinfo", Status: 200, ResponseBody: body}}}}
	md := string(Markdown(r))
	fence := "``````"
	if !strings.Contains(md, fence+"http\nHTTP 200 OK\n\n"+body+"\n"+fence+"\n") {
		t.Fatalf("response not fenced by six backticks:\n%s", md)
	}
	// The request has no backticks: the usual three.
	if !strings.Contains(md, "```http\nGET https://auth.pingone.com/env/as/userinfo\n```\n") {
		t.Fatalf("request fence:\n%s", md)
	}
}

func TestMarkdown_TextCannotBreakTheLayout(t *testing.T) {
	r := Run{Kind: "sign-in", Outcome: "failed", Error: "x",
		Connection: Connection{Name: "a | b\n# not a heading"},
		Steps:      []Step{{Name: "token", State: "failed", Reason: "<script>alert(1)</script> *bold* [link](http://x)"}}}
	md := string(Markdown(r))
	for _, want := range []string{
		`| Connection | a \\| b \# not a heading |`,
		`\<script\>alert(1)\</script\> \*bold\* \[link\](http://x)`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	if strings.Contains(md, "\n# not a heading") {
		t.Error("a newline in a value started a heading")
	}
}

// What failed: a failed step wins over a failed check; with no failed step the first
// failed check is named; a success names nothing.
func TestFailure_StepThenCheckThenError(t *testing.T) {
	checks := []Check{{ID: "iss", Title: "Issuer", Status: "passed"}, {ID: "nonce", Title: "Nonce", Status: "failed", Reason: "Does not match the value this app sent."}}
	r := Run{Kind: "sign-in", Mode: "browser", Outcome: "failed", Error: "token: ID token rejected (nonce)", Checks: checks,
		App: App{ClientID: "app-1"}, Connection: Connection{Name: "Test env", Tag: "test"}, Duration: 1500 * time.Millisecond,
		Steps: []Step{{Name: "token", State: "ok", Status: 200}, {Name: "verify", Label: "Check the ID token", State: "ok"}}}
	md := string(Markdown(r))
	if !strings.Contains(md, "> **What failed:** ID token check Nonce (`nonce`): Does not match the value this app sent.") {
		t.Errorf("check failure line missing:\n%s", md)
	}
	if !strings.Contains(md, "| Nonce (`nonce`) | **failed** | Does not match the value this app sent. |") {
		t.Errorf("checklist row missing:\n%s", md)
	}
	sum := Summary(r)
	for _, want := range []string{"sign-in (browser): failed, 1500.000 ms", "App app-1 on Test env [test]", "Failed ID token check Nonce (nonce): Does not match"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if n := strings.Count(sum, "\n"); n < 3 || n > 6 {
		t.Errorf("summary has %d lines, want a few:\n%s", n, sum)
	}

	r.Steps[0] = Step{Name: "token", Label: "Redeem the code", State: "failed", Status: 400}
	js, err := JSON(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Failure *jsFailureInfo `json:"failure"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Failure == nil || doc.Failure.Step != "token" || doc.Failure.Title != "Redeem the code" || doc.Failure.Reason != r.Error {
		t.Errorf("failure = %+v", doc.Failure)
	}

	r.Outcome, r.Error, r.Steps[0].State, r.Checks = "succeeded", "", "ok", nil
	if js, _ := JSON(r); !strings.Contains(string(js), `"failure": null`) {
		t.Error("a successful run has a failure")
	}
	if strings.Contains(string(Markdown(r)), "What failed") || strings.Contains(Summary(r), "Failed") {
		t.Error("a successful run names a failure")
	}
}

func TestJSON_UnitsAndFormat(t *testing.T) {
	at := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 2*3600))
	r := Run{ID: 5, Kind: "refresh", Outcome: "succeeded", Started: at, Duration: 1234567 * time.Microsecond,
		Steps: []Step{{Name: "token", State: "ok", Status: 200, Duration: 2500 * time.Microsecond, At: at,
			Exchange: &pingone.Exchange{ID: 3, Method: "POST", URL: "https://auth.pingone.com/e/as/token", Status: 200,
				RequestHeader: http.Header{"B": {"2"}, "A": {"1", "0"}}, Started: at, Duration: 2500 * time.Microsecond}}}}
	b, err := JSON(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["format"] != FormatName || doc["version"] != float64(FormatVersion) {
		t.Errorf("format %v version %v", doc["format"], doc["version"])
	}
	if doc["started"] != "2026-05-06T05:08:09.123456789Z" || doc["duration_ms"] != 1234.567 {
		t.Errorf("started %v duration_ms %v", doc["started"], doc["duration_ms"])
	}
	step := doc["steps"].([]any)[0].(map[string]any)
	x := step["exchange"].(map[string]any)
	if step["duration_ms"] != 2.5 || x["duration_ms"] != 2.5 {
		t.Errorf("step %v exchange %v", step["duration_ms"], x["duration_ms"])
	}
	hs := x["request"].(map[string]any)["headers"].([]any)
	var got []string
	for _, h := range hs {
		m := h.(map[string]any)
		got = append(got, m["name"].(string)+"="+m["value"].(string))
	}
	if strings.Join(got, ",") != "A=1,A=0,B=2" {
		t.Errorf("headers %v: want sorted by name, repeated values in order", got)
	}
	if !strings.HasPrefix(x["curl"].(string), "curl -X 'POST'") {
		t.Errorf("curl %q", x["curl"])
	}
}

var jsSnake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// Every member name the JSON writer produces is snake_case and documented in
// docs/run-format.md (as `name` in its tables).
func TestJSON_EveryFieldSnakeCaseAndDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "run-format.md"))
	if err != nil {
		t.Fatal(err)
	}
	ok, failed, labRun := recordedRuns(t)
	keys := map[string]bool{}
	for _, r := range []Run{ok, failed, labRun} {
		b, err := JSON(r)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		jsCollectKeys(v, "", keys)
	}
	var paths []string
	for p := range keys {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if len(paths) < 60 {
		t.Fatalf("only %d member paths found: %v", len(paths), paths)
	}
	for _, p := range paths {
		name := p[strings.LastIndex(p, ".")+1:]
		// Exchanges are one object type, documented once as exchange.*.
		for _, prefix := range []string{"steps[].exchange", "lab.results[].exchanges[]"} {
			if strings.HasPrefix(p, prefix+".") {
				p = "exchange" + strings.TrimPrefix(p, prefix)
			}
		}
		if !jsSnake.MatchString(name) {
			t.Errorf("%s is not snake_case", p)
		}
		if !strings.Contains(string(doc), "`"+p+"`") {
			t.Errorf("docs/run-format.md does not document `%s`", p)
		}
	}
}

// jsCollectKeys records the dotted path of every object member; array elements add "[]".
func jsCollectKeys(v any, prefix string, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			into[p] = true
			jsCollectKeys(val, p, into)
		}
	case []any:
		for _, val := range x {
			jsCollectKeys(val, prefix+"[]", into)
		}
	}
}
