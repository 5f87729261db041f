package pingone

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
)

// HTTPOptions configure NewHTTPClient. The zero value is usable.
type HTTPOptions struct {
	// Timeout bounds each request including reading the body; default DefaultHTTPTimeout.
	Timeout time.Duration
	// MaxResponseBytes bounds a buffered response body; default 1 MiB. Larger bodies fail
	// with ErrResponseTooLarge instead of being read into memory.
	MaxResponseBytes int64
	// Transcript records every exchange, redacted; nil records nothing.
	Transcript *Transcript
	// AlsoRecordTo are further transcripts that receive the same exchanges, after
	// Transcript and in this order (nil entries are skipped). Each exchange is redacted
	// once and the one record is shared, so stacking a second recording client for a
	// second transcript is never needed.
	AlsoRecordTo []*Transcript
	// Jar keeps cookies, needed by the pi.flow API; nil keeps none.
	Jar http.CookieJar
	// FollowRedirects makes the client follow 3xx responses. Off by default: an OAuth
	// client must see redirects itself (a redirect can carry a code, or point at a foreign
	// host; RFC 9700 §4.12), so 3xx responses are returned as they are.
	FollowRedirects bool
	// Transport is the underlying round tripper; default a clone of http.DefaultTransport.
	Transport http.RoundTripper
	// UserAgent is sent when a request has none; default "PKCE Desk".
	UserAgent string
}

// DefaultHTTPTimeout bounds each HTTP request to PingOne, the sign-in's included, when no
// other timeout is configured.
const DefaultHTTPTimeout = 30 * time.Second

const (
	defaultMaxResponseBytes = 1 << 20
	defaultUserAgent        = "PKCE Desk"
)

// ErrResponseTooLarge reports a response body above HTTPOptions.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("pingone: response body too large")

// NewHTTPClient returns the one HTTP client every PingOne call goes through.
//
// Recording and the size bound live in a RoundTripper rather than in helper functions so
// that third-party code handed this client (golang.org/x/oauth2, keyfunc) is bounded and
// recorded too. The response body is read (bounded) inside the round trip and replaced by
// an in-memory reader, so the transcript sees exactly what the caller sees.
func NewHTTPClient(o HTTPOptions) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultHTTPTimeout
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = defaultMaxResponseBytes
	}
	if o.UserAgent == "" {
		o.UserAgent = defaultUserAgent
	}
	base := o.Transport
	if base == nil {
		base = defaultTransport()
	}
	// The timeout is enforced inside the round trip rather than with http.Client.Timeout:
	// for wrapped transports the client cancels through the legacy Request.Cancel channel,
	// and the resulting "request canceled" cannot be told apart from a user's cancel.
	var sinks []*Transcript
	for _, t := range append([]*Transcript{o.Transcript}, o.AlsoRecordTo...) {
		if t != nil && !slices.Contains(sinks, t) {
			sinks = append(sinks, t)
		}
	}
	c := &http.Client{
		Transport: &recordingTransport{base: base, opts: o, sinks: sinks},
		Jar:       o.Jar,
	}
	if !o.FollowRedirects {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	} else {
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("pingone: stopped after 10 redirects")
			}
			// Never let a redirect downgrade an https exchange to cleartext.
			if len(via) > 0 && via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return errors.New("pingone: refused redirect from https to http")
			}
			return nil
		}
	}
	return c
}

func defaultTransport() http.RoundTripper {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t := dt.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.MinVersion = tls.VersionTLS12
	t.ResponseHeaderTimeout = DefaultHTTPTimeout
	return t
}

