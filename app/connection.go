package app

import (
	"context"
	"errors"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// connection is the active profile resolved into something that can make calls.
type connection struct {
	profile   Profile
	endpoints pingone.Endpoints
	secret    string // worker secret; kept only to notice a change
	mgmt      *pingone.Management
}

// issuer is the OIDC issuer of the target environment, where sign-ins happen.
func (c *connection) issuer() string { return c.profile.SignInIssuer(c.endpoints) }

// errClosed is returned by every call on a closed Desk.
var errClosed = errors.New("app: the desk is closed")

// ensureSandbox starts the in-process sandbox on first use. It listens on loopback only:
// it speaks plain HTTP and hands out its worker secret to anyone who asks.
//
// Starting generates the sandbox's signing key, which takes a moment, so d.mu is not held
// meanwhile: the desk's quick methods (Profiles, ActiveProfile, ...) still answer at once.
// sandboxStart makes concurrent first uses wait for the one start.
func (d *Desk) ensureSandbox() (*sandbox.Server, error) {
	d.sandboxStart.Lock()
	defer d.sandboxStart.Unlock()
	d.mu.Lock()
	closed, running := d.closed, d.sandbox
	d.mu.Unlock()
	switch {
	case closed:
		return nil, errClosed
	case running != nil:
		return running, nil
	}
	addr := d.opts.SandboxAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	sbOpts := d.opts.Sandbox
	clock := lab.NewClock(sbOpts.Now) // movable for the lab (case 10)
	sbOpts.Now = clock.Now
	srv, err := sandbox.Start(addr, sbOpts)
	if err != nil {
		return nil, &Problem{Title: "The offline sandbox could not start.", Remedy: "Another program may hold its port; restart the app.", Err: err}
	}
	if d.opts.SandboxStarted != nil {
		d.opts.SandboxStarted(srv)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed { // closed while starting: nobody will stop it later
		_ = srv.Close()
		return nil, errClosed
	}
	d.sandbox = srv
	d.sandboxClock = clock
	return srv, nil
}

// DemoCredentials are the sandbox's seeded user, shown on the sign-in screen so everything
// can be demoed without a tenant. They are test fixtures, not real secrets.
type DemoCredentials struct {
	Username string
	Password string
}

// SandboxInfo describes the running sandbox for the Connections screen.
type SandboxInfo struct {
	Address       string // the base URL it answers on (loopback, plain HTTP)
	EnvironmentID string // its one environment, admin and target alike
	Demo          DemoCredentials
}

// SandboxInfo starts the sandbox if needed and describes it. Starting it generates its
// signing key, which takes a moment: call it off the UI goroutine.
func (d *Desk) SandboxInfo() (SandboxInfo, error) {
	srv, err := d.ensureSandbox()
	if err != nil {
		return SandboxInfo{}, err
	}
	info := srv.Info()
	return SandboxInfo{
		Address:       info.AuthBaseURL,
		EnvironmentID: info.EnvironmentID,
		Demo:          DemoCredentials{Username: info.User.Username, Password: info.User.Password},
	}, nil
}

// SandboxDemoUser starts the sandbox if needed and returns its demo user's credentials.
func (d *Desk) SandboxDemoUser() (DemoCredentials, error) {
	info, err := d.SandboxInfo()
	return info.Demo, err
}

// target resolves the active profile into its endpoints without touching the worker
// secret: a sign-in needs only the issuer. For the sandbox it starts the sandbox and
// fills in its live IDs.
func (d *Desk) target() (Profile, pingone.Endpoints, error) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return Profile{}, pingone.Endpoints{}, errClosed
	}
	p, _ := d.findLocked(d.active)
	d.mu.Unlock()
	if !p.IsSandbox() {
		if err := p.Validate(); err != nil {
			return Profile{}, pingone.Endpoints{}, err
		}
		ep, err := p.Endpoints()
		return p, ep, err
	}
	srv, err := d.ensureSandbox()
	if err != nil {
		return Profile{}, pingone.Endpoints{}, err
	}
	info := srv.Info()
	ep, err := pingone.CustomEndpoints(info.AuthBaseURL, info.APIBaseURL)
	if err != nil {
		return Profile{}, pingone.Endpoints{}, err
	}
	p.AdminEnvironmentID, p.TargetEnvironmentID = info.EnvironmentID, info.EnvironmentID
	p.WorkerClientID = info.Worker.ClientID
	return p, ep, nil
}

// Issuer is the OIDC issuer of the active connection's target environment. For the
// sandbox it starts the sandbox.
func (d *Desk) Issuer() (string, error) {
	p, ep, err := d.target()
	if err != nil {
		return "", err
	}
	return p.SignInIssuer(ep), nil
}

// connect resolves the active profile: endpoints, worker secret and a Management client,
// cached until the profile or its secret changes (the client caches the worker token).
func (d *Desk) connect(ctx context.Context) (*connection, error) {
	p, ep, err := d.target()
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	cached := d.conn
	d.mu.Unlock()

	var secret string
	if p.IsSandbox() {
		srv, err := d.ensureSandbox()
		if err != nil {
			return nil, err
		}
		secret = srv.Info().Worker.ClientSecret
	} else if secret, _, err = d.secrets.Load(ctx, p.ID); err != nil {
		// Read on every connect (bounded), so a secret changed by another window is
		// picked up; it is cheap next to a network call.
		return nil, err
	}
	if cached != nil && cached.profile == p && cached.endpoints == ep && cached.secret == secret {
		return cached, nil
	}
	mgmt, err := pingone.NewManagement(pingone.ManagementConfig{
		Endpoints: ep,
		Worker: pingone.WorkerCredentials{
			EnvironmentID: p.AdminEnvironmentID,
			ClientID:      p.WorkerClientID,
			ClientSecret:  secret,
		},
		HTTPClient: d.httpClient,
		Retry:      d.opts.Retry,
		Now:        d.now,
	})
	if err != nil {
		return nil, err
	}
	c := &connection{profile: p, endpoints: ep, secret: secret, mgmt: mgmt}
	d.mu.Lock()
	if d.active == p.ID && !d.closed {
		d.conn = c
	}
	d.mu.Unlock()
	return c, nil
}

// ConnectionReport is the outcome of a successful connection test.
type ConnectionReport struct {
	Profile      Profile // with the sandbox's live IDs filled in
	Issuer       string  // the target environment's OIDC issuer
	APIBase      string
	Applications int // applications in the target environment, platform ones included
	Duration     time.Duration
}

// TestConnection gets a worker token and counts the target environment's applications.
// A failure is returned as a *Problem that says, in plain words, which part is wrong
// (secret, role, region or environment, network, proxy) and what to do; its FieldErrors
// name the form fields to correct, when a field is to blame.
func (d *Desk) TestConnection(ctx context.Context) (*ConnectionReport, error) {
	start := d.now()
	c, err := d.connect(ctx)
	if err != nil {
		return nil, explainConnection("", d.ActiveProfile(), err)
	}
	if _, err := c.mgmt.Token(ctx); err != nil {
		return nil, explainConnection(stepToken, c.profile, err)
	}
	apps, err := c.mgmt.ListApplications(pingone.WithStep(ctx, "test-connection"), c.profile.TargetEnvironmentID)
	if err != nil {
		return nil, explainConnection(stepList, c.profile, err)
	}
	return &ConnectionReport{
		Profile:      c.profile,
		Issuer:       c.issuer(),
		APIBase:      c.endpoints.APIBase,
		Applications: len(apps),
		Duration:     d.now().Sub(start),
	}, nil
}
