// Package export turns a recorded run of PKCE Desk (a sign-in, refresh, userinfo,
// sign-out or lab run) into files a person or a tool reads without the app: a Markdown
// report, a versioned JSON document (docs/run-format.md), a HAR 1.2 archive and a Postman
// v2.1 collection with its environment files.
//
// Every exchange in a Run is already redacted when it is recorded (pingone.Transcript);
// the writers here pass every text through Redact again before it leaves the process, so
// a secret that slipped into a run by mistake still never reaches a file.
package export

import (
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// FormatVersion is the version of the JSON run format (docs/run-format.md). It changes
// only when a field changes meaning or goes away; new fields keep it.
const FormatVersion = 1

// Run is one recorded attempt, everything an export needs. It holds no secret: exchanges
// are redacted, the PKCE verifier is left out, tokens appear only as their checklist.
type Run struct {
	ID   uint64
	Kind string // "sign-in", "password change", "refresh", "userinfo", "sign-out", "lab"
	Mode string // "browser" or "in-app" for sign-ins; "" otherwise

	Connection Connection
	App        App

	Started  time.Time
	Duration time.Duration
	// Outcome is "succeeded", "failed" or "cancelled"; Error is the plain reason of a
	// failure ("" on success).
	Outcome string
	Error   string

	Steps []Step
	PKCE  PKCE
	// Checks is the ID token's verification checklist (empty when there was none).
	Checks []Check
	// Lab is the break-it lab's report, for Kind "lab".
	Lab *lab.Report
}

// Connection is where the run went: never the worker secret.
type Connection struct {
	Name          string // the saved connection's name, "Sandbox (offline)" for the sandbox
	Tag           string // "sandbox", "test", "production"
	Region        string // "NA", "EU", "CA", "AP", "AU", "SG"; "" with a custom domain or the sandbox
	EnvironmentID string
	Issuer        string
	AuthBase      string // e.g. https://auth.pingone.com
	APIBase       string // e.g. https://api.pingone.com
	CustomDomain  string
	Sandbox       bool
}

// App is the application signed in with and its settings as far as they are known.
type App struct {
	ClientID        string
	Name            string
	RedirectURI     string
	Scopes          []string
	PKCEEnforcement string // e.g. "S256_REQUIRED"
	TokenAuthMethod string // e.g. "NONE"
}

// Step is one arrow of the flow: an HTTP exchange of the desk's, or a step without one
// (drawing the PKCE values, the loopback redirect, checking the ID token).
type Step struct {
	Name     string // "discovery", "pkce", "authorize", "callback", "flow", "token", "jwks", "verify", ...
	Label    string
	State    string // "ok", "failed", "running", "held"
	Status   int    // HTTP status; 0 when there is none
	Duration time.Duration
	Reason   string // plain reason of a failure
	At       time.Time
	// Exchange is the redacted HTTP exchange, nil for a step that is not one.
	Exchange *pingone.Exchange
}

// PKCE are the run's PKCE values that are safe to share (RFC 7636 §4.2): the method and
// the challenge. The verifier is never exported.
type PKCE struct {
	Method    string // "S256"
	Challenge string
}

// Check is one line of the ID token checklist.
type Check struct {
	ID     string
	Title  string
	Status string // "passed", "failed", "not applicable"
	Reason string
}
