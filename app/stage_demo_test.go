package app

import (
	"errors"
	"strings"
	"testing"
)

func TestRunStageDemo_CreatesThenReusesTheSeedAppAndVerifies(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	first, err := d.RunStageDemo(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.Session == nil || !first.Session.IDToken.OK() || first.Session.Mode != SignInInApp {
		t.Fatalf("first demo: created %v, session %v", first.Created, first.Session)
	}
	if first.Session.Tokens.RefreshToken == "" {
		t.Error("the demo's session has no refresh token, so Refresh would fail on stage")
	}
	f, _ := d.CurrentFlow()
	recap := f.Recap()
	if len(recap) != 5 {
		t.Fatalf("recap has %d sentences, want 5: %q", len(recap), recap)
	}
	text := strings.Join(recap, " ")
	for _, want := range []string{"code_verifier", "code_challenge " + f.Challenge[:8], "state", "nonce", "flow API", "HTTP 200"} {
		if !strings.Contains(text, want) {
			t.Errorf("recap lacks %q: %s", want, text)
		}
	}
	assertNoCanary(t, "recap", text, first.Session.Tokens.AccessToken, first.Session.Tokens.IDToken)
	again, err := d.RunStageDemo(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.App.ID != first.App.ID {
		t.Fatalf("second demo created another app (%v, %s vs %s)", again.Created, again.App.ID, first.App.ID)
	}
}

func TestRunStageDemo_RefusedOffTheSandbox(t *testing.T) {
	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, nil)
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RunStageDemo(testCtx(t), nil); !errors.Is(err, ErrDemoNeedsSandbox) {
		t.Fatalf("err = %v, want ErrDemoNeedsSandbox", err)
	}
}

func TestRecap_EmptyForAFailedFlow(t *testing.T) {
	if r := (Flow{Kind: "sign-in", Ended: true, Err: "wrong password"}).Recap(); r != nil {
		t.Fatalf("recap of a failed flow: %q", r)
	}
}
