package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

func TestLabScreen_RunAllOnTheSandbox(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.Lab
	e.Win.Win.Resize(fyne.NewSize(1024, 700))
	e.Win.Show(ScreenLab)
	if e.Win.Current() != ScreenLab {
		t.Fatalf("the Lab screen is not shown (current %d)", e.Win.Current())
	}
	waitTask(t, s.apps.task, "the lab's application list")
	asked := false
	s.confirm = func(string, string, func()) { asked = true }

	typeShortcut(t, e.Win.Win, labRunAllShortcut)
	if !s.running() {
		t.Fatal("Ctrl+Shift+L did not start a run")
	}
	if !s.runAll.Disabled() || s.cancel.Disabled() {
		t.Error("while running, Run all should be off and Cancel on")
	}
	waitTask(t, s.task, "the lab run")
	if asked {
		t.Error("the sandbox asked for a confirmation")
	}
	got := s.results.verdicts()
	if len(got) != 14 {
		t.Fatalf("%d rows, want 14: %q", len(got), got)
	}
	for i, v := range got {
		if v != labVerdictWord(lab.Holds) {
			r := s.report.Results[i]
			t.Errorf("row %d = %q (%s; %s)", i+1, v, r.Why, r.Actual.Summary)
		}
	}
	if !strings.Contains(s.status.Text, "14 cases: 14 hold, 0 do not hold, 0 could not run") {
		t.Errorf("status = %q", s.status.Text)
	}
	if s.runAll.Disabled() || !s.cancel.Disabled() {
		t.Error("after the run, Run all should be on and Cancel off")
	}

	// Keyboard: focus the first row (as Tab would) and press Enter: its detail shows.
	row := s.results.rows.Objects[0].(*labRow)
	e.Win.Win.Canvas().Focus(row)
	row.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !row.selected || s.detail.shown != 1 {
		t.Fatalf("Enter on row 1 did not open it (selected %v, shown %d)", row.selected, s.detail.shown)
	}
	for _, want := range []string{"Case 1: Wrong code_verifier", "Why it matters: Without it", "HTTP status: 400", "error: invalid_grant", "Holds: the defence worked"} {
		if !hasLabelContaining(s.detail.object, want) {
			t.Errorf("the detail lacks %q; labels: %q", want, labelsIn(s.detail.object))
		}
	}
	copyBtn := connButton(s.detail.object, "Copy as cURL")
	if copyBtn == nil {
		t.Fatalf("no Copy as cURL in the detail: %q", labelsIn(s.detail.object))
	}
	test.Tap(copyBtn)
	if c := e.App.Clipboard().Content(); !strings.HasPrefix(c, "curl ") {
		t.Errorf("clipboard = %.40q, want a cURL command", c)
	}

	// A click on another row moves the selection and the detail.
	row13 := s.results.rows.Objects[12].(*labRow)
	test.Tap(row13)
	if row.selected || !row13.selected || !hasLabelContaining(s.detail.object, "Case 13: ID token with a broken signature") {
		t.Errorf("tapping row 13 did not show it: %q", labelsIn(s.detail.object))
	}

	// No secret reaches the screen, nor the clipboard.
	all := strings.Join(labelsIn(s.content), "\n") + e.App.Clipboard().Content()
	for _, secret := range []string{canaryPassword, canaryWorkerSecret} {
		if strings.Contains(all, secret) {
			t.Errorf("the Lab screen shows a secret (%.6s…)", secret)
		}
	}
	// Nothing left behind in the sandbox.
	apps, err := e.Desk.ListApplications(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		if strings.HasPrefix(a.Name, "pkcedesk-lab-") {
			t.Errorf("the lab left %q behind", a.Name)
		}
	}
}

