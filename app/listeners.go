package app

import (
	"slices"
	"sync"
)

// listeners is a set of callbacks that hear of changes of one kind: the session events of
// OnSessionChange, the flows of OnFlowChange. It has its own lock, which is never held while
// a callback runs, so a callback may add or remove listeners without deadlocking.
type listeners[T any] struct {
	mu   sync.Mutex
	next uint64
	fns  []listener[T] // in the order they were added
}

type listener[T any] struct {
	id uint64
	fn func(T)
}

// add registers fn and returns the func that removes it again. Removing is safe to do
// more than once and from any goroutine; it never removes another registration of the
// same fn.
func (l *listeners[T]) add(fn func(T)) (remove func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	id := l.next
	l.next++
	l.fns = append(l.fns, listener[T]{id: id, fn: fn})
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.fns = slices.DeleteFunc(l.fns, func(e listener[T]) bool { return e.id == id })
		})
	}
}

// snapshot returns the callbacks registered now, in the order they were added, for the
// caller to run with no lock held. A listener added or removed afterwards does not change
// the returned slice.
func (l *listeners[T]) snapshot() []func(T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fns := make([]func(T), len(l.fns))
	for i, e := range l.fns {
		fns[i] = e.fn
	}
	return fns
}

// notify hands v to every callback of a snapshot, one after the other on the calling
// goroutine.
func (l *listeners[T]) notify(v T) {
	for _, fn := range l.snapshot() {
		fn(v)
	}
}
