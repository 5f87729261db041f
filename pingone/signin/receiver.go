package signin

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// DefaultRedirectURI is the loopback redirect URI PKCE Desk registers for its native app:
// the seed application's (RFC 8252 §7.3 loopback redirect).
const DefaultRedirectURI = pingone.SeedRedirectURI

// defaultReadHeaderTimeout closes a connection that has not sent its request headers in
// time, so a slowloris client cannot hold the port's goroutines and descriptors
// (case A17).
const defaultReadHeaderTimeout = 5 * time.Second

// donePath is where a successful callback sends the browser (303), so the code leaves the
// address bar and history (RFC 9700 §4.3.1, RFC 6749 §3.1.2.5).
const donePath = "/done"

// ReceiverOptions configures a loopback Receiver.
type ReceiverOptions struct {
	// RedirectURI is the registered loopback redirect URI; port and path are taken from
	// it. Empty means DefaultRedirectURI.
	RedirectURI string
	// State is the attempt's state value; required.
	State string
	// Issuer, when set, is compared with an RFC 9207 iss parameter if the callback has
	// one. RequireIssuer makes a missing iss an error (discovery advertised
	// authorization_response_iss_parameter_supported).
	Issuer        string
	RequireIssuer bool
	// OnCallback, if set, is told about every request the listener answers (status and a
	// short reason without any request data).
	OnCallback func(status int, reason string)

	// readHeaderTimeout and maxWaitingConns override defaultReadHeaderTimeout and
	// defaultMaxWaitingConns; tests shorten them.
	readHeaderTimeout time.Duration
	maxWaitingConns   int
}

// Receiver is the loopback endpoint that receives one authorization response
// (RFC 8252 §7.3). It listens on 127.0.0.1 and [::1] for the redirect URI's port, so a
// browser resolving localhost to either address reaches us and no other program can
// squat the second stack (case ).
//
// Only a response that carries the attempt's state can end the attempt. Anything else
// on the port (a web page's <img> to /callback?error=access_denied, a port scan, the late
// redirect of an earlier attempt) is answered and forgotten, however often it comes: the
// attempt ends with the right state, a cancel, or its overall timeout.
type Receiver struct {
	handler   *callbackHandler
	server    *http.Server
	listeners []net.Listener
	port      int
	serving   sync.WaitGroup
	closeOnce sync.Once
}

// parseLoopbackRedirect checks that uri is an http loopback URI and returns port and path.
func parseLoopbackRedirect(uri string) (host string, port int, path string, err error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", 0, "", fmt.Errorf("signin: redirect URI is not a URL: %w", err)
	}
	if u.Scheme != "http" {
		return "", 0, "", fmt.Errorf("signin: redirect URI %q must use http on a loopback address (RFC 8252 §7.3)", uri)
	}
	host = strings.ToLower(u.Hostname())
	if host != "localhost" && host != "127.0.0.1" && host != "::1" {
		return "", 0, "", fmt.Errorf("signin: redirect URI %q is not a loopback address", uri)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", 0, "", fmt.Errorf("signin: redirect URI %q must not carry user info, query or fragment", uri)
	}
	port = 80
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return "", 0, "", fmt.Errorf("signin: redirect URI %q has an invalid port", uri)
		}
	}
	path = u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if path == donePath {
		return "", 0, "", fmt.Errorf("signin: redirect URI path %q is reserved", path)
	}
	return host, port, path, nil
}

// ListenLoopback binds the redirect URI's port on both loopback addresses and starts
// serving. It must be called before the browser is opened, so the redirect can never
// reach a closed port or a squatter (case A19/A20).
func ListenLoopback(opts ReceiverOptions) (*Receiver, error) {
	if opts.RedirectURI == "" {
		opts.RedirectURI = DefaultRedirectURI
	}
	if opts.State == "" || !isVSChars(opts.State) {
		// The state is compared with what comes back in the redirect, which can only
		// carry printable ASCII (RFC 6749 Appendix A.5).
		return nil, errors.New("signin: receiver needs a state value of printable ASCII")
	}
	if opts.readHeaderTimeout <= 0 {
		opts.readHeaderTimeout = defaultReadHeaderTimeout
	}
	_, port, path, err := parseLoopbackRedirect(opts.RedirectURI)
	if err != nil {
		return nil, err
	}
	listeners, err := listenBothStacks(port)
	if err != nil {
		return nil, err
	}
	h := newCallbackHandler(opts, port, path)
	guard := newConnGuard(opts.maxWaitingConns)
	r := &Receiver{
		handler:   h,
		listeners: listeners,
		port:      port,
		server: &http.Server{
			Handler:           h,
			ConnState:         guard.track,
			ReadHeaderTimeout: opts.readHeaderTimeout,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      10 * time.Second,
			IdleTimeout:       15 * time.Second,
			// Go adds 4 KiB of slack; a 64 kB query gets 431 (case A14).
			MaxHeaderBytes: 16 << 10,
			// The server's own log lines can quote request data; drop them.
			ErrorLog: log.New(io.Discard, "", 0),
		},
	}
	for _, l := range listeners {
		r.serving.Add(1)
		go func(l net.Listener) {
			defer r.serving.Done()
			_ = r.server.Serve(l)
		}(l)
	}
	return r, nil
}

