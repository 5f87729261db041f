package views

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// appsSelfCheck is the selected application's self-check: one row per finding, with a Fix
// button on each failed one, and Fix all.
type appsSelfCheck struct {
	check      *app.SelfCheck // nil while none is shown
	heading    fyne.CanvasObject
	summary    *widget.Label
	findings   *fyne.Container
	fixButtons map[string]*widget.Button
	fixAll     *widget.Button
	onFix      func(ids ...string)
}

// newAppsSelfCheck builds the panel; onFix repairs the named findings.
func newAppsSelfCheck(onFix func(ids ...string)) *appsSelfCheck {
	c := &appsSelfCheck{fixButtons: map[string]*widget.Button{}, onFix: onFix}
	c.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.summary.Wrapping = fyne.TextWrapWord
	c.findings = container.NewVBox()
	c.fixAll = widget.NewButtonWithIcon("Fix all", theme.SettingsIcon(), func() {
		if c.check != nil {
			c.onFix(c.check.Failed()...)
		}
	})
	c.fixAll.Hide()
	c.heading = container.NewBorder(nil, nil, sectionTitle("Self-check"), c.fixAll)
	return c
}

// objects are the panel's rows, which go at the end of the details.
func (c *appsSelfCheck) objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{c.heading, c.summary, c.findings}
}

// show shows a self-check; nil clears the panel.
func (c *appsSelfCheck) show(check *app.SelfCheck) {
	c.check = check
	c.findings.RemoveAll()
	clear(c.fixButtons)
	c.fixAll.Hide()
	if check == nil {
		c.summary.SetText("")
		return
	}
	if check.OK() {
		c.summary.SetText("PKCE Desk can sign in to this application.")
		c.summary.Importance = widget.SuccessImportance
	} else {
		c.summary.SetText(strconv.Itoa(len(check.Failed())) + " of " + strconv.Itoa(len(check.Findings)) + " checks failed: a sign-in would not work as expected.")
		c.summary.Importance = widget.DangerImportance
		c.fixAll.Show()
	}
	c.summary.Refresh()
	for _, f := range check.Findings {
		c.findings.Add(c.findingRow(f))
	}
}

func (c *appsSelfCheck) findingRow(f app.Finding) fyne.CanvasObject {
	var icon fyne.Resource = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	if !f.OK {
		icon = theme.NewErrorThemedResource(theme.CancelIcon())
	}
	title := widget.NewLabelWithStyle(f.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	detail := widget.NewLabel(f.Detail)
	detail.Wrapping = fyne.TextWrapWord
	var fix fyne.CanvasObject
	if !f.OK {
		title.Importance = widget.DangerImportance
		id := f.ID
		b := widget.NewButtonWithIcon("Fix", theme.SettingsIcon(), func() { c.onFix(id) })
		c.fixButtons[id] = b
		fix = container.NewVBox(b)
	}
	text := container.New(layout.NewCustomPaddedVBoxLayout(0), title, detail)
	return container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(icon)), fix, text), widget.NewSeparator())
}

// setBusy disables the fix buttons while a fix or delete runs.
func (c *appsSelfCheck) setBusy(busy bool) {
	buttons := []*widget.Button{c.fixAll}
	for _, b := range c.fixButtons {
		buttons = append(buttons, b)
	}
	for _, b := range buttons {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// Select shows an application's details and runs its self-check.
func (s *ApplicationsScreen) Select(a *pingone.Application) *Task {
	if s.checkTask != nil {
		s.checkTask.Cancel()
	}
	s.details.show(a)
	s.showCheck(nil)
	s.details.problem.clear()
	s.selfCheck.summary.SetText("Checking…")
	id, gen := a.ID, s.gen
	s.checkTask = Run(context.Background(), s.sh.ui(), s.sh.progress(), func(ctx context.Context) (*app.SelfCheck, error) {
		return s.desk.CheckApplication(ctx, id)
	}, func(check *app.SelfCheck, err error) {
		if gen != s.gen || s.details.selected == nil || s.details.selected.ID != id {
			return
		}
		if err != nil {
			s.selfCheck.summary.SetText("")
			s.details.problem.show("", err, "")
			return
		}
		s.applyCheck(check)
	})
	s.task = s.checkTask
	return s.task
}

// applyCheck shows a self-check and the app as it read it (the freshest copy).
func (s *ApplicationsScreen) applyCheck(check *app.SelfCheck) {
	if check.App != nil {
		fresh := *check.App
		s.details.show(&fresh)
		s.list.update(fresh)
	}
	s.showCheck(check)
}

// showCheck shows a self-check with its buttons as a running fix or delete allows.
func (s *ApplicationsScreen) showCheck(check *app.SelfCheck) {
	s.selfCheck.show(check)
	if check != nil {
		s.setBusy(s.busy)
	}
}

// Fix repairs the named findings of the selected application and shows the new
// self-check.
func (s *ApplicationsScreen) Fix(ids ...string) *Task {
	if s.details.selected == nil || s.busy || len(ids) == 0 {
		return nil
	}
	if s.checkTask != nil {
		s.checkTask.Cancel() // a fresh self-check comes with the fix
	}
	s.setBusy(true)
	s.details.problem.clear()
	id, gen := s.details.selected.ID, s.gen
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(), func(ctx context.Context) (*app.SelfCheck, error) {
		return s.desk.Fix(ctx, id, ids...)
	}, func(check *app.SelfCheck, err error) {
		s.setBusy(false)
		if gen != s.gen || s.details.selected == nil || s.details.selected.ID != id {
			return
		}
		if err != nil {
			s.details.problem.show("", err, "")
			return
		}
		s.applyCheck(check)
	})
	return s.task
}