func TestLabScreen_PickedCasesOnly(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.Lab
	s.cases.all.SetChecked(false)
	if n := len(s.cases.picked()); n != 0 {
		t.Fatalf("%d cases ticked after unticking All", n)
	}
	s.RunPicked()
	if s.running() || !strings.Contains(s.status.Text, "Tick at least one case") {
		t.Fatalf("ran with no case ticked (status %q)", s.status.Text)
	}
	s.cases.checks[4].SetChecked(true)
	s.cases.checks[10].SetChecked(true)
	if s.cases.item.Title != "Cases to run: 2 of 14" {
		t.Errorf("header = %q", s.cases.item.Title)
	}
	s.RunPicked()
	waitTask(t, s.task, "the lab run")
	if got := s.results.verdicts(); len(got) != 2 || got[0] != labVerdictWord(lab.Holds) || got[1] != labVerdictWord(lab.Holds) {
		t.Errorf("rows = %q", got)
	}
}

func TestLabScreen_TestConnectionAsksFirst(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.Lab
	activateLookAlike(t, e, "Staging", app.TagTest)
	var title, message string
	var ok func()
	s.confirm = func(ti, m string, yes func()) { title, message, ok = ti, m, yes }
	s.RunAll()
	if ok == nil || s.task != nil {
		t.Fatal("the lab ran on a test connection without asking")
	}
	if !strings.Contains(title, "Staging") || message != e.Desk.LabPlan(app.LabRequest{}) || !strings.Contains(message, "deletes") {
		t.Errorf("asked %q / %q", title, message)
	}
	ok()
	waitTask(t, s.task, "the lab run")
	// No demo user was created on this connection: the run made a throw-away one, every
	// case held (case 10 counted the code's lifetime down), and the user is gone again.
	got := s.results.verdicts()
	if len(got) != 14 {
		t.Fatalf("%d rows", len(got))
	}
	for i, v := range got {
		if v != labVerdictWord(lab.Holds) {
			t.Errorf("row %d = %q", i+1, v)
		}
	}
	var user string
	for _, c := range s.report.CleanedUp {
		if u, ok := strings.CutPrefix(c, "the throw-away user "); ok {
			user = u
		}
	}
	if user == "" || e.Sandbox.UserID(user) != "" {
		t.Errorf("throw-away user %q not deleted (cleaned up %q)", user, s.report.CleanedUp)
	}
}

func TestLabScreen_ProductionRefused(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.Lab
	activateLookAlike(t, e, "Live", app.TagProduction)
	asked := false
	s.confirm = func(string, string, func()) { asked = true }
	s.RunAll()
	waitTask(t, s.task, "the refused run")
	if asked {
		t.Error("a production connection was asked about instead of refused")
	}
	if !strings.Contains(s.problem.text.Text, "does not run on a production connection") {
		t.Errorf("problem = %q", s.problem.text.Text)
	}
	if s.report != nil {
		t.Error("a report came back from production")
	}
}

func TestLabScreen_CancelStillCleansUpAndReports(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.Lab
	s.RunAll()
	s.Cancel()
	if !strings.Contains(s.status.Text, "Cancelling") {
		t.Errorf("status = %q", s.status.Text)
	}
	waitTask(t, s.task, "the cancelled run")
	if s.report == nil || !s.report.Cancelled {
		t.Fatalf("report = %+v, want a cancelled one", s.report)
	}
	if !strings.HasPrefix(s.status.Text, "Cancelled.") {
		t.Errorf("status = %q", s.status.Text)
	}
	apps, err := e.Desk.ListApplications(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		if strings.HasPrefix(a.Name, "pkcedesk-lab-") {
			t.Errorf("the cancelled lab left %q behind", a.Name)
		}
	}
}

func TestLabScreen_FitsTheSmallestWindow(t *testing.T) {
	e := newDeskEnv(t)
	min := e.Win.Lab.content.MinSize()
	if min.Width > 1024-200 || min.Height > 700-250 {
		t.Errorf("the Lab screen needs %v; it must fit a 1024x700 window beside the navigation and timeline", min)
	}
}
