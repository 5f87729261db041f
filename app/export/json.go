package export

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// FormatName is the "format" member of every JSON run document (docs/run-format.md).
const FormatName = "pkcedesk.run"

// AppVersion is the version of PKCE Desk written into exports (the HAR's creator, the JSON
// document's generator). The main package sets it from FyneApp.toml at start-up.
var AppVersion = "dev"

// The JSON document. Field names are snake_case and never change meaning without a new
// FormatVersion; durations are milliseconds, times RFC 3339 in UTC. Empty values are
// written as "" / 0 / [] rather than left out, so a reader never has to guess whether a
// member is missing or empty; only failure, exchange and lab are null when absent.
type jsDoc struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	Generator  jsGenerator    `json:"generator"`
	ID         uint64         `json:"id"`
	Kind       string         `json:"kind"`
	Mode       string         `json:"mode"`
	Started    string         `json:"started"`
	DurationMS float64        `json:"duration_ms"`
	Outcome    string         `json:"outcome"`
	Error      string         `json:"error"`
	Failure    *jsFailureInfo `json:"failure"`
	Connection jsConnection   `json:"connection"`
	App        jsApp          `json:"app"`
	PKCE       jsPKCE         `json:"pkce"`
	Steps      []jsStep       `json:"steps"`
	Checks     []jsCheck      `json:"checks"`
	Lab        *jsLab         `json:"lab"`
}

type jsGenerator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsFailureInfo struct {
	Step   string `json:"step"`  // the failing step's name, "" when a check or the run failed
	Check  string `json:"check"` // the failing check's ID, "" when a step failed
	Title  string `json:"title"` // the step's label or the check's title
	Reason string `json:"reason"`
}

type jsConnection struct {
	Name          string `json:"name"`
	Tag           string `json:"tag"`
	Region        string `json:"region"`
	EnvironmentID string `json:"environment_id"`
	Issuer        string `json:"issuer"`
	AuthBase      string `json:"auth_base"`
	APIBase       string `json:"api_base"`
	CustomDomain  string `json:"custom_domain"`
	Sandbox       bool   `json:"sandbox"`
}

type jsApp struct {
	ClientID        string   `json:"client_id"`
	Name            string   `json:"name"`
	RedirectURI     string   `json:"redirect_uri"`
	Scopes          []string `json:"scopes"`
	PKCEEnforcement string   `json:"pkce_enforcement"`
	TokenAuthMethod string   `json:"token_auth_method"`
}

type jsPKCE struct {
	Method    string `json:"method"`
	Challenge string `json:"challenge"`
}

type jsStep struct {
	Index      int         `json:"index"` // 1-based, in the order the steps happened
	Name       string      `json:"name"`
	Label      string      `json:"label"`
	State      string      `json:"state"`
	Status     int         `json:"status"`
	DurationMS float64     `json:"duration_ms"`
	Reason     string      `json:"reason"`
	At         string      `json:"at"`
	Exchange   *jsExchange `json:"exchange"`
}

type jsExchange struct {
	ID         int        `json:"id"`
	Step       string     `json:"step"`
	Started    string     `json:"started"`
	DurationMS float64    `json:"duration_ms"`
	Request    jsRequest  `json:"request"`
	Response   jsResponse `json:"response"`
	Error      string     `json:"error"`
	Curl       string     `json:"curl"`
}

type jsRequest struct {
	Method  string     `json:"method"`
	URL     string     `json:"url"`
	Headers []jsHeader `json:"headers"`
	Body    string     `json:"body"`
}

type jsResponse struct {
	Status  int        `json:"status"`
	Headers []jsHeader `json:"headers"`
	Body    string     `json:"body"`
}

type jsHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type jsCheck struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

type jsLab struct {
	Issuer        string        `json:"issuer"`
	Started       string        `json:"started"`
	DurationMS    float64       `json:"duration_ms"`
	Cancelled     bool          `json:"cancelled"`
	ExitCode      int           `json:"exit_code"`
	Counts        jsLabCounts   `json:"counts"`
	Results       []jsLabResult `json:"results"`
	CleanedUp     []string      `json:"cleaned_up"`
	CleanupFailed []string      `json:"cleanup_failed"`
}

type jsLabCounts struct {
	Holds       int `json:"holds"`
	DoesNotHold int `json:"does_not_hold"`
	CouldNotRun int `json:"could_not_run"`
}

