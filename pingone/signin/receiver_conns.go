package signin

import (
	"net"
	"net/http"
	"sync"
)

// defaultMaxWaitingConns bounds the loopback connections that are open but have no
// request in progress. A browser needs a handful (Safari and Chrome open a spare one and
// may send nothing on it, case A25); 64 leaves ample room for them.
const defaultMaxWaitingConns = 64

// connGuard keeps a flood of idle connections (a port scan, hundreds of parallel
// connects, slowloris clients) from piling up until ReadHeaderTimeout: once more than max
// connections are waiting for a request, the one that has waited longest is closed. The
// newest connection, which is where a real redirect arrives, is never the one dropped, so
// the flood cannot delay the sign-in and the listener's descriptors stay bounded
// (case A17, A18).
type connGuard struct {
	max int

	mu      sync.Mutex
	seq     uint64
	waiting map[net.Conn]uint64 // connection -> when it started waiting
}

func newConnGuard(max int) *connGuard {
	if max <= 0 {
		max = defaultMaxWaitingConns
	}
	return &connGuard{max: max, waiting: make(map[net.Conn]uint64)}
}

// track is the http.Server's ConnState hook. A connection waits while it is new (its
// request headers are not complete yet) and while it idles between keep-alive requests.
func (g *connGuard) track(c net.Conn, state http.ConnState) {
	var drop []net.Conn
	g.mu.Lock()
	switch state {
	case http.StateNew, http.StateIdle:
		g.seq++
		g.waiting[c] = g.seq
		for len(g.waiting) > g.max {
			oldest, first := net.Conn(nil), uint64(0)
			for wc, at := range g.waiting {
				if oldest == nil || at < first {
					oldest, first = wc, at
				}
			}
			delete(g.waiting, oldest)
			drop = append(drop, oldest)
		}
	default: // StateActive, StateClosed, StateHijacked
		delete(g.waiting, c)
	}
	g.mu.Unlock()
	// Closing makes the connection's own goroutine fail its read and end; the server then
	// reports StateClosed, which finds nothing left to delete.
	for _, dc := range drop {
		_ = dc.Close()
	}
}
