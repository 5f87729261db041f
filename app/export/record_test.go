package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// The recorded runs behind the golden files: real sign-ins and a real lab run against
// the in-process sandbox, with the clocks fixed, then normalised (recNorm) so that what
// differs from one recording to the next (ports, random IDs, state, nonce, keys, wall
// clock times) is replaced by fixed values.

// recPassword is the seeded user's password in the recordings.
const recPassword = "Rec-Canary-Pw-4b7d2!q"

// recWorkerSecret is the sandbox worker's secret in the recordings.
const recWorkerSecret = "REC-canary-worker-secret-8e1f0a"

// recRedirect is the app's registered redirect; the redirectless flow never binds it.
const recRedirect = "http://localhost:3000/callback"

// recClock is the fixed time of the recordings (sandbox, verifier and normalised times).
var recClock = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// recLabels are the step labels a run shows for each recorded step name.
var recLabels = map[string]string{
	"pkce":      "Draw PKCE values",
	"discovery": "Read the issuer's configuration",
	"authorize": "Start the sign-in (pi.flow)",
	"flow":      "Submit username and password",
	"resume":    "Resume the flow for the code",
	"token":     "Redeem the code for tokens",
	"jwks":      "Fetch the signing keys",
	"verify":    "Check the ID token",
}

type recording struct {
	info     sandbox.Info
	clientID string
	res      *signin.Result
	err      error
	entries  []pingone.Exchange
}

