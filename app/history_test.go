package app

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/app/export"
)

func TestHistory_KeepsEveryRunAcrossConnections(t *testing.T) {
	d, _ := newDesk(t)
	var seen [][]export.Run
	unsub := d.OnHistoryChange(func(runs []export.Run) { seen = append(seen, runs) })
	defer unsub()

	sess := signInDemo(t, d)
	clientID := sess.ClientID
	if _, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: "demo.user", Password: "Wrong-Pw-1!"}, nil); err == nil {
		t.Fatal("a wrong password signed in")
	}
	if _, err := d.Refresh(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RunLab(testCtx(t), LabRequest{Cases: []int{1}}, nil); err != nil {
		t.Fatal(err)
	}
	// Another connection becomes active: the history stays.
	p := sandboxAsCustomProfile(t, d, nil)
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	runs := d.History()
	if len(runs) != 4 || len(seen) != 4 || len(seen[3]) != 4 {
		t.Fatalf("history has %d runs (%d notifications), want 4", len(runs), len(seen))
	}
	lab, refresh, failed, ok := runs[0], runs[1], runs[2], runs[3]
	if ok.Kind != "sign-in" || ok.Mode != "in-app" || ok.Outcome != "succeeded" || ok.Error != "" || ok.App.ClientID != clientID {
		t.Errorf("the sign-in: %+v", ok)
	}
	if !ok.Connection.Sandbox || ok.Connection.Name != "Sandbox (offline)" || ok.Connection.Issuer == "" || ok.PKCE.Method != "S256" || ok.PKCE.Challenge == "" {
		t.Errorf("the sign-in's connection and PKCE: %+v %+v", ok.Connection, ok.PKCE)
	}
	if !strings.HasPrefix(ok.App.Name, "signin-") || ok.App.PKCEEnforcement != "S256_REQUIRED" || ok.App.TokenAuthMethod != "NONE" || ok.App.RedirectURI == "" {
		t.Errorf("the sign-in's app settings: %+v", ok.App)
	}
	if len(ok.Checks) == 0 {
		t.Error("the sign-in has no checklist")
	}
	for _, c := range ok.Checks {
		if c.Status == "failed" {
			t.Errorf("check %s failed on a verified sign-in: %s", c.ID, c.Reason)
		}
	}
	var token *export.Step
	for i, s := range ok.Steps {
		if s.Name == "token" && s.Exchange != nil {
			token = &ok.Steps[i]
		}
	}
	if token == nil || token.Status != 200 || !strings.Contains(token.Exchange.URL, "/as/token") {
		t.Errorf("no token exchange among the steps: %+v", ok.Steps)
	}
	// The redeemed sign-in's verifier is kept for the screen (S256 of it is the challenge);
	// the failed one never redeemed a code.
	if v, has := d.RunVerifier(ok.ID); !has || pkceChallenge(v) != ok.PKCE.Challenge {
		t.Errorf("the redeemed sign-in's verifier: %v", has)
	}
	if _, has := d.RunVerifier(failed.ID); has {
		t.Error("a sign-in that redeemed no code kept its verifier")
	}
	if failed.Outcome != "failed" || failed.Error == "" {
		t.Errorf("the wrong password: %+v", failed)
	}
	if refresh.Kind != "refresh" || refresh.Outcome != "succeeded" {
		t.Errorf("the refresh: %+v", refresh)
	}
	if lab.Kind != "lab" || lab.Lab == nil || len(lab.Lab.Results) != 1 || lab.Outcome != "succeeded" || len(lab.Steps) == 0 {
		t.Errorf("the lab run: %+v", lab)
	}
	if ids := []uint64{lab.ID, refresh.ID, failed.ID, ok.ID}; !(ids[0] > ids[1] && ids[1] > ids[2] && ids[2] > ids[3]) {
		t.Errorf("IDs %v are not newest first", ids)
	}

	// Every export of every run: no secret of the session in it.
	secrets := []string{sess.Tokens.AccessToken, sess.Tokens.IDToken, sess.Tokens.RefreshToken}
	for _, r := range runs {
		for _, f := range ExportFormats() {
			name, data, err := d.ExportRun(r.ID, f)
			if err != nil {
				t.Fatalf("export %d as %s: %v", r.ID, f, err)
			}
			if !strings.HasSuffix(name, f.Extension()) || !strings.HasPrefix(name, "pkcedesk-") || len(data) == 0 {
				t.Errorf("export %d as %s: %q, %d bytes", r.ID, f, name, len(data))
			}
			v, _ := d.RunVerifier(r.ID)
			assertNoCanary(t, name, string(data), append(secrets, v)...)
		}
		sum, err := d.RunSummary(r.ID)
		if err != nil || sum == "" {
			t.Fatalf("summary %d: %q %v", r.ID, sum, err)
		}
		assertNoCanary(t, "summary", sum, secrets...)
	}
	if _, _, err := d.ExportRun(999, ExportJSON); err == nil {
		t.Error("exported a run that does not exist")
	}
}

func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
