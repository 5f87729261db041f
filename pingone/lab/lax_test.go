package lab

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// Each lax switch turns one enforcement off; the matching cases must notice and report
// what the broken server answered, while a case the switch does not touch still holds.
func TestRun_LaxSandboxIsDetected(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lax      sandbox.Lax
		broken   []int
		accepted []int // broken cases whose token request got tokens (HTTP 200)
		signon   []int // broken cases whose authorize request started the sign-on
		control  int
	}{
		{"PKCE", sandbox.Lax{PKCE: true}, []int{1, 2, 3, 4}, []int{1, 2}, []int{3, 4}, 5},
		{"CodeReuse", sandbox.Lax{CodeReuse: true}, []int{5}, []int{5}, nil, 1},
		{"RedirectURI", sandbox.Lax{RedirectURI: true}, []int{6, 7}, []int{6}, []int{7}, 8},
		{"ClientBinding", sandbox.Lax{ClientBinding: true}, []int{8}, []int{8}, nil, 6},
		{"RefreshReplay", sandbox.Lax{RefreshReplay: true}, []int{9}, []int{9}, nil, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLabEnv(t, tc.lax)
			rep := e.run(t, append([]int{tc.control}, tc.broken...)...)
			for _, n := range tc.broken {
				if r := resultOf(t, rep, n); r.Verdict != DoesNotHold || r.Why == "" {
					t.Errorf("case %d: %s (%s)", n, r.Verdict, r.Why)
				}
			}
			for _, n := range tc.accepted {
				r := resultOf(t, rep, n)
				if r.Actual.Status != http.StatusOK || r.Why != "the token endpoint issued tokens" {
					t.Errorf("case %d actual %+v why %q", n, r.Actual, r.Why)
				}
			}
			for _, n := range tc.signon {
				r := resultOf(t, rep, n)
				if r.Actual.Status != http.StatusFound || r.Actual.Error != "" || !strings.Contains(r.Actual.Summary, "/signon") ||
					!strings.Contains(r.Why, "started the sign-on") {
					t.Errorf("case %d actual %+v why %q", n, r.Actual, r.Why)
				}
			}
			if r := resultOf(t, rep, tc.control); r.Verdict != Holds {
				t.Errorf("control case %d: %s (%s)", tc.control, r.Verdict, r.Why)
			}
			if rep.ExitCode() != ExitDoesNotHold {
				t.Errorf("exit code %d, want 1", rep.ExitCode())
			}
			if left := e.labApps(t); len(left) != 0 {
				t.Errorf("apps left behind: %v", left)
			}
			junit, js := outputs(t, rep)
			assertNoSecrets(t, "JUnit", junit, e.catcher.all())
			assertNoSecrets(t, "JSON", js, e.catcher.all())
		})
	}
}

// A run cancelled as any case starts deletes what it made and says so.
func TestRun_CancelAtEachCaseLeavesNoApp(t *testing.T) {
	e := newLabEnv(t, sandbox.Lax{})
	for n := 1; n <= 14; n++ {
		ctx, cancel := context.WithCancel(context.Background())
		var cleanups int
		rep, err := Run(ctx, e.target, nil, func(ev Event) {
			if ev.Kind == EventCaseStarted && ev.Case == n {
				cancel()
			}
			if ev.Kind == EventCleanup {
				cleanups++
			}
		})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if left := e.labApps(t); len(left) != 0 {
			t.Fatalf("cancelled at case %d: apps left behind: %v", n, left)
		}
		if !rep.Cancelled || rep.ExitCode() != ExitCouldNotRun || len(rep.Results) != 14 {
			t.Errorf("cancelled at case %d: cancelled=%v exit=%d results=%d", n, rep.Cancelled, rep.ExitCode(), len(rep.Results))
		}
		if r := resultOf(t, rep, n); r.Verdict != CouldNotRun || !strings.Contains(r.Why, "cancelled") {
			t.Errorf("case %d: %s (%s)", n, r.Verdict, r.Why)
		}
		if n < 14 {
			if r := resultOf(t, rep, 14); r.Verdict != CouldNotRun || !strings.Contains(r.Why, "cancelled before") {
				t.Errorf("cancelled at %d, case 14: %s (%s)", n, r.Verdict, r.Why)
			}
		}
		// Case 1 creates the first app; cancelled there, the create still completes
		// (it is not cancellable) and so must have been cleaned up.
		if len(rep.CleanedUp) != cleanups || (n > 1 && len(rep.CleanedUp) == 0) {
			t.Errorf("cancelled at case %d: cleaned up %v, %d events", n, rep.CleanedUp, cleanups)
		}
	}
}
