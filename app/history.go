package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pkcedesk/pkcedesk/app/export"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// MaxHistory is how many runs the history keeps; the oldest go first.
const MaxHistory = 200

// historyState is the run history of this session: every sign-in attempt, refresh,
// userinfo, sign-out and lab run, newest last. It outlives connection changes (the
// transcript and the current flow do not) and ends with the process.
type historyState struct {
	mu        sync.Mutex
	next      uint64
	runs      []export.Run
	listeners listeners[[]export.Run]
	// apps are the applications this desk has read or created, by profile ID and client
	// ID, so a run's report names the app and its settings without another request.
	apps map[string]export.App
	// verifiers are the code_verifiers of the runs that redeemed their code (RFC 7636
	// §4.5): spent by then, shown on the History screen, never exported.
	verifiers map[uint64]string
}

// RunVerifier is the code_verifier of a run whose code was redeemed, for the History
// screen (which masks it in presenter view). Exports never carry it.
func (d *Desk) RunVerifier(id uint64) (string, bool) {
	h := &d.history
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.verifiers[id]
	return v, ok
}

// rememberApps notes applications' names and settings for the history's reports.
func (d *Desk) rememberApps(profileID string, apps ...pingone.Application) {
	h := &d.history
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.apps == nil {
		h.apps = map[string]export.App{}
	}
	for _, a := range apps {
		id := a.ClientID
		if id == "" {
			id = a.ID
		}
		h.apps[profileID+"\x00"+id] = export.App{ClientID: id, Name: a.Name,
			PKCEEnforcement: a.PKCEEnforcement, TokenAuthMethod: a.TokenEndpointAuthMethod}
	}
}

// knownApp fills in what the desk knows of the app a run used.
func (d *Desk) knownApp(profileID string, app export.App) export.App {
	h := &d.history
	h.mu.Lock()
	defer h.mu.Unlock()
	if k, ok := h.apps[profileID+"\x00"+app.ClientID]; ok {
		app.Name, app.PKCEEnforcement, app.TokenAuthMethod = k.Name, k.PKCEEnforcement, k.TokenAuthMethod
	}
	return app
}

// History returns the runs of this session, newest first.
func (d *Desk) History() []export.Run {
	h := &d.history
	h.mu.Lock()
	defer h.mu.Unlock()
	return newestFirst(h.runs)
}

func newestFirst(runs []export.Run) []export.Run {
	out := make([]export.Run, len(runs))
	for i, r := range runs {
		out[len(runs)-1-i] = r
	}
	return out
}

// HistoryRun returns the run with that ID.
func (d *Desk) HistoryRun(id uint64) (export.Run, bool) {
	h := &d.history
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.runs {
		if r.ID == id {
			return r, true
		}
	}
	return export.Run{}, false
}

// OnHistoryChange calls fn with the history (newest first) after each run is added. fn
// runs on the goroutine that ended the run; a GUI hands it to its own thread.
func (d *Desk) OnHistoryChange(fn func([]export.Run)) (unsubscribe func()) {
	return d.history.listeners.add(fn)
}

func (d *Desk) addRun(r export.Run, verifier string) {
	h := &d.history
	h.mu.Lock()
	h.next++
	r.ID = h.next
	h.runs = append(h.runs, r)
	if verifier != "" {
		if h.verifiers == nil {
			h.verifiers = map[uint64]string{}
		}
		h.verifiers[r.ID] = verifier
	}
	if len(h.runs) > MaxHistory {
		delete(h.verifiers, h.runs[0].ID)
		h.runs = append([]export.Run(nil), h.runs[len(h.runs)-MaxHistory:]...)
	}
	snapshot := newestFirst(h.runs)
	h.mu.Unlock()
	h.listeners.notify(snapshot)
}

// runConnection describes the active connection for the history; it never holds the
// worker secret.
func (d *Desk) runConnection() export.Connection {
	p := d.ActiveProfile()
	c := export.Connection{Name: p.Name, Tag: string(p.Tag), Region: string(p.Region),
		EnvironmentID: p.TargetEnvironmentID, CustomDomain: p.CustomDomain, Sandbox: p.IsSandbox()}
	if p.IsSandbox() {
		d.mu.Lock()
		srv := d.sandbox
		d.mu.Unlock()
		if srv != nil {
			info := srv.Info()
			c.AuthBase, c.APIBase, c.EnvironmentID, c.Issuer = info.AuthBaseURL, info.APIBaseURL, info.EnvironmentID, srv.Issuer()
		}
		return c
	}
	if ep, err := p.Endpoints(); err == nil {
		c.AuthBase, c.APIBase, c.Issuer = ep.AuthBase, ep.APIBase, p.SignInIssuer(ep)
	}
	return c
}

// recordFlow adds an ended flow to the history.
func (d *Desk) recordFlow(r *flowRec, err error) {
	f := r.f.clone()
	run := export.Run{
		Kind: f.Kind, Mode: f.Mode.String(), Connection: r.conn,
		App:     d.knownApp(r.profileID, export.App{ClientID: f.ClientID, RedirectURI: d.redirectURI, Scopes: r.scopes}),
		Started: f.Started, Duration: d.now().Sub(f.Started),
		Outcome: outcomeOf(err), Error: f.Err,
		PKCE:   export.PKCE{Challenge: f.Challenge},
		Checks: exportChecks(r.checks),
	}
	if f.Challenge != "" {
		run.PKCE.Method = "S256"
	}
	for _, s := range f.Steps {
		st := export.Step{Name: s.Name, Label: s.Label, State: s.State.String(), Status: s.Status,
			Duration: s.Duration, Reason: s.Reason, At: s.At}
		if s.Exchange != nil {
			x := *s.Exchange
			st.Exchange = &x
		}
		run.Steps = append(run.Steps, st)
	}
	var rejected *signin.IDTokenRejectedError
	if len(run.Checks) == 0 && errors.As(err, &rejected) && rejected.Report != nil {
		run.Checks = exportChecks(rejected.Report.Checks)
	}
	verifier := ""
	for _, s := range f.Steps {
		if s.Name == "token" && s.State == FlowOK {
			d.flows.mu.Lock()
			verifier = r.verifier
			d.flows.mu.Unlock()
		}
	}
	d.addRun(run, verifier)
}

