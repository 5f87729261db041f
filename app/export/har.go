package export

import (
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// The HTTP Archive 1.2 format, as specified by Jan Odvarko
// (http://www.softwareishard.com/blog/har-12-spec/). Members the spec marks required are
// always written; optional ones are left out when empty. Custom members start with an
// underscore, as the spec asks; "_error" on a response is the name Chrome DevTools reads
// and writes for a request that failed before a response arrived.
type harDoc struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Entries []harEntry `json:"entries"`
	Comment string     `json:"comment,omitempty"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
	// Step is PKCE Desk's name of the flow step the exchange belongs to.
	Step string `json:"_step,omitempty"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harCookie  `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []harCookie `json:"cookies"`
	Headers     []harNV     `json:"headers"`
	Content     harContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
	Error       string      `json:"_error,omitempty"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

type harPostData struct {
	MimeType string     `json:"mimeType"`
	Params   []harParam `json:"params"`
	Text     string     `json:"text"`
}

type harParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
}

// harTimings: the transcript measures one duration per exchange, from sending the
// request to reading the whole body. It goes into wait; send and receive are 0 and the
// phases that were not measured are -1, so the entry's time (the sum of the non -1
// phases) equals the duration, as the spec requires.
type harTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

// HAR renders the run's HTTP exchanges as an HTTP Archive 1.2 file that browser
// developer tools, Fiddler and Charles import: one entry per step that has an exchange,
// in order, redacted again on the way out.
func HAR(r Run) ([]byte, error) {
	r = jsRedacted(r)
	title := mdTitleKind(r.Kind)
	if r.Mode != "" {
		title += " (" + r.Mode + ")"
	}
	if r.Outcome != "" {
		title += " " + r.Outcome
	}
	// No pages: the spec makes them optional, and Chrome DevTools would show a page's first
	// request as a document. The run is described in the log's comment instead.
	doc := harDoc{Log: harLog{
		Version: "1.2",
		Creator: harCreator{Name: "PKCE Desk", Version: jsText(AppVersion)},
		Entries: []harEntry{},
		Comment: harLogComment(r, title),
	}}
	for i, s := range r.Steps {
		if s.Exchange == nil {
			continue
		}
		e := harEntryOf(*s.Exchange, harStart(s, r.Started))
		e.Step = s.Name
		e.Comment = harComment(i+1, s)
		doc.Log.Entries = append(doc.Log.Entries, e)
	}
	// A lab run's requests belong to its cases; they are added after the steps' own
	// (once: a step may carry the same exchange).
	if r.Lab != nil {
		type key struct {
			id       int
			url      string
			started  time.Time
			duration time.Duration
		}
		seen := map[key]bool{}
		for _, s := range r.Steps {
			if x := s.Exchange; x != nil {
				seen[key{x.ID, x.URL, x.Started, x.Duration}] = true
			}
		}
		for _, res := range r.Lab.Results {
			for _, x := range res.Exchanges {
				k := key{x.ID, x.URL, x.Started, x.Duration}
				if seen[k] {
					continue
				}
				seen[k] = true
				start := x.Started
				if start.IsZero() {
					start = r.Started
				}
				e := harEntryOf(x, start)
				e.Step = x.Step
				e.Comment = jsCaseTitle(res.Case) + " (" + string(res.Verdict) + "): " + x.Step
				doc.Log.Entries = append(doc.Log.Entries, e)
			}
		}
	}
	return jsMarshal(doc)
}

// harStart is when the step's request left: the exchange's start, else the step's,
// else the run's.
func harStart(s Step, run time.Time) time.Time {
	switch {
	case s.Exchange != nil && !s.Exchange.Started.IsZero():
		return s.Exchange.Started
	case !s.At.IsZero():
		return s.At
	}
	return run
}

// harLogComment says what the archive is and, for a run that did not succeed, what failed,
// so that a viewer showing only the log's comment still tells the story.
func harLogComment(r Run, title string) string {
	c := "PKCE Desk run " + strconv.FormatUint(r.ID, 10) + ": " + title + ". Secrets are replaced by " + pingone.Redacted + "."
	if f, ok := jsFailure(r); ok {
		c += " What failed: " + f.Title
		if f.Reason != "" {
			c += ": " + f.Reason
		}
		if !strings.HasSuffix(c, ".") {
			c += "."
		}
	}
	return c
}

func harComment(n int, s Step) string {
	name := s.Label
	if name == "" {
		name = s.Name
	}
	c := "Step " + strconv.Itoa(n) + ": " + name
	if s.State != "" {
		c += " (" + s.State + ")"
	}
	if s.Reason != "" {
		c += ": " + s.Reason
	}
	return c
}

