package views

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/app"
)

type savedExport struct {
	name string
	data []byte
}

func TestHistoryScreen_RunsExportsAndSummary(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.History
	var saved []savedExport
	s.saveFile = func(name string, data []byte, done func(string, error)) {
		saved = append(saved, savedExport{name, data})
		done("/tmp/"+name, nil)
	}
	var folder map[string][]byte
	s.saveFolder = func(files map[string][]byte, done func(string, error)) { folder = files; done("/tmp/out", nil) }

	if len(s.list.runs) != 0 || s.list.empty.Hidden || s.detail.hint.Hidden || s.detail.hint.Text == "" {
		t.Fatal("the history is not empty at start, or does not say what it is for")
	}
	e.Win.Flow.RunDemo()
	waitTask(t, e.Win.Flow.task, "the stage demo")
	if len(s.list.runs) == 0 {
		t.Fatal("the demo's sign-in is not in the history")
	}
	if !s.list.empty.Hidden {
		t.Error("the empty-history hint is still shown")
	}
	if got := historyTitle(s.list.runs[0]); got != "Sign-in (in-app) — succeeded" {
		t.Errorf("first row %q", got)
	}
	e.Win.Show(ScreenHistory)
	if e.Win.Current() != ScreenHistory {
		t.Fatal("Ctrl+7's screen is not History")
	}
	s.list.list.Select(0)
	if s.detail.run == nil || !strings.Contains(s.detail.facts.Text, "Sandbox (offline)") || !s.detail.failure.Hidden {
		t.Fatalf("detail: %q / failure %q", s.detail.facts.Text, s.detail.failure.Text)
	}
	verifier, ok := e.Desk.RunVerifier(s.detail.run.ID)
	if !ok || !strings.Contains(s.detail.facts.Text, "code_verifier (redeemed, so spent): "+verifier) {
		t.Errorf("the redeemed verifier is not shown: %q", s.detail.facts.Text)
	}
	e.Win.TogglePresenterView()
	if strings.Contains(s.detail.facts.Text, verifier) || !strings.Contains(s.detail.facts.Text, "hidden in presenter view") {
		t.Errorf("presenter view shows the verifier: %q", s.detail.facts.Text)
	}
	e.Win.TogglePresenterView()
	if !strings.Contains(s.detail.steps.Text, "POST") || s.detail.checksTitle.Hidden {
		t.Errorf("steps %q, checklist hidden %v", s.detail.steps.Text, s.detail.checksTitle.Hidden)
	}

	// Every format from the detail's buttons: saved under a name of its own, no secret in it.
	for _, b := range s.detail.exports {
		b.OnTapped()
	}
	if len(saved) != len(app.ExportFormats()) {
		t.Fatalf("%d files saved", len(saved))
	}
	for _, f := range saved {
		for _, secret := range []string{canaryPassword, canaryWorkerSecret} {
			if strings.Contains(string(f.data), secret) {
				t.Errorf("%s holds a secret", f.name)
			}
		}
	}
	var har struct {
		Log struct {
			Version string `json:"version"`
			Entries []any  `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(saved[2].data, &har); err != nil || har.Log.Version != "1.2" || len(har.Log.Entries) == 0 || !strings.HasSuffix(saved[2].name, ".har") {
		t.Errorf("HAR %s: %v %+v", saved[2].name, err, har.Log.Version)
	}
	if !strings.Contains(s.detail.note.Text, "Saved the HAR 1.2 export to /tmp/") {
		t.Errorf("note %q", s.detail.note.Text)
	}

	s.detail.postmn.OnTapped()
	if len(folder) < 2 {
		t.Fatalf("Postman files: %d", len(folder))
	}
	for name, data := range folder {
		if strings.Contains(string(data), canaryPassword) || strings.Contains(string(data), canaryWorkerSecret) {
			t.Errorf("%s holds a secret", name)
		}
	}

	s.detail.summary.OnTapped()
	sum := e.App.Clipboard().Content()
	if !strings.Contains(sum, "succeeded") || strings.Contains(sum, canaryPassword) {
		t.Errorf("summary %q", sum)
	}

	// A failed attempt, then another connection: both runs stay in the history.
	demoID := s.list.runs[0].App.ClientID
	if _, err := e.Desk.SignIn(t.Context(), app.SignInRequest{Mode: app.SignInInApp, ClientID: demoID, Username: "demo.user", Password: "Wrong-Pw-1!"}, nil); err == nil {
		t.Fatal("a wrong password signed in")
	}
	activateLookAlike(t, e, "Staging", app.TagTest)
	e.Win.Shell.connectionChanged()
	e.Win.Shell.UI.Drain() // the history's news of the failed run
	if len(s.list.runs) < 2 || s.list.runs[0].Outcome != "failed" {
		t.Fatalf("after the failure and the connection change: %d runs", len(s.list.runs))
	}
	s.list.list.Select(0)
	if s.detail.failure.Hidden || s.detail.failure.Text == "" {
		t.Error("a failed run does not say what failed")
	}
	// The File menu exports the run shown.
	menu := e.Win.Win.MainMenu()
	if menu == nil || menu.Items[0].Label != "File" || len(menu.Items[0].Items) != 5 || menu.Items[0].Items[0].Shortcut != exportShortcut {
		t.Fatalf("no File menu with the five export items first: %+v", menu)
	}
	saved = nil
	menu.Items[0].Items[0].Action()
	if len(saved) != 1 || !strings.Contains(string(saved[0].data), "failed") {
		t.Errorf("File menu export: %d files", len(saved))
	}
}
