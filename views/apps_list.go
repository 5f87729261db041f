package views

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// appsList is the list of the environment's applications with its name filter.
type appsList struct {
	object fyne.CanvasObject

	filter      *widget.Entry
	refresh     *widget.Button
	rows        *widget.List
	apps        []pingone.Application
	problem     *explainedError
	count       *widget.Label
	quietSelect bool // re-highlighting after a reload must not re-run the self-check
}

// newAppsList builds the list. onRefresh reloads it (the filter changed, or Refresh was
// pressed); onSelect is the user picking an application.
func newAppsList(onRefresh func(), onSelect func(*pingone.Application)) *appsList {
	l := &appsList{}
	l.filter = widget.NewEntry()
	l.filter.SetPlaceHolder("Filter by name")
	// Every keystroke reloads; the previous load is cancelled, so only the last lands.
	l.filter.OnChanged = func(string) { onRefresh() }
	l.refresh = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), onRefresh)
	l.problem = newExplainedError()
	l.count = widget.NewLabel("")
	l.count.Importance = widget.LowImportance

	l.rows = widget.NewList(
		func() int { return len(l.apps) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			info := widget.NewLabel("")
			info.Truncation = fyne.TextTruncateEllipsis
			return container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), name, info)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(l.apps) {
				return
			}
			a := l.apps[id]
			objs := o.(*fyne.Container).Objects
			objs[0].(*widget.Label).SetText(a.Name)
			info := objs[1].(*widget.Label)
			info.SetText(appSummary(a))
			// A public app without S256 is the commonest reason a sign-in fails.
			if a.PKCEEnforcement != "S256_REQUIRED" && a.TokenEndpointAuthMethod == "NONE" {
				info.Importance = widget.WarningImportance
			} else {
				info.Importance = widget.LowImportance
			}
			info.Refresh()
		},
	)
	l.rows.OnSelected = func(id widget.ListItemID) {
		if l.quietSelect || id < 0 || id >= len(l.apps) {
			return
		}
		a := l.apps[id]
		onSelect(&a)
	}

	l.object = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, l.refresh, l.filter), l.problem.object),
		l.count, nil, nil, l.rows)
	return l
}

// appSummary is a list row's second line.
func appSummary(a pingone.Application) string {
	return dashIfEmpty(a.Type) + " · PKCE " + dashIfEmpty(a.PKCEEnforcement) + " · auth " + dashIfEmpty(a.TokenEndpointAuthMethod)
}

// show shows a freshly read list. The selected app stays highlighted when it is still
// there, without running its self-check again.
func (l *appsList) show(apps []pingone.Application, err error, selected *pingone.Application) {
	if err != nil {
		l.problem.show("", err, "")
		return
	}
	l.problem.clear()
	l.apps = apps
	l.rows.UnselectAll()
	l.rows.Refresh()
	switch len(apps) {
	case 1:
		l.count.SetText("1 application")
	default:
		l.count.SetText(strconv.Itoa(len(apps)) + " applications")
	}
	if selected == nil {
		return
	}
	for i := range apps {
		if apps[i].ID == selected.ID {
			l.quietSelect = true
			l.rows.Select(i)
			l.quietSelect = false
			return
		}
	}
}

// update puts a fresher copy of an application into its row.
func (l *appsList) update(fresh pingone.Application) {
	for i := range l.apps {
		if l.apps[i].ID == fresh.ID {
			l.apps[i] = fresh
			l.rows.RefreshItem(i)
		}
	}
}

// clear empties the list (the connection changed).
func (l *appsList) clear() {
	l.apps = nil
	l.rows.UnselectAll()
	l.rows.Refresh()
}

// Refresh reloads the list with the filter's text and returns the task.
func (s *ApplicationsScreen) Refresh() *Task {
	if s.listTask != nil {
		s.listTask.Cancel()
	}
	s.loaded = true
	filter, gen := s.list.filter.Text, s.gen
	s.listTask = Run(context.Background(), s.sh.ui(), s.sh.progress(), func(ctx context.Context) ([]pingone.Application, error) {
		return s.desk.ListApplications(ctx, filter)
	}, func(apps []pingone.Application, err error) {
		if gen != s.gen {
			return
		}
		s.setApps(apps, err)
	})
	s.task = s.listTask
	return s.task
}

// setApps shows a freshly read list, keeping the selected application highlighted.
func (s *ApplicationsScreen) setApps(apps []pingone.Application, err error) {
	s.list.show(apps, err, s.details.selected)
}
