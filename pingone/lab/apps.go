package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// appNeed is what a case asks of the application it runs on.
type appNeed int

const (
	needCode    appNeed = iota // public client with the authorization code grant
	needPKCE                   // ... and PKCE S256_REQUIRED
	needRefresh                // ... and the refresh token grant
)

// labApp is an application a case runs on.
type labApp struct {
	ClientID    string
	RedirectURI string
}

// managementTimeout bounds one create or delete; they run on a context that the run's
// cancel does not reach, so an app is never half made or left behind by a cancel.
const managementTimeout = 30 * time.Second

// appPool hands out the applications of a run: the tester's own app when it fits a
// case, otherwise throw-away apps it creates on first use and deletes in cleanup.
type appPool struct {
	t *Target

	mu        sync.Mutex
	existing  *pingone.Application // the tester's app, read once; nil without one
	readErr   error
	read      bool
	primary   *labApp
	second    *labApp
	created   []*pingone.Application
	attempted []string // names of creates whose outcome is unknown
}

func (p *appPool) existingApp(ctx context.Context) (*pingone.Application, error) {
	if p.t.ClientID == "" {
		return nil, nil
	}
	if !p.read {
		p.read = true
		p.existing, p.readErr = p.t.Management.GetApplication(ctx, p.t.EnvironmentID, p.t.ClientID)
	}
	return p.existing, p.readErr
}

// fits reports whether a is a public code-flow app with what need asks for.
func fits(a *pingone.Application, need appNeed) bool {
	if a == nil || !a.Enabled || a.TokenEndpointAuthMethod != "NONE" || len(a.RedirectURIs) == 0 ||
		!slices.Contains(a.GrantTypes, "AUTHORIZATION_CODE") || !slices.Contains(a.ResponseTypes, "CODE") {
		return false
	}
	switch need {
	case needPKCE:
		return a.PKCEEnforcement == "S256_REQUIRED"
	case needRefresh:
		return slices.Contains(a.GrantTypes, "REFRESH_TOKEN")
	}
	return true
}

// app returns the application for a case with that need.
func (p *appPool) app(ctx context.Context, need appNeed) (*labApp, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ex, err := p.existingApp(ctx)
	if err != nil {
		return nil, fmt.Errorf("the application %s could not be read: %w", p.t.ClientID, err)
	}
	if fits(ex, need) {
		return &labApp{ClientID: ex.ClientID, RedirectURI: ex.RedirectURIs[0]}, nil
	}
	if p.primary == nil {
		if p.primary, err = p.createLocked(ctx); err != nil {
			return nil, err
		}
	}
	return p.primary, nil
}

// secondApp returns a throw-away app other than the one app returns (case 8).
func (p *appPool) secondApp(ctx context.Context) (*labApp, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.second == nil {
		var err error
		if p.second, err = p.createLocked(ctx); err != nil {
			return nil, err
		}
	}
	return p.second, nil
}

// throwAwayApp is every throw-away app's definition: a public native client that needs
// PKCE with S256 and may use refresh tokens, the strictest settings the cases ask for.
// It gets no scope grants: plain openid needs none.
func (p *appPool) throwAwayApp(name string) pingone.ApplicationRequest {
	return pingone.ApplicationRequest{
		Enabled:                 true,
		Name:                    name,
		Description:             "Throw-away app of the PKCE Desk break-it lab; deleted at the end of the run.",
		Type:                    "NATIVE_APP",
		Protocol:                "OPENID_CONNECT",
		GrantTypes:              []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"},
		RedirectURIs:            []string{p.t.redirectURI()},
		ResponseTypes:           []string{"CODE"},
		TokenEndpointAuthMethod: "NONE",
		PKCEEnforcement:         "S256_REQUIRED",
	}
}

func (p *appPool) createLocked(ctx context.Context) (*labApp, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	name := "pkcedesk-lab-" + hex.EncodeToString(b[:])
	// Not cancellable by the run: a create cut off half-way could leave an app that
	// nobody deletes. It is still bounded.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), managementTimeout)
	defer cancel()
	a, err := p.t.Management.CreateApplication(cctx, p.t.EnvironmentID, p.throwAwayApp(name))
	if err != nil {
		p.attempted = append(p.attempted, name)
		return nil, fmt.Errorf("the lab could not create its throw-away application: %w", err)
	}
	p.created = append(p.created, a)
	return &labApp{ClientID: a.ClientID, RedirectURI: p.t.redirectURI()}, nil
}

// cleanup deletes every application the run created (newest first) and any app named
// like a create whose answer never came. It runs whatever happened to the run.
func (p *appPool) cleanup(ctx context.Context, progress func(Event)) (done, failed []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*managementTimeout)
	defer cancel()
	apps := slices.Clone(p.created)
	if len(p.attempted) > 0 {
		if all, err := p.t.Management.ListApplications(cctx, p.t.EnvironmentID); err != nil {
			failed = append(failed, "could not check for applications named "+fmt.Sprint(p.attempted)+": "+err.Error())
		} else {
			for i := range all {
				if slices.Contains(p.attempted, all[i].Name) {
					apps = append(apps, &all[i])
				}
			}
		}
	}
	for i := len(apps) - 1; i >= 0; i-- {
		a := apps[i]
		what := fmt.Sprintf("application %s (%s)", a.Name, a.ID)
		err := p.t.Management.DeleteApplication(cctx, p.t.EnvironmentID, a.ID)
		var pe *pingone.Error
		if errors.As(err, &pe) && pe.IsNotFound() {
			err = nil // already gone is what clean-up wants
		}
		if err != nil {
			failed = append(failed, what+": "+err.Error())
			progress(Event{Kind: EventCleanup, Message: "could not delete " + what})
			continue
		}
		done = append(done, "deleted "+what)
		progress(Event{Kind: EventCleanup, Message: "deleted " + what})
	}
	p.created, p.attempted, p.primary, p.second = nil, nil, nil, nil
	return done, failed
}