// recordLab adds a lab run to the history: each case's exchanges become its steps.
func (d *Desk) recordLab(conn export.Connection, clientID string, started time.Time, rep lab.Report, err error) {
	run := export.Run{Kind: "lab", Connection: conn, App: d.knownApp(d.ActiveProfile().ID, export.App{ClientID: clientID}),
		Started: started, Duration: d.now().Sub(started), Outcome: "succeeded"}
	switch {
	case err != nil:
		run.Outcome, run.Error = outcomeOf(err), Explain(err).Title
	case rep.Cancelled:
		run.Outcome, run.Error = "cancelled", "The lab run was cancelled before every case ran."
	case rep.ExitCode() != lab.ExitAllHold:
		run.Outcome = "failed"
		run.Error = fmt.Sprintf("%d %s did not hold, %d could not run.", rep.Count(lab.DoesNotHold),
			plural(rep.Count(lab.DoesNotHold), "case", "cases"), rep.Count(lab.CouldNotRun))
	}
	if err == nil {
		r := rep
		run.Lab = &r
		for _, res := range rep.Results {
			for _, x := range res.Exchanges {
				x := x
				run.Steps = append(run.Steps, export.Step{
					Name: fmt.Sprintf("case %02d", res.Case.Number), Label: res.Case.Name + ": " + x.Method + " " + x.Step,
					State: "ok", Status: x.Status, Duration: x.Duration, At: x.Started, Exchange: &x,
				})
			}
		}
	}
	d.addRun(run, "")
}

func outcomeOf(err error) string {
	switch {
	case err == nil:
		return "succeeded"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "failed"
}

func exportChecks(checks []token.Check) []export.Check {
	var out []export.Check
	for _, c := range checks {
		out = append(out, export.Check{ID: c.ID, Title: c.Title, Status: c.Status.String(), Reason: c.Reason})
	}
	return out
}

// ExportFormat is a file format a run is exported to.
type ExportFormat int

// The export formats.
const (
	ExportMarkdown ExportFormat = iota
	ExportJSON
	ExportHAR
)

// ExportFormats lists the formats with their names, for a menu.
func ExportFormats() []ExportFormat { return []ExportFormat{ExportMarkdown, ExportJSON, ExportHAR} }

func (f ExportFormat) String() string {
	switch f {
	case ExportJSON:
		return "JSON"
	case ExportHAR:
		return "HAR 1.2"
	}
	return "Markdown"
}

// Extension is the file name extension of the format, with its dot.
func (f ExportFormat) Extension() string {
	switch f {
	case ExportJSON:
		return ".json"
	case ExportHAR:
		return ".har"
	}
	return ".md"
}

// ExportRun renders the run with that ID in the format, with a suggested file name.
// Every format goes through the same redaction as the transcript (app/export).
func (d *Desk) ExportRun(id uint64, f ExportFormat) (name string, data []byte, err error) {
	run, ok := d.HistoryRun(id)
	if !ok {
		return "", nil, fmt.Errorf("app: there is no run %d in this session's history", id)
	}
	switch f {
	case ExportJSON:
		data, err = export.JSON(run)
	case ExportHAR:
		data, err = export.HAR(run)
	default:
		data = export.Markdown(run)
	}
	if err != nil {
		return "", nil, err
	}
	return RunFileName(run) + f.Extension(), data, nil
}

// RunSummary is the few redacted lines of a run for a chat message.
func (d *Desk) RunSummary(id uint64) (string, error) {
	run, ok := d.HistoryRun(id)
	if !ok {
		return "", fmt.Errorf("app: there is no run %d in this session's history", id)
	}
	return export.Summary(run), nil
}

// RunFileName is a file name for the run without extension, e.g.
// pkcedesk-sign-in-in-app-20261203-091500.
func RunFileName(r export.Run) string {
	parts := []string{"pkcedesk", strings.ReplaceAll(r.Kind, " ", "-")}
	if r.Kind == "sign-in" && r.Mode != "" {
		parts = append(parts, r.Mode)
	}
	parts = append(parts, r.Started.Format("20060102-150405"))
	return strings.Join(parts, "-")
}

// ExportPostman renders the run with that ID as a Postman v2.1 collection of the
// redirectless sign-in for its app and connection, with an environment file for each
// PingOne region, a custom domain and the sandbox: file name → content. The password and
// every secret are empty variables to fill in.
func (d *Desk) ExportPostman(id uint64) (map[string][]byte, error) {
	run, ok := d.HistoryRun(id)
	if !ok {
		return nil, fmt.Errorf("app: there is no run %d in this session's history", id)
	}
	if run.App.ClientID == "" {
		return nil, errors.New("app: this run has no application to make a collection for")
	}
	coll, err := export.Postman(run)
	if err != nil {
		return nil, err
	}
	envs, err := export.PostmanEnvironments(export.PostmanTargetOf(run), nil)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{RunFileName(run) + ".postman_collection.json": coll}
	for _, e := range envs {
		files[e.File] = e.Data
	}
	return files, nil
}
