package views

import (
	"errors"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// Choices of the create form. The lists are the values a person is likely to want for an
// OIDC client; PingOne accepts a few more, which the self-check would flag anyway.
var (
	appTypeOptions      = []string{"NATIVE_APP", "SINGLE_PAGE_APP", "WEB_APP", "CUSTOM_APP"}
	authMethodOptions   = []string{"NONE", "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"}
	pkceOptions         = []string{"OPTIONAL", "REQUIRED", "S256_REQUIRED"}
	grantTypeOptions    = []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN", "IMPLICIT", "CLIENT_CREDENTIALS"}
	responseTypeOptions = []string{"CODE", "TOKEN", "ID_TOKEN"}
)

// Form field names are PingOne's details[].target values, so a rejected value lands on
// the field that holds it without a translation table.
const (
	appFieldName          = "name"
	appFieldDescription   = "description"
	appFieldType          = "type"
	appFieldGrantTypes    = "grantTypes"
	appFieldResponseTypes = "responseTypes"
	appFieldRedirectURIs  = "redirectUris"
	appFieldPostLogout    = "postLogoutRedirectUris"
	appFieldAuthMethod    = "tokenEndpointAuthMethod"
	appFieldPKCE          = "pkceEnforcement"
	appFieldEnabled       = "enabled"
)

const offlineAccess = "offline_access"

// appsCreateForm is the Create tab's form: a new OIDC application, prefilled with the
// seed, with PingOne's complaints under the fields they are about. The fields scroll;
// Create and Reset sit in a bar under them that never scrolls away.
type appsCreateForm struct {
	object fyne.CanvasObject
	scroll *container.Scroll // the fields

	newSeed                                  func() pingone.ApplicationRequest
	seed                                     pingone.ApplicationRequest
	name, description, redirects, postLogout *widget.Entry
	appType, authMethod, pkce                *widget.Select
	grantTypes, responseTypes, scopes        *widget.CheckGroup
	enabled                                  *widget.Check
	fieldErrors                              map[string]*widget.Label
	fields                                   []formField // in the order shown
	problem                                  *explainedError
	createButton, resetButton                *widget.Button
	filling, hadRefresh                      bool
}

// newAppsCreateForm builds the form. redirect is the loopback redirect PKCE Desk listens
// on, newSeed makes the seed that Reset puts back, and onCreate is the Create button.
func newAppsCreateForm(redirect string, newSeed func() pingone.ApplicationRequest, onCreate func()) *appsCreateForm {
	f := &appsCreateForm{newSeed: newSeed, fieldErrors: map[string]*widget.Label{}}
	f.name = widget.NewEntry()
	f.name.OnChanged = func(string) { f.touched(appFieldName) }
	f.description = widget.NewMultiLineEntry()
	f.description.Wrapping = fyne.TextWrapWord
	f.description.SetMinRowsVisible(3)
	f.description.OnChanged = func(string) { f.touched(appFieldDescription) }
	f.appType = widget.NewSelect(appTypeOptions, func(string) { f.touched(appFieldType) })
	f.grantTypes = widget.NewCheckGroup(grantTypeOptions, func([]string) { f.grantsChanged() })
	f.responseTypes = widget.NewCheckGroup(responseTypeOptions, func([]string) { f.touched(appFieldResponseTypes) })
	f.responseTypes.Horizontal = false // CODE, TOKEN, ID_TOKEN side by side would set the form's width
	f.redirects = widget.NewMultiLineEntry()
	f.redirects.SetMinRowsVisible(2)
	f.redirects.OnChanged = func(string) { f.touched(appFieldRedirectURIs) }
	f.postLogout = widget.NewMultiLineEntry()
	f.postLogout.SetMinRowsVisible(2)
	f.postLogout.SetPlaceHolder("none")
	f.postLogout.OnChanged = func(string) { f.touched(appFieldPostLogout) }
	f.authMethod = widget.NewSelect(authMethodOptions, func(string) { f.touched(appFieldAuthMethod) })
	f.pkce = widget.NewSelect(pkceOptions, func(string) { f.touched(appFieldPKCE) })
	f.enabled = widget.NewCheck("Enabled", func(bool) { f.touched(appFieldEnabled) })
	f.scopes = widget.NewCheckGroup(app.OptionalScopes, func([]string) { f.touched("") })

	rows := []fyne.CanvasObject{}
	add := func(label, field string, w fyne.CanvasObject, help string) {
		errLabel := fieldMessage()
		if field != "" {
			f.fieldErrors[field] = errLabel
		}
		helpLabel := widget.NewLabel(help)
		helpLabel.Importance = widget.LowImportance
		helpLabel.Wrapping = fyne.TextWrapWord
		title := widget.NewLabelWithStyle(label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		cell := container.New(layout.NewCustomPaddedVBoxLayout(0), w, errLabel, helpLabel)
		rows = append(rows, title, cell)
		f.fields = append(f.fields, formField{name: field, input: w, cell: cell})
	}
	add("Name", appFieldName, f.name, "Shown in the PingOne console and on the sign-on page; it must be unique in the environment.")
	add("Description", appFieldDescription, f.description, "Optional, for the people who read the console.")
	add("Type", appFieldType, f.appType, "NATIVE_APP: a desktop or mobile app, which runs on the user's computer and so is a public client.")
	add("Grant types", appFieldGrantTypes, f.grantTypes, "AUTHORIZATION_CODE is the sign-in with a code and PKCE. REFRESH_TOKEN renews tokens without a new sign-in. Avoid IMPLICIT: it hands tokens over in the browser's address bar.")
	add("Response types", appFieldResponseTypes, f.responseTypes, "CODE only: the tokens then come from the token endpoint, never through the browser.")
	add("Redirect URIs", appFieldRedirectURIs, f.redirects, "One per line. PingOne sends the browser back here after the sign-in; PKCE Desk listens on "+redirect+".")
	add("Post-logout URIs", appFieldPostLogout, f.postLogout, "One per line, optional: where PingOne may send the browser after signing off.")
	add("Authentication", appFieldAuthMethod, f.authMethod, "NONE: a desktop app cannot keep a client secret (anyone can read it out of the installed app), so PKCE protects the code instead.")
	add("PKCE", appFieldPKCE, f.pkce, "S256_REQUIRED: PingOne refuses sign-ins without PKCE, and with its weak plain method.")
	add("State", appFieldEnabled, f.enabled, "A disabled application cannot be signed in to.")
	add("Grant scopes", "", f.scopes, "Sign-ins may only ask for OpenID scopes granted to the app (openid itself needs none). offline_access follows REFRESH_TOKEN: it asks for a refresh token, which only that grant type gives.")

	f.createButton = widget.NewButtonWithIcon("Create application", theme.ContentAddIcon(), onCreate)
	f.createButton.Importance = widget.HighImportance
	f.resetButton = widget.NewButtonWithIcon("Reset to the seed", theme.ContentUndoIcon(), f.reset)
	f.problem = newExplainedError()

	heading := widget.NewLabelWithStyle("New OIDC application", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel("Prefilled with Ping's public-client seed: a native app that signs in with authorization code and PKCE, without a secret.")
	intro.Wrapping = fyne.TextWrapWord
	intro.Importance = widget.LowImportance
	f.scroll = container.NewVScroll(container.NewVBox(heading, intro, container.New(layout.NewFormLayout(), rows...)))
	// The explanation of a failed create sits over the buttons, where the eye is after
	// pressing Create; the field it is about scrolls into view above.
	bar := container.NewVBox(widget.NewSeparator(), f.problem.object, container.NewHBox(f.createButton, f.resetButton))
	f.object = container.NewBorder(nil, bar, nil, nil, f.scroll)
	return f
}

// formField is one row of the form: its PingOne field name ("" for the scopes, which
// PingOne does not name), its input, and the cell holding the input and its messages.
type formField struct {
	name  string
	input fyne.CanvasObject
	cell  fyne.CanvasObject
}

// touched hides PingOne's complaint about a field the user edited: the value it was about
// is gone.
func (f *appsCreateForm) touched(field string) {
	if f.filling {
		return
	}
	if l := f.fieldErrors[field]; l != nil {
		l.Hide()
	}
}

// grantsChanged keeps offline_access in step with REFRESH_TOKEN: without that grant type
// PingOne issues no refresh token, so granting offline_access alone would only mislead.
func (f *appsCreateForm) grantsChanged() {
	refresh := slices.Contains(f.grantTypes.Selected, "REFRESH_TOKEN")
	if refresh != f.hadRefresh {
		f.hadRefresh = refresh
		scopes := slices.DeleteFunc(slices.Clone(f.scopes.Selected), func(v string) bool { return v == offlineAccess })
		if refresh {
			scopes = append(scopes, offlineAccess)
		}
		was := f.filling
		f.filling = true // the user did not tick the scope themselves
		f.scopes.SetSelected(scopes)
		f.filling = was
	}
	f.touched(appFieldGrantTypes)
}

// fill puts r into the form and clears every message.
func (f *appsCreateForm) fill(r pingone.ApplicationRequest) {
	f.filling = true
	defer func() { f.filling = false }()
	f.seed = r
	f.name.SetText(r.Name)
	f.description.SetText(r.Description)
	f.appType.SetSelected(r.Type)
	f.grantTypes.SetSelected(slices.Clone(r.GrantTypes))
	f.responseTypes.SetSelected(slices.Clone(r.ResponseTypes))
	f.redirects.SetText(strings.Join(r.RedirectURIs, "\n"))
	f.postLogout.SetText(strings.Join(r.PostLogoutRedirectURIs, "\n"))
	f.authMethod.SetSelected(r.TokenEndpointAuthMethod)
	f.pkce.SetSelected(r.PKCEEnforcement)
	f.enabled.SetChecked(r.Enabled)
	scopes := []string{"profile", "email"}
	f.hadRefresh = slices.Contains(r.GrantTypes, "REFRESH_TOKEN")
	if f.hadRefresh {
		scopes = append(scopes, offlineAccess)
	}
	f.scopes.SetSelected(scopes)
	f.clearFieldErrors()
	f.problem.clear()
}

// reset puts the seed back into the form.
func (f *appsCreateForm) reset() { f.fill(f.newSeed()) }

func (f *appsCreateForm) clearFieldErrors() {
	for _, l := range f.fieldErrors {
		l.Hide()
	}
}

// request is what the form says, on top of the seed so that what the form does not show
// (protocol, refresh token durations) keeps the seed's value.
func (f *appsCreateForm) request() pingone.ApplicationRequest {
	r := f.seed
	r.Name = strings.TrimSpace(f.name.Text)
	r.Description = strings.TrimSpace(f.description.Text)
	r.Type = f.appType.Selected
	r.GrantTypes = inOrder(grantTypeOptions, f.grantTypes.Selected)
	r.ResponseTypes = inOrder(responseTypeOptions, f.responseTypes.Selected)
	r.RedirectURIs = nonBlankLines(f.redirects.Text)
	r.PostLogoutRedirectURIs = nonBlankLines(f.postLogout.Text)
	r.TokenEndpointAuthMethod = f.authMethod.Selected
	r.PKCEEnforcement = f.pkce.Selected
	r.Enabled = f.enabled.Checked
	return r
}

func (f *appsCreateForm) selectedScopes() []string {
	return inOrder(app.OptionalScopes, f.scopes.Selected)
}

// showError puts the complaints (PingOne's details[].target, or the app's own
// validation) on their fields and the explanation under the form, then scrolls to the
// first marked field and gives it the focus. The form's values are left exactly as the
// user filled them.
func (f *appsCreateForm) showError(err error) {
	var other []string
	if fields := fieldErrorsOf(err); len(fields) > 0 {
		targets := make([]string, 0, len(fields))
		for t := range fields {
			targets = append(targets, t)
		}
		sort.Strings(targets)
		for _, target := range targets {
			if l := f.fieldErrors[target]; l != nil && target != "" {
				l.SetText(fields[target])
				l.Show()
				continue
			}
			if target == "" {
				other = append(other, fields[target])
			} else {
				other = append(other, target+": "+fields[target])
			}
		}
	}
	f.problem.show("", err, strings.Join(other, "\n"))
	f.revealFirstError()
}

// fieldErrorsOf is the per-field messages an error carries: PingOne's rejection (or the
// client-side check that mirrors it), app's ValidationError, or a Problem naming fields.
func fieldErrorsOf(err error) map[string]string {
	var (
		pe *pingone.Error
		ve *app.ValidationError
		pr *app.Problem
	)
	switch {
	case errors.As(err, &pe):
		return pe.FieldErrors()
	case errors.As(err, &ve):
		return ve.Fields
	case errors.As(err, &pr):
		return pr.Fields
	}
	return nil
}

// revealFirstError scrolls the first field with a message into view and focuses it.
func (f *appsCreateForm) revealFirstError() {
	for i, fld := range f.fields {
		if l := f.fieldErrors[fld.name]; fld.name == "" || l == nil || !l.Visible() {
			continue
		}
		f.scroll.Refresh() // lay out the messages just shown before measuring
		revealInScroll(f.scroll, fld.cell)
		f.focusField(i)
		return
	}
}

// focusField gives the keyboard focus to field i. A CheckGroup is not focusable itself:
// its first check is, reached with Tab from the input before it.
func (f *appsCreateForm) focusField(i int) {
	c := fyne.CurrentApp().Driver().CanvasForObject(f.fields[i].input)
	if c == nil {
		return
	}
	switch in := f.fields[i].input.(type) {
	case fyne.Focusable:
		c.Focus(in)
	case *widget.CheckGroup:
		for j := i - 1; j >= 0; j-- {
			prev, ok := f.fields[j].input.(fyne.Focusable)
			if !ok {
				continue
			}
			c.Focus(prev)
			for range 32 { // a bound, should the group not be where Tab leads
				c.FocusNext()
				if ch, ok := c.Focused().(*widget.Check); ok && slices.Contains(in.Options, ch.Text) {
					return
				}
			}
			c.Unfocus()
			return
		}
	}
}

// nonBlankLines splits a multi-line entry into its non-blank, trimmed lines.
func nonBlankLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// inOrder returns the chosen values in the order of options, whatever order they were
// ticked in, so the JSON sent reads the same for the same choices.
func inOrder(options, chosen []string) []string {
	var out []string
	for _, o := range options {
		if slices.Contains(chosen, o) {
			out = append(out, o)
		}
	}
	for _, c := range chosen {
		if !slices.Contains(options, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
