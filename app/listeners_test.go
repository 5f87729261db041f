package app

import (
	"reflect"
	"strconv"
	"sync"
	"testing"
)

func TestListeners_NotifyCallsEachInOrderUntilRemoved(t *testing.T) {
	var l listeners[int]
	var got []string
	record := func(name string) func(int) {
		return func(v int) { got = append(got, name+":"+strconv.Itoa(v)) }
	}
	l.add(record("a"))
	removeB := l.add(record("b"))
	l.add(record("c"))
	same := record("d")
	removeD1 := l.add(same)
	l.add(same) // the same func twice is two registrations

	l.notify(1)
	if want := []string{"a:1", "b:1", "c:1", "d:1", "d:1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("first notify called %v, want %v", got, want)
	}

	got = nil
	removeB()
	removeB() // a second call must not remove anything else
	removeD1()
	l.notify(2)
	if want := []string{"a:2", "c:2", "d:2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after removing b and one d, notify called %v, want %v", got, want)
	}
}

func TestListeners_CallbacksMayAddAndRemoveDuringNotify(t *testing.T) {
	var l listeners[string]
	var got []string
	var removeSelf func()
	removeSelf = l.add(func(v string) {
		got = append(got, "self:"+v)
		// Both take the set's lock: a notify holding it would deadlock here.
		removeSelf()
		l.add(func(v string) { got = append(got, "late:"+v) })
	})
	l.add(func(v string) { got = append(got, "other:"+v) })

	l.notify("1")
	// The snapshot is taken before any callback runs: the listener added during this
	// round is not called in it, and the other one still is.
	if want := []string{"self:1", "other:1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("first notify called %v, want %v", got, want)
	}
	got = nil
	l.notify("2")
	if want := []string{"other:2", "late:2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("second notify called %v, want %v", got, want)
	}
}

func TestListeners_SnapshotIsUnaffectedByLaterChanges(t *testing.T) {
	var l listeners[int]
	calls := 0
	remove := l.add(func(int) { calls++ })
	fns := l.snapshot()
	remove()
	l.add(func(int) { t.Error("a listener added after the snapshot was called from it") })
	if len(fns) != 1 {
		t.Fatalf("snapshot has %d callbacks, want 1", len(fns))
	}
	fns[0](0)
	if calls != 1 {
		t.Fatalf("snapshot's callback ran %d times, want 1", calls)
	}
}

func TestListeners_ConcurrentUse(t *testing.T) {
	var l listeners[int]
	const notifiers, rounds = 4, 200
	var mu sync.Mutex
	steady := 0
	l.add(func(int) {
		mu.Lock()
		steady++
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for range notifiers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range rounds {
				l.notify(i)
			}
		}()
		go func() {
			defer wg.Done()
			for range rounds {
				l.add(func(int) {})()
			}
		}()
	}
	wg.Wait()
	if steady != notifiers*rounds {
		t.Fatalf("the listener registered throughout was called %d times, want %d", steady, notifiers*rounds)
	}
	if n := len(l.snapshot()); n != 1 {
		t.Fatalf("%d listeners left, want only the steady one", n)
	}
}
