package views

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// otherHost is the region choice for hosts that are not PingOne's public ones, such as a
// sandbox started with `pkcedesk sandbox`: the user enters both base URLs. A PingOne
// custom domain is not this: it is the region plus the Custom domain field.
const otherHost = "Other host (enter base URLs)"

// Tag picker labels; the sandbox tag belongs to the built-in connection only.
const (
	tagTestLabel       = "Test"
	tagProductionLabel = "Production"
)

// connForm edits a saved PingOne connection, or a new one. Its messages sit under the
// fields they are about; the secret entry is never filled from what was saved.
type connForm struct {
	object   fyne.CanvasObject
	relayout func() // lays the screen out again after a message appeared or went away

	title        *widget.Label
	editingID    string // "" for a new connection
	name         *widget.Entry
	region       *widget.Select
	customRows   []fyne.CanvasObject // label and content cells of the other-host rows
	regionRows   []fyne.CanvasObject // cells shown only with a PingOne region (custom domain)
	domain       *widget.Entry
	authBase     *widget.Entry
	apiBase      *widget.Entry
	adminEnv     *widget.Entry
	workerID     *widget.Entry
	secret       *widget.Entry
	secretSource *widget.Label
	targetEnv    *widget.Entry
	tag          *widget.RadioGroup
	fieldErrors  map[string]*widget.Label
	testMarks    []string // fields the last connection test marked, cleared by the next one
	save         *widget.Button
	del          *widget.Button
	runOnly      *widget.Button // "Use for this run only" after a keyring failure
	notice       *widget.Label
	remedy       *widget.Label
	sourceTask   *Task // reads where the shown profile's secret is kept
	filling      bool  // fill is putting a profile in the form: not an edit
}

// newConnForm builds the form. onSave, onDelete and onRunOnly are its buttons.
func newConnForm(relayout, onSave, onDelete, onRunOnly func()) *connForm {
	f := &connForm{relayout: relayout, fieldErrors: map[string]*widget.Label{}}
	f.title = sectionTitle("")
	f.title.SizeName = theme.SizeNameSubHeadingText

	f.name = widget.NewEntry()
	f.name.SetPlaceHolder("e.g. Acme test tenant")
	f.region = widget.NewSelect(regionOptions(), f.regionChanged)
	f.region.PlaceHolder = "Pick the region of your environments"
	f.authBase = widget.NewEntry()
	f.authBase.SetPlaceHolder("https://login.example.com")
	f.domain = widget.NewEntry()
	f.domain.SetPlaceHolder("auth.example.com (optional)")
	f.apiBase = widget.NewEntry()
	f.apiBase.SetPlaceHolder("https://api.pingone.com/v1")
	f.adminEnv = widget.NewEntry()
	f.adminEnv.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
	f.workerID = widget.NewEntry()
	f.workerID.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
	f.secret = widget.NewPasswordEntry()
	f.secretSource = widget.NewLabel("")
	f.targetEnv = widget.NewEntry()
	f.targetEnv.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
	f.tag = widget.NewRadioGroup([]string{tagTestLabel, tagProductionLabel}, nil)
	f.tag.Horizontal = true
	f.tag.Required = true
	for _, e := range []*widget.Entry{f.name, f.authBase, f.domain, f.apiBase, f.adminEnv, f.workerID, f.secret, f.targetEnv} {
		e.OnChanged = func(string) { f.edited() }
	}
	f.tag.OnChanged = func(string) { f.edited() }

	rows := []fyne.CanvasObject{}
	add := func(label string, input fyne.CanvasObject, field, help string, extra ...fyne.CanvasObject) []fyne.CanvasObject {
		cells := []fyne.CanvasObject{widget.NewLabel(label), f.fieldBox(input, field, help, extra...)}
		rows = append(rows, cells...)
		return cells
	}
	add("Name", f.name, app.FieldName, "Shown in the header and in this list.")
	add("Region", f.region, app.FieldRegion, "Where your PingOne organisation lives; every environment of it is in the same region.")
	f.regionRows = append(f.regionRows, add("Custom domain", f.domain, app.FieldCustomDomain,
		"Only if the target environment has a PingOne custom domain: sign-ins then use https://<domain>/as. Leave empty otherwise.")...)
	f.customRows = append(f.customRows, add("Auth base URL", f.authBase, app.FieldAuthBaseURL,
		"The auth host; the environment ID is added after it, as on auth.pingone.com.")...)
	f.customRows = append(f.customRows, add("API base URL", f.apiBase, app.FieldAPIBaseURL,
		"The Management API, with /v1.")...)
	add("Worker's environment ID", f.adminEnv, app.FieldAdminEnvironmentID,
		"The environment that holds the worker app, often \"Administrators\". Settings › Environment Properties.")
	add("Worker client ID", f.workerID, app.FieldWorkerClientID,
		"The worker app's client ID (Applications › your worker › Overview).")
	add("Worker client secret", f.secret, app.FieldWorkerSecret,
		"Kept in the system keyring, never in the settings file. Leave empty to keep the saved one.", f.secretSource)
	add("Target environment ID", f.targetEnv, app.FieldTargetEnvironmentID,
		"Where applications and users are created and signed in to; the worker needs roles there.")
	add("Tag", f.tag, app.FieldTag, "Production connections refuse test-only actions such as creating demo users.")

	f.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), onSave)
	f.save.Importance = widget.HighImportance
	f.del = widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), onDelete)
	f.del.Importance = widget.DangerImportance
	f.runOnly = widget.NewButtonWithIcon("Use for this run only", theme.HistoryIcon(), onRunOnly)
	f.runOnly.Hide()
	f.notice = wrappedLabel()
	f.remedy = wrappedLabel()
	f.remedy.Importance = widget.LowImportance

	f.object = container.NewVBox(
		f.title,
		container.New(layout.NewFormLayout(), rows...),
		container.NewHBox(f.save, f.del),
		f.notice, f.remedy,
		container.NewHBox(f.runOnly),
	)
	return f
}

