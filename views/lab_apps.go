package views

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// labThrowAway is the picker's first choice: no app of the tester's, the lab makes its own.
const labThrowAway = "None: the lab creates throw-away apps and deletes them"

// labApps picks the application the lab runs the cases it fits on; the others (and every
// case when nothing is picked) run on throw-away apps the lab creates and deletes.
type labApps struct {
	desk   *app.Desk
	sh     *Shell
	object fyne.CanvasObject
	pick   *widget.Select
	note   *widget.Label
	apps   []pingone.Application
	task   *Task
	loaded bool
}

func newLabApps(desk *app.Desk, sh *Shell) *labApps {
	p := &labApps{desk: desk, sh: sh, note: messageLabel(widget.LowImportance)}
	p.pick = widget.NewSelect([]string{labThrowAway}, nil)
	p.pick.SetSelectedIndex(0)
	reload := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), p.load)
	p.object = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Application"), reload, p.pick), p.note)
	return p
}

// clientID is the picked app's client ID; empty for throw-away apps.
func (p *labApps) clientID() string {
	i := p.pick.SelectedIndex() - 1
	if i < 0 || i >= len(p.apps) {
		return ""
	}
	return appClientID(p.apps[i])
}

// loadOnce lists the apps the first time the screen is shown.
func (p *labApps) loadOnce() {
	if !p.loaded {
		p.load()
	}
}

// load fills the picker from the target environment, off the UI goroutine.
func (p *labApps) load() {
	if p.task != nil {
		select {
		case <-p.task.Done():
		default:
			return
		}
	}
	p.loaded = true
	wanted := p.clientID()
	setShown(p.note, "Loading the applications…")
	p.task = Run(context.Background(), p.sh.ui(), p.sh.progress(),
		func(ctx context.Context) ([]pingone.Application, error) { return p.desk.ListApplications(ctx, "") },
		func(apps []pingone.Application, err error) {
			if err != nil {
				setShown(p.note, "Could not list the applications: "+app.Explain(err).Title+" The lab can still use throw-away apps.")
				return
			}
			setShown(p.note, "")
			p.apps = apps
			opts := []string{labThrowAway}
			sel := 0
			for i, a := range apps {
				opts = append(opts, fmt.Sprintf("%s (%s)", a.Name, shortID(appClientID(a))))
				if appClientID(a) == wanted && wanted != "" {
					sel = i + 1
				}
			}
			p.pick.SetOptions(opts)
			p.pick.SetSelectedIndex(sel)
		})
}

// forget drops the apps of the previous connection.
func (p *labApps) forget() {
	p.apps, p.loaded = nil, false
	p.pick.SetOptions([]string{labThrowAway})
	p.pick.SetSelectedIndex(0)
	setShown(p.note, "")
}

func (p *labApps) setEnabled(on bool) {
	if on {
		p.pick.Enable()
	} else {
		p.pick.Disable()
	}
}
