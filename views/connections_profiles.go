package views

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// connProfileList is the left column of the Connections screen: the connection profiles
// (the sandbox first, the active one marked), Use this connection and New connection.
type connProfileList struct {
	object fyne.CanvasObject

	all      func() []app.Profile
	activeID func() string

	profiles []app.Profile // as listed: sandbox first
	selected int           // index into profiles; -1 while a new connection is edited
	quiet    bool          // set while the list is selected from code, not by the user

	rows    *widget.List
	use     *widget.Button
	newConn *widget.Button
	notice  *widget.Label // outcome of Use / Delete
}

// newConnProfileList builds the list. all reads the profiles and activeID names the active
// one; onSelect is the user picking row i, onUse and onNew the buttons.
func newConnProfileList(all func() []app.Profile, activeID func() string, onSelect func(int), onUse, onNew func()) *connProfileList {
	l := &connProfileList{all: all, activeID: activeID, selected: -1}
	l.rows = widget.NewList(
		func() int { return len(l.profiles) },
		newProfileRow,
		func(i widget.ListItemID, o fyne.CanvasObject) { l.fillRow(i, o) },
	)
	l.rows.OnSelected = func(i widget.ListItemID) {
		if !l.quiet {
			onSelect(i)
		}
	}
	l.use = widget.NewButtonWithIcon("Use this connection", theme.ConfirmIcon(), onUse)
	l.use.Importance = widget.HighImportance
	l.newConn = widget.NewButtonWithIcon("New connection", theme.ContentAddIcon(), onNew)
	l.notice = wrappedLabel()

	heading := widget.NewLabelWithStyle("Connections", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	l.object = container.NewBorder(
		heading,
		container.NewVBox(l.notice, l.use, l.newConn),
		nil, nil, l.rows)
	return l
}

func newProfileRow() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Importance = widget.LowImportance
	detail.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, container.NewVBox(name, detail))
}

func (l *connProfileList) fillRow(i int, o fyne.CanvasObject) {
	if i < 0 || i >= len(l.profiles) {
		return
	}
	p := l.profiles[i]
	row := o.(*fyne.Container)
	texts := row.Objects[0].(*fyne.Container)
	icon := row.Objects[1].(*widget.Icon)
	texts.Objects[0].(*widget.Label).SetText(p.Name)
	texts.Objects[1].(*widget.Label).SetText(profileSummary(p, p.ID == l.activeID()))
	if p.ID == l.activeID() {
		icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	} else {
		icon.SetResource(theme.NewDisabledResource(theme.RadioButtonIcon()))
	}
}

// profileSummary is the second line of a list row: stage, where it points, and "active".
func profileSummary(p app.Profile, active bool) string {
	parts := []string{ConnectionFromProfile(p).Stage.String()}
	switch {
	case p.IsSandbox():
		parts = append(parts, "in-process, offline")
	case p.Region != "" && p.AuthBaseURL == "" && p.CustomDomain != "":
		parts = append(parts, p.Region.DisplayName()+", "+p.CustomDomain)
	case p.Region != "" && p.AuthBaseURL == "":
		parts = append(parts, p.Region.DisplayName())
	default:
		parts = append(parts, "other host")
	}
	if active {
		parts = append(parts, "active")
	}
	return strings.Join(parts, " · ")
}

// reload reads the profiles again and selects the one with id (the active one when id is
// not found), without treating that as a user's choice.
func (l *connProfileList) reload(id string) {
	l.profiles = l.all()
	l.selected = -1
	for i, p := range l.profiles {
		if p.ID == id {
			l.selected = i
		}
	}
	if l.selected < 0 {
		active := l.activeID()
		for i, p := range l.profiles {
			if p.ID == active {
				l.selected = i
			}
		}
	}
	l.rows.Refresh()
	l.quiet = true
	l.rows.Select(l.selected)
	l.quiet = false
	l.updateUseButton()
}

func (l *connProfileList) updateUseButton() {
	if l.selected < 0 || l.profiles[l.selected].ID == l.activeID() {
		l.use.Disable()
	} else {
		l.use.Enable()
	}
}

// pick is the user choosing row i; it says whether there is such a row.
func (l *connProfileList) pick(i int) bool {
	if i < 0 || i >= len(l.profiles) {
		return false
	}
	l.selected = i
	l.notice.Hide()
	l.updateUseButton()
	return true
}

// unselect leaves the list without a selected row, for a new connection.
func (l *connProfileList) unselect() {
	l.quiet = true
	l.rows.UnselectAll()
	l.quiet = false
	l.selected = -1
	l.notice.Hide()
	l.updateUseButton()
}

// current is the selected profile, if a row is selected.
func (l *connProfileList) current() (app.Profile, bool) {
	if l.selected < 0 {
		return app.Profile{}, false
	}
	return l.profiles[l.selected], true
}
