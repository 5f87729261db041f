package views

import (
	"context"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// createResult is what one press of Create brought back.
type createResult struct {
	app           *pingone.Application
	sent, replied string // the create request's own bodies, redacted as the transcript is
	apps          []pingone.Application
	listErr       error
}

// Create presses Create: it creates the application from the form (and grants the ticked
// scopes) in the background and returns the task, or the running one if a create is
// already under way, so a double press never creates twice.
func (s *ApplicationsScreen) Create() *Task {
	if s.creating {
		return s.createTask
	}
	s.creating = true
	gen := s.gen
	if load := s.listTask; load != nil && running(load) {
		// Ctrl+N right after the screen opened: start once the first list load has landed,
		// so that the two never update the screen at the same time.
		ui := s.sh.ui()
		chained := &Task{cancel: func() {}, done: make(chan struct{}), ui: ui}
		go func() {
			<-load.Done()
			ui.Do(func() {
				// The connection changed before the create began. ConnectionChanged has
				// reset s.creating itself, and a create started since on the new
				// connection must keep it.
				if gen != s.gen {
					close(chained.done)
					return
				}
				inner := s.startCreate()
				go func() { <-inner.Done(); close(chained.done) }()
			})
		}()
		s.createTask, s.task = chained, chained
		return chained
	}
	s.createTask = s.startCreate()
	s.task = s.createTask
	return s.task
}

// startCreate sends the form; s.creating is already set.
func (s *ApplicationsScreen) startCreate() *Task {
	f := s.form
	f.createButton.Disable()
	f.clearFieldErrors()
	f.problem.clear()
	s.result.show(nil) // the last create's "Created …" is not the outcome of this one
	req, scopes, filter, gen := f.request(), f.selectedScopes(), s.list.filter.Text, s.gen
	return Run(context.Background(), s.sh.ui(), s.sh.progress(), func(ctx context.Context) (createResult, error) {
		var res createResult
		created, err := s.desk.CreateApplication(ctx, req, scopes)
		if created != nil {
			res.app, res.sent, res.replied = created.Application, created.Sent, created.Received
			// The list is read in the same task so the new app is in it when the task ends.
			res.apps, res.listErr = s.desk.ListApplications(ctx, filter)
		}
		return res, err
	}, func(res createResult, err error) {
		s.creating = false
		f.createButton.Enable()
		if gen != s.gen {
			return // the connection changed meanwhile; this result is not about the new one
		}
		if res.app == nil {
			f.showError(err)
			return
		}
		s.result.show(&res)
		s.result.showGrantError(err)
		s.sh.pickApp(res.app.ID, res.app.Name)
		s.setApps(res.apps, res.listErr)
	})
}
