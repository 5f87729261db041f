package views

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// UI is one window's UI goroutine as background work sees it: every widget update from
// another goroutine (a task's result, a sign-in event, a session change, a tick) is handed
// over through Do.
//
// In the app a UI is nil or made by NewUI, and Do is fyne.Do: Fyne runs the updates one
// by one on its goroutine. Fyne's test driver, however, runs fyne.Do inline on the calling
// goroutine, where two updates arriving at once would touch the same widgets concurrently.
// Tests therefore give the window a queued UI (newQueuedUI): Do only queues, and the test
// goroutine runs the queue itself (Drain, Await), exactly as the Fyne goroutine would, so
// updates, taps and reads never overlap.
type UI struct {
	queued bool

	mu      sync.Mutex
	pending []func()
	ready   chan struct{} // holds one token while pending is not empty
}

// NewUI returns the UI of a window run by Fyne's driver: Do is fyne.Do.
func NewUI() *UI { return &UI{} }

// newQueuedUI returns a UI whose updates wait until the owner drains them.
func newQueuedUI() *UI { return &UI{queued: true, ready: make(chan struct{}, 1)} }

// Do runs f on the UI goroutine. It may be called from any goroutine; f must not block.
func (u *UI) Do(f func()) {
	if u == nil || !u.queued {
		fyne.Do(f)
		return
	}
	u.mu.Lock()
	u.pending = append(u.pending, f)
	u.mu.Unlock()
	select {
	case u.ready <- struct{}{}:
	default:
	}
}

// Drain runs the queued updates, including those they queue in turn, and reports how many
// ran. It is a no-op for a UI that does not queue. Call it on the goroutine that owns the
// window's widgets.
func (u *UI) Drain() int {
	if u == nil || !u.queued {
		return 0
	}
	n := 0
	for {
		u.mu.Lock()
		batch := u.pending
		u.pending = nil
		u.mu.Unlock()
		if len(batch) == 0 {
			return n
		}
		for _, f := range batch {
			f()
			n++
		}
	}
}

// Ready delivers a value when updates are waiting (never for a UI that does not queue).
func (u *UI) Ready() <-chan struct{} {
	if u == nil || !u.queued {
		return nil
	}
	return u.ready
}

// Await runs queued updates until done is closed or delivers, or until giveUp delivers
// (a time.After); it reports whether done came first. A UI that does not queue simply
// waits.
func (u *UI) Await(done <-chan struct{}, giveUp <-chan time.Time) bool {
	for {
		select {
		case <-done:
			u.Drain()
			return true
		case <-u.Ready():
			u.Drain()
		case <-giveUp:
			return false
		}
	}
}
