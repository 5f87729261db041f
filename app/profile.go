package app

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// Tag says how careful to be with a connection. The header shows it in colour, and
// production-tagged connections refuse test-only actions such as creating a demo user.
type Tag string

// Connection tags.
const (
	TagSandbox    Tag = "sandbox"
	TagTest       Tag = "test"
	TagProduction Tag = "production"
)

// Tags lists the tags in picker order.
func Tags() []Tag { return []Tag{TagSandbox, TagTest, TagProduction} }

// SandboxProfileID is the ID of the built-in offline sandbox profile. It is never stored
// in preferences: its endpoints and worker secret come from the sandbox running in-process.
const SandboxProfileID = "sandbox"

// Profile is one PingOne connection. Everything here is non-secret and lives in
// preferences; the worker secret is kept apart (keyring or memory), keyed by ID.
type Profile struct {
	// ID is a local, stable identifier; SaveProfile assigns one to new profiles.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Region picks PingOne's public hosts. Leave it empty and set AuthBaseURL (and
	// APIBaseURL) for a custom domain.
	Region      pingone.Region `json:"region,omitempty"`
	AuthBaseURL string         `json:"authBaseURL,omitempty"`
	// APIBaseURL is optional with a custom domain: the region's API host is used when it
	// is empty and a region is set.
	APIBaseURL string `json:"apiBaseURL,omitempty"`
	// AdminEnvironmentID holds the worker app (often the "Administrators" environment).
	AdminEnvironmentID string `json:"adminEnvironmentID"`
	WorkerClientID     string `json:"workerClientID"`
	// TargetEnvironmentID is where applications and users are created and signed in to.
	TargetEnvironmentID string `json:"targetEnvironmentID"`
	// CustomDomain (optional) is the target environment's PingOne custom domain, such as
	// auth.example.com. Sign-ins then use https://{CustomDomain}/as as the issuer, as the
	// environment's apps see it; the worker token and the Management API stay on the
	// region's hosts.
	CustomDomain string `json:"customDomain,omitempty"`
	Tag          Tag    `json:"tag"`
}

// IsSandbox reports whether p is the built-in offline sandbox profile.
func (p Profile) IsSandbox() bool { return p.ID == SandboxProfileID }

// Form field names used as keys of ValidationError.Fields.
const (
	FieldName                = "name"
	FieldRegion              = "region"
	FieldAuthBaseURL         = "authBaseURL"
	FieldAPIBaseURL          = "apiBaseURL"
	FieldAdminEnvironmentID  = "adminEnvironmentID"
	FieldWorkerClientID      = "workerClientID"
	FieldTargetEnvironmentID = "targetEnvironmentID"
	FieldTag                 = "tag"
	FieldCustomDomain        = "customDomain"
	FieldWorkerSecret        = "workerSecret"
)

// ValidationError lists the fields of a form that cannot be used, with a plain message
// for each, so a view can mark them the same way it marks PingOne's details[].target.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, n+": "+e.Fields[n])
	}
	return "please correct the form (" + strings.Join(parts, "; ") + ")"
}

// FieldErrors returns the per-field messages, like (*pingone.Error).FieldErrors.
func (e *ValidationError) FieldErrors() map[string]string { return e.Fields }

