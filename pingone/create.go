package pingone

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ErrNotCreated means a create request failed in a way that left its outcome unclear, and a
// lookup then showed that nothing was created: trying again is safe.
var ErrNotCreated = errors.New("pingone: the application was not created")

// ErrOutcomeUnknown means a create request's reply was lost and PingOne could not be asked
// afterwards whether it took effect. Check the application list before trying again.
var ErrOutcomeUnknown = errors.New("pingone: the application may or may not have been created")

// StepCreateApplication is the Step (see WithStep) of the exchange that sends a create
// request in CreateApplication; the worker-token and reconciling exchanges around it have
// steps of their own.
const StepCreateApplication = "create-application"

// DefaultClockSkew is how far the machine's clock may be ahead of PingOne's for a lost
// create request to still recognise the application it made (see CreateApplication).
// PingOne stamps createdAt with its own clock, and with millisecond precision; machines
// kept in time by NTP are well within this.
const DefaultClockSkew = 2 * time.Minute

// NameTakenError means an application of the requested name already exists in the
// environment and is not the one a create request whose reply was lost made: it was
// there before the request started, or its settings differ from the request's. Nothing
// was created and nothing was sent again; the user should choose another name.
//
// errors.As also finds a *Error with a UNIQUENESS_VIOLATION detail on target "name" in it,
// so forms that mark PingOne's field errors mark the name field.
type NameTakenError struct {
	Name       string
	ExistingID string // the application that holds the name
	Err        error  // why the create request's outcome was unclear
}

func (e *NameTakenError) Error() string {
	return SanitizeText(fmt.Sprintf("pingone: create application: an application named %q already exists (id %s)",
		e.Name, e.ExistingID), maxErrorText)
}

// Unwrap gives the name clash as a PingOne-style validation error, then the cause.
func (e *NameTakenError) Unwrap() []error {
	clash := &Error{
		Code:    "INVALID_DATA",
		Message: "An application with this name already exists.",
		Details: []ErrorDetail{{Code: "UNIQUENESS_VIOLATION", Target: "name",
			Message: "An application with this name already exists in this environment; choose another name."}},
	}
	if e.Err == nil {
		return []error{clash}
	}
	return []error{clash, e.Err}
}

// CreateApplication validates r and creates the application in envID.
//
// If the POST's reply is lost (connection drop, timeout, or a 5xx that may have come after
// the write) the POST is never sent again blindly (case D2): the environment's
// applications are listed instead, and an application of r.Name is returned, with
// Reconciled set, only if it is provably the one this POST made:
//   - its createdAt is not before the moment the request started, less the clock skew
//     allowed by ManagementConfig.ClockSkew (createdAt is PingOne's clock, the start is
//     ours);
//   - its type, tokenEndpointAuthMethod, pkceEnforcement (when r sets one) and
//     redirectUris (in any order) equal r's.
//
// An application of that name that fails either test was there already, and PingOne has
// refused the POST as a duplicate: the error is a *NameTakenError. When no application of
// the name exists the error wraps ErrNotCreated; when the lookup itself fails it wraps
// ErrOutcomeUnknown.
func (m *Management) CreateApplication(ctx context.Context, envID string, r ApplicationRequest) (*Application, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	path, err := envPath(envID, "applications")
	if err != nil {
		return nil, fmt.Errorf("pingone: create application: %w", err)
	}
	started := m.now()
	var app Application
	err = m.do(ctx, apiCall{step: StepCreateApplication, op: "create application", method: http.MethodPost,
		path: path, body: r}, &app)
	if err == nil {
		if app.ID == "" {
			return nil, fmt.Errorf("pingone: create application: %w", &UnexpectedResponseError{
				Status: http.StatusCreated, ContentType: "application/json", Reason: "response has no application id"})
		}
		return &app, nil
	}
	if !outcomeUnclear(err) {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	same, lerr := m.applicationsNamed(WithStep(ctx, "reconcile-application"), envID, r.Name)
	switch {
	case lerr != nil:
		return nil, fmt.Errorf("%w (lookup failed: %v): %w", ErrOutcomeUnknown, lerr, err)
	case len(same) == 0:
		return nil, fmt.Errorf("%w: %w", ErrNotCreated, err)
	}
	notBefore := started.Add(-m.clockSkew)
	for i := range same {
		if madeBy(same[i], r, notBefore) {
			same[i].Reconciled = true
			return &same[i], nil
		}
	}
	return nil, &NameTakenError{Name: strings.TrimSpace(r.Name), ExistingID: same[0].ID, Err: err}
}

// madeBy reports whether a can be the application that request r created, r having been
// sent no earlier than notBefore.
func madeBy(a Application, r ApplicationRequest, notBefore time.Time) bool {
	if a.Name != strings.TrimSpace(r.Name) || a.CreatedAt.IsZero() || a.CreatedAt.Before(notBefore) {
		return false
	}
	if a.Type != r.Type || a.TokenEndpointAuthMethod != r.TokenEndpointAuthMethod {
		return false
	}
	if r.PKCEEnforcement != "" && a.PKCEEnforcement != r.PKCEEnforcement {
		return false
	}
	return sameSet(a.RedirectURIs, r.RedirectURIs)
}

// sameSet compares two lists as sets: PingOne need not keep the order it was sent.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// outcomeUnclear: a transport failure, or a server error that may have followed the write.
func outcomeUnclear(err error) bool {
	var ne *NetworkError
	if errors.As(err, &ne) {
		return true
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Status >= 500
	}
	var ue *UnexpectedResponseError
	return errors.As(err, &ue) && ue.Status >= 500
}

// applicationsNamed lists envID's applications whose name equals name, ignoring case and
// surrounding space as PingOne's uniqueness rule does.
func (m *Management) applicationsNamed(ctx context.Context, envID, name string) ([]Application, error) {
	apps, err := m.ListApplications(ctx, envID)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	var out []Application
	for _, a := range apps {
		if strings.EqualFold(strings.TrimSpace(a.Name), name) {
			out = append(out, a)
		}
	}
	return out, nil
}
