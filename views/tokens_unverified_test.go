package views

import (
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// A refresh keeps an ID token that failed verification; the Tokens screen must say so,
// with the reason, where it is seen first, and not only in the checklist.
func TestTokensUnverifiedIDTokenShowsReason(t *testing.T) {
	s := newTestTokens(t, TokensOptions{})
	const reason = "Cannot verify tokens right now: the JWKS endpoint answered HTTP 503."
	report := &token.Report{Checks: []token.Check{
		{ID: token.CheckSignature, Title: "Signature", Status: token.Failed, Reason: reason},
		{ID: token.CheckIss, Title: "Issuer", Status: token.Passed, Reason: "Issued by the expected environment."},
	}}
	s.Show(TokenSet{IDToken: idToken(t, nil), IDReport: report, Flow: "in-app sign-in"})
	if !s.message.Visible() || !strings.Contains(s.message.Text, reason) || !strings.Contains(s.message.Text, "did not pass verification") {
		t.Fatalf("message = %q (visible %v), want the failed check's reason", s.message.Text, s.message.Visible())
	}
	if !strings.Contains(s.checklist.verdict.Text, "FAILED") {
		t.Fatalf("verdict = %q", s.checklist.verdict.Text)
	}

	// A verified ID token shows no such notice.
	report.Checks[0].Status, report.Checks[0].Reason = token.Passed, "Signed by the issuer's key."
	s.Show(TokenSet{IDToken: idToken(t, nil), IDReport: report})
	if s.message.Visible() {
		t.Fatalf("notice shown for a verified ID token: %q", s.message.Text)
	}
}
