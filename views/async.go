package views

import (
	"context"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Progress is a shared "something is running" indicator. It counts running tasks so that two
// overlapping tasks do not hide it early. Its methods run on the UI goroutine only.
type Progress struct {
	Bar     *widget.ProgressBarInfinite
	running int
}

// NewProgress returns a hidden, stopped indicator.
func NewProgress() *Progress {
	p := &Progress{Bar: widget.NewProgressBarInfinite()}
	p.Bar.Stop()
	p.Bar.Hide()
	return p
}

// Running reports how many tasks are in flight.
func (p *Progress) Running() int { return p.running }

func (p *Progress) begin() {
	p.running++
	if p.running == 1 {
		p.Bar.Show()
		p.Bar.Start()
	}
}

func (p *Progress) end() {
	if p.running == 0 {
		return
	}
	p.running--
	if p.running == 0 {
		p.Bar.Stop()
		p.Bar.Hide()
	}
}

// Task is one piece of work started by Run.
type Task struct {
	cancel    context.CancelFunc
	cancelled atomic.Bool
	done      chan struct{}
}

// Cancel stops the task: its context is cancelled and its done callback will not run, so a
// cancelled attempt can never update the screen late (case F2). The caller resets
// its own widgets.
func (t *Task) Cancel() {
	t.cancelled.Store(true)
	t.cancel()
}

// Done is closed once the task has finished and its callback (if any) has returned.
func (t *Task) Done() <-chan struct{} { return t.done }

// Run calls work on a new goroutine and then done(result, err) on the UI goroutine via fyne.Do.
// It must be called on the UI goroutine. progress may be nil. Network and keyring calls
// belong in work, never in a button handler directly (Fyne ≥2.6 runs every callback on one
// goroutine, so blocking it freezes the window).
func Run[T any](ctx context.Context, progress *Progress, work func(context.Context) (T, error), done func(T, error)) *Task {
	ctx, cancel := context.WithCancel(ctx)
	t := &Task{cancel: cancel, done: make(chan struct{})}
	if progress != nil {
		progress.begin()
	}
	go func() {
		v, err := work(ctx)
		onUI(func() {
			defer close(t.done)
			defer cancel()
			if progress != nil {
				progress.end()
			}
			if t.cancelled.Load() || done == nil {
				return
			}
			done(v, err)
		})
	}()
	return t
}

// uiTurn makes UI updates from background goroutines take turns. In the app fyne.Do
// already runs them one by one on the Fyne goroutine, so the lock is never contended;
// Fyne's test driver, however, runs fyne.Do inline on the calling goroutine, where two
// tasks finishing at once would touch the same widgets concurrently.
var uiTurn sync.Mutex

// onUI runs f on the UI goroutine (fyne.Do), one update at a time. Every update from a
// background goroutine goes through it. f must not call onUI itself.
func onUI(f func()) {
	fyne.Do(func() {
		uiTurn.Lock()
		defer uiTurn.Unlock()
		f()
	})
}
