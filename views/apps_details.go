package views

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// appsDetails, beside the list, shows the selected application's settings with Sign in
// and Delete; its self-check goes below.
type appsDetails struct {
	object fyne.CanvasObject

	selected                     *pingone.Application
	workerID                     func() string // the connection's worker app, which is never deleted
	hint                         *widget.Label
	box                          *fyne.Container
	name, clientID, appType      *widget.Label
	redirects, grants, enabled   *widget.Label
	copyID, signIn, deleteButton *widget.Button
	deleteNote                   *widget.Label
	problem                      *explainedError
	snippets                     *appsSnippets // code for the selected app, collapsed below
}

// newAppsDetails builds the panel. copyText copies the client ID, signInWith opens the
// Sign in screen on the app, onDelete is the Delete button, and below (the self-check)
// follows the details.
func newAppsDetails(workerID func() string, copyText func(string), signInWith func(clientID, name string), onDelete func(), below ...fyne.CanvasObject) *appsDetails {
	d := &appsDetails{workerID: workerID}
	d.hint = widget.NewLabel("Select an application to see its settings and check that PKCE Desk can sign in to it.")
	d.hint.Wrapping = fyne.TextWrapWord
	d.hint.Importance = widget.LowImportance
	d.name = sectionTitle("")
	d.name.SizeName = theme.SizeNameSubHeadingText
	d.name.Wrapping = fyne.TextWrapWord
	d.clientID = monoLabel()
	d.appType = widget.NewLabel("")
	d.redirects = monoLabel()
	d.grants = widget.NewLabel("")
	d.grants.Wrapping = fyne.TextWrapWord
	d.enabled = widget.NewLabel("")
	d.copyID = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d.selected != nil {
			copyText(d.selected.ClientID)
		}
	})
	d.signIn = widget.NewButtonWithIcon("Sign in with this app", theme.LoginIcon(), func() {
		if d.selected != nil {
			signInWith(d.selected.ID, d.selected.Name)
		}
	})
	d.signIn.Importance = widget.HighImportance
	d.deleteButton = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), onDelete)
	d.deleteButton.Importance = widget.DangerImportance
	d.deleteNote = widget.NewLabel("")
	d.deleteNote.Importance = widget.LowImportance
	d.deleteNote.Wrapping = fyne.TextWrapWord
	d.deleteNote.Hide()
	d.problem = newExplainedError()
	d.snippets = newAppsSnippets(copyText)

	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("Client ID"), container.NewBorder(nil, nil, nil, d.copyID, d.clientID),
		widget.NewLabel("Type"), d.appType,
		widget.NewLabel("Redirect URIs"), d.redirects,
		widget.NewLabel("Grant types"), d.grants,
		widget.NewLabel("State"), d.enabled,
	)
	items := append([]fyne.CanvasObject{
		d.name, form,
		container.NewHBox(d.signIn, layout.NewSpacer(), d.deleteButton),
		d.deleteNote,
		d.problem.object,
		widget.NewSeparator(),
	}, below...)
	d.box = container.NewVBox(append(items, d.snippets.object)...)
	d.box.Hide()
	d.object = container.NewVBox(d.hint, d.box)
	return d
}

// show shows a's settings and makes it the selected application.
func (d *appsDetails) show(a *pingone.Application) {
	if d.snippets.differs(a) { // the self-check and setBusy show the same app again
		d.snippets.show(a)
	}
	d.selected = a
	d.name.SetText(a.Name)
	d.clientID.SetText(a.ClientID)
	d.appType.SetText(dashIfEmpty(a.Type) + " · auth " + dashIfEmpty(a.TokenEndpointAuthMethod) + " · PKCE " + dashIfEmpty(a.PKCEEnforcement))
	d.redirects.SetText(dashIfEmpty(strings.Join(a.RedirectURIs, "\n")))
	d.grants.SetText(dashIfEmpty(strings.Join(a.GrantTypes, ", ")))
	if a.Enabled {
		d.enabled.SetText("Enabled")
	} else {
		d.enabled.SetText("Disabled")
	}
	// Deleting the connection's own worker would cut the app off from the environment.
	if a.ID == d.workerID() {
		d.deleteButton.Disable()
		d.deleteNote.SetText("This is the worker app this connection uses; PKCE Desk does not delete it.")
		d.deleteNote.Show()
	} else {
		d.deleteButton.Enable()
		d.deleteNote.Hide()
	}
	d.hint.Hide()
	d.box.Show()
}

// clear hides the details: nothing is selected.
func (d *appsDetails) clear() {
	d.selected = nil
	d.snippets.show(nil)
	d.problem.clear()
	d.box.Hide()
	d.hint.Show()
}

// clearDetails forgets the selected application and its self-check.
func (s *ApplicationsScreen) clearDetails() {
	s.selfCheck.show(nil)
	s.details.clear()
}

// setBusy disables what must not run twice while a fix or delete is under way.
func (s *ApplicationsScreen) setBusy(busy bool) {
	s.busy = busy
	s.selfCheck.setBusy(busy)
	if busy {
		s.details.deleteButton.Disable()
	} else if s.details.selected != nil {
		s.details.show(s.details.selected) // re-applies the worker guard
	}
}

func (s *ApplicationsScreen) askDelete() {
	if s.details.selected == nil || s.busy {
		return
	}
	a := *s.details.selected
	p := s.desk.ActiveProfile()
	s.confirm("Delete application",
		"Delete "+a.Name+" ("+a.ID+") from "+p.Name+"? Sign-ins to it stop working at once; this cannot be undone.",
		func() { s.Delete(a.ID) })
}

func (s *ApplicationsScreen) confirmDialog(title, message string, ok func()) {
	if s.sh == nil || s.sh.Win == nil {
		return // nowhere to ask, so nothing is deleted
	}
	d := dialog.NewConfirm(title, message, func(yes bool) {
		if yes {
			ok()
		}
	}, s.sh.Win)
	d.SetConfirmText("Delete")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// deleteResult is the list as it is after a delete.
type deleteResult struct {
	apps    []pingone.Application
	listErr error
}

// Delete deletes an application without asking (the Delete button asks first) and
// reloads the list in the same task.
func (s *ApplicationsScreen) Delete(appID string) *Task {
	if s.busy {
		return nil
	}
	if s.listTask != nil {
		s.listTask.Cancel()
	}
	s.setBusy(true)
	s.details.problem.clear()
	filter, gen := s.list.filter.Text, s.gen
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(), func(ctx context.Context) (deleteResult, error) {
		if err := s.desk.DeleteApplication(ctx, appID); err != nil {
			return deleteResult{}, err
		}
		apps, err := s.desk.ListApplications(ctx, filter)
		return deleteResult{apps: apps, listErr: err}, nil
	}, func(res deleteResult, err error) {
		s.setBusy(false)
		if gen != s.gen {
			return
		}
		if err != nil {
			s.details.problem.show("", err, "")
			return
		}
		if s.details.selected != nil && s.details.selected.ID == appID {
			s.clearDetails()
		}
		if s.result.created != nil && s.result.created.ID == appID {
			s.result.show(nil)
		}
		s.setApps(res.apps, res.listErr)
	})
	return s.task
}
