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

// appsDemoUser is the Demo user tab: it creates a user with a random password to sign in
// with during a demo, and shows the password once.
type appsDemoUser struct {
	object fyne.CanvasObject

	button                     *widget.Button
	note                       *widget.Label
	box                        *fyne.Container
	username, password         *widget.Label
	copyUsername, copyPassword *widget.Button
	passwordNote               *widget.Label // "the clipboard clears in 60 s" after copying the password
	problem                    *explainedError
	user                       *app.DemoUser

	// Presenter view masks the username and the password until a confirmed Reveal; the
	// copy buttons copy the real values.
	presenter *Presenter
	reveal    *widget.Button
	revealed  bool
}

// newAppsDemoUser builds the tab. copyText copies the username; copySecret copies the
// password through the secret clipboard (Shell.copySecret). onCreate is the Create demo
// user button.
func newAppsDemoUser(copyText func(string), copySecret func(string, *widget.Label), onCreate func()) *appsDemoUser {
	d := &appsDemoUser{presenter: currentPresenter()}
	d.reveal = newRevealButton(func() fyne.Window { return windowOf(nil) }, func() {
		d.revealed = true
		d.render()
	})
	d.presenter.Subscribe(func(bool) { d.revealed = false; d.render() })
	heading := widget.NewLabelWithStyle("Demo user", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel("Creates a user with a random password in the target environment, to sign in with during a demo.")
	intro.Wrapping = fyne.TextWrapWord
	d.button = widget.NewButtonWithIcon("Create demo user", theme.AccountIcon(), onCreate)
	d.note = widget.NewLabel("")
	d.note.Wrapping = fyne.TextWrapWord
	d.note.Importance = widget.LowImportance
	d.username = monoLabel()
	d.password = monoLabel()
	d.copyUsername = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d.user != nil {
			copyText(d.user.Username)
		}
	})
	d.passwordNote = newClipboardNote()
	d.copyPassword = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if d.user != nil {
			copySecret(d.user.Password, d.passwordNote)
		}
	})
	once := widget.NewLabel("The password is shown only here and only now: PKCE Desk does not store it. Copy it before you leave this connection.")
	once.Wrapping = fyne.TextWrapWord
	once.Importance = widget.WarningImportance
	d.box = container.NewVBox(
		container.New(layout.NewFormLayout(),
			widget.NewLabel("Username"), container.NewBorder(nil, nil, nil, d.copyUsername, d.username),
			widget.NewLabel("Password"), container.NewBorder(nil, nil, nil, container.NewHBox(d.passwordNote, d.copyPassword), d.password),
		),
		container.NewHBox(d.reveal),
		once,
	)
	d.box.Hide()
	d.problem = newExplainedError()
	d.object = container.NewVBox(heading, intro, container.NewHBox(d.button), d.note, d.problem.object, d.box)
	return d
}

// allow enables demo users on sandbox and test connections only: a stray user with a
// known password has no place in production.
func (d *appsDemoUser) allow(tag app.Tag) {
	if tag == app.TagProduction {
		d.button.Disable()
		d.note.SetText("Not available: this is a production connection. Demo users are only created in sandbox and test environments.")
		return
	}
	d.button.Enable()
	d.note.SetText("Only on sandbox and test connections.")
}

func (d *appsDemoUser) show(u *app.DemoUser) {
	d.user = u
	d.revealed = false
	d.render()
	d.box.Show()
}

// render shows the user's username and password, masked in presenter view unless
// revealed.
func (d *appsDemoUser) render() {
	if d.user == nil {
		setRevealShown(d.reveal, false)
		return
	}
	masked := d.presenter.On() && !d.revealed
	setRevealShown(d.reveal, masked)
	if masked {
		d.username.SetText(maskPersonal(d.user.Username))
		d.password.SetText(maskSecret(d.user.Password))
		return
	}
	d.username.SetText(d.user.Username)
	d.password.SetText(d.user.Password)
}

// clear forgets the user shown, password and all.
func (d *appsDemoUser) clear() {
	d.user = nil
	d.revealed = false
	d.box.Hide()
	d.problem.clear()
}

func (s *ApplicationsScreen) updateDemoState() { s.demo.allow(s.desk.ActiveProfile().Tag) }

// CreateDemoUser presses "Create demo user".
func (s *ApplicationsScreen) CreateDemoUser() *Task {
	d := s.demo
	if d.button.Disabled() {
		return nil
	}
	d.button.Disable()
	d.problem.clear()
	gen := s.gen
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(), func(ctx context.Context) (*app.DemoUser, error) {
		return s.desk.CreateDemoUser(ctx)
	}, func(u *app.DemoUser, err error) {
		s.updateDemoState()
		if gen != s.gen {
			return
		}
		if err != nil {
			d.problem.show("", err, "")
			return
		}
		d.show(u)
	})
	return s.task
}