// Validate checks p before it is saved or used. IDs must be canonical UUIDs because they
// are spliced into URL paths (case D11).
func (p Profile) Validate() error {
	f := map[string]string{}
	if strings.TrimSpace(p.Name) == "" {
		f[FieldName] = "Give the connection a name."
	}
	if _, err := p.Endpoints(); err != nil {
		switch {
		case p.AuthBaseURL != "":
			f[FieldAuthBaseURL] = plainURLError(err)
		case p.Region == "":
			f[FieldRegion] = "Pick a region, or enter your custom domain."
		default:
			f[FieldRegion] = "Unknown region; pick one from the list."
		}
	}
	checkID := func(field, v, what string) {
		if strings.TrimSpace(v) == "" {
			f[field] = "Paste the " + what + "."
		} else if pingone.ValidateID(v) != nil {
			f[field] = "The " + what + " must be an ID like 4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c."
		}
	}
	checkID(FieldAdminEnvironmentID, p.AdminEnvironmentID, "worker's environment ID")
	checkID(FieldWorkerClientID, p.WorkerClientID, "worker's client ID")
	checkID(FieldTargetEnvironmentID, p.TargetEnvironmentID, "target environment ID")
	if p.CustomDomain != "" {
		if _, err := pingone.CustomDomainIssuer(p.CustomDomain); err != nil {
			f[FieldCustomDomain] = plainURLError(err) + "."
		}
	}
	switch p.Tag {
	case TagTest, TagProduction:
	case TagSandbox:
		if !p.IsSandbox() {
			f[FieldTag] = "Only the built-in sandbox is tagged sandbox; pick test or production."
		}
	default:
		f[FieldTag] = "Tag the connection test or production."
	}
	if len(f) > 0 {
		return &ValidationError{Fields: f}
	}
	return nil
}

func plainURLError(err error) string {
	// pingone's messages are already plain; drop the package prefix for the form.
	return strings.TrimPrefix(err.Error(), "pingone: ")
}

// Endpoints returns the base URLs the profile talks to. For the sandbox profile it fails;
// the Desk supplies the running sandbox's endpoints instead.
func (p Profile) Endpoints() (pingone.Endpoints, error) {
	if p.AuthBaseURL != "" {
		api := p.APIBaseURL
		if api == "" {
			if p.Region == "" {
				return pingone.Endpoints{}, errors.New("pingone: with a custom domain, set the API base URL or a region")
			}
			ep, err := pingone.RegionEndpoints(p.Region)
			if err != nil {
				return pingone.Endpoints{}, err
			}
			api = ep.APIBase
		}
		return pingone.CustomEndpoints(p.AuthBaseURL, api)
	}
	if p.Region == "" {
		return pingone.Endpoints{}, errors.New("pingone: no region")
	}
	return pingone.RegionEndpoints(p.Region)
}

// SignInIssuer is the OIDC issuer sign-ins of this profile use: the custom domain's when
// one is set, otherwise the target environment's on ep.
func (p Profile) SignInIssuer(ep pingone.Endpoints) string {
	if p.CustomDomain != "" {
		if iss, err := pingone.CustomDomainIssuer(p.CustomDomain); err == nil {
			return iss
		}
	}
	return ep.Issuer(p.TargetEnvironmentID)
}

// sandboxProfile is the built-in profile. Its IDs are the sandbox's fixed defaults; its
// endpoints are only known once the sandbox listens.
func sandboxProfile(opts sandbox.Options) Profile {
	env := opts.EnvironmentID
	if env == "" {
		env = sandbox.DefaultEnvironmentID
	}
	worker := opts.WorkerClientID
	if worker == "" {
		worker = sandbox.DefaultWorkerClientID
	}
	return Profile{
		ID:                  SandboxProfileID,
		Name:                "Sandbox (offline)",
		AdminEnvironmentID:  env,
		WorkerClientID:      worker,
		TargetEnvironmentID: env,
		Tag:                 TagSandbox,
	}
}

// Preference keys. Values are JSON; the format is versioned in the key so a future
// change can migrate instead of misreading.
const (
	prefProfiles = "pkcedesk.profiles.v1"
	prefActive   = "pkcedesk.activeProfile"
)

// loadProfiles reads the saved profiles. A corrupt value is reported rather than silently
// replaced, so the user's connections are not wiped by a bad write.
func loadProfiles(p Preferences) ([]Profile, error) {
	raw := p.String(prefProfiles)
	if raw == "" {
		return nil, nil
	}
	var list []Profile
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, fmt.Errorf("the saved connections could not be read: %w", err)
	}
	out := list[:0]
	for _, pr := range list {
		if pr.ID == "" || pr.IsSandbox() {
			continue // never trust a stored copy of the built-in profile
		}
		out = append(out, pr)
	}
	return out, nil
}

func saveProfiles(p Preferences, list []Profile) error {
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	p.SetString(prefProfiles, string(b))
	return nil
}

func newProfileID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms (Go ≥1.24)
	return hex.EncodeToString(b[:])
}
