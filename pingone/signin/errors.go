package signin

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

var (
	// ErrTimedOut ends an attempt that did not complete within its overall timeout
	// (case F1: the user closed the tab or never finished).
	ErrTimedOut = errors.New("signin: the sign-in was not completed in time")

	// ErrSuperseded ends an attempt that a newer one replaced (case F3).
	ErrSuperseded = errors.New("signin: a newer sign-in replaced this one")

	// ErrMalformedCallback reports an authorization response with the right state but
	// neither a code nor an error (RFC 6749 §4.1.2, case A1).
	ErrMalformedCallback = errors.New("signin: the authorization response carried neither a code nor an error")

	// ErrMissingIDToken reports a token response without id_token although openid was
	// requested (OIDC Core §3.1.3.3, case B6).
	ErrMissingIDToken = errors.New("signin: the token response has no ID token")

	// ErrMalformedResponse reports a server answer that could not be parsed. The body is
	// deliberately not quoted: it may be a proxy page or contain tokens (case B7/B8).
	ErrMalformedResponse = errors.New("signin: the server returned a response that could not be read")
)

// PortInUseError means another program holds the loopback port of the redirect URI, so
// the attempt was refused before the browser opened (RFC 8252 §8.3, case A19/A20).
type PortInUseError struct {
	Port    int
	Address string // "127.0.0.1" or "::1"
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("signin: port %d on %s is in use by another program; close that program and try again", e.Port, e.Address)
}

// AuthorizationError is an OAuth error returned by the authorization endpoint, either on
// the loopback redirect or through the flow API (RFC 6749 §4.1.2.1).
type AuthorizationError struct {
	Code        string // e.g. access_denied; restricted to RFC 6749's character set
	Description string // control characters stripped and truncated; plain text only
}

// Cancelled reports whether the user declined or aborted the sign-in.
func (e *AuthorizationError) Cancelled() bool { return e.Code == "access_denied" }

