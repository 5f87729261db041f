package views

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app/export"
)

// historyList lists the session's runs, newest first: what was done, on which connection
// and app, the outcome and the time. Tab reaches the list; the arrow keys move and Space
// or a click shows a run's detail.
type historyList struct {
	object fyne.CanvasObject
	list   *widget.List
	empty  *widget.Label
	runs   []export.Run
	picked uint64 // ID of the run shown in the detail; 0 for none
	onPick func(export.Run)
}

func newHistoryList(onPick func(export.Run)) *historyList {
	p := &historyList{onPick: onPick}
	p.list = widget.NewList(func() int { return len(p.runs) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			where := widget.NewLabel("")
			where.Truncation = fyne.TextTruncateEllipsis
			where.Importance = widget.LowImportance
			return container.NewVBox(title, where)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < 0 || i >= len(p.runs) {
				return
			}
			r := p.runs[i]
			box := o.(*fyne.Container)
			title, where := box.Objects[0].(*widget.Label), box.Objects[1].(*widget.Label)
			title.SetText(historyTitle(r))
			title.Importance = historyImportance(r)
			title.Refresh()
			where.SetText(historyWhere(r))
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(p.runs) {
			p.picked = p.runs[i].ID
			p.onPick(p.runs[i])
		}
	}
	p.empty = wrappedLabel()
	p.empty.SetText("Nothing has run yet in this session. Every sign-in, refresh, userinfo, sign-out and lab run appears here, also after the connection changes, until the app closes.")
	p.object = container.NewStack(p.list, container.NewVBox(p.empty))
	p.show(nil)
	return p
}

// show lists runs (newest first), keeping the picked one selected when it is still there.
func (p *historyList) show(runs []export.Run) {
	p.runs = runs
	p.empty.Hidden = len(runs) > 0
	p.empty.Refresh()
	p.list.Refresh()
	for i, r := range runs {
		if r.ID == p.picked {
			p.list.Select(i)
			return
		}
	}
}

// historyTitle is a run's first line: what was done and how it ended.
func historyTitle(r export.Run) string {
	what := r.Kind
	switch {
	case r.Kind == "lab":
		what = "Lab run"
	case r.Mode != "" && (r.Kind == "sign-in" || r.Kind == "password change"):
		what = r.Kind + " (" + r.Mode + ")"
	}
	return fmt.Sprintf("%s — %s", capitalize(what), r.Outcome)
}

// historyWhere is the second line: connection, app, time.
func historyWhere(r export.Run) string {
	app := r.App.ClientID
	if app == "" {
		app = "throw-away apps"
	}
	return fmt.Sprintf("%s · %s · %s", r.Connection.Name, app, r.Started.Local().Format(time.TimeOnly))
}

func historyImportance(r export.Run) widget.Importance {
	switch r.Outcome {
	case "succeeded":
		return widget.SuccessImportance
	case "failed":
		return widget.DangerImportance
	}
	return widget.WarningImportance
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// pick selects the run with that ID, showing its detail.
func (p *historyList) pick(id uint64) {
	for i, r := range p.runs {
		if r.ID == id {
			p.list.Select(i)
			return
		}
	}
}
