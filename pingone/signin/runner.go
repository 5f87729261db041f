package signin

import (
	"context"
	"sync"
)

// Runner keeps to one sign-in at a time (case F3): starting a new one cancels the
// current attempt with ErrSuperseded and waits until it has released the loopback port,
// so a double click never ends in "port in use" by ourselves (A21).
type Runner struct {
	mu  sync.Mutex
	cur *Run
}

// Run is one sign-in started by a Runner.
type Run struct {
	cancel context.CancelCauseFunc
	done   chan struct{}
	res    *Result
	err    error
}

// Start cancels the current run (if any), waits for it to finish, and starts fn in a new
// goroutine with a context derived from ctx.
func (r *Runner) Start(ctx context.Context, fn func(ctx context.Context) (*Result, error)) *Run {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != nil {
		r.cur.cancel(ErrSuperseded)
		<-r.cur.done
	}
	rctx, cancel := context.WithCancelCause(ctx)
	run := &Run{cancel: cancel, done: make(chan struct{})}
	r.cur = run
	go func() {
		defer close(run.done)
		defer cancel(context.Canceled)
		run.res, run.err = fn(rctx)
	}()
	return run
}

// Cancel stops the current run, if any, and waits for it to finish.
func (r *Runner) Cancel() {
	r.mu.Lock()
	cur := r.cur
	r.mu.Unlock()
	if cur != nil {
		cur.Cancel()
	}
}

// Cancel stops this run and waits until it has finished.
func (run *Run) Cancel() {
	run.cancel(context.Canceled)
	<-run.done
}

// Done is closed when the run has finished.
func (run *Run) Done() <-chan struct{} { return run.done }

// Wait blocks until the run finishes (or ctx ends) and returns its outcome.
func (run *Run) Wait(ctx context.Context) (*Result, error) {
	select {
	case <-run.done:
		return run.res, run.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}
