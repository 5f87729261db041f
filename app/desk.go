package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// Options configure a Desk. Only Preferences is required.
type Options struct {
	// Preferences keep the non-secret profile data (fyne.App.Preferences() in the app).
	Preferences Preferences
	// Secrets keeps worker secrets; default NewSecretStore with the OS keyring.
	Secrets *SecretStore
	// Sandbox configures the built-in offline sandbox, started on first use. Tests share a
	// signing key through it (RSA generation is slow under -race).
	Sandbox sandbox.Options
	// SandboxAddr is where the sandbox listens; default "127.0.0.1:0" (a free port).
	SandboxAddr string
	// SandboxStarted, when set, is called once with the sandbox right after it started and
	// before the desk sends it any request, so tests can inject faults. It runs on the
	// goroutine that first needed the sandbox, and must not call the Desk's methods that
	// need the sandbox.
	SandboxStarted func(*sandbox.Server)
	// RedirectURI is the loopback redirect the app registers and listens on; default
	// pingone.SeedRedirectURI. Tests use a free port.
	RedirectURI string
	// OpenBrowser opens a URL in the system browser (fyne.App.OpenURL in the app). Browser
	// sign-ins fail without it.
	OpenBrowser func(url string) error
	// BrowserTimeout bounds a browser sign-in overall (the user closed the tab or never
	// finished); default signin.DefaultBrowserTimeout. The Sign in screen counts it down.
	BrowserTimeout time.Duration
	// Retry is the Management API retry policy; zero fields take pingone's defaults.
	Retry pingone.RetryPolicy
	// HTTPTimeout bounds each request; default pingone.DefaultHTTPTimeout.
	HTTPTimeout time.Duration
	// Transport is the base round tripper for every request (proxies, tests).
	Transport http.RoundTripper
	// Now is the clock; default time.Now.
	Now func() time.Time
	// After is the timer of the waits the desk makes (the lab's countdown to a code's
	// expiry on a tenant); default time.After.
	After func(time.Duration) <-chan time.Time
}

// Desk is the state of a running PKCE Desk: profiles, the active connection, the
// transcript, the in-process sandbox and the current sign-in session. Its methods are
// safe for concurrent use; slow ones block and take a context.
type Desk struct {
	prefs       Preferences
	secrets     *SecretStore
	opts        Options
	redirectURI string
	now         func() time.Time
	transcript  *pingone.Transcript
	httpClient  *http.Client

	sandboxStart sync.Mutex // held while the sandbox starts (see ensureSandbox)

	mu       sync.Mutex
	profiles []Profile // saved ones; the sandbox profile is added on the fly
	active   string
	sandbox  *sandbox.Server
	// sandboxClock is the running sandbox's clock, movable by the lab (lab_clock.go).
	sandboxClock *lab.Clock
	conn         *connection // cached Management client of the active profile
	closed       bool

	signin signinState
	flows  flowState
	wait   browserWaitState
	lab    labState
	// history is every run of this session, kept across connection changes.
	history historyState
}

// browserWaitState is the time limit of the running browser sign-in (see BrowserWait).
type browserWaitState struct {
	mu  sync.Mutex
	cur *BrowserWait
}

// New loads the profiles from opts.Preferences. The sandbox profile is active on first
// run and whenever the stored active profile no longer exists. Nothing slow happens here:
// the sandbox starts on first use.
func New(opts Options) (*Desk, error) {
	if opts.Preferences == nil {
		return nil, errors.New("app: Options.Preferences is required")
	}
	d := &Desk{
		prefs:       opts.Preferences,
		secrets:     opts.Secrets,
		opts:        opts,
		redirectURI: opts.RedirectURI,
		now:         opts.Now,
		transcript:  pingone.NewTranscript(),
	}
	if d.secrets == nil {
		d.secrets = NewSecretStore(SecretStoreOptions{})
	}
	if d.redirectURI == "" {
		d.redirectURI = pingone.SeedRedirectURI
	}
	if d.now == nil {
		d.now = time.Now
	}
	d.httpClient = pingone.NewHTTPClient(pingone.HTTPOptions{
		Timeout:    opts.HTTPTimeout,
		Transcript: d.transcript,
		Transport:  opts.Transport,
	})
	list, err := loadProfiles(d.prefs)
	if err != nil {
		return nil, err
	}
	d.profiles = list
	d.active = d.prefs.String(prefActive)
	if _, ok := d.findLocked(d.active); !ok {
		d.active = SandboxProfileID
	}
	return d, nil
}

