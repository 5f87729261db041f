package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// Network classes (the values of pingone.NetworkError.Class) the explanations tell apart.
const (
	classDNS        = "DNS lookup failed"
	classRefused    = "connection refused"
	classCert       = "TLS certificate rejected"
	classHandshake  = "TLS handshake failed"
	classReset      = "connection reset"
	classClosedConn = "connection closed"
)

// hostOr names host, or PingOne when the error did not say which host it was.
func hostOr(host string) string {
	if host == "" {
		return "PingOne"
	}
	return host
}

// explainNetwork says which host could not be reached and why, in the words a user can
// act on: a name that does not resolve is a typo or no network; a rejected certificate
// is usually a TLS-inspecting corporate proxy (case B16, F5).
func explainNetwork(ne *pingone.NetworkError, mk func(string, string) *Problem) *Problem {
	where := hostOr(ne.Host)
	switch ne.Class {
	case classDNS:
		return mk("Cannot reach "+where+": the name does not resolve.",
			"Check that you are online, and that the region, custom domain or host name is spelled right.")
	case classCert:
		return mk("The certificate of "+where+" is not trusted, so the connection was refused.",
			"A corporate proxy or security software that inspects HTTPS may be intercepting the connection: ask your IT team to let PingOne through, or check the host. PKCE Desk never skips the certificate check.")
	case classHandshake:
		return mk("A secure connection to "+where+" could not be set up.",
			"A corporate proxy or firewall may be intercepting HTTPS; check the proxy settings and the host.")
	case classRefused:
		return mk("Cannot reach "+where+": nothing answers there (connection refused).",
			"Check the host and port, that you are online, and that a proxy or firewall lets the app through.")
	case classReset, classClosedConn:
		return mk("The connection to "+where+" dropped before the answer was complete.",
			"Try again; if it keeps happening, a proxy or firewall may be cutting connections.")
	}
	return mk(fmt.Sprintf("Cannot reach %s (%s).", where, ne.Class),
		"Check that you are online, that a proxy or firewall lets the app through, and that the region or custom domain is right.")
}

// explainNotPingOne explains an answer that is not in PingOne's shape. Such an answer,
// even a 5xx, is not PingOne's server error: the request most likely reached another
// host (wrong region or base URL) or a proxy page. The body is never shown.
func explainNotPingOne(ue *pingone.UnexpectedResponseError, mk func(string, string) *Problem) *Problem {
	at := ""
	if ue.Host != "" {
		at = " at " + ue.Host
	}
	return mk(fmt.Sprintf("Something other than PingOne answered%s (HTTP %d, %s).", at, ue.Status, orUnknown(ue.ContentType)),
		"Check the region (or the custom domain or base URLs): the request may have gone to the wrong host. "+
			"If they are right, a proxy, captive portal or firewall answered instead of PingOne: sign in to the network or check the proxy settings.")
}

// explainExchange explains what the token endpoint said to a code exchange; nil leaves
// the error to the general rules. During a sign-in, the request errors of RFC 6749 §5.2
// mean that the application's registration does not fit a public PKCE client (security.md
// B2), and a server error means "sign in again", since a code is used only once and is
// never sent twice (B12, B17).
func explainExchange(te *signin.TokenError, mk func(string, string) *Problem) *Problem {
	if te.Op != "code exchange" {
		return nil
	}
	var (
		oe *pingone.OAuthError
		pe *pingone.Error
		ne *pingone.NetworkError
	)
	temporary := func(status int) *Problem {
		return mk(fmt.Sprintf("A temporary problem at PingOne stopped the sign-in (HTTP %d).", status),
			retryRemedy(te.RetryAfter, "sign in again", "Sign in again."))
	}
	switch {
	case errors.As(te, &oe):
		switch oe.Code {
		case "invalid_request", "unauthorized_client", "unsupported_grant_type", "invalid_scope":
			return mk("The application's registration is misconfigured for this sign-in ("+oe.Code+").",
				"Check the application in PingOne: a native app with token endpoint authentication NONE, PKCE S256 required, "+
					"the Authorization Code grant and the granted scopes. The Applications screen's self-check finds most of these."+
					correlationNote(oe.CorrelationID))
		case "server_error", "temporarily_unavailable":
			return temporary(oe.Status)
		}
		if oe.Status >= 500 {
			return temporary(oe.Status)
		}
	case errors.As(te, &pe):
		if pe.Status >= 500 {
			return temporary(pe.Status)
		}
	case errors.As(te, &ne):
		if ne.Class == classReset || ne.Class == classClosedConn {
			return mk("The connection to "+hostOr(ne.Host)+" dropped while the sign-in was being completed.",
				"Sign in again. If it keeps happening, a proxy or firewall may be cutting connections.")
		}
	}
	return nil
}

// retryRemedy is otherwise, or, when the server sent Retry-After, when to do action
// ("PingOne asks to wait: sign in again in 2 minutes.").
func retryRemedy(after time.Duration, action, otherwise string) string {
	if after <= 0 {
		return otherwise
	}
	return "PingOne asks to wait: " + action + " in " + token.Humanize(after) + "."
}

// correlationNote quotes PingOne's correlation id for a support request.
func correlationNote(id string) string {
	if id == "" {
		return ""
	}
	return " If you contact Ping support, quote correlation ID " + id + "."
}