func harEntryOf(x pingone.Exchange, started time.Time) harEntry {
	d := x.Duration
	if d <= 0 {
		d = 0
	}
	wait := jsMillis(d)
	e := harEntry{
		StartedDateTime: harTime(started),
		Time:            wait,
		Request:         harRequestOf(x),
		Response:        harResponseOf(x),
		Timings:         harTimings{Blocked: -1, DNS: -1, Connect: -1, Send: 0, Wait: wait, Receive: 0, SSL: -1},
	}
	return e
}

func harRequestOf(x pingone.Exchange) harRequest {
	method := x.Method
	if method == "" {
		method = http.MethodGet
	}
	req := harRequest{
		Method:      method,
		URL:         x.URL,
		HTTPVersion: harVersion(x.URL),
		Cookies:     harRequestCookies(x.RequestHeader),
		Headers:     harHeaders(x.RequestHeader),
		QueryString: harQuery(x.URL),
		HeadersSize: -1,
		BodySize:    len(x.RequestBody),
	}
	if x.RequestBody != "" {
		pd := &harPostData{MimeType: harMime(x.RequestHeader, "application/octet-stream"), Params: []harParam{}, Text: x.RequestBody}
		if mt, _, err := mime.ParseMediaType(pd.MimeType); err == nil && mt == "application/x-www-form-urlencoded" {
			for _, nv := range harPairs(x.RequestBody) {
				pd.Params = append(pd.Params, harParam(nv))
			}
		}
		req.PostData = pd
	}
	return req
}

func harResponseOf(x pingone.Exchange) harResponse {
	if x.Status == 0 {
		reason := x.Err
		if reason == "" {
			reason = "no response"
		}
		return harResponse{
			Status: 0, StatusText: "", HTTPVersion: "", Cookies: []harCookie{}, Headers: []harNV{},
			Content:     harContent{Size: 0, MimeType: "x-unknown"},
			RedirectURL: "", HeadersSize: -1, BodySize: -1, Error: reason,
		}
	}
	size := len(x.ResponseBody)
	bodySize := -1
	if n, err := strconv.Atoi(x.ResponseHeader.Get("Content-Length")); err == nil && n >= 0 {
		size, bodySize = n, n
	}
	return harResponse{
		Status:      x.Status,
		StatusText:  http.StatusText(x.Status),
		HTTPVersion: harVersion(x.URL),
		Cookies:     harResponseCookies(x.ResponseHeader),
		Headers:     harHeaders(x.ResponseHeader),
		Content:     harContent{Size: size, MimeType: harMime(x.ResponseHeader, "x-unknown"), Text: x.ResponseBody},
		RedirectURL: x.ResponseHeader.Get("Location"),
		HeadersSize: -1,
		BodySize:    bodySize,
	}
}

// harVersion: the transcript does not record the protocol. Plain http is HTTP/1.1 with
// Go's client; over https the client may have negotiated HTTP/2, so it is left empty
// rather than guessed.
func harVersion(rawURL string) string {
	if strings.HasPrefix(strings.ToLower(rawURL), "http://") {
		return "HTTP/1.1"
	}
	return ""
}

func harMime(h http.Header, fallback string) string {
	if ct := h.Get("Content-Type"); ct != "" {
		return ct
	}
	return fallback
}

func harHeaders(h http.Header) []harNV {
	out := []harNV{}
	for _, nv := range jsHeaders(h) {
		out = append(out, harNV(nv))
	}
	return out
}

// harQuery lists the URL's query parameters in order, decoded (the spec's queryString).
func harQuery(rawURL string) []harNV {
	_, query, ok := strings.Cut(rawURL, "?")
	if !ok {
		return []harNV{}
	}
	query, _, _ = strings.Cut(query, "#")
	return harPairs(query)
}

// harPairs splits an application/x-www-form-urlencoded string, keeping the order and
// repeated names; a value that does not decode is kept as it is.
func harPairs(s string) []harNV {
	out := []harNV{}
	for _, part := range strings.Split(s, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		out = append(out, harNV{Name: jsText(harUnescape(name)), Value: jsText(harUnescape(value))})
	}
	return out
}

func harUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func harRequestCookies(h http.Header) []harCookie {
	out := []harCookie{}
	for _, line := range h.Values("Cookie") {
		for _, part := range strings.Split(line, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
			if name != "" {
				out = append(out, harCookie{Name: name, Value: value})
			}
		}
	}
	return out
}

func harResponseCookies(h http.Header) []harCookie {
	out := []harCookie{}
	for _, line := range h.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			nameValue, _, _ := strings.Cut(line, ";")
			name, value, _ := strings.Cut(strings.TrimSpace(nameValue), "=")
			if name != "" {
				out = append(out, harCookie{Name: name, Value: value})
			}
			continue
		}
		hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
		if !c.Expires.IsZero() {
			hc.Expires = harTime(c.Expires)
		}
		out = append(out, hc)
	}
	return out
}

// harTime is t in ISO 8601 with milliseconds, as the spec's examples write it.
func harTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