// Close cancels a running sign-in, stops the sandbox and releases connections. The Desk
// must not be used afterwards.
func (d *Desk) Close() error {
	d.signin.runner.Cancel()
	d.mu.Lock()
	d.closed = true
	sb := d.sandbox
	d.sandbox = nil
	d.conn = nil
	d.mu.Unlock()
	d.dropSession()
	d.httpClient.CloseIdleConnections()
	if sb != nil {
		return sb.Close()
	}
	return nil
}

// Transcript is the redacted record of every HTTP exchange of the connection and the
// sign-ins, for the timeline, the JSON views and "Copy as cURL".
func (d *Desk) Transcript() *pingone.Transcript { return d.transcript }

// RedirectURI is the loopback redirect URI the app signs in with.
func (d *Desk) RedirectURI() string { return d.redirectURI }

// OpenBrowser opens url in the system browser (Options.OpenBrowser), for the sign-off
// page and for opening an authorize URL again.
func (d *Desk) OpenBrowser(url string) error {
	if d.opts.OpenBrowser == nil {
		return errors.New("app: no way to open the browser was configured")
	}
	return d.opts.OpenBrowser(url)
}

// Profiles lists the built-in sandbox profile first, then the saved ones by name.
func (d *Desk) Profiles() []Profile {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []Profile{sandboxProfile(d.opts.Sandbox)}
	saved := slices.Clone(d.profiles)
	sort.SliceStable(saved, func(i, j int) bool { return strings.ToLower(saved[i].Name) < strings.ToLower(saved[j].Name) })
	return append(out, saved...)
}

// Profile returns the profile with that ID.
func (d *Desk) Profile(id string) (Profile, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.findLocked(id)
}

func (d *Desk) findLocked(id string) (Profile, bool) {
	if id == SandboxProfileID {
		return sandboxProfile(d.opts.Sandbox), true
	}
	for _, p := range d.profiles {
		if p.ID == id {
			return p, true
		}
	}
	return Profile{}, false
}

// ActiveProfile is the profile every use case acts on.
func (d *Desk) ActiveProfile() Profile {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, _ := d.findLocked(d.active)
	return p
}

// SetActive switches to another profile. The current sign-in session and the transcript
// belong to the previous connection and are dropped.
func (d *Desk) SetActive(id string) error {
	d.mu.Lock()
	if _, ok := d.findLocked(id); !ok {
		d.mu.Unlock()
		return fmt.Errorf("app: no connection with ID %q", id)
	}
	changed := d.active != id
	d.active = id
	d.conn = nil
	d.prefs.SetString(prefActive, id)
	d.mu.Unlock()
	if changed {
		d.signin.runner.Cancel()
		d.dropSession()
		d.transcript.Clear()
	}
	return nil
}

