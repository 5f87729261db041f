package views

import (
	"context"
	"errors"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestRunDeliversResultAndShowsProgress(t *testing.T) {
	test.NewTempApp(t)
	p, ui := NewProgress(), newQueuedUI()
	release := make(chan struct{})
	got := make(chan string, 1)
	task := Run(context.Background(), ui, p, func(ctx context.Context) (string, error) {
		<-release
		return "keys loaded", nil
	}, func(v string, err error) {
		if err != nil {
			v = err.Error()
		}
		got <- v
	})
	if p.Running() != 1 || !p.Bar.Visible() {
		t.Fatal("progress not shown while the work runs")
	}
	close(release)
	if v := waitFor(t, ui, got, "the result"); v != "keys loaded" {
		t.Fatalf("result = %q", v)
	}
	waitFor(t, ui, task.Done(), "the task")
	if p.Running() != 0 || p.Bar.Visible() {
		t.Fatal("progress still shown after the work finished")
	}
}

func TestRunCancelSuppressesLateResult(t *testing.T) {
	test.NewTempApp(t)
	p, ui := NewProgress(), newQueuedUI()
	called := false
	task := Run(context.Background(), ui, p, func(ctx context.Context) (int, error) {
		<-ctx.Done() // only cancellation ends this work
		return 0, ctx.Err()
	}, func(int, error) { called = true })
	task.Cancel()
	waitFor(t, ui, task.Done(), "the cancelled task")
	if called {
		t.Fatal("done ran after Cancel: a cancelled attempt updated the screen")
	}
	if p.Running() != 0 || p.Bar.Visible() {
		t.Fatal("progress still shown after cancel")
	}
}

func TestRunPassesErrors(t *testing.T) {
	test.NewTempApp(t)
	boom := errors.New("cannot reach auth.pingone.com")
	got, ui := make(chan error, 1), newQueuedUI()
	task := Run(context.Background(), ui, nil, func(context.Context) (struct{}, error) { return struct{}{}, boom },
		func(_ struct{}, err error) { got <- err })
	if err := waitFor(t, ui, got, "the error"); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	waitFor(t, ui, task.Done(), "the task")
}