// listenBothStacks binds 127.0.0.1:port and [::1]:port. net.Listen on a host name binds
// at most one of its addresses, so the two literals are bound explicitly.
func listenBothStacks(port int) ([]net.Listener, error) {
	p := strconv.Itoa(port)
	v4, err := net.Listen("tcp4", "127.0.0.1:"+p)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EACCES) {
			return nil, &PortInUseError{Port: port, Address: "127.0.0.1"}
		}
		return nil, fmt.Errorf("signin: cannot listen on 127.0.0.1:%d: %w", port, err)
	}
	v6, err := net.Listen("tcp6", "[::1]:"+p)
	if err != nil {
		if ipv6Unavailable(err) {
			// RFC 8252 §7.3: use what the host offers. Without IPv6 loopback nobody can
			// squat [::1] either, and browsers will use 127.0.0.1.
			return []net.Listener{v4}, nil
		}
		_ = v4.Close()
		if errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EACCES) {
			return nil, &PortInUseError{Port: port, Address: "::1"}
		}
		return nil, fmt.Errorf("signin: cannot listen on [::1]:%d: %w", port, err)
	}
	return []net.Listener{v4, v6}, nil
}

func ipv6Unavailable(err error) bool {
	return errors.Is(err, syscall.EADDRNOTAVAIL) ||
		errors.Is(err, syscall.EAFNOSUPPORT) ||
		errors.Is(err, syscall.EPROTONOSUPPORT)
}

// Port is the bound port.
func (r *Receiver) Port() int { return r.port }

// Addrs lists the bound addresses (one or two).
func (r *Receiver) Addrs() []net.Addr {
	out := make([]net.Addr, len(r.listeners))
	for i, l := range r.listeners {
		out[i] = l.Addr()
	}
	return out
}

// Wait blocks until a callback with the attempt's state delivers a code or a final error,
// or ctx ends (then the context's cause is returned). Requests without the right state
// never make it return.
func (r *Receiver) Wait(ctx context.Context) (code string, err error) {
	select {
	case res := <-r.handler.results:
		return res.code, res.err
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

// DoneServed is closed once the browser has loaded the /done page.
func (r *Receiver) DoneServed() <-chan struct{} { return r.handler.doneServed }

// Close stops the listener: a short graceful shutdown (as oauth2cli does, 500 ms) and
// then a hard close. When it returns the port is free and no goroutine of the receiver
// remains.
func (r *Receiver) Close() error {
	r.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		if err := r.server.Shutdown(ctx); err != nil {
			_ = r.server.Close()
		}
		r.serving.Wait()
	})
	return nil
}

type callbackResult struct {
	code string
	err  error
}

// callbackHandler is the loopback HTTP handler. It is kept free of sockets so that the
// fuzz target can drive it directly.
type callbackHandler struct {
	path          string
	allowedHosts  map[string]bool
	state         []byte
	issuer        string
	requireIssuer bool
	onCallback    func(int, string)

	results    chan callbackResult // buffered 1; receives exactly one final result
	doneServed chan struct{}

	mu        sync.Mutex
	finished  bool
	completed bool
	doneOnce  sync.Once
}

func newCallbackHandler(opts ReceiverOptions, port int, path string) *callbackHandler {
	p := strconv.Itoa(port)
	hosts := map[string]bool{
		"localhost:" + p: true,
		"127.0.0.1:" + p: true,
		"[::1]:" + p:     true,
	}
	if port == 80 {
		hosts["localhost"], hosts["127.0.0.1"], hosts["[::1]"] = true, true, true
	}
	return &callbackHandler{
		path:          path,
		allowedHosts:  hosts,
		state:         []byte(opts.State),
		issuer:        opts.Issuer,
		requireIssuer: opts.RequireIssuer,
		onCallback:    opts.OnCallback,
		results:       make(chan callbackResult, 1),
		doneServed:    make(chan struct{}),
	}
}

// finish records the attempt's final result once; later calls are ignored.
func (h *callbackHandler) finishLocked(res callbackResult) {
	if h.finished {
		return
	}
	h.finished = true
	h.results <- res
}

func (h *callbackHandler) report(status int, reason string) {
	if h.onCallback != nil {
		h.onCallback(status, reason)
	}
}

