package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// Problem is an error explained for a person who is not an OAuth expert: what went
// wrong (Title) and what to do (Remedy). It wraps the typed error it explains, so
// errors.As still finds *pingone.Error and friends. Nothing in it contains a secret:
// the texts are fixed or come from errors that are sanitised and secret-free already.
type Problem struct {
	Title  string
	Remedy string
	Err    error
	// Fields maps the form fields the problem concerns (the Field* names of Profile) to a
	// short message for each; nil when no field is to blame. Set by TestConnection.
	Fields map[string]string
}

func (p *Problem) Error() string { return p.Title }

// FieldErrors is Fields, like (*ValidationError).FieldErrors, so a form marks both the
// same way.
func (p *Problem) FieldErrors() map[string]string { return p.Fields }

func (p *Problem) Unwrap() error { return p.Err }

// Detail is the technical message of the underlying error, for a "details" expander.
func (p *Problem) Detail() string {
	if p.Err == nil {
		return ""
	}
	return pingone.SanitizeText(p.Err.Error(), 500)
}

// Explain turns any error returned by this package into a Problem. A Problem is returned
// as it is; nil gives nil.
func Explain(err error) *Problem {
	return explainAt("", err)
}

// selfExplained is an error of this package that carries its own plain words
// (*RedirectUnusableError, *SignInElsewhereError).
type selfExplained interface {
	error
	explain() (title, remedy string)
}

// Steps of a connection, used to tell "wrong admin environment" from "wrong target".
const (
	stepToken = "worker-token"
	stepList  = "list-applications"
)

func explainAt(step string, err error) *Problem {
	if err == nil {
		return nil
	}
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	mk := func(title, remedy string) *Problem { return &Problem{Title: title, Remedy: remedy, Err: err} }

	var (
		ke   *KeyringError
		ve   *ValidationError
		oe   *pingone.OAuthError
		pe   *pingone.Error
		ne   *pingone.NetworkError
		ue   *pingone.UnexpectedResponseError
		te   *pingone.TimeoutError
		vfe  *token.VerifyError
		pire *signin.PortInUseError
	)
	// Token-endpoint answers mean something else during a sign-in than for the worker.
	if tke := (*signin.TokenError)(nil); errors.As(err, &tke) {
		if p := explainExchange(tke, mk); p != nil {
			return p
		}
	}
	var se selfExplained
	var nte *pingone.NameTakenError
	switch {
	case errors.As(err, &se):
		return mk(se.explain())
	case errors.As(err, &ke):
		return mk(capitalise(ke.Error())+".", ke.Remedy())
	case errors.As(err, &ve):
		return mk("Some fields need attention.", "Correct the marked fields and try again.")
	case errors.Is(err, ErrDemoNeedsSandbox):
		return mk("The stage demo runs on the built-in sandbox.", "Pick \"Sandbox (offline)\" on Connections, or sign in on the Sign in screen for this connection.")
	case errors.Is(err, ErrProductionProfile):
		return mk("This is a production connection.", "Demo users are only created in sandbox and test environments.")
	case errors.Is(err, ErrNoSession):
		return mk("Nobody is signed in.", "Sign in first.")
	case errors.Is(err, ErrNoRefreshToken):
		return mk("This session has no refresh token.",
			"Add the REFRESH_TOKEN grant type to the application (and request offline_access if it is granted), then sign in again.")
	case errors.Is(err, ErrForeignIssuer):
		return mk("This token comes from another environment than the active connection.",
			"Switch to the connection of that environment to verify its signature; the decoded claims are still shown.")
	case errors.Is(err, errClosed):
		return mk("The app is shutting down.", "")
	case errors.Is(err, context.Canceled):
		return mk("Cancelled.", "")
	case errors.Is(err, pingone.ErrOutcomeUnknown):
		return mk("The application may or may not have been created: the reply was lost.",
			"Refresh the application list before trying again, so it is not created twice.")
	case errors.Is(err, pingone.ErrNotCreated):
		return mk("The application was not created: the connection dropped.", "Trying again is safe.")
	case errors.As(err, &nte):
		return mk("An application named “"+pingone.SanitizeText(nte.Name, 80)+"” already exists in this environment.",
			"Nothing was created. Choose another name, or use the existing application.")
	case errors.As(err, &oe):
		return explainOAuth(step, oe, mk)
	case errors.As(err, &pe):
		return explainPlatform(step, pe, mk)
	case errors.As(err, &te), errors.Is(err, context.DeadlineExceeded):
		return mk("PingOne did not answer in time.", "Check your network or proxy, then try again.")
	case errors.As(err, &ne):
		return explainNetwork(ne, mk)
	case errors.As(err, &ue):
		return explainNotPingOne(ue, mk)
	case errors.As(err, &pire):
		return mk(fmt.Sprintf("Another program is using port %d, which the sign-in redirect needs.", pire.Port),
			"Close the other program (or another PKCE Desk window) and try again.")
	case errors.As(err, &vfe):
		return mk("The token did not pass verification.", "See the checklist for the check that failed.")
	case errors.Is(err, signin.ErrTimedOut):
		return mk("The sign-in was not completed in time.", "Start it again; finish it in the browser window that opens.")
	case errors.Is(err, signin.ErrSuperseded):
		return mk("A newer sign-in replaced this one.", "")
	}
	var (
		ice *signin.InvalidCredentialsError
		loe *signin.LockedOutError
		bre *signin.BrowserRequiredError
		fee *signin.FlowExpiredError
		ae  *signin.AuthorizationError
		ide *signin.IDTokenRejectedError
		pcr *signin.PasswordChangeRequired
	)
	switch {
	case errors.As(err, &ice):
		return mk("Invalid username or password.", "Check them and try again.")
	case errors.As(err, &loe):
		return mk("The account is locked after too many failed attempts.", "Wait until it unlocks, or ask an administrator to unlock it.")
	case errors.As(err, &bre):
		return mk("This sign-on policy needs a step the in-app sign-in cannot do ("+bre.Status+").", "Use the browser sign-in.")
	case errors.As(err, &fee):
		return mk("The sign-in flow expired.", "Start the sign-in again.")
	case errors.As(err, &pcr):
		return mk("PingOne wants a new password before completing the sign-in.", "Enter the current and a new password.")
	case errors.As(err, &ide):
		return mk("The ID token was rejected, so the sign-in was discarded.", "See the checklist for the check that failed.")
	case errors.As(err, &ae):
		if ae.Cancelled() {
			return mk("The sign-in was cancelled in the browser.", "")
		}
		return mk("PingOne refused the sign-in request ("+ae.Code+").",
			"Run the application self-check: redirect URI, PKCE and grant settings must match.")
	}
	return mk("Something went wrong.", "Try again; the timeline shows the requests that were made.")
}