// fieldBox stacks an input with its help text and its (hidden until needed) error line.
func (f *connForm) fieldBox(input fyne.CanvasObject, field, help string, extra ...fyne.CanvasObject) fyne.CanvasObject {
	h := wrappedLabel()
	setShown(h, help)
	h.Importance = widget.LowImportance
	e := fieldMessage()
	f.fieldErrors[field] = e
	objs := append([]fyne.CanvasObject{input}, extra...)
	return container.NewVBox(append(objs, e, h)...)
}

func regionLabel(r pingone.Region) string {
	ep, err := pingone.RegionEndpoints(r)
	if err != nil {
		return string(r)
	}
	return fmt.Sprintf("%s (%s)", r.DisplayName(), strings.TrimPrefix(ep.AuthBase, "https://"))
}

func regionOptions() []string {
	var out []string
	for _, r := range pingone.Regions() {
		out = append(out, regionLabel(r))
	}
	return append(out, otherHost)
}

func regionFromLabel(label string) pingone.Region {
	for _, r := range pingone.Regions() {
		if regionLabel(r) == label {
			return r
		}
	}
	return ""
}

func (f *connForm) regionChanged(label string) {
	f.edited()
	for _, o := range f.customRows {
		if label == otherHost {
			o.Show()
		} else {
			o.Hide()
		}
	}
	for _, o := range f.regionRows {
		if label == otherHost {
			o.Hide()
		} else {
			o.Show()
		}
	}
	f.relayout()
}

// fill shows p in the form. The secret entry always starts empty: a saved secret is
// never read back into a widget.
func (f *connForm) fill(p app.Profile) {
	f.filling = true
	defer func() { f.filling = false }()
	if f.sourceTask != nil {
		f.sourceTask.Cancel()
		f.sourceTask = nil
	}
	f.editingID = p.ID
	if p.ID == "" {
		f.title.SetText("New connection")
		f.del.Hide()
	} else {
		f.title.SetText(p.Name)
		f.del.Show()
	}
	f.name.SetText(p.Name)
	if p.AuthBaseURL != "" || (p.ID != "" && p.Region == "") {
		f.region.SetSelected(otherHost)
	} else {
		f.region.SetSelected(regionLabel(p.Region))
	}
	f.regionChanged(f.region.Selected)
	f.authBase.SetText(p.AuthBaseURL)
	f.apiBase.SetText(p.APIBaseURL)
	f.domain.SetText(p.CustomDomain)
	f.adminEnv.SetText(p.AdminEnvironmentID)
	f.workerID.SetText(p.WorkerClientID)
	f.targetEnv.SetText(p.TargetEnvironmentID)
	f.secret.SetText("")
	switch p.Tag {
	case app.TagProduction:
		f.tag.SetSelected(tagProductionLabel)
	default:
		f.tag.SetSelected(tagTestLabel)
	}
	f.runOnly.Hide()
	f.clearMessages()
}

