package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// SignInElsewhereError refuses a browser sign-in because the loopback port is held by
// another PKCE Desk (a second instance, or another window) that is signing in itself
// (case F9). It wraps the *signin.PortInUseError: the port is busy all the same,
// only the holder is known.
type SignInElsewhereError struct {
	Port int
	Err  *signin.PortInUseError
}

func (e *SignInElsewhereError) Error() string {
	return fmt.Sprintf("app: PKCE Desk is already signing in in another window (port %d)", e.Port)
}

func (e *SignInElsewhereError) Unwrap() error { return e.Err }

func (e *SignInElsewhereError) explain() (title, remedy string) {
	return "PKCE Desk is already signing in in another window.",
		fmt.Sprintf("Finish or cancel that sign-in first (its browser tab, or Cancel in that window); it holds port %d, "+
			"which every browser sign-in needs. Then try again here.", e.Port)
}

// probeTimeout bounds the look at who holds the port: a squatter that never answers
// must not delay the message.
const probeTimeout = 2 * time.Second

// heldByPKCEDesk asks whoever holds the loopback port for a page that does not exist. Our
// own receiver answers any unknown path with its static 404 page (and a request without
// the attempt's state never affects that attempt), so the answer tells a PKCE Desk sign-in
// from another program without disturbing it. Loopback only, no proxy, no redirects, a
// small body limit.
func heldByPKCEDesk(ctx context.Context, pe *signin.PortInUseError) bool {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	host := pe.Address
	if host == "" {
		host = "127.0.0.1"
	}
	target := "http://" + net.JoinHostPort(host, strconv.Itoa(pe.Port)) + "/"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return false
	}
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return false
	}
	return resp.StatusCode == http.StatusNotFound &&
		strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") &&
		strings.Contains(string(body), "<title>PKCE Desk</title>")
}

// BrowserWait is the time limit of the running browser sign-in, for a countdown.
type BrowserWait struct {
	Deadline time.Time
	Timeout  time.Duration
}

// Left is the time that remains at now, never negative.
func (w BrowserWait) Left(now time.Time) time.Duration {
	if left := w.Deadline.Sub(now); left > 0 {
		return left
	}
	return 0
}

// BrowserWait returns the running browser sign-in's time limit; ok is false when no
// browser sign-in runs.
func (d *Desk) BrowserWait() (w BrowserWait, ok bool) {
	d.wait.mu.Lock()
	defer d.wait.mu.Unlock()
	if d.wait.cur == nil {
		return BrowserWait{}, false
	}
	return *d.wait.cur, true
}

// BrowserTimeLeft is how long the running browser sign-in still waits, on the desk's
// clock; ok is false when none runs.
func (d *Desk) BrowserTimeLeft() (left time.Duration, ok bool) {
	w, ok := d.BrowserWait()
	if !ok {
		return 0, false
	}
	return w.Left(d.now()), true
}

// browserSignIn runs one browser attempt with the desk's time limit, publishes that limit
// for the countdown while it runs, and names the holder of a busy port.
func (d *Desk) browserSignIn(ctx context.Context, client *signin.Client, opts signin.BrowserOptions) (*signin.Result, error) {
	open := d.opts.OpenBrowser
	opts.OpenBrowser = func(u string) error {
		// Step-through holds the browser's authorize request too, which the desk does
		// not send itself; a cancel while held ends the attempt through ctx.
		if err := d.holdNamed(ctx, "authorize"); err != nil {
			return err
		}
		return open(u)
	}
	opts.Timeout = d.browserTimeout()
	w := &BrowserWait{Deadline: d.now().Add(opts.Timeout), Timeout: opts.Timeout}
	d.wait.mu.Lock()
	d.wait.cur = w
	d.wait.mu.Unlock()
	defer func() {
		d.wait.mu.Lock()
		if d.wait.cur == w {
			d.wait.cur = nil
		}
		d.wait.mu.Unlock()
	}()
	// The holder of a busy port is named in the attempt's last event too, so the steps
	// and the outcome say the same. The event is emitted on this goroutine before
	// SignInBrowser returns; the look at the port is bounded by probeTimeout.
	var elsewhere *SignInElsewhereError
	onEvent := opts.OnEvent
	opts.OnEvent = func(ev signin.Event) {
		if ev.Kind == signin.EventFailed {
			if e := identifyHolder(ctx, ev.Err); e != nil {
				elsewhere = e
				ev.Err, ev.Message = e, e.Error()
			}
		}
		if onEvent != nil {
			onEvent(ev)
		}
	}
	res, err := client.SignInBrowser(ctx, opts)
	if err != nil && elsewhere == nil {
		elsewhere = identifyHolder(ctx, err)
	}
	if err != nil && elsewhere != nil {
		return nil, elsewhere
	}
	return res, err
}

// identifyHolder turns a busy-port error into a *SignInElsewhereError when the holder is
// a PKCE Desk; otherwise it returns nil.
func identifyHolder(ctx context.Context, err error) *SignInElsewhereError {
	var pe *signin.PortInUseError
	if errors.As(err, &pe) && heldByPKCEDesk(ctx, pe) {
		return &SignInElsewhereError{Port: pe.Port, Err: pe}
	}
	return nil
}

func (d *Desk) browserTimeout() time.Duration {
	if d.opts.BrowserTimeout > 0 {
		return d.opts.BrowserTimeout
	}
	return signin.DefaultBrowserTimeout
}