func recStart(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	opts.SigningKey = sandboxtest.SigningKey()
	opts.Password = recPassword
	opts.WorkerSecret = recWorkerSecret
	srv, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// recordSignIn signs in redirectlessly (response_mode=pi.flow) with password on a fresh
// sandbox, recording every exchange of the sign-in to a pingone.Transcript.
func recordSignIn(t *testing.T, password string) recording {
	t.Helper()
	srv := recStart(t, sandbox.Options{Now: func() time.Time { return recClock }})
	info := srv.Info()
	clientID := recCreateApp(t, info)

	tr := pingone.NewTranscript()
	c, err := signin.NewClient(signin.Config{
		Issuer: srv.Issuer(), ClientID: clientID, RedirectURI: recRedirect, Scopes: []string{"openid"},
		Transport: &http.Transport{DisableKeepAlives: true}, Transcript: tr,
		Now: func() time.Time { return recClock },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.SignInWithPassword(pingone.RecordTo(ctx, tr), info.User.Username, password, signin.RedirectlessOptions{})
	return recording{info: info, clientID: clientID, res: res, err: err, entries: tr.Entries()}
}

// recCreateApp registers a NATIVE_APP (token endpoint auth NONE, S256_REQUIRED) with plain
// net/http and the sandbox's worker credentials; these requests are not part of the run.
func recCreateApp(t *testing.T, info sandbox.Info) string {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, info.AuthBaseURL+"/"+info.EnvironmentID+"/as/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(info.Worker.ClientID, info.Worker.ClientSecret)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	sandboxtest.DoJSON(t, hc, req, http.StatusOK, &tok)
	body, _ := json.Marshal(map[string]any{
		"enabled": true, "name": "Export golden app", "type": "NATIVE_APP", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE"}, "responseTypes": []string{"CODE"},
		"redirectUris": []string{recRedirect}, "tokenEndpointAuthMethod": "NONE", "pkceEnforcement": "S256_REQUIRED",
	})
	req, _ = http.NewRequest(http.MethodPost, info.APIBaseURL+"/environments/"+info.EnvironmentID+"/applications", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	var app struct {
		ID string `json:"id"`
	}
	sandboxtest.DoJSON(t, hc, req, http.StatusCreated, &app)
	if app.ID == "" {
		t.Fatal("sandbox returned no application id")
	}
	return app.ID
}

// recSignInRun builds the Run a desk would keep for the recording: a PKCE step, one step
// per exchange (failed when the server refused it), the ID token check on success.
func recSignInRun(t *testing.T, rec recording) Run {
	t.Helper()
	info := rec.info
	r := Run{
		ID: 1, Kind: "sign-in", Mode: "in-app",
		Connection: Connection{
			Name: "Sandbox (offline)", Tag: "sandbox", EnvironmentID: info.EnvironmentID,
			Issuer:   info.AuthBaseURL + "/" + info.EnvironmentID + "/as",
			AuthBase: info.AuthBaseURL, APIBase: info.APIBaseURL, Sandbox: true,
		},
		App: App{
			ClientID: rec.clientID, Name: "Export golden app", RedirectURI: recRedirect, Scopes: []string{"openid"},
			PKCEEnforcement: "S256_REQUIRED", TokenAuthMethod: "NONE",
		},
		PKCE: PKCE{Method: "S256"},
	}
	if len(rec.entries) == 0 {
		t.Fatal("the transcript recorded nothing")
	}
	r.Started = rec.entries[0].Started
	r.Steps = append(r.Steps, Step{Name: "pkce", Label: recLabels["pkce"], State: "ok", At: r.Started})
	var icErr *signin.InvalidCredentialsError
	for i := range rec.entries {
		x := rec.entries[i]
		s := Step{Name: x.Step, Label: recLabels[x.Step], State: "ok", Status: x.Status, Duration: x.Duration, At: x.Started, Exchange: &x}
		if x.Step == "authorize" {
			if q, err := url.ParseQuery(x.RequestBody); err == nil {
				r.PKCE.Challenge = q.Get("code_challenge")
			}
		}
		if x.Status == 0 || x.Status >= 400 {
			s.State = "failed"
			if errors.As(rec.err, &icErr) {
				s.Reason = icErr.Message
			}
		}
		r.Steps = append(r.Steps, s)
	}
	last := rec.entries[len(rec.entries)-1]
	r.Duration = last.Started.Add(last.Duration).Sub(r.Started)
	if rec.err != nil {
		r.Outcome, r.Error = "failed", rec.err.Error()
		return r
	}
	r.Outcome = "succeeded"
	r.Steps = append(r.Steps, Step{Name: "verify", Label: recLabels["verify"], State: "ok", At: last.Started.Add(last.Duration)})
	for _, c := range rec.res.IDToken.Checks {
		r.Checks = append(r.Checks, Check{ID: c.ID, Title: c.Title, Status: c.Status.String(), Reason: c.Reason})
	}
	return r
}

// recordLab runs lab cases on a sandbox whose PKCE enforcement is switched off
// (sandbox.Lax), so that one case holds and one does not.
func recordLab(t *testing.T, cases ...int) Run {
	t.Helper()
	clock := lab.NewClock(func() time.Time { return recClock })
	srv := recStart(t, sandbox.Options{Now: clock.Now, Lax: sandbox.Lax{PKCE: true}})
	info := srv.Info()
	mgmt, err := pingone.NewManagement(pingone.ManagementConfig{
		Endpoints: pingone.Endpoints{AuthBase: info.AuthBaseURL, APIBase: info.APIBaseURL},
		Worker:    pingone.WorkerCredentials{EnvironmentID: info.EnvironmentID, ClientID: info.Worker.ClientID, ClientSecret: info.Worker.ClientSecret},
		HTTPClient: pingone.NewHTTPClient(pingone.HTTPOptions{
			Transport: &http.Transport{DisableKeepAlives: true},
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := lab.Run(ctx, lab.Target{
		Management: mgmt, EnvironmentID: info.EnvironmentID, Issuer: srv.Issuer(),
		Username: info.User.Username, Password: info.User.Password,
		Transport: &http.Transport{DisableKeepAlives: true}, Now: clock.Now, AdvanceClock: clock.Advance,
	}, cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := Run{
		ID: 3, Kind: "lab", Started: rep.Started, Duration: rep.Duration, Lab: &rep,
		Connection: Connection{
			Name: "Sandbox (offline)", Tag: "sandbox", EnvironmentID: info.EnvironmentID, Issuer: srv.Issuer(),
			AuthBase: info.AuthBaseURL, APIBase: info.APIBaseURL, Sandbox: true,
		},
	}
	r.Outcome = "succeeded"
	if rep.ExitCode() != lab.ExitAllHold {
		r.Outcome, r.Error = "failed", fmt.Sprintf("%d case(s) do not hold", rep.Count(lab.DoesNotHold))
	}
	return r
}

// recNorm replaces what differs between recordings by fixed values, consistently across
// one Run: the same random value always becomes the same placeholder.
type recNorm struct {
	keep map[string]bool // values left as they are (the sandbox's fixed environment ID)
	seen map[string]string
	n    int
}

var (
	recHostRe = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	recLabApp = regexp.MustCompile(`pkcedesk-lab-[0-9a-f]{8}`)
	recUUIDRe = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	recX5cRe  = regexp.MustCompile(`("x5c":\s*\[\s*")[^"]*(")`)
	recX5tRe  = regexp.MustCompile(`("x5t":\s*")[^"]*(")`)
	recB64Re  = regexp.MustCompile(`[A-Za-z0-9_-]{40,}`)
	recWordRe = regexp.MustCompile(`^[a-z_]+$`)
	recHost   = "127.0.0.1:49152"
)

func newRecNorm(envID string) *recNorm {
	return &recNorm{keep: map[string]bool{envID: true}, seen: map[string]string{}}
}

func (n *recNorm) placeholder(v string, mk func(i int) string) string {
	if n.keep[v] {
		return v
	}
	if p, ok := n.seen[v]; ok {
		return p
	}
	n.n++
	p := mk(n.n)
	n.seen[v] = p
	return p
}

func (n *recNorm) str(s string) string {
	s = recHostRe.ReplaceAllString(s, recHost)
	s = recLabApp.ReplaceAllStringFunc(s, func(v string) string {
		return n.placeholder(v, func(i int) string { return fmt.Sprintf("pkcedesk-lab-%08x", i) })
	})
	s = recUUIDRe.ReplaceAllStringFunc(s, func(v string) string {
		return n.placeholder(v, func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) })
	})
	s = recX5cRe.ReplaceAllString(s, "${1}MIIC...certificate...${2}")
	s = recX5tRe.ReplaceAllString(s, "${1}x5t-thumbprint${2}")
	s = recB64Re.ReplaceAllStringFunc(s, func(v string) string {
		if recWordRe.MatchString(v) {
			return v // a long member name such as introspection_endpoint_auth_methods_supported
		}
		return n.placeholder(v, func(i int) string {
			p := fmt.Sprintf("fixed%d_", i)
			return p + strings.Repeat("A", max(0, len(v)-len(p)))
		})
	})
	return s
}

// exchange normalises x; at and d replace its wall-clock start and duration.
func (n *recNorm) exchange(x pingone.Exchange, at time.Time, d time.Duration) pingone.Exchange {
	x.URL = n.str(x.URL)
	x.RequestBody, x.ResponseBody = n.str(x.RequestBody), n.str(x.ResponseBody)
	x.RequestHeader = n.header(x.RequestHeader, x.RequestBody)
	x.ResponseHeader = n.header(x.ResponseHeader, x.ResponseBody)
	x.Err = n.str(x.Err)
	x.Started, x.Duration = at, d
	return x
}

// header: Date becomes the fixed clock and Content-Length the stored body's length (the
// body's certificate and key sizes vary by a byte between recordings).
func (n *recNorm) header(h http.Header, body string) http.Header {
	if h == nil {
		return nil
	}
	out := http.Header{}
	for _, name := range jsSortedKeys(h) {
		for _, v := range h[name] {
			switch name {
			case "Date":
				v = recClock.Format(http.TimeFormat)
			case "Content-Length":
				v = strconv.Itoa(len(body))
			default:
				v = n.str(v)
			}
			out[name] = append(out[name], v)
		}
	}
	return out
}

// recTick is the fixed spacing of normalised times: step i starts i ticks after the run.
const recTick = 10 * time.Millisecond

func recDuration(i int) time.Duration { return time.Duration(i+1) * 1250 * time.Microsecond }

// run normalises every text, time and duration of r.
func (n *recNorm) run(r Run) Run {
	r.Started = recClock
	r.Error = n.str(r.Error)
	c := &r.Connection
	c.EnvironmentID, c.Issuer, c.AuthBase, c.APIBase = n.str(c.EnvironmentID), n.str(c.Issuer), n.str(c.AuthBase), n.str(c.APIBase)
	r.App.ClientID = n.str(r.App.ClientID)
	r.PKCE.Challenge = n.str(r.PKCE.Challenge)
	steps := make([]Step, len(r.Steps))
	for i, s := range r.Steps {
		s.At = recClock.Add(time.Duration(i) * recTick)
		if s.Exchange != nil {
			s.Duration = recDuration(i)
			x := n.exchange(*s.Exchange, s.At, s.Duration)
			s.Exchange = &x
		} else {
			s.Duration = 0
		}
		s.Reason = n.str(s.Reason)
		steps[i] = s
	}
	r.Steps = steps
	r.Duration = time.Duration(len(r.Steps)) * recTick
	checks := make([]Check, len(r.Checks))
	for i, ch := range r.Checks {
		ch.Reason = n.str(ch.Reason)
		checks[i] = ch
	}
	r.Checks = checks
	if r.Lab != nil {
		rep := *r.Lab
		rep.Issuer = n.str(rep.Issuer)
		rep.Started = recClock
		k := 0
		rep.Results = make([]lab.Result, len(r.Lab.Results))
		for i, res := range r.Lab.Results {
			res.Why, res.Info, res.AppID = n.str(res.Why), n.str(res.Info), n.str(res.AppID)
			res.Actual.CorrelationID = n.str(res.Actual.CorrelationID)
			res.Actual.Summary, res.Actual.ErrorDescription = n.str(res.Actual.Summary), n.str(res.Actual.ErrorDescription)
			xs := make([]pingone.Exchange, len(res.Exchanges))
			for j, x := range res.Exchanges {
				xs[j] = n.exchange(x, recClock.Add(time.Duration(k)*recTick), recDuration(k))
				k++
			}
			res.Exchanges = xs
			res.Duration = time.Duration(len(xs)) * recTick
			rep.Results[i] = res
		}
		rep.CleanedUp = jsMap(rep.CleanedUp, n.str)
		rep.CleanupFailed = jsMap(rep.CleanupFailed, n.str)
		rep.Duration = time.Duration(k) * recTick
		r.Lab = &rep
		r.Duration = rep.Duration
	}
	return r
}