func explainOAuth(step string, oe *pingone.OAuthError, mk func(string, string) *Problem) *Problem {
	switch oe.Code {
	case "invalid_client":
		if step == stepToken {
			return mk("PingOne rejected the worker app's client ID or secret.",
				"Check the worker client ID, and paste the worker's current secret (it changes when it is rotated in the PingOne console).")
		}
		return mk("PingOne does not accept this client (invalid_client).", "Check that the application exists, is enabled and uses token auth method NONE.")
	case "unauthorized_client":
		return mk("This client may not use that grant.", "For the worker: enable the client credentials grant. For the sign-in app: run the self-check.")
	case "invalid_grant":
		return mk("The code or refresh token is no longer valid.", "Sign in again.")
	case "invalid_scope":
		return mk("A requested scope is not granted to the application.", "Run the self-check and grant the OpenID scopes.")
	case "server_error", "temporarily_unavailable":
		return mk(fmt.Sprintf("PingOne had a temporary problem (%s).", oe.Code), retryRemedy(oe.RetryAfter, "try again", "Wait a moment and try again."))
	}
	if oe.Status >= 500 {
		return mk(fmt.Sprintf("PingOne had a server error (HTTP %d).", oe.Status), retryRemedy(oe.RetryAfter, "try again", "Wait a moment and try again."))
	}
	if oe.Status == http.StatusNotFound {
		return mk("PingOne does not know this environment in this region.", "Check the region (or custom domain) and the environment ID.")
	}
	return mk("PingOne refused the token request ("+oe.Code+").", "See the timeline for PingOne's description.")
}

func explainPlatform(step string, pe *pingone.Error, mk func(string, string) *Problem) *Problem {
	switch {
	case pe.IsRateLimited():
		if pe.RetryAfter > 0 {
			return mk("PingOne is limiting the request rate.", fmt.Sprintf("Try again in %s.", token.Humanize(pe.RetryAfter)))
		}
		return mk("PingOne is limiting the request rate.", "Wait a minute and try again.")
	case pe.Code == "INVALID_DATA" || (pe.Status == http.StatusBadRequest && len(pe.Details) > 0):
		if pe.IsUniquenessViolation() {
			return mk("That name is already taken in this environment.", "Choose another name.")
		}
		if pe.Status == 0 { // checked before sending, with PingOne's own rules
			return mk("Some values would be refused by PingOne; nothing was sent.", "Correct the marked fields and try again.")
		}
		return mk("PingOne rejected some values.", "Correct the marked fields and try again.")
	case pe.IsForbidden():
		return mk("The worker app lacks a role on the target environment.",
			"In the PingOne console, give the worker the roles Client Application Developer and Identity Data Admin (or Environment Admin) on the target environment.")
	case pe.IsUnauthorized():
		if step == stepToken {
			return mk("PingOne rejected the worker app's credentials.", "Check the region, the worker's environment ID, client ID and secret.")
		}
		return mk("PingOne did not accept the worker's token for this environment.",
			"Check the region (or custom domain) and the target environment ID; the worker and the target must be in the same region.")
	case pe.IsNotFound():
		if step == stepToken {
			return mk("PingOne does not know the worker's environment in this region.", "Check the region (or custom domain) and the worker's environment ID.")
		}
		if step == stepList {
			return mk("PingOne does not know the target environment in this region.", "Check the target environment ID and the region.")
		}
		return mk("Not found: it may have been deleted.", "Refresh the list.")
	case pe.Status >= 500:
		return mk(fmt.Sprintf("PingOne had a server error (HTTP %d).", pe.Status), "Wait a moment and try again.")
	}
	return mk("PingOne refused the request ("+pe.Code+").", "See the timeline for PingOne's message.")
}

func orUnknown(s string) string {
	if s == "" {
		return "no content type"
	}
	return s
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
