package views

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/pkcedesk/pkcedesk/app"
)

func TestConnectionsSaveStoresSecretInKeyringAndTests(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	secret := e.Sandbox.Info().Worker.ClientSecret
	connFillSandboxAsCustom(t, e, s, "Sandbox as custom", secret)
	p := connSaveAndUse(t, e, s)

	src, err := e.Desk.WorkerSecretSource(context.Background(), p.ID)
	if err != nil || src != app.SecretInKeyring {
		t.Fatalf("secret source = %v, %v; want the keyring", src, err)
	}
	if s.form.secret.Text != "" || !strings.Contains(s.form.secretSource.Text, "stored in the system keyring") {
		t.Errorf("after saving: secret entry %d chars, source %q", len(s.form.secret.Text), s.form.secretSource.Text)
	}
	for _, k := range e.Prefs.Keys() {
		if strings.Contains(e.Prefs.String(k), secret) {
			t.Fatalf("preference %q holds the worker secret", k)
		}
	}
	if got := e.Win.Header.Connection(); got.Stage != StageTest || got.Name != "Sandbox as custom" {
		t.Fatalf("header = %+v after Use, want the test connection", got)
	}
	if !strings.Contains(s.tester.active.Text, "Sandbox as custom") {
		t.Errorf("active = %q", s.tester.active.Text)
	}

	waitTask(t, s.TestActive(), "the connection test")
	if !strings.HasPrefix(s.tester.result.Text, "Worker token OK") {
		t.Fatalf("result = %q (%q)", s.tester.result.Text, s.tester.remedy.Text)
	}
	if hasLabelContaining(s.Object, secret) {
		t.Fatal("the worker secret appears in a label")
	}
}

func TestConnectionsKeyringUnavailableOffersRunOnly(t *testing.T) {
	e := newConnEnv(t)
	keyring.MockInitWithError(errors.New("exec: \"dbus-launch\": executable file not found in $PATH"))
	t.Cleanup(keyring.MockInit)
	s := e.Win.Connections
	connFillSandboxAsCustom(t, e, s, "No keyring", e.Sandbox.Info().Worker.ClientSecret)
	test.Tap(s.form.save)
	waitTask(t, s.task, "storing the worker secret")

	if !strings.Contains(s.form.notice.Text, "keyring is not available") ||
		!strings.Contains(s.form.remedy.Text, "Use for this run only") {
		t.Fatalf("notice %q, remedy %q: want the keyring explained", s.form.notice.Text, s.form.remedy.Text)
	}
	if !s.form.runOnly.Visible() || connButton(s.Object, "Use for this run only") == nil {
		t.Fatal("no \"Use for this run only\" button is offered")
	}
	if s.form.secret.Text == "" {
		t.Fatal("the typed secret was cleared although it is stored nowhere")
	}
	test.Tap(s.form.runOnly)
	src, err := e.Desk.WorkerSecretSource(context.Background(), s.form.editingID)
	if err != nil || src != app.SecretInMemory {
		t.Fatalf("secret source = %v, %v; want memory", src, err)
	}
	if s.form.secret.Text != "" || s.form.runOnly.Visible() || !strings.Contains(s.form.secretSource.Text, "kept for this run only") {
		t.Errorf("after run only: entry %d chars, button %v, source %q", len(s.form.secret.Text), s.form.runOnly.Visible(), s.form.secretSource.Text)
	}
}

func TestConnectionsWrongSecretIsExplainedNotShown(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	const wrong = "WRONG-worker-secret-77aa1c"
	connFillSandboxAsCustom(t, e, s, "Wrong secret", wrong)
	connSaveAndUse(t, e, s)

	waitTask(t, s.TestActive(), "the connection test")
	if s.tester.result.Importance != widget.DangerImportance || !strings.Contains(s.tester.result.Text, "rejected the worker app") {
		t.Fatalf("result = %q, want the worker's credentials rejected", s.tester.result.Text)
	}
	if s.tester.remedy.Text == "" {
		t.Error("no remedy is shown")
	}
	for _, l := range labelsIn(e.Win.Win.Content()) {
		if strings.Contains(l, wrong) {
			t.Fatalf("the secret appears in the label %q", l)
		}
	}
}

func TestConnectionsDeleteAsksThenRemoves(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	connFillSandboxAsCustom(t, e, s, "To delete", e.Sandbox.Info().Worker.ClientSecret)
	p := connSaveAndUse(t, e, s)

	test.Tap(s.form.del)
	top := e.Win.Win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("Delete did not ask first")
	}
	if _, ok := e.Desk.Profile(p.ID); !ok {
		t.Fatal("the profile was deleted before it was confirmed")
	}
	confirm := connButton(top, "Delete")
	if confirm == nil {
		t.Fatalf("no Delete button in the confirmation: %q", labelsIn(top))
	}
	test.Tap(confirm)
	waitTask(t, s.task, "deleting the profile")

	if _, ok := e.Desk.Profile(p.ID); ok {
		t.Fatal("the profile is still there")
	}
	if _, err := e.Desk.WorkerSecretSource(context.Background(), p.ID); !errors.Is(err, app.ErrSecretNotFound) {
		t.Errorf("secret after delete: %v, want it gone", err)
	}
	if !e.Desk.ActiveProfile().IsSandbox() || e.Win.Header.Connection().Stage != StageSandbox {
		t.Error("deleting the active profile did not fall back to the sandbox")
	}
	if len(s.list.profiles) != 1 || s.list.selected != 0 || !strings.Contains(s.list.notice.Text, "Deleted") {
		t.Errorf("after delete: %d rows, selected %d, notice %q", len(s.list.profiles), s.list.selected, s.list.notice.Text)
	}
}
