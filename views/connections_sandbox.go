package views

import (
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
	problem      *widget.Label
	copyable     map[string]string // what each copy button copies
	copy         map[string]*widget.Button
	clipboard    func() fyne.Clipboard
}

// newConnSandbox builds the panel, empty until fill; the copy buttons copy to clipboard().
func newConnSandbox(clipboard func() fyne.Clipboard) *connSandbox {
	p := &connSandbox{
		address:      widget.NewLabel(""),
		env:          widget.NewLabel(""),
		demoUsername: widget.NewLabel(""),
		demoPassword: widget.NewLabel(""),
		problem:      wrappedLabel(),
		copyable:     map[string]string{},
		copy:         map[string]*widget.Button{},
		clipboard:    clipboard,
	}

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
	p.object = container.NewVBox(title, about, p.problem, grid, fixtures)
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

// fill starts the desk's sandbox, if it has not started yet, and shows its details.
func (p *connSandbox) fill(desk *app.Desk) {
	srv, err := desk.SandboxServer()
	if err == nil {
		var demo app.DemoCredentials
		if demo, err = desk.SandboxDemoUser(); err == nil {
			info := srv.Info()
			p.copyable["address"] = info.AuthBaseURL
			p.copyable["environment"] = info.EnvironmentID
			p.copyable["username"] = demo.Username
			p.copyable["password"] = demo.Password
			p.address.SetText(info.AuthBaseURL)
			p.env.SetText(info.EnvironmentID)
			p.demoUsername.SetText(demo.Username)
			p.demoPassword.SetText(demo.Password)
			return
		}
	}
	showProblem(p.problem, nil, err)
}
