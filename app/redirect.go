package app

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// RedirectUnusableError refuses a browser sign-in before the browser opens, because the
// browser could never come back to this app: the application's registered redirect URIs
// do not include the loopback URI the app listens on (PingOne refuses an authorize request
// whose redirect_uri is not registered and shows its own error page, so the app would wait
// for a callback that never comes), or the app's own redirect URI is not a loopback URI it
// can listen on (RFC 8252 §7.3).
type RedirectUnusableError struct {
	AppID      string   // the application, as passed to Fix
	AppName    string   // its name, when it was looked up
	Own        string   // the loopback redirect URI this app listens on
	Registered []string // the application's redirect URIs, as PingOne returned them
	// OwnUnusable is set when the app's own redirect URI is the problem; no change to
	// the application can fix that.
	OwnUnusable bool
}

func (e *RedirectUnusableError) Error() string {
	if e.OwnUnusable {
		return "app: the redirect URI " + e.Own + " is not a loopback URI this app can listen on"
	}
	return "app: the application's redirect URIs (" + e.registered() + ") do not include " + e.Own
}

// Fixable reports whether the application's self-check fix (FindingRedirectURI) would
// make the sign-in possible.
func (e *RedirectUnusableError) Fixable() bool { return !e.OwnUnusable && e.AppID != "" }

// registered lists the registered URIs for a message: cleaned, at most three.
func (e *RedirectUnusableError) registered() string {
	if len(e.Registered) == 0 {
		return "none"
	}
	var parts []string
	for i, u := range e.Registered {
		if i == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, pingone.SanitizeText(u, 120))
	}
	return strings.Join(parts, ", ")
}

// explain is the error in plain words, for Explain.
func (e *RedirectUnusableError) explain() (title, remedy string) {
	if e.OwnUnusable {
		return "PKCE Desk cannot wait for the browser at " + pingone.SanitizeText(e.Own, 120) + ".",
			"Its redirect URI must be an http loopback address such as " + pingone.SeedRedirectURI + "."
	}
	title = "This application does not send the browser back to PKCE Desk, so the sign-in could never finish."
	if len(e.Registered) == 0 {
		title = "This application has no redirect URI, so the browser could never come back to PKCE Desk."
	}
	remedy = "PKCE Desk waits at " + e.Own + "; the application only allows " + e.registered() + ". " +
		"Use Fix redirect to add " + e.Own + " to the application (the Applications screen's self-check does the same), then sign in again."
	if len(e.Registered) == 0 {
		remedy = "Use Fix redirect to add " + e.Own + " to the application (the Applications screen's self-check does the same), then sign in again."
	}
	return title, remedy
}

// checkBrowserRedirect refuses a browser sign-in that would wait for a redirect that
// cannot come. The application is looked up through the Management API; if that is not
// possible (no worker secret, network), the sign-in goes ahead: only a known-bad redirect
// is refused, and the sign-in's countdown still bounds the wait.
func (d *Desk) checkBrowserRedirect(ctx context.Context, clientID string) error {
	if !listenableRedirect(d.redirectURI) {
		return &RedirectUnusableError{AppID: clientID, Own: d.redirectURI, OwnUnusable: true}
	}
	a, err := d.GetApplication(ctx, clientID)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if errors.Is(err, errClosed) {
			return err
		}
		return nil
	}
	if redirectAccepted(a.RedirectURIs, d.redirectURI) {
		return nil
	}
	return &RedirectUnusableError{
		AppID: a.ID, AppName: a.Name, Own: d.redirectURI,
		Registered: append([]string(nil), a.RedirectURIs...),
	}
}

// FixRedirect registers the app's loopback redirect URI on the application (the
// self-check's FindingRedirectURI fix) and returns the fresh self-check.
func (d *Desk) FixRedirect(ctx context.Context, appID string) (*SelfCheck, error) {
	return d.Fix(ctx, appID, FindingRedirectURI)
}

// listenableRedirect reports whether uri is a loopback URI the sign-in's receiver can
// listen on: http, a loopback host, no user info, query or fragment (RFC 8252 §7.3).
func listenableRedirect(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "http" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return false
	}
	switch strings.ToLower(u.Hostname()) {
	case "localhost", "127.0.0.1", "::1":
	default:
		return false
	}
	return u.EscapedPath() != "/done" // the receiver's own page after a callback
}

// redirectAccepted reports whether PingOne would accept own as the redirect_uri of an
// application registered with these URIs: an exact match, or a loopback URI that differs
// only in its port, which PingOne (like RFC 8252 §7.3) lets vary. A registered wildcard
// may match too; the app cannot see whether wildcards are allowed, so it does not refuse
// then.
func redirectAccepted(registered []string, own string) bool {
	o, err := url.Parse(own)
	if err != nil {
		return false
	}
	for _, reg := range registered {
		if reg == own || strings.Contains(reg, "*") {
			return true
		}
		r, err := url.Parse(reg)
		if err != nil || r.User != nil || r.RawQuery != "" || r.Fragment != "" {
			continue
		}
		if r.Scheme == o.Scheme && strings.EqualFold(r.Hostname(), o.Hostname()) && r.EscapedPath() == o.EscapedPath() {
			return true
		}
	}
	return false
}
