package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// LabRequest is what the Lab screen asks for: which cases (all when empty) and,
// optionally, the tester's own public app to run the cases it fits on.
type LabRequest struct {
	ClientID string
	Cases    []int
}

// LabRefusedError refuses the break-it lab on a production-tagged connection: the lab
// creates and deletes applications and signs in with a test user, which has no place in
// production.
type LabRefusedError struct{ Connection string }

func (e *LabRefusedError) Error() string {
	return "app: the lab does not run on the production connection " + e.Connection
}

// labState remembers the demo users created per connection (the lab signs in as one on a
// tenant) and lets only one lab run at a time, since a run moves the sandbox's clock.
type labState struct {
	run sync.Mutex

	mu    sync.Mutex
	users map[string]DemoCredentials // by profile ID
}

func (d *Desk) rememberDemoUser(profileID string, u *DemoUser) {
	d.lab.mu.Lock()
	defer d.lab.mu.Unlock()
	if d.lab.users == nil {
		d.lab.users = map[string]DemoCredentials{}
	}
	d.lab.users[profileID] = DemoCredentials{Username: u.Username, Password: u.Password}
}

func (d *Desk) labDemoUser(profileID string) (DemoCredentials, bool) {
	d.lab.mu.Lock()
	defer d.lab.mu.Unlock()
	u, ok := d.lab.users[profileID]
	return u, ok
}

// LabPlan says in one plain sentence what a run will create and delete on the active
// connection, for the confirmation a test connection asks for before each run.
func (d *Desk) LabPlan(req LabRequest) string {
	p := d.ActiveProfile()
	where := "the offline sandbox"
	if !p.IsSandbox() {
		where = "the environment of “" + p.Name + "”"
	}
	app := "up to two throw-away applications named pkcedesk-lab-…"
	if req.ClientID != "" {
		app = "up to two throw-away applications named pkcedesk-lab-… (for the cases the app " + req.ClientID + " does not fit)"
	}
	n := len(req.Cases)
	if n == 0 {
		n = len(lab.Cases())
	}
	user := "signs in with the sandbox's demo user"
	if !p.IsSandbox() {
		if _, ok := d.labDemoUser(p.ID); ok {
			user = "signs in with the demo user created on the Applications screen"
		} else {
			user = "creates a throw-away user pkcedesk.lab.… to sign in with"
		}
	}
	return fmt.Sprintf("The lab will run %d %s as real requests in %s: it creates %s, %s, and deletes everything it created when the run ends, also when it is cancelled or fails.",
		n, plural(n, "case", "cases"), where, app, user)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// RunLab runs the break-it lab's cases against the active connection and returns the
// report; progress (may be nil) gets each step as it happens, on the calling goroutine.
// A production-tagged connection is refused before any request (*LabRefusedError). On
// the sandbox the lab uses its worker, its demo user and its clock (moved forward for the
// expired-code case and put back afterwards); on a tenant the connection's worker with the
// secret from the keyring, and the demo user created on this desk, or else a throw-away
// user the run creates and deletes.
func (d *Desk) RunLab(ctx context.Context, req LabRequest, progress func(lab.Event)) (rep lab.Report, err error) {
	if p := d.ActiveProfile(); p.Tag == TagProduction {
		return lab.Report{}, &LabRefusedError{Connection: p.Name}
	}
	d.lab.run.Lock()
	defer d.lab.run.Unlock()
	started := d.now()
	defer func() { d.recordLab(d.runConnection(), strings.TrimSpace(req.ClientID), started, rep, err) }()
	c, err := d.connect(ctx)
	if err != nil {
		return lab.Report{}, err
	}
	if c.profile.Tag == TagProduction { // re-tagged meanwhile
		return lab.Report{}, &LabRefusedError{Connection: c.profile.Name}
	}
	t := lab.Target{
		Management:    c.mgmt,
		EnvironmentID: c.profile.TargetEnvironmentID,
		Issuer:        c.issuer(),
		ClientID:      strings.TrimSpace(req.ClientID),
		RedirectURI:   d.redirectURI,
		Transport:     d.opts.Transport,
		Now:           d.now,
	}
	if c.profile.IsSandbox() {
		srv, err := d.ensureSandbox()
		if err != nil {
			return lab.Report{}, err
		}
		d.mu.Lock()
		clock := d.sandboxClock
		d.mu.Unlock()
		u := srv.Info().User
		t.Username, t.Password = u.Username, u.Password
		if clock != nil {
			t.Now, t.AdvanceClock = clock.Now, clock.Advance
			defer clock.Reset()
		}
	} else {
		t.WaitForExpiry = true // case 10 counts the code's lifetime down
		t.After = d.opts.After
		if u, ok := d.labDemoUser(c.profile.ID); ok {
			t.Username, t.Password = u.Username, u.Password
		} else {
			return d.runLabWithThrowAwayUser(ctx, c, t, req.Cases, progress)
		}
	}
	return lab.Run(ctx, t, req.Cases, progress)
}

// runLabWithThrowAwayUser runs the lab on a tenant where this desk made no demo user: it
// creates one for the run and deletes it afterwards, also when the run is cancelled or
// fails, and reports the deletion with the applications'.
func (d *Desk) runLabWithThrowAwayUser(ctx context.Context, c *connection, t lab.Target, cases []int, progress func(lab.Event)) (lab.Report, error) {
	for _, n := range cases {
		if _, ok := lab.CaseByNumber(n); !ok {
			return lab.Report{}, fmt.Errorf("app: there is no lab case %d (cases are 1 to %d)", n, len(lab.Cases()))
		}
	}
	env := c.profile.TargetEnvironmentID
	u, err := d.createUser(ctx, c, "pkcedesk.lab.", "Lab")
	if err != nil {
		return lab.Report{}, fmt.Errorf("app: the lab could not create its throw-away user: %w", err)
	}
	t.Username, t.Password = u.Username, u.Password
	rep, runErr := lab.Run(ctx, t, cases, progress)
	what := "the throw-away user " + u.Username
	// The run's context may be cancelled by now; the clean-up still has to happen.
	cleanCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), labCleanupTimeout)
	defer cancel()
	var pe *pingone.Error
	if err := c.mgmt.DeleteUser(cleanCtx, env, u.ID); err != nil && !(errors.As(err, &pe) && pe.Status == http.StatusNotFound) {
		rep.CleanupFailed = append(rep.CleanupFailed, what+" (delete it in the PingOne console: "+Explain(err).Title+")")
		if progress != nil {
			progress(lab.Event{Kind: lab.EventCleanup, Message: "could not delete " + what})
		}
	} else {
		rep.CleanedUp = append(rep.CleanedUp, what)
		if progress != nil {
			progress(lab.Event{Kind: lab.EventCleanup, Message: "deleted " + what})
		}
	}
	return rep, runErr
}

// labCleanupTimeout bounds the deletion of what a lab run created.
const labCleanupTimeout = 30 * time.Second
