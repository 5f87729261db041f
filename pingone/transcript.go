package pingone

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Exchange is one recorded HTTP request/response pair. Every field is already redacted
// when it is recorded, so an Exchange may be shown, copied or logged as it is.
type Exchange struct {
	ID   int
	Step string // from WithStep, e.g. "token", "authorize", "management"

	Method        string
	URL           string // secret query parameters replaced by Redacted
	RequestHeader http.Header
	RequestBody   string

	Status         int // 0 when the request failed before a response arrived
	ResponseHeader http.Header
	ResponseBody   string

	Started  time.Time
	Duration time.Duration

	// Err is the transport failure class ("timeout", "connection refused", ...); never the
	// raw error text, which can quote the request URL.
	Err string
}

// Curl renders the redacted request as a cURL command line. Secret values appear as the
// Redacted placeholder, so the command documents the call without replaying credentials.
func (e Exchange) Curl() string {
	var b strings.Builder
	b.WriteString("curl")
	if e.Method != "" && e.Method != http.MethodGet {
		b.WriteString(" -X ")
		b.WriteString(shellQuote(e.Method))
	}
	names := make([]string, 0, len(e.RequestHeader))
	for name := range e.RequestHeader {
		// Set by curl itself; repeating them only adds noise.
		if strings.EqualFold(name, "Content-Length") || strings.EqualFold(name, "Accept-Encoding") {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range e.RequestHeader[name] {
			b.WriteString(" \\\n  -H ")
			b.WriteString(shellQuote(name + ": " + v))
		}
	}
	if e.RequestBody != "" {
		b.WriteString(" \\\n  --data-raw ")
		b.WriteString(shellQuote(e.RequestBody))
	}
	b.WriteString(" \\\n  ")
	b.WriteString(shellQuote(e.URL))
	return b.String()
}

// shellQuote wraps s in single quotes for POSIX shells.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// DefaultTranscriptLimit is how many exchanges a Transcript keeps; older ones are dropped
// so that a long session cannot grow memory without bound.
const DefaultTranscriptLimit = 1000

// Transcript is a concurrency-safe, bounded log of HTTP exchanges.
//
// The entries live in a ring of at most limit slots: once it is full, each new exchange
// overwrites the oldest one in place, so recording costs the same at the limit as below
// it and memory stays bounded however long the session runs.
type Transcript struct {
	mu     sync.Mutex
	limit  int
	nextID int
	// ring holds the entries; it grows up to limit, then wraps. When full, ring[start]
	// is the oldest entry; before that start is 0.
	ring    []Exchange
	start   int
	subs    map[int]func(Exchange)
	nextSub int
}

// NewTranscript returns an empty transcript holding up to DefaultTranscriptLimit exchanges.
func NewTranscript() *Transcript {
	return &Transcript{limit: DefaultTranscriptLimit, subs: map[int]func(Exchange){}}
}

// Entries returns a copy of the recorded exchanges, oldest first.
func (t *Transcript) Entries() []Exchange {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Exchange, 0, len(t.ring))
	for _, e := range t.ring[t.start:] {
		out = append(out, e.clone())
	}
	for _, e := range t.ring[:t.start] {
		out = append(out, e.clone())
	}
	return out
}

// Clear forgets every recorded exchange (IDs keep increasing).
func (t *Transcript) Clear() {
	t.mu.Lock()
	t.ring, t.start = nil, 0
	t.mu.Unlock()
}

// Subscribe registers fn to be called with each exchange once it completes. fn runs on the
// goroutine that made the request, outside the transcript's lock; a GUI must hop to its own
// thread (fyne.Do) itself. The returned function removes the subscription.
func (t *Transcript) Subscribe(fn func(Exchange)) (unsubscribe func()) {
	t.mu.Lock()
	id := t.nextSub
	t.nextSub++
	t.subs[id] = fn
	t.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			delete(t.subs, id)
			t.mu.Unlock()
		})
	}
}

// add assigns an ID, stores e and notifies subscribers. e is stored as it is: its header
// maps may be shared with other transcripts fed by the same recording (see
// HTTPOptions.AlsoRecordTo), which is safe because nothing writes to a stored exchange and
// every reader (Entries, subscribers) gets its own copy.
func (t *Transcript) add(e Exchange) {
	t.mu.Lock()
	t.nextID++
	e.ID = t.nextID
	if len(t.ring) < max(t.limit, 1) {
		t.ring = append(t.ring, e)
	} else {
		// Full: the new entry takes the oldest one's slot, which makes the next
		// slot the oldest.
		t.ring[t.start] = e
		t.start = (t.start + 1) % len(t.ring)
	}
	var subs []func(Exchange)
	if len(t.subs) > 0 {
		subs = make([]func(Exchange), 0, len(t.subs))
		for _, fn := range t.subs {
			subs = append(subs, fn)
		}
	}
	t.mu.Unlock()
	for _, fn := range subs {
		fn(e.clone())
	}
}

func (e Exchange) clone() Exchange {
	e.RequestHeader = e.RequestHeader.Clone()
	e.ResponseHeader = e.ResponseHeader.Clone()
	return e
}

type stepKey struct{}

type recordKey struct{}

// RecordTo returns a context whose requests, made through a client from NewHTTPClient, are
// also recorded in t, redacted exactly as the client's own transcripts record them. A use
// case gets the exchanges of its own call this way, however many other requests the
// shared transcript records meanwhile. Nested calls add to the transcripts of ctx.
func RecordTo(ctx context.Context, t *Transcript) context.Context {
	if t == nil {
		return ctx
	}
	outer := recordersFrom(ctx)
	if slices.Contains(outer, t) {
		return ctx
	}
	return context.WithValue(ctx, recordKey{}, append(slices.Clip(outer), t))
}

// recordersFrom returns the transcripts added to ctx by RecordTo.
func recordersFrom(ctx context.Context) []*Transcript {
	ts, _ := ctx.Value(recordKey{}).([]*Transcript)
	return ts
}

// WithStep labels the requests made with ctx, so the transcript can say which part of a
// flow ("worker-token", "authorize", "token", ...) each exchange belongs to.
func WithStep(ctx context.Context, step string) context.Context {
	return context.WithValue(ctx, stepKey{}, step)
}

// StepFrom returns the label set by WithStep, or "".
func StepFrom(ctx context.Context) string {
	s, _ := ctx.Value(stepKey{}).(string)
	return s
}
