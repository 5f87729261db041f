package views

import (
	"context"
	"sync/atomic"

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
	ui        *UI // where done runs; tests drain it while they wait (waitTask)
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

// Run calls work on a new goroutine and then done(result, err) on the window's UI
// goroutine (ui.Do; a nil ui is fyne.Do). It must be called on the UI goroutine. progress
// may be nil. Network and keyring calls belong in work, never in a button handler directly
// (Fyne ≥2.6 runs every callback on one goroutine, so blocking it freezes the window).
func Run[T any](ctx context.Context, ui *UI, progress *Progress, work func(context.Context) (T, error), done func(T, error)) *Task {
	ctx, cancel := context.WithCancel(ctx)
	t := &Task{cancel: cancel, done: make(chan struct{}), ui: ui}
	if progress != nil {
		progress.begin()
	}
	go func() {
		v, err := work(ctx)
		ui.Do(func() {
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