type recordingTransport struct {
	base  http.RoundTripper
	opts  HTTPOptions
	sinks []*Transcript // the transcripts each exchange goes to; empty records nothing
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A RoundTripper must not modify the caller's request; work on a shallow clone.
	out := req.Clone(req.Context())
	if out.Header.Get("User-Agent") == "" {
		out.Header.Set("User-Agent", t.opts.UserAgent)
	}
	reqBody, err := snapshotRequestBody(req, out)
	if err != nil {
		return nil, err
	}
	if hold := holdFrom(req.Context()); hold != nil {
		// Before the timeout starts: a held request has not been sent yet.
		if err := hold(req.Context(), pendingExchange(out, reqBody)); err != nil {
			if out.Body != nil {
				out.Body.Close()
			}
			return nil, err
		}
	}
	started := time.Now()
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.opts.Timeout, &TimeoutError{After: t.opts.Timeout})
	// The body is fully buffered before RoundTrip returns, so the context may end with it.
	defer cancel()
	out = out.WithContext(ctx)

	// Redaction is the costly part of recording: it is done once, here, however many
	// transcripts receive the exchange, and not at all when there is none.
	sinks := t.sinks
	if extra := recordersFrom(req.Context()); len(extra) > 0 {
		sinks = slices.Clone(sinks)
		for _, tr := range extra {
			if !slices.Contains(sinks, tr) {
				sinks = append(sinks, tr)
			}
		}
	}
	recording := len(sinks) > 0
	var ex Exchange
	if recording {
		ex = Exchange{
			Step:          StepFrom(req.Context()),
			Method:        out.Method,
			URL:           redactURL(out.URL.String()),
			RequestHeader: redactHeader(out.Header),
			RequestBody:   redactBody(out.Header.Get("Content-Type"), reqBody),
			Started:       started,
		}
	}
	record := func() {
		if !recording {
			return
		}
		ex.Duration = time.Since(started)
		for _, tr := range sinks {
			tr.add(ex)
		}
	}

	resp, err := t.base.RoundTrip(out)
	if err != nil {
		err = t.timeoutAware(req, ctx, err)
		ex.Err = classifyNetworkError(err)
		record()
		return nil, err
	}
	ex.Status = resp.StatusCode
	if recording {
		ex.ResponseHeader = redactHeader(resp.Header)
	}

	body, readErr := readBounded(resp.Body, resp.ContentLength, t.opts.MaxResponseBytes)
	resp.Body.Close()
	switch {
	case readErr != nil:
		readErr = t.timeoutAware(req, ctx, readErr)
		ex.Err = classifyNetworkError(readErr)
		record()
		return nil, readErr
	case int64(len(body)) > t.opts.MaxResponseBytes:
		ex.Err = "response too large"
		ex.ResponseBody = fmt.Sprintf("[more than %d bytes, discarded]", t.opts.MaxResponseBytes)
		record()
		return nil, ErrResponseTooLarge
	}
	if recording {
		ex.ResponseBody = redactBody(resp.Header.Get("Content-Type"), body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	resp.Header.Set("Content-Length", fmt.Sprint(len(body)))
	record()
	return resp, nil
}

// readBounded reads at most max+1 bytes of r, so that a body over max can be told
// apart. A declared length within the bound sizes the buffer up front, saving
// io.ReadAll's repeated growing; the length is only a hint, the read still ends at EOF.
func readBounded(r io.Reader, declared, max int64) ([]byte, error) {
	if declared < 0 || declared > max {
		return io.ReadAll(io.LimitReader(r, max+1))
	}
	buf := bytes.NewBuffer(make([]byte, 0, declared+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r, max+1))
	return buf.Bytes(), err
}

// timeoutAware replaces err by a *TimeoutError when our own per-request deadline (and not
// the caller's context) ended the exchange.
func (t *recordingTransport) timeoutAware(req *http.Request, ctx context.Context, err error) error {
	if req.Context().Err() == nil && ctx.Err() != nil {
		var te *TimeoutError
		if errors.As(context.Cause(ctx), &te) {
			return te
		}
	}
	return err
}

// TimeoutError reports that no complete response arrived within HTTPOptions.Timeout.
// It matches context.DeadlineExceeded with errors.Is and reports Timeout() == true, like
// the errors net/http returns for its own timeouts.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string   { return fmt.Sprintf("pingone: no response within %s", e.After) }
func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Temporary() bool { return true }
func (e *TimeoutError) Unwrap() error   { return context.DeadlineExceeded }

// snapshotRequestBody returns the request body bytes for the transcript and makes sure out
// still has a readable body. GetBody is preferred because it leaves the caller's reader alone.
func snapshotRequestBody(req, out *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err == nil {
			defer rc.Close()
			// Request bodies are ours (forms, small JSON); bound the copy all the same.
			return io.ReadAll(io.LimitReader(rc, maxRecordedBody+1))
		}
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	out.Body = io.NopCloser(bytes.NewReader(b))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	out.ContentLength = int64(len(b))
	return b, nil
}

// classifyNetworkError names the class of a transport failure ("timeout", "connection
// refused", "DNS lookup failed", "TLS certificate rejected", ...). It never returns the error
// text itself: net/http errors quote the full request URL, query string included.
func classifyNetworkError(err error) string {
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unkAuth x509.UnknownAuthorityError
		hostErr x509.HostnameError
		recErr  tls.RecordHeaderError
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrResponseTooLarge):
		return "response too large"
	case errors.Is(err, context.Canceled), err.Error() == "net/http: request canceled":
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case errors.As(err, &dnsErr):
		return "DNS lookup failed"
	case errors.As(err, &certErr), errors.As(err, &unkAuth), errors.As(err, &hostErr):
		return "TLS certificate rejected"
	case errors.As(err, &recErr):
		return "TLS handshake failed"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	if strings.Contains(err.Error(), "tls:") {
		return "TLS handshake failed"
	}
	return "network error"
}

// NetworkError is a transport failure with a message that is safe to show: only the class
// (see classifyNetworkError) and the host, never the URL. Unwrap gives the original error
// for errors.Is.
type NetworkError struct {
	Op    string // what was being done, e.g. "create application"
	Class string
	// Host is the host (and port, if any) that could not be reached, when the error says
	// which one it was; "" otherwise.
	Host string
	Err  error
}

func (e *NetworkError) Error() string {
	msg := "pingone: "
	if e.Op != "" {
		msg += e.Op + ": "
	}
	if e.Host != "" {
		return msg + "cannot reach " + e.Host + ": " + e.Class
	}
	return msg + "network error: " + e.Class
}

func (e *NetworkError) Unwrap() error { return e.Err }

// Timeout reports whether the failure was a timeout.
func (e *NetworkError) Timeout() bool { return e.Class == "timeout" }

// NewNetworkError wraps a transport error from an http.Client call.
func NewNetworkError(op string, err error) *NetworkError {
	return &NetworkError{Op: op, Class: classifyNetworkError(err), Host: hostOf(err), Err: err}
}

// hostOf names the host a transport error is about: from the request URL that net/http
// quotes in a *url.Error (only the host is kept: the rest can carry secrets), or from the
// resolver's or certificate checker's own error.
func hostOf(err error) string {
	var (
		ue      *url.Error
		dnsErr  *net.DNSError
		hostErr x509.HostnameError
	)
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return SanitizeText(u.Host, 255)
		}
	}
	if errors.As(err, &dnsErr) && dnsErr.Name != "" {
		return SanitizeText(dnsErr.Name, 255)
	}
	if errors.As(err, &hostErr) && hostErr.Host != "" {
		return SanitizeText(hostErr.Host, 255)
	}
	return ""
}
