package signin

import (
	"context"
	"errors"
	"net/url"
	"time"
)

// DefaultBrowserTimeout is how long a browser sign-in may take overall (case F1).
const DefaultBrowserTimeout = 5 * time.Minute

// BrowserOptions configure one browser sign-in.
type BrowserOptions struct {
	// OpenBrowser opens the authorize URL in the system browser; required. It is called
	// after the listener is bound and after EventAuthorizeURL was emitted, because
	// opening a browser can fail silently and the user may need to copy the URL.
	OpenBrowser func(url string) error
	// OnEvent receives the attempt's events, in order, on the attempt's goroutines. It
	// must return quickly and must not wait for the attempt (e.g. call Run.Cancel
	// synchronously): a GUI should hand the event to its own thread (fyne.Do).
	OnEvent func(Event)
	// Timeout bounds the whole attempt; default DefaultBrowserTimeout.
	Timeout time.Duration
	// AuthParams adds optional authorize parameters (prompt, login_hint, max_age,
	// acr_values). Parameters that carry the attempt's protections cannot be replaced.
	AuthParams url.Values
	// DoneLinger is how long the listener stays up after the code arrived, waiting for
	// the browser to load the /done page; default 3 s.
	DoneLinger time.Duration
}

// SignInBrowser runs the authorization-code flow with PKCE through the system browser
// and the loopback redirect (RFC 8252). It returns when the attempt ends: a callback
// carrying the attempt's state, a cancel of ctx, or opts.Timeout. Requests to the loopback
// port without that state (stray page requests, scans, an earlier attempt's redirect) are
// refused and never end it. When it returns, the listener is closed and its goroutines
// are gone.
func (c *Client) SignInBrowser(ctx context.Context, opts BrowserOptions) (res *Result, err error) {
	if opts.OpenBrowser == nil {
		return nil, errors.New("signin: BrowserOptions.OpenBrowser is required")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultBrowserTimeout
	}
	if opts.DoneLinger <= 0 {
		opts.DoneLinger = 3 * time.Second
	}
	ctx, cancel := context.WithTimeoutCause(ctx, opts.Timeout, ErrTimedOut)
	defer cancel()

	a := c.newAttempt("browser", opts.OnEvent, nil)
	defer func() {
		err = causeOf(ctx, err)
		if res != nil {
			res.Exchanges = a.exchanges()
		}
		a.end(res, err)
	}()
	a.emit(Event{Kind: EventStarted, Step: "discovery", Message: "reading the issuer's configuration"})

	m, err := c.discoverWith(ctx, a.http)
	if err != nil {
		return nil, err
	}
	if _, _, err := c.sharedVerifier(m); err != nil { // an unusable jwks_uri fails now
		return nil, err
	}
	s, err := NewAttemptSecrets()
	if err != nil {
		return nil, err
	}
	a.emit(Event{Kind: EventPKCE, Step: "pkce", PKCE: &s, Message: "fresh PKCE verifier, state and nonce for this attempt"})

	// Bind before the browser opens: the redirect must never reach a closed port or a
	// squatter (case A19/A20).
	recv, err := ListenLoopback(ReceiverOptions{
		RedirectURI:   c.cfg.RedirectURI,
		State:         s.State,
		Issuer:        m.Issuer,
		RequireIssuer: m.AuthorizationResponseIssParameterSupported,
		OnCallback: func(status int, reason string) {
			a.emit(Event{Kind: EventCallback, Step: "callback", Status: status, Message: reason})
		},
	})
	if err != nil {
		return nil, err
	}
	defer recv.Close()

	authURL := c.AuthorizeURL(m, s, opts.AuthParams)
	a.emit(Event{Kind: EventAuthorizeURL, Step: "authorize", AuthorizeURL: authURL, Message: "open this URL in a browser to sign in"})
	if err := opts.OpenBrowser(authURL); err != nil {
		// Not fatal: the user can copy the URL (case A22).
		a.emit(Event{Kind: EventBrowserError, Step: "authorize", Err: err, Message: "the browser could not be opened; copy the authorize URL instead"})
	}
	a.emit(Event{Kind: EventWaiting, Step: "callback", Message: "waiting for the browser to return"})

	code, err := recv.Wait(ctx)
	if err != nil {
		return nil, err
	}
	res, err = c.exchange(ctx, a.http, m, code, s, opts.AuthParams)
	if err != nil {
		return nil, err
	}
	// Give the browser a moment to load /done before the port closes, so the user sees
	// the page instead of "connection refused".
	linger := time.NewTimer(opts.DoneLinger)
	defer linger.Stop()
	select {
	case <-recv.DoneServed():
	case <-linger.C:
	case <-ctx.Done():
	}
	return res, nil
}
