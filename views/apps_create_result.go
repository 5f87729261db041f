package views

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// appsCreateResult, beside the create form, shows the application created last: its
// client ID, the JSON sent to PingOne and its reply.
type appsCreateResult struct {
	object fyne.CanvasObject

	created                *pingone.Application // nil while nothing is shown
	hint                   *widget.Label
	box                    *fyne.Container
	title, clientID, note  *widget.Label
	grantProblem           *explainedError
	sentJSON, receivedJSON *widget.Label
	copyID, signIn         *widget.Button
	snippets               *appsSnippets // code for the created app, collapsed
}

// newAppsCreateResult builds the panel; copy copies the client ID and signInWith opens the
// Sign in screen on the created application.
func newAppsCreateResult(copyText func(string), signInWith func(clientID, name string)) *appsCreateResult {
	r := &appsCreateResult{}
	r.hint = widget.NewLabel("The created application appears here: its client ID, the JSON sent to PingOne and its reply.")
	r.hint.Wrapping = fyne.TextWrapWord
	r.hint.Importance = widget.LowImportance
	r.title = sectionTitle("")
	r.title.Wrapping = fyne.TextWrapWord
	r.clientID = monoLabel()
	r.clientID.Wrapping = fyne.TextWrapOff // an ID broken over two lines gets copied by hand wrongly
	r.note = widget.NewLabel("")
	r.note.Wrapping = fyne.TextWrapWord
	r.note.Importance = widget.WarningImportance
	r.grantProblem = newExplainedError()
	r.sentJSON = monoLabel()
	r.receivedJSON = monoLabel()
	r.copyID = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if r.created != nil {
			copyText(r.created.ClientID)
		}
	})
	r.signIn = widget.NewButtonWithIcon("Sign in with this app", theme.LoginIcon(), func() {
		if r.created != nil {
			signInWith(r.created.ID, r.created.Name)
		}
	})
	r.signIn.Importance = widget.HighImportance
	r.snippets = newAppsSnippets(copyText)
	r.box = container.NewVBox(
		r.title,
		wrapped(widget.NewLabelWithStyle("Client ID (public, not a secret: your app sends it with every sign-in)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		container.NewBorder(nil, nil, nil, r.copyID, r.clientID),
		r.note,
		r.grantProblem.object,
		container.NewHBox(r.signIn),
		r.snippets.object, // right under the client ID: what a developer wants next
		widget.NewSeparator(),
		sectionTitle("Sent to PingOne"), r.sentJSON,
		sectionTitle("PingOne's reply"), r.receivedJSON,
	)
	r.box.Hide()
	r.object = container.NewVBox(r.hint, r.box)
	return r
}

// show shows a create's result; nil (or a result without an application) hides the panel
// and forgets the application.
func (r *appsCreateResult) show(res *createResult) {
	r.grantProblem.clear()
	if res == nil || res.app == nil {
		r.created = nil
		r.snippets.show(nil)
		r.box.Hide()
		r.hint.Show()
		return
	}
	a := res.app
	r.created = a
	r.title.SetText("Created " + a.Name)
	r.clientID.SetText(a.ClientID)
	if a.Reconciled {
		r.note.SetText("PingOne's reply was lost; the application was found by its name and was not created a second time.")
		r.note.Show()
	} else {
		r.note.Hide()
	}
	r.sentJSON.SetText(dashIfEmpty(prettyBody(res.sent)))
	r.receivedJSON.SetText(dashIfEmpty(prettyBody(res.replied)))
	r.snippets.show(a)
	r.hint.Hide()
	r.box.Show()
}

// showGrantError explains the error of a create that did create the application: its
// scopes (or some of them) were not granted. nil says nothing.
func (r *appsCreateResult) showGrantError(err error) {
	var ge *app.GrantError
	if errors.As(err, &ge) {
		r.grantProblem.show("The application was created, but granting "+strings.Join(ge.Scopes, ", ")+" failed:", err, "The self-check in the list offers the grant again.")
	} else if err != nil {
		r.grantProblem.show("", err, "")
	}
}

// wrapped makes l wrap at word boundaries, so its text never sets the screen's width.
func wrapped(l *widget.Label) *widget.Label {
	l.Wrapping = fyne.TextWrapWord
	return l
}
