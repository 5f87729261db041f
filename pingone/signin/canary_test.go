package signin

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// TestCanary_H1 plants known secret values and checks that none of them reaches an error
// string, an event, the redacted transcript or a page of the loopback listener.
func TestCanary_H1_SecretsNeverSurface(t *testing.T) {
	t.Run("browser flow with a failing exchange", func(t *testing.T) {
		noLeaks(t)
		redirect, _ := freeRedirect(t)
		e := startSandbox(t, redirect)
		// The code is redeemed by the sandbox, then the answer is replaced by an error
		// whose body also carries canary tokens.
		e.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/as/token", Times: 1, Status: 400, AfterEffect: true,
			Body: `{"error":"invalid_grant","error_description":"expired","access_token":"CANARY-AT","refresh_token":"CANARY-RT"}`})
		rec := newRecorder()
		b := newFakeBrowser(e.info.User.Username, canaryPassword)
		_, err := e.client(t).SignInBrowser(waitCtx(t, 60*time.Second), BrowserOptions{OpenBrowser: b.open, OnEvent: rec.on})
		var oe *pingone.OAuthError
		if !errors.As(err, &oe) || oe.Code != "invalid_grant" {
			t.Fatalf("err = %v", err)
		}
		out := b.wait(t)
		var code string
		select {
		case code = <-b.codes:
		default:
			t.Fatal("the browser never carried a code")
		}
		everything := err.Error() + rec.text() + out.body
		assertNoSecret(t, "error, events and browser page", everything, code, canaryPassword, "CANARY-AT", "CANARY-RT")
		// The verifier is redacted in the transcript, not merely absent.
		var tokenBody string
		for _, ev := range rec.all() {
			if ev.Kind == EventResponse && ev.Step == "token" {
				tokenBody = ev.Exchange.RequestBody
			}
		}
		if !strings.Contains(tokenBody, "code_verifier="+pingone.Redacted) && !strings.Contains(tokenBody, "code_verifier="+urlEscape(pingone.Redacted)) {
			t.Fatalf("token request body in the transcript does not redact the verifier: %q", tokenBody)
		}
	})
	t.Run("loopback pages", func(t *testing.T) {
		g := newRig(t, ReceiverOptions{})
		for _, q := range []string{
			"code=CANARY-CODE&state=wrong",
			"code=CANARY-CODE&state=" + testState + "&error=server_error&error_description=CANARY-DESC",
		} {
			p := g.get("/callback?" + q)
			assertNoSecret(t, "callback page", p.body+headerText(p.header), "CANARY-CODE", "CANARY-DESC", testState)
		}
		_, err := g.expectResult()
		assertNoSecret(t, "callback error", err.Error(), "CANARY-CODE", testState)
	})
}

func headerText(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	return b.String()
}

func urlEscape(s string) string {
	r := strings.NewReplacer("<", "%3C", ">", "%3E")
	return r.Replace(s)
}