// SaveProfile validates p and stores it (a new one gets an ID). The built-in sandbox
// profile cannot be changed. The saved profile is returned.
func (d *Desk) SaveProfile(p Profile) (Profile, error) {
	if p.IsSandbox() {
		return Profile{}, errors.New("app: the built-in sandbox connection cannot be changed")
	}
	p.Name = strings.TrimSpace(p.Name)
	p.AdminEnvironmentID = strings.ToLower(strings.TrimSpace(p.AdminEnvironmentID))
	p.WorkerClientID = strings.ToLower(strings.TrimSpace(p.WorkerClientID))
	p.TargetEnvironmentID = strings.ToLower(strings.TrimSpace(p.TargetEnvironmentID))
	p.AuthBaseURL = strings.TrimRight(strings.TrimSpace(p.AuthBaseURL), "/")
	p.APIBaseURL = strings.TrimRight(strings.TrimSpace(p.APIBaseURL), "/")
	p.CustomDomain = strings.TrimSpace(p.CustomDomain)
	if iss, err := pingone.CustomDomainIssuer(p.CustomDomain); err == nil {
		p.CustomDomain = strings.TrimSuffix(strings.TrimPrefix(iss, "https://"), "/as")
	}
	if err := p.Validate(); err != nil {
		return Profile{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	list := slices.Clone(d.profiles)
	if p.ID == "" {
		p.ID = newProfileID()
		list = append(list, p)
	} else {
		i := slices.IndexFunc(list, func(q Profile) bool { return q.ID == p.ID })
		if i < 0 {
			return Profile{}, fmt.Errorf("app: no connection with ID %q", p.ID)
		}
		list[i] = p
	}
	if err := saveProfiles(d.prefs, list); err != nil {
		return Profile{}, err
	}
	d.profiles = list
	if d.active == p.ID {
		d.conn = nil // endpoints or worker may have changed
	}
	return p, nil
}

// DeleteProfile removes a saved profile and its secret (keyring and memory). If it was
// active, the sandbox becomes active. The profile is removed even if the keyring cannot
// be reached; that error is returned so the user knows a secret may remain there.
func (d *Desk) DeleteProfile(ctx context.Context, id string) error {
	if id == SandboxProfileID {
		return errors.New("app: the built-in sandbox connection cannot be deleted")
	}
	d.mu.Lock()
	i := slices.IndexFunc(d.profiles, func(q Profile) bool { return q.ID == id })
	if i < 0 {
		d.mu.Unlock()
		return fmt.Errorf("app: no connection with ID %q", id)
	}
	list := slices.Delete(slices.Clone(d.profiles), i, i+1)
	if err := saveProfiles(d.prefs, list); err != nil {
		d.mu.Unlock()
		return err
	}
	d.profiles = list
	wasActive := d.active == id
	d.mu.Unlock()
	if wasActive {
		_ = d.SetActive(SandboxProfileID)
	}
	return d.secrets.Forget(ctx, id)
}

// SetWorkerSecret stores the worker secret of a saved profile in the OS keyring. If that
// fails the error says why in plain words (*KeyringError); the view can then offer
// RememberWorkerSecret. There is no silent fallback to memory or disk.
func (d *Desk) SetWorkerSecret(ctx context.Context, profileID, secret string) error {
	if err := d.checkSecretTarget(profileID); err != nil {
		return err
	}
	if err := d.secrets.Save(ctx, profileID, strings.TrimSpace(secret)); err != nil {
		return err
	}
	d.forgetConnection(profileID)
	return nil
}

// RememberWorkerSecret keeps the worker secret in memory for this run only.
func (d *Desk) RememberWorkerSecret(profileID, secret string) error {
	if err := d.checkSecretTarget(profileID); err != nil {
		return err
	}
	if err := d.secrets.Remember(profileID, strings.TrimSpace(secret)); err != nil {
		return err
	}
	d.forgetConnection(profileID)
	return nil
}

func (d *Desk) checkSecretTarget(profileID string) error {
	if profileID == SandboxProfileID {
		return errors.New("app: the sandbox's worker secret comes from the running sandbox")
	}
	if _, ok := d.Profile(profileID); !ok {
		return fmt.Errorf("app: no connection with ID %q", profileID)
	}
	return nil
}

// WorkerSecretSource says where the profile's secret would come from. A keyring problem
// is returned as a *KeyringError (ErrSecretNotFound when there is none).
func (d *Desk) WorkerSecretSource(ctx context.Context, profileID string) (SecretSource, error) {
	if profileID == SandboxProfileID {
		return SecretFromSandbox, nil
	}
	_, src, err := d.secrets.Load(ctx, profileID)
	return src, err
}

func (d *Desk) forgetConnection(profileID string) {
	d.mu.Lock()
	if d.conn != nil && d.conn.profile.ID == profileID {
		d.conn = nil
	}
	d.mu.Unlock()
}
