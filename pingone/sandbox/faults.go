package sandbox

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is one scripted misbehaviour. A request matches when its method equals
// Method ("" = any) and its URL path contains PathContains ("" = any).
//
// Effects, in order: wait Latency (abandoned if the client gives up); then
//   - DropConnection: close the TCP connection without a reply. With
//     AfterEffect the request is first handled normally (e.g. the application
//     is created) and only the reply is lost.
//   - ResetMidResponse: send the status line, the headers (with the full
//     Content-Length) and half of the body, then reset the connection. The
//     response is the canned one when Status != 0, otherwise the real one (the
//     request then takes effect, e.g. a code is redeemed).
//   - Status != 0: answer with the canned Status/Body/ContentType/RetryAfter
//     and Header. With AfterEffect the request's real effect happens first.
//   - otherwise (latency only) the request is handled normally.
type Fault struct {
	Method       string
	PathContains string
	Times        int // matching requests to affect; 0 = unlimited

	Latency        time.Duration
	Status         int
	RetryAfter     string
	Body           string
	ContentType    string            // default application/json
	Header         map[string]string // extra response headers (e.g. Correlation-Id)
	DropConnection bool
	// ResetMidResponse cuts the response off halfway through its body.
	ResetMidResponse bool
	AfterEffect      bool
}

// Faults is a concurrency-safe, ordered list of faults; the first matching
// fault with uses left applies.
type Faults struct {
	mu   sync.Mutex
	list []*faultState
}

type faultState struct {
	Fault
	used int
}

// Add appends a fault.
func (f *Faults) Add(fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = append(f.list, &faultState{Fault: fault})
}

// Clear removes all faults.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = nil
}

// take returns the fault to apply to r (and counts the use), or nil.
func (f *Faults) take(r *http.Request) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, st := range f.list {
		if st.Method != "" && !strings.EqualFold(st.Method, r.Method) {
			continue
		}
		if st.PathContains != "" && !strings.Contains(r.URL.Path, st.PathContains) {
			continue
		}
		if st.Times > 0 && st.used >= st.Times {
			continue
		}
		st.used++
		fault := st.Fault
		return &fault
	}
	return nil
}

type requestRecord struct {
	method, path string
}

// Requests counts the requests received so far (faulted ones included) whose
// method equals method ("" = any) and whose path contains pathContains.
func (s *Server) Requests(method, pathContains string) int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	n := 0
	for _, rec := range s.requestLog {
		if (method == "" || strings.EqualFold(method, rec.method)) && strings.Contains(rec.path, pathContains) {
			n++
		}
	}
	return n
}

func (s *Server) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.logMu.Lock()
		s.requestLog = append(s.requestLog, requestRecord{method: r.Method, path: r.URL.Path})
		s.logMu.Unlock()

		fault := s.faults.take(r)
		if fault == nil {
			next.ServeHTTP(w, r)
			return
		}
		if fault.Latency > 0 {
			// net/http notices a vanished client (and cancels r.Context) only once the
			// request body has been read, so buffer it before waiting.
			if body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20)); err == nil {
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			t := time.NewTimer(fault.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch {
		case fault.DropConnection:
			if fault.AfterEffect {
				next.ServeHTTP(httptest.NewRecorder(), r)
			}
			dropConnection(w)
		case fault.ResetMidResponse:
			rec := httptest.NewRecorder()
			if fault.Status == 0 {
				next.ServeHTTP(rec, r)
			} else {
				if fault.AfterEffect {
					next.ServeHTTP(httptest.NewRecorder(), r)
				}
				writeCanned(rec, fault)
			}
			resetMidResponse(w, rec)
		case fault.Status != 0:
			if fault.AfterEffect {
				next.ServeHTTP(httptest.NewRecorder(), r)
			}
			writeCanned(w, fault)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// dropConnection closes the underlying connection without writing a response,
// which the client sees as EOF / connection reset.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 or a recorder: the best we can do is abort the handler, which
		// net/http turns into a reset stream / closed connection.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // RST rather than FIN: closer to a dropped network path
	}
	_ = conn.Close()
}

// writeCanned writes the fault's canned response.
func writeCanned(w http.ResponseWriter, fault *Fault) {
	ct := fault.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	if fault.RetryAfter != "" {
		w.Header().Set("Retry-After", fault.RetryAfter)
	}
	for k, v := range fault.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(fault.Status)
	_, _ = w.Write([]byte(fault.Body))
}

// resetMidResponse sends rec's status, headers and the first half of its body,
// announcing the full length, and then resets the connection: the client has
// started reading a reply that never completes.
func resetMidResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	body := rec.Body.Bytes()
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	dropConnection(w)
}
