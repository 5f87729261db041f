package views

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// connSandbox shows the built-in sandbox connection: where it listens, its environment
// and its demo user, each with a copy button. It cannot be edited.
type connSandbox struct {
	object fyne.CanvasObject

	address      *widget.Label
	env          *widget.Label
	demoUsername *widget.Label
	demoPassword *widget.Label
	status       *widget.Label     // "Starting the sandbox…", or why it did not start
	copyable     map[string]string // what each copy button copies
	copy         map[string]*widget.Button
	clipboard    func() fyne.Clipboard
	task         *Task // the start of the sandbox, for tests
	presenter    *Presenter
	info         *app.SandboxInfo // what show was last given
}

// newConnSandbox builds the panel, empty until fill; the copy buttons copy to clipboard().
func newConnSandbox(clipboard func() fyne.Clipboard) *connSandbox {
	p := &connSandbox{
		address:      widget.NewLabel(""),
		env:          widget.NewLabel(""),
		demoUsername: widget.NewLabel(""),
		demoPassword: widget.NewLabel(""),
		status:       wrappedLabel(),
		copyable:     map[string]string{},
		copy:         map[string]*widget.Button{},
		clipboard:    clipboard,
		presenter:    currentPresenter(),
	}
	// Presenter view masks the demo user's name and password; the copy buttons still
	// copy the real values.
	p.presenter.Subscribe(func(bool) { p.render() })

	about := wrappedLabel()
	setShown(about, "The sandbox is an emulated PingOne environment running inside this app on loopback: "+
		"nothing leaves your computer, and its applications and users are forgotten when the app quits.")
	fixtures := wrappedLabel()
	setShown(fixtures, "The demo user is a test fixture of the sandbox, not a real account. "+
		"This connection is built in: it cannot be edited or deleted.")
	fixtures.Importance = widget.LowImportance

	grid := container.New(layout.NewFormLayout(),
		widget.NewLabel("Address"), p.copyRow(p.address, "address"),
		widget.NewLabel("Environment ID"), p.copyRow(p.env, "environment"),
		widget.NewLabel("Demo username"), p.copyRow(p.demoUsername, "username"),
		widget.NewLabel("Demo password"), p.copyRow(p.demoPassword, "password"),
	)
	title := sectionTitle("Sandbox (offline)")
	title.SizeName = theme.SizeNameSubHeadingText
	p.object = container.NewVBox(title, about, p.status, grid, fixtures)
	return p
}

// copyRow is a value with a copy button; what it copies is looked up when pressed, so
// the panel can be filled after it was built.
func (p *connSandbox) copyRow(value *widget.Label, key string) fyne.CanvasObject {
	b := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		copyPlain(p.clipboard(), p.copyable[key])
	})
	b.Importance = widget.LowImportance
	p.copy[key] = b
	value.Selectable = true
	return container.NewBorder(nil, nil, nil, b, value)
}

// fill starts the desk's sandbox in the background, if it has not started yet (its
// signing key takes a moment to generate), and shows its details once it is ready;
// "Starting the sandbox…" meanwhile. It runs on the UI goroutine and returns the task.
func (p *connSandbox) fill(desk *app.Desk, ui *UI, progress *Progress) *Task {
	p.status.Importance = widget.LowImportance
	setShown(p.status, "Starting the sandbox…")
	p.task = Run(context.Background(), ui, progress, func(context.Context) (app.SandboxInfo, error) {
		return desk.SandboxInfo()
	}, p.show)
	return p.task
}

// show puts the sandbox's details on screen, or explains why it did not start.
func (p *connSandbox) show(info app.SandboxInfo, err error) {
	if err != nil {
		showProblem(p.status, nil, err)
		return
	}
	setShown(p.status, "")
	p.copyable["address"] = info.Address
	p.copyable["environment"] = info.EnvironmentID
	p.copyable["username"] = info.Demo.Username
	p.copyable["password"] = info.Demo.Password
	p.info = &info
	p.render()
}

// render shows the sandbox's details last shown, the demo user masked in presenter view.
func (p *connSandbox) render() {
	if p.info == nil {
		return
	}
	p.address.SetText(p.info.Address)
	p.env.SetText(p.info.EnvironmentID)
	p.demoUsername.SetText(p.presenter.Personal(p.info.Demo.Username))
	p.demoPassword.SetText(p.presenter.Secret(p.info.Demo.Password))
}
