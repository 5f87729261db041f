package signin

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// openFDs counts the descriptors this test process holds (Linux and macOS list them in
// /dev/fd).
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/dev/fd")
	if err != nil {
		t.Fatalf("cannot list open descriptors: %v", err)
	}
	return len(ents)
}

// closedByPeer waits up to d for the server to close c and reports whether it did. A
// read deadline running out means the connection is still open.
func closedByPeer(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// A17: a client that dribbles its request headers is cut off by ReadHeaderTimeout, and
// the browser's real request is served while it dribbles.
func TestCallback_A17_SlowlorisIsClosedByReadHeaderTimeout(t *testing.T) {
	const timeout = time.Second
	g := newRig(t, ReceiverOptions{readHeaderTimeout: timeout})
	start := time.Now()
	slow, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", g.port))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := fmt.Fprintf(slow, "GET /callback?code=slow&state=%s HTTP/1.1\r\nHost: localhost:%d\r\nX-Dribble: ", testState, g.port); err != nil {
		t.Fatal(err)
	}
	closed := make(chan time.Duration, 1)
	go func() {
		_, _ = io.Copy(io.Discard, slow) // returns when the server closes the connection
		closed <- time.Since(start)
	}()

	g.expectPending() // the real callback, on its own connection, while the slow one waits
	select {
	case d := <-closed:
		t.Fatalf("the slow connection was closed after %s, before its header timeout", d)
	default:
	}

	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	limit := time.NewTimer(4 * timeout)
	defer limit.Stop()
	for {
		select {
		case d := <-closed:
			if d < timeout*9/10 {
				t.Fatalf("closed after %s, before ReadHeaderTimeout %s", d, timeout)
			}
			return
		case <-tick.C:
			_, _ = slow.Write([]byte("a")) // one more header byte; never the blank line
		case <-limit.C:
			slow.Close()
			<-closed
			t.Fatalf("a dribbling connection was still open after %s (ReadHeaderTimeout %s)", 4*timeout, timeout)
		}
	}
}

// A18: 200 parallel connections, half of them silent, a quarter a port scan's
// connect-and-close, a quarter stray requests. Stray requests are refused or dropped,
// silent connections beyond the cap are closed at once (long before ReadHeaderTimeout),
// the listener's descriptors stay bounded and are all released, and the real callback
// afterwards is served.
func TestCallback_A18_TwoHundredParallelConnections(t *testing.T) {
	const n, maxWaiting = 200, 32
	g := newRig(t, ReceiverOptions{maxWaitingConns: maxWaiting})
	baseline := openFDs(t)

	addrs := []string{fmt.Sprintf("127.0.0.1:%d", g.port), fmt.Sprintf("[::1]:%d", g.port)}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		silent []net.Conn
		wrong  []string
	)
	fail := func(format string, a ...any) {
		mu.Lock()
		wrong = append(wrong, fmt.Sprintf(format, a...))
		mu.Unlock()
	}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addrs[i%2], 5*time.Second)
			if err != nil {
				fail("dial %d: %v", i, err)
				return
			}
			switch i % 4 {
			case 0, 1: // silent: connect and send nothing
				mu.Lock()
				silent = append(silent, c)
				mu.Unlock()
				return
			case 2: // port scan
				c.Close()
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(c, "GET /callback?error=access_denied HTTP/1.1\r\nHost: localhost:%d\r\nConnection: close\r\n\r\n", g.port)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				return // dropped by the cap before its request was read: acceptable
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				fail("stray %d answered %d, want 400", i, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if len(wrong) > 0 {
		t.Fatal(strings.Join(wrong, "\n"))
	}

	// Each client end of a silent connection holds one descriptor here; whatever else is
	// open beyond the baseline belongs to the listener. It must fall to about the cap
	// without waiting for ReadHeaderTimeout (5 s).
	serverSide := func() int { return openFDs(t) - baseline - len(silent) }
	if !eventually(2*time.Second, func() bool { return serverSide() <= maxWaiting+4 }) {
		t.Fatalf("the listener holds %d descriptors for %d silent connections, want at most about %d",
			serverSide(), len(silent), maxWaiting)
	}
	dropped := 0
	for _, c := range silent {
		if closedByPeer(c, 10*time.Millisecond) {
			dropped++
		}
	}
	if want := len(silent) - maxWaiting; dropped < want {
		t.Fatalf("%d silent connections dropped, want at least %d", dropped, want)
	}

	g.expectPending() // the flow is unaffected

	for _, c := range silent {
		c.Close()
	}
	g.r.Close()
	if !eventually(2*time.Second, func() bool { return openFDs(t) <= baseline+2 }) {
		t.Fatalf("%d descriptors open after close, %d before the flood", openFDs(t), baseline)
	}
}

// eventually polls cond until it holds or within has passed. Descriptor counts have no
// event to wait on, so this is a bounded poll.
func eventually(within time.Duration, cond func() bool) bool {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	limit := time.NewTimer(within)
	defer limit.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-limit.C:
			return cond()
		}
	}
	return true
}

// A25: a browser (Safari, Chrome's preconnect) opens a spare connection and sends nothing
// on it, then sends the redirect on a second one. The second is served at once, and the
// spare one still works when the browser uses it later (for /done).
func TestCallback_A25_SpareIdleConnection(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	spare, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", g.port))
	if err != nil {
		t.Fatal(err)
	}
	defer spare.Close()

	g.expectPending() // the redirect on a second connection

	_ = spare.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(spare, "GET /done HTTP/1.1\r\nHost: localhost:%d\r\n\r\n", g.port)
	resp, err := http.ReadResponse(bufio.NewReader(spare), nil)
	if err != nil {
		t.Fatalf("the spare connection was not served: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != pageDone {
		t.Fatalf("/done on the spare connection: %d", resp.StatusCode)
	}
	select {
	case <-g.r.DoneServed():
	case <-waitCtx(t, time.Second).Done():
		t.Fatal("DoneServed not signalled")
	}
}