func (e *AuthorizationError) Error() string {
	var hint string
	switch e.Code {
	case "access_denied":
		hint = "sign-in was cancelled"
	case "invalid_request", "unauthorized_client", "unsupported_response_type":
		hint = "the application registration does not allow this request"
	case "invalid_scope":
		hint = "a requested scope is not granted to the application"
	case "server_error", "temporarily_unavailable":
		hint = "the identity provider is temporarily unavailable; try again"
	case "login_required", "consent_required", "interaction_required", "account_selection_required":
		hint = "interaction is required; use the browser sign-in"
	default:
		hint = "the identity provider rejected the sign-in"
	}
	msg := "signin: " + hint + " (" + e.Code + ")"
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// IssuerMismatchError reports an authorization response whose RFC 9207 iss parameter
// names another issuer (mix-up attack, RFC 9700 §4.4, case A12/A13).
type IssuerMismatchError struct {
	Expected string
	Got      string // sanitised; empty when the parameter was required but missing
}

func (e *IssuerMismatchError) Error() string {
	if e.Got == "" {
		return fmt.Sprintf("signin: the authorization response did not name its issuer (expected %q)", e.Expected)
	}
	return fmt.Sprintf("signin: the authorization response came from issuer %q, expected %q", e.Got, e.Expected)
}

// DiscoveryError means the issuer's OpenID configuration is unusable or unsafe.
type DiscoveryError struct {
	Issuer string
	Reason string
	Err    error
}

func (e *DiscoveryError) Error() string {
	msg := fmt.Sprintf("signin: discovery for %s: %s", e.Issuer, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *DiscoveryError) Unwrap() error { return e.Err }

// TokenError reports a failed call to the token, userinfo, revocation or introspection
// endpoint. Err is a *pingone.OAuthError, *pingone.Error, *pingone.UnexpectedResponseError,
// ErrMalformedResponse or a transport error; never the raw response body.
type TokenError struct {
	Op         string // "code exchange", "refresh", "userinfo", "revoke", "introspect"
	Err        error
	RetryAfter time.Duration // from Retry-After on 429/503; zero when absent
}

func (e *TokenError) Error() string {
	msg := "signin: " + e.Op + ": " + e.Err.Error()
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

func (e *TokenError) Unwrap() error { return e.Err }

// IDTokenRejectedError means the ID token failed verification; Report shows which checks
// failed. A sign-in discards the tokens. A refresh keeps them (PingOne has already
// rotated the refresh token) and reports this error in Refreshed.IDTokenErr instead.
type IDTokenRejectedError struct {
	Report *token.Report
	Err    error
}

func (e *IDTokenRejectedError) Error() string {
	return "signin: the ID token was rejected: " + e.Err.Error()
}

func (e *IDTokenRejectedError) Unwrap() error { return e.Err }

// SubjectMismatchError means the userinfo response describes another user than the ID
// token (OIDC Core §5.3.2: the sub values MUST match).
type SubjectMismatchError struct{}

func (*SubjectMismatchError) Error() string {
	return "signin: userinfo sub does not match the ID token's sub"
}

// RefreshIdentityError means a refresh returned an ID token that does not describe the
// signed-in user's original sign-in (OIDC Core §12.2: iss, sub, aud and azp must be the
// same, and auth_time must still be the original sign-in time). Refresh discards the new
// tokens; the user has to sign in again. The message names the claim, never its values.
type RefreshIdentityError struct {
	Claim string // "iss", "sub", "aud", "azp" or "auth_time"
}

func (e *RefreshIdentityError) Error() string {
	var what string
	switch e.Claim {
	case "iss":
		what = "it comes from another issuer"
	case "sub":
		what = "it is about another user"
	case "aud":
		what = "it is addressed to other applications"
	case "azp":
		what = "it names another requesting application (azp)"
	case "auth_time":
		what = "it gives an earlier sign-in time than the original"
	default:
		what = "it differs from the original ID token"
	}
	return "signin: the refreshed ID token does not match the signed-in user (" + e.Claim + "): " +
		what + "; the new tokens were discarded, sign in again"
}

// InvalidCredentialsError is PingOne's answer to a wrong username or password. Message is
// PingOne's own text; like PingOne it does not say which of the two was wrong (G1).
type InvalidCredentialsError struct {
	Message string
}

func (e *InvalidCredentialsError) Error() string {
	return "signin: invalid username or password: " + e.Message
}

// LockedOutError means the account is locked after too many failures.
type LockedOutError struct {
	Message            string
	SecondsUntilUnlock int // zero when PingOne did not say
}

func (e *LockedOutError) Error() string {
	msg := "signin: the account is locked: " + e.Message
	if e.SecondsUntilUnlock > 0 {
		msg += fmt.Sprintf(" (unlocks in %d s)", e.SecondsUntilUnlock)
	}
	return msg
}

// BrowserRequiredError means the flow reached a step the redirectless engine does not
// handle (MFA, consent, external IdP, ...); the user should use the browser sign-in
// (RFC 9700 §2.4, case G2).
type BrowserRequiredError struct {
	Status string // PingOne flow status, e.g. OTP_REQUIRED
}

func (e *BrowserRequiredError) Error() string {
	return "signin: the sign-on policy requires a step this sign-in cannot do (" + e.Status + "); use the browser sign-in"
}

// FlowExpiredError means PingOne no longer knows the flow (404 or expired); start a new
// attempt with fresh PKCE values (case G3).
type FlowExpiredError struct{}

func (*FlowExpiredError) Error() string {
	return "signin: the sign-in flow expired; start again"
}

// PasswordRejectedError is PingOne's answer to a password change it refused: the current
// password was wrong (Target "currentPassword") or the new one breaks the policy.
type PasswordRejectedError struct {
	Target      string
	Message     string
	Unsatisfied []string // password-policy requirements not met, when PingOne lists them
}

func (e *PasswordRejectedError) Error() string {
	msg := "signin: the password change was rejected"
	if e.Target != "" {
		msg += " (" + e.Target + ")"
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if len(e.Unsatisfied) > 0 {
		msg += " [" + strings.Join(e.Unsatisfied, ", ") + "]"
	}
	return msg
}

// UnsafeLinkError means a flow response pointed at a host other than the issuer's; the
// link was not followed (case G4).
type UnsafeLinkError struct {
	Link string // link name, e.g. "resumeUrl"
}

func (e *UnsafeLinkError) Error() string {
	return "signin: refusing to follow " + e.Link + ": it points outside the issuer's host"
}

// cleanText makes server- or attacker-supplied text safe to show as plain text: control
// and format characters (ANSI escapes, NUL, bidi overrides) are dropped and the result is
// capped at max runes.
func cleanText(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		if n == max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// cleanCode keeps an OAuth error code only when it uses RFC 6749's error character set
// and a sane length, so it can be shown and branched on.
func cleanCode(s string) string {
	if s == "" || len(s) > 64 {
		return "invalid_error_code"
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return "invalid_error_code"
		}
	}
	return s
}