type jsLabResult struct {
	Number       int          `json:"number"`
	Name         string       `json:"name"`
	Side         string       `json:"side"`
	Done         string       `json:"done"`
	Expected     string       `json:"expected"`
	WhyItMatters string       `json:"why_it_matters"`
	Reference    string       `json:"reference"`
	Needs        string       `json:"needs"`
	Verdict      string       `json:"verdict"`
	Why          string       `json:"why"`
	Actual       jsLabActual  `json:"actual"`
	Info         string       `json:"info"`
	AppID        string       `json:"app_id"`
	DurationMS   float64      `json:"duration_ms"`
	Exchanges    []jsExchange `json:"exchanges"`
}

type jsLabActual struct {
	Status           int    `json:"status"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	CorrelationID    string `json:"correlation_id"`
	Summary          string `json:"summary"`
}

// JSON renders r as the versioned, machine-readable run document described in
// docs/run-format.md. Every text is redacted again on the way out.
func JSON(r Run) ([]byte, error) {
	r = jsRedacted(r)
	d := jsDoc{
		Format:     FormatName,
		Version:    FormatVersion,
		Generator:  jsGenerator{Name: "PKCE Desk", Version: jsText(AppVersion)},
		ID:         r.ID,
		Kind:       r.Kind,
		Mode:       r.Mode,
		Started:    jsTime(r.Started),
		DurationMS: jsMillis(r.Duration),
		Outcome:    r.Outcome,
		Error:      r.Error,
		Connection: jsConnection{
			Name: r.Connection.Name, Tag: r.Connection.Tag, Region: r.Connection.Region,
			EnvironmentID: r.Connection.EnvironmentID, Issuer: r.Connection.Issuer,
			AuthBase: r.Connection.AuthBase, APIBase: r.Connection.APIBase,
			CustomDomain: r.Connection.CustomDomain, Sandbox: r.Connection.Sandbox,
		},
		App: jsApp{
			ClientID: r.App.ClientID, Name: r.App.Name, RedirectURI: r.App.RedirectURI,
			Scopes: jsStrings(r.App.Scopes), PKCEEnforcement: r.App.PKCEEnforcement,
			TokenAuthMethod: r.App.TokenAuthMethod,
		},
		PKCE:   jsPKCE{Method: r.PKCE.Method, Challenge: r.PKCE.Challenge},
		Steps:  []jsStep{},
		Checks: []jsCheck{},
	}
	if f, ok := jsFailure(r); ok {
		d.Failure = &f
	}
	for i, s := range r.Steps {
		js := jsStep{
			Index: i + 1, Name: s.Name, Label: s.Label, State: s.State, Status: s.Status,
			DurationMS: jsMillis(s.Duration), Reason: s.Reason, At: jsTime(s.At),
		}
		if s.Exchange != nil {
			x := jsExchangeOf(*s.Exchange)
			js.Exchange = &x
		}
		d.Steps = append(d.Steps, js)
	}
	for _, c := range r.Checks {
		d.Checks = append(d.Checks, jsCheck(c))
	}
	if r.Lab != nil {
		d.Lab = jsLabOf(r.Lab)
	}
	return jsMarshal(d)
}

func jsLabOf(rep *lab.Report) *jsLab {
	l := &jsLab{
		Issuer:     rep.Issuer,
		Started:    jsTime(rep.Started),
		DurationMS: jsMillis(rep.Duration),
		Cancelled:  rep.Cancelled,
		ExitCode:   rep.ExitCode(),
		Counts: jsLabCounts{
			Holds: rep.Count(lab.Holds), DoesNotHold: rep.Count(lab.DoesNotHold), CouldNotRun: rep.Count(lab.CouldNotRun),
		},
		Results:       []jsLabResult{},
		CleanedUp:     jsStrings(rep.CleanedUp),
		CleanupFailed: jsStrings(rep.CleanupFailed),
	}
	for _, res := range rep.Results {
		jr := jsLabResult{
			Number: res.Case.Number, Name: res.Case.Name, Side: string(res.Case.Side), Done: res.Case.Done,
			Expected: res.Case.Expected, WhyItMatters: res.Case.Why, Reference: res.Case.Reference,
			Needs: res.Case.Needs, Verdict: string(res.Verdict), Why: res.Why,
			Actual: jsLabActual{
				Status: res.Actual.Status, Error: res.Actual.Error, ErrorDescription: res.Actual.ErrorDescription,
				CorrelationID: res.Actual.CorrelationID, Summary: res.Actual.Summary,
			},
			Info: res.Info, AppID: res.AppID, DurationMS: jsMillis(res.Duration), Exchanges: []jsExchange{},
		}
		for _, x := range res.Exchanges {
			jr.Exchanges = append(jr.Exchanges, jsExchangeOf(x))
		}
		l.Results = append(l.Results, jr)
	}
	return l
}

func jsExchangeOf(x pingone.Exchange) jsExchange {
	return jsExchange{
		ID: x.ID, Step: x.Step, Started: jsTime(x.Started), DurationMS: jsMillis(x.Duration),
		Request:  jsRequest{Method: x.Method, URL: x.URL, Headers: jsHeaders(x.RequestHeader), Body: x.RequestBody},
		Response: jsResponse{Status: x.Status, Headers: jsHeaders(x.ResponseHeader), Body: x.ResponseBody},
		Error:    x.Err,
		// Curl renders the already redacted request; scrubbed once more like every text.
		Curl: jsText(x.Curl()),
	}
}

// jsHeaders lists h sorted by name, each value of a repeated header on its own entry in
// the order it was sent.
func jsHeaders(h http.Header) []jsHeader {
	out := []jsHeader{}
	for _, name := range jsSortedKeys(h) {
		for _, v := range h[name] {
			out = append(out, jsHeader{Name: name, Value: v})
		}
	}
	return out
}

func jsSortedKeys(h http.Header) []string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func jsStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// jsTime is t in RFC 3339 (UTC, with the fraction Go keeps), or "" for the zero time.
func jsTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// jsMillis is d in milliseconds, to the microsecond.
func jsMillis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// jsFailure says what failed in a run that did not succeed: the first failed step (its
// reason, else its HTTP status, else the run's error), else the first failed check of the
// ID token, else the lab's first case that did not hold, else the run's own error.
func jsFailure(r Run) (jsFailureInfo, bool) {
	if r.Outcome == "succeeded" || (r.Outcome == "" && r.Error == "") {
		return jsFailureInfo{}, false
	}
	for _, s := range r.Steps {
		if s.State != "failed" {
			continue
		}
		reason := s.Reason
		if reason == "" && r.Error != "" {
			reason = r.Error
		}
		if reason == "" && s.Status != 0 {
			reason = "HTTP " + jsStatusLine(s.Status)
		}
		title := s.Label
		if title == "" {
			title = s.Name
		}
		return jsFailureInfo{Step: s.Name, Title: title, Reason: reason}, true
	}
	for _, c := range r.Checks {
		if c.Status == "failed" {
			return jsFailureInfo{Check: c.ID, Title: c.Title, Reason: c.Reason}, true
		}
	}
	if r.Lab != nil {
		for _, v := range []lab.Verdict{lab.DoesNotHold, lab.CouldNotRun} {
			for _, res := range r.Lab.Results {
				if res.Verdict == v {
					reason := res.Why
					if reason == "" {
						reason = res.Actual.Summary
					}
					return jsFailureInfo{Title: jsCaseTitle(res.Case), Reason: string(v) + ": " + reason}, true
				}
			}
		}
	}
	reason := r.Error
	if reason == "" {
		reason = r.Outcome
	}
	return jsFailureInfo{Title: r.Kind, Reason: reason}, true
}

func jsCaseTitle(c lab.Case) string {
	return "Case " + strconv.Itoa(c.Number) + " " + c.Name
}

// jsStatusLine is "404 Not Found", or just the number for an unknown code.
func jsStatusLine(status int) string {
	if text := http.StatusText(status); text != "" {
		return strconv.Itoa(status) + " " + text
	}
	return strconv.Itoa(status)
}

// jsRedacted returns a copy of r with every text scrubbed by pingone.RedactText and every
// exchange by pingone.RedactExchange (its header values by RedactText as well), so that a
// secret recorded by mistake never reaches an export. All three writers and Summary start
// from it.
func jsRedacted(r Run) Run {
	t := jsText
	r.Kind, r.Mode, r.Outcome, r.Error = t(r.Kind), t(r.Mode), t(r.Outcome), t(r.Error)
	c := &r.Connection
	c.Name, c.Tag, c.Region, c.EnvironmentID = t(c.Name), t(c.Tag), t(c.Region), t(c.EnvironmentID)
	c.Issuer, c.AuthBase, c.APIBase, c.CustomDomain = jsURL(c.Issuer), jsURL(c.AuthBase), jsURL(c.APIBase), jsURL(c.CustomDomain)
	a := &r.App
	a.ClientID, a.Name, a.RedirectURI = t(a.ClientID), t(a.Name), jsURL(a.RedirectURI)
	a.PKCEEnforcement, a.TokenAuthMethod = t(a.PKCEEnforcement), t(a.TokenAuthMethod)
	a.Scopes = jsMap(a.Scopes, t)
	r.PKCE.Method, r.PKCE.Challenge = t(r.PKCE.Method), t(r.PKCE.Challenge)

	steps := make([]Step, len(r.Steps))
	for i, s := range r.Steps {
		s.Name, s.Label, s.State, s.Reason = t(s.Name), t(s.Label), t(s.State), t(s.Reason)
		if s.Exchange != nil {
			x := jsExchangeRedacted(*s.Exchange)
			s.Exchange = &x
		}
		steps[i] = s
	}
	r.Steps = steps
	checks := make([]Check, len(r.Checks))
	for i, ch := range r.Checks {
		checks[i] = Check{ID: t(ch.ID), Title: t(ch.Title), Status: t(ch.Status), Reason: t(ch.Reason)}
	}
	r.Checks = checks
	if r.Lab != nil {
		r.Lab = jsLabRedacted(r.Lab)
	}
	return r
}

func jsLabRedacted(in *lab.Report) *lab.Report {
	t := jsText
	rep := *in
	rep.Issuer = jsURL(rep.Issuer)
	rep.CleanedUp = jsMap(rep.CleanedUp, t)
	rep.CleanupFailed = jsMap(rep.CleanupFailed, t)
	rep.Results = make([]lab.Result, len(in.Results))
	for i, res := range in.Results {
		cs := &res.Case
		cs.Name, cs.Done, cs.Expected, cs.Why = t(cs.Name), t(cs.Done), t(cs.Expected), t(cs.Why)
		cs.Reference, cs.Needs, cs.Side = t(cs.Reference), t(cs.Needs), lab.Side(t(string(cs.Side)))
		res.Verdict = lab.Verdict(t(string(res.Verdict)))
		res.Why, res.Info, res.AppID = t(res.Why), t(res.Info), t(res.AppID)
		ac := &res.Actual
		ac.Error, ac.ErrorDescription, ac.CorrelationID, ac.Summary = t(ac.Error), t(ac.ErrorDescription), t(ac.CorrelationID), t(ac.Summary)
		xs := make([]pingone.Exchange, len(res.Exchanges))
		for j, x := range res.Exchanges {
			xs[j] = jsExchangeRedacted(x)
		}
		res.Exchanges = xs
		rep.Results[i] = res
	}
	return &rep
}

// jsExchangeRedacted runs x through pingone.RedactExchange and then scrubs what that
// leaves as it is: the step and method, and every header name and value (a credential in
// a header other than Authorization or Cookie is still caught by pattern).
func jsExchangeRedacted(x pingone.Exchange) pingone.Exchange {
	x = pingone.RedactExchange(x)
	x.URL, x.RequestBody, x.ResponseBody, x.Err = jsCollapse(x.URL), jsCollapse(x.RequestBody), jsCollapse(x.ResponseBody), jsCollapse(x.Err)
	x.Step, x.Method = jsText(x.Step), jsText(x.Method)
	x.RequestHeader = jsHeaderRedacted(x.RequestHeader)
	x.ResponseHeader = jsHeaderRedacted(x.ResponseHeader)
	return x
}

func jsHeaderRedacted(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for name, values := range h {
		n := jsText(name)
		out[n] = append(out[n], jsMap(values, jsText)...)
	}
	return out
}

// jsURL scrubs a URL held outside an exchange (issuer, bases, redirect URI) the way an
// exchange's URL is: through RedactExchange, then RedactText.
func jsURL(s string) string {
	if s == "" {
		return ""
	}
	return jsCollapse(pingone.RedactExchange(pingone.Exchange{URL: s}).URL)
}

// jsText is pingone.RedactText for every text an export writes.
func jsText(s string) string { return jsCollapse(pingone.RedactText(s)) }

// jsCollapse undoes a stutter of the placeholder: RedactText run over a form value that
// is already the placeholder ("code=<redacted>") inserts a second one, because the value
// pattern stops at '<'. Collapsing the repeat only removes placeholder text.
func jsCollapse(s string) string {
	for strings.Contains(s, pingone.Redacted+pingone.Redacted) {
		s = strings.ReplaceAll(s, pingone.Redacted+pingone.Redacted, pingone.Redacted)
	}
	return s
}

// jsMarshal writes v as indented JSON without HTML escaping, so that "<redacted>" and
// "&" in URLs read as they are.
func jsMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func jsMap(in []string, fn func(string) string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = fn(s)
	}
	return out
}
