package lab

import (
	"context"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// The tester's own app is used for the cases it fits and never deleted; the others run
// on a throw-away app.
func TestRun_UsesTheTestersAppWhereItFits(t *testing.T) {
	e := newLabEnv(t, sandbox.Lax{})
	req := pingone.SeedNativeApp()
	req.Name = "testers-app"
	req.PKCEEnforcement = "OPTIONAL" // fits case 5, not case 1
	own, err := e.target.Management.CreateApplication(context.Background(), e.target.EnvironmentID, req)
	if err != nil {
		t.Fatal(err)
	}
	e.target.ClientID = own.ClientID
	rep := e.run(t, 1, 5, 9)
	one, five, nine := resultOf(t, rep, 1), resultOf(t, rep, 5), resultOf(t, rep, 9)
	if one.Verdict != Holds || five.Verdict != Holds || nine.Verdict != Holds {
		t.Fatalf("verdicts %s / %s / %s (%s %s %s)", one.Verdict, five.Verdict, nine.Verdict, one.Why, five.Why, nine.Why)
	}
	if five.AppID != own.ClientID {
		t.Errorf("case 5 ran on %s, not the tester's app", five.AppID)
	}
	if one.AppID == own.ClientID || nine.AppID == own.ClientID || one.AppID != nine.AppID {
		t.Errorf("cases 1 and 9 need PKCE S256 / refresh and must share the throw-away app: %s %s", one.AppID, nine.AppID)
	}
	if len(rep.CleanedUp) != 1 {
		t.Errorf("cleaned up %v", rep.CleanedUp)
	}
	if _, err := e.target.Management.GetApplication(context.Background(), e.target.EnvironmentID, own.ID); err != nil {
		t.Errorf("the tester's app is gone: %v", err)
	}
}

func TestRun_UnknownAppOfTheTesterCouldNotRun(t *testing.T) {
	e := newLabEnv(t, sandbox.Lax{})
	e.target.ClientID = "0e5d7f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
	rep := e.run(t, 2)
	if r := resultOf(t, rep, 2); r.Verdict != CouldNotRun || r.Why == "" {
		t.Errorf("case 2: %s (%s)", r.Verdict, r.Why)
	}
	if rep.ExitCode() != ExitCouldNotRun {
		t.Errorf("exit %d", rep.ExitCode())
	}
}
