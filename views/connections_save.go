package views

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// saveForm saves the profile (preferences only, fast) and then, if one was typed, the
// worker secret in the background: the keyring may block on an unlock prompt.
func (s *ConnectionsScreen) saveForm() {
	f := s.form
	f.clearMessages()
	f.runOnly.Hide()
	p := f.profile()
	secret := strings.TrimSpace(f.secret.Text)

	fields := map[string]string{}
	if ve := (*app.ValidationError)(nil); errors.As(p.Validate(), &ve) {
		for k, v := range ve.FieldErrors() {
			fields[k] = v
		}
	}
	if p.ID == "" && secret == "" {
		fields[app.FieldWorkerSecret] = "Paste the worker's client secret."
	}
	if len(fields) > 0 {
		f.markFields(fields)
		showProblem(f.notice, f.remedy, &app.ValidationError{Fields: fields})
		s.relayout()
		return
	}
	saved, err := s.desk.SaveProfile(p)
	if err != nil {
		if ve := (*app.ValidationError)(nil); errors.As(err, &ve) {
			f.markFields(ve.FieldErrors())
		}
		showProblem(f.notice, f.remedy, err)
		s.relayout()
		return
	}
	f.editingID = saved.ID
	f.title.SetText(saved.Name)
	f.del.Show()
	s.list.reload(saved.ID)
	if saved.ID == s.desk.ActiveProfile().ID {
		s.showActive()
	}
	if secret == "" {
		f.notice.Importance = widget.SuccessImportance
		setShown(f.notice, fmt.Sprintf("Saved “%s”.", saved.Name))
		s.relayout()
		s.settingsChanged(saved.ID)
		return
	}
	f.notice.Importance = widget.MediumImportance
	setShown(f.notice, fmt.Sprintf("Saved “%s”. Storing the worker secret in the system keyring…", saved.Name))
	f.save.Disable()
	s.relayout()
	id := saved.ID
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.desk.SetWorkerSecret(ctx, id, secret)
	}, func(_ struct{}, err error) {
		f.save.Enable()
		if f.editingID == id { // else the user moved on: the form shows another connection
			if err != nil {
				f.secretNotStored(err)
			} else {
				f.secretStored(app.SecretInKeyring)
			}
		}
		s.settingsChanged(id)
	})
}

// rememberSecret is "Use for this run only": the typed secret is kept in memory.
func (s *ConnectionsScreen) rememberSecret() {
	f := s.form
	id := f.editingID
	if err := s.desk.RememberWorkerSecret(id, f.secret.Text); err != nil {
		f.clearMessages()
		f.secretNotStored(err)
		return
	}
	f.clearMessages()
	f.secretStored(app.SecretInMemory)
	s.settingsChanged(id)
}

// loadSecretSource says where the shown profile's secret is kept. It reads the keyring,
// hence the background task.
func (s *ConnectionsScreen) loadSecretSource(id string) {
	f := s.form
	f.secretSource.SetText("Worker secret: checking…")
	t := Run(context.Background(), s.sh.ui(), nil, func(ctx context.Context) (app.SecretSource, error) {
		return s.desk.WorkerSecretSource(ctx, id)
	}, func(src app.SecretSource, err error) {
		switch {
		case err == nil:
			f.secretSource.SetText("Worker secret: " + src.String())
		case errors.Is(err, app.ErrSecretNotFound):
			f.secretSource.SetText("Worker secret: not set; paste it and save")
		default:
			f.secretSource.SetText("Worker secret: " + app.Explain(err).Title)
		}
	})
	f.sourceTask, s.task = t, t
}

func (s *ConnectionsScreen) confirmDelete() {
	id := s.form.editingID
	p, ok := s.desk.Profile(id)
	if !ok || p.IsSandbox() || s.sh == nil || s.sh.Win == nil {
		return // nothing to delete, or no window to ask in
	}
	msg := fmt.Sprintf("Delete the connection “%s”?\nIts worker secret is removed from the system keyring too.\n"+
		"Nothing is deleted in PingOne.", p.Name)
	d := dialog.NewConfirm("Delete connection", msg, func(ok bool) {
		if ok {
			s.deleteProfile(p)
		}
	}, s.sh.Win)
	d.SetConfirmText("Delete")
	d.SetDismissText("Keep")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// deleteProfile runs in the background because it removes the secret from the keyring.
func (s *ConnectionsScreen) deleteProfile(p app.Profile) {
	f := s.form
	wasActive := p.ID == s.desk.ActiveProfile().ID
	f.del.Disable()
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.desk.DeleteProfile(ctx, p.ID)
	}, func(_ struct{}, err error) {
		f.del.Enable()
		if _, still := s.desk.Profile(p.ID); still {
			showProblem(f.notice, f.remedy, err) // nothing was deleted
			return
		}
		if f.editingID == p.ID {
			f.editingID = ""
		}
		s.list.reload("")
		s.showSelected()
		s.showActive()
		if err != nil {
			pr := app.Explain(err)
			s.list.notice.Importance = widget.WarningImportance
			setShown(s.list.notice, fmt.Sprintf("Deleted “%s”, but: %s %s", p.Name, pr.Title, pr.Remedy))
		} else {
			s.list.notice.Importance = widget.SuccessImportance
			setShown(s.list.notice, fmt.Sprintf("Deleted “%s”.", p.Name))
		}
		if wasActive {
			s.stopTest()
			setShown(s.tester.result, "")
			s.sh.connectionChanged()
		}
	})
}