// edited takes a success message ("Saved …") away once the user changes the form: it
// described what was saved, which is no longer what the form shows. Error messages stay
// until the next save or test, under the fields they are about.
func (f *connForm) edited() {
	if f.filling || f.notice == nil || !f.notice.Visible() || f.notice.Importance != widget.SuccessImportance {
		return
	}
	setShown(f.notice, "")
	setShown(f.remedy, "")
	f.relayout()
}

func (f *connForm) clearMessages() {
	for _, l := range f.fieldErrors {
		setShown(l, "")
	}
	setShown(f.notice, "")
	setShown(f.remedy, "")
	f.relayout()
}

// profile reads the form. Values are trimmed here so that what is validated is what gets
// saved.
func (f *connForm) profile() app.Profile {
	p := app.Profile{
		ID:                  f.editingID,
		Name:                strings.TrimSpace(f.name.Text),
		AdminEnvironmentID:  strings.TrimSpace(f.adminEnv.Text),
		WorkerClientID:      strings.TrimSpace(f.workerID.Text),
		TargetEnvironmentID: strings.TrimSpace(f.targetEnv.Text),
	}
	if f.region.Selected == otherHost {
		p.AuthBaseURL = strings.TrimSpace(f.authBase.Text)
		p.APIBaseURL = strings.TrimSpace(f.apiBase.Text)
	} else {
		p.Region = regionFromLabel(f.region.Selected)
		p.CustomDomain = strings.TrimSpace(f.domain.Text)
	}
	switch f.tag.Selected {
	case tagTestLabel:
		p.Tag = app.TagTest
	case tagProductionLabel:
		p.Tag = app.TagProduction
	}
	return p
}

// markFields puts each message under its field. The validation of other-host base URLs
// reports both URLs under one key; a message about the API URL belongs under that one.
func (f *connForm) markFields(fields map[string]string) {
	for k, msg := range fields {
		if k == app.FieldAuthBaseURL && strings.Contains(msg, "API base URL") {
			k = app.FieldAPIBaseURL
		}
		l, ok := f.fieldErrors[k]
		if !ok {
			continue
		}
		setShown(l, msg)
	}
	f.relayout()
}

// markTestFields puts a failed test's field messages (app decides which fields a failure
// concerns) under those fields, when the form shows the connection that was tested.
func (f *connForm) markTestFields(tested string, err error) {
	fields := app.Explain(err).FieldErrors()
	if len(fields) == 0 || tested == "" || f.editingID != tested {
		return
	}
	f.markFields(fields)
	for k := range fields {
		f.testMarks = append(f.testMarks, k)
	}
}

// clearTestMarks removes the previous test's field messages, leaving the form's own
// validation messages alone.
func (f *connForm) clearTestMarks() {
	for _, k := range f.testMarks {
		if l, ok := f.fieldErrors[k]; ok {
			setShown(l, "")
		}
	}
	f.testMarks = nil
}

// secretNotStored explains a keyring failure and, if the keyring is the problem, offers
// to keep the secret in memory. The typed secret stays in its entry for that.
func (f *connForm) secretNotStored(err error) {
	if ve := (*app.ValidationError)(nil); errors.As(err, &ve) {
		f.markFields(ve.FieldErrors())
	}
	showProblem(f.notice, f.remedy, err)
	f.secretSource.SetText("Worker secret: not stored")
	if ke := (*app.KeyringError)(nil); errors.As(err, &ke) && ke.Kind != app.ErrSecretTooBig {
		f.runOnly.Show()
	}
	f.relayout()
}

// secretStored clears the entry: only now is the secret kept somewhere else.
func (f *connForm) secretStored(src app.SecretSource) {
	f.secret.SetText("")
	f.runOnly.Hide()
	f.secretSource.SetText("Worker secret: " + src.String())
	f.notice.Importance = widget.SuccessImportance
	setShown(f.notice, fmt.Sprintf("Saved. The worker secret is %s.", src))
	setShown(f.remedy, "")
	f.relayout()
}