func (h *callbackHandler) reply(w http.ResponseWriter, status int, page, reason string) {
	writePage(w, status, page)
	h.report(status, reason)
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// DNS rebinding: a page on a rebinding host name would send its own Host header.
	if !h.allowedHosts[strings.ToLower(r.Host)] {
		h.reply(w, http.StatusMisdirectedRequest, pageBadRequest, "unexpected Host header")
		return
	}
	// Exact path only: "/callback/", "//callback", "/callback;x" and encoded variants
	// are different resources (case A11).
	if r.URL.RawPath != "" {
		h.reply(w, http.StatusNotFound, pageNotFound, "unknown path")
		return
	}
	switch r.URL.Path {
	case donePath:
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			h.reply(w, http.StatusMethodNotAllowed, pageBadRequest, "method not allowed")
			return
		}
		h.reply(w, http.StatusOK, pageDone, "done page")
		h.doneOnce.Do(func() { close(h.doneServed) })
		return
	case h.path:
	default:
		h.reply(w, http.StatusNotFound, pageNotFound, "unknown path")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		h.reply(w, http.StatusMethodNotAllowed, pageBadRequest, "method not allowed")
		return
	}

	status, page, reason := h.handleCallback(r.URL.RawQuery)
	if status == http.StatusSeeOther {
		w.Header().Set("Location", donePath)
		setPageHeaders(w.Header())
		w.WriteHeader(status)
		h.report(status, reason)
		return
	}
	h.reply(w, status, page, reason)
}

// handleCallback decides on one authorization response. Its order is deliberate: the
// state is checked first, in constant time, so an error= or a code from anyone who does
// not know the state cannot end or steer the attempt (case A2–A5, A24). Requests
// refused before the lock below leave the attempt exactly as it was: there is no counter
// of bad hits, because any web page the user visits can send them and a count would let
// it abort the sign-in. Without the state a response cannot be tied to this attempt
// (RFC 6749 §10.12), so it is neither an answer nor a failure of it.
func (h *callbackHandler) handleCallback(rawQuery string) (status int, page, reason string) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return refused("unparsable query")
	}
	states := q["state"]
	if len(states) != 1 || subtle.ConstantTimeCompare([]byte(states[0]), h.state) != 1 {
		// A state with CR, LF, NUL or non-ASCII bytes ends here too: ours is printable
		// ASCII (checked in ListenLoopback), so it cannot be equal.
		return refused("missing or wrong state")
	}
	for _, name := range []string{"code", "error", "error_description", "iss"} {
		if len(q[name]) > 1 {
			// Parameter pollution: which code would be the real one? (case A9)
			return refused("duplicated parameter")
		}
	}
	if code, ok := q["code"]; ok && !isVSChars(code[0]) {
		// RFC 6749 Appendix A.11: a code is printable ASCII. Anything else is not
		// PingOne's and must not reach the token request or a log line.
		return refused("code outside printable ASCII")
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.completed || h.finished {
		// State is single-use (RFC 9700 §4.2.4): a reload or a second tab never leads to
		// a second exchange (case A10).
		return http.StatusConflict, pageAlreadyDone, "already completed"
	}

	if iss, ok := q["iss"]; ok || h.requireIssuer {
		got := ""
		if ok {
			got = iss[0]
		}
		if h.issuer != "" && got != h.issuer {
			h.finishLocked(callbackResult{err: &IssuerMismatchError{Expected: h.issuer, Got: cleanText(got, 200)}})
			return http.StatusBadRequest, pageFailed, "issuer mismatch"
		}
	}

	if _, ok := q["error"]; ok {
		// An error wins over a code sent alongside it (case A8).
		aerr := &AuthorizationError{
			Code:        cleanCode(q.Get("error")),
			Description: cleanText(q.Get("error_description"), 300),
		}
		h.finishLocked(callbackResult{err: aerr})
		if aerr.Cancelled() {
			return http.StatusOK, pageCancelled, "authorization cancelled"
		}
		return http.StatusBadRequest, pageFailed, "authorization error"
	}

	code := q.Get("code")
	if code == "" {
		h.finishLocked(callbackResult{err: ErrMalformedCallback})
		return http.StatusBadRequest, pageFailed, "neither code nor error"
	}
	h.completed = true
	h.finishLocked(callbackResult{code: code})
	return http.StatusSeeOther, "", "code received"
}

// refused answers a request that is not the attempt's authorization response. It touches
// no state of the attempt, so no number of them can end or alter it.
func refused(reason string) (int, string, string) {
	return http.StatusBadRequest, pageBadRequest, reason
}

// isVSChars reports whether every byte of s is a VSCHAR (%x20-7E), the alphabet RFC 6749
// Appendix A gives state and code. CR, LF, NUL, other control bytes, DEL and any
// non-ASCII byte fail.
func isVSChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
