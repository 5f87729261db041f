package views

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/golang-jwt/jwt/v5"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

func newTestTokens(t *testing.T, opts TokensOptions) *TokensScreen {
	t.Helper()
	a := test.NewTempApp(t)
	clock := &fakeClock{now: t0}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.NewTicker == nil {
		opts.NewTicker = newFakeTicker().New
	}
	if opts.UI == nil {
		opts.UI = newQueuedUI()
	}
	s := NewTokensScreen(a, opts)
	t.Cleanup(s.Close)
	w := test.NewTempWindow(t, s.Object)
	w.Resize(w.Content().MinSize().Max(w.Content().Size()).AddWidthHeight(900, 600))
	return s
}

func rowByName(rows []claimRow, name string) (claimRow, bool) {
	for _, r := range rows {
		if r.Name == name {
			return r, true
		}
	}
	return claimRow{}, false
}

func TestTokensPasteFillsClaimsWithExplanations(t *testing.T) {
	s := newTestTokens(t, TokensOptions{})
	raw := idToken(t, nil)
	s.Paste(raw)

	if s.Source() != SourcePasted {
		t.Fatalf("source = %v, want the pasted token", s.Source())
	}
	if s.message.Visible() {
		t.Fatalf("unexpected message for a valid JWT: %q", s.message.Text)
	}
	iss, ok := rowByName(s.claims.rows, "iss")
	if !ok {
		t.Fatalf("no iss row among %d claims", len(s.claims.rows))
	}
	_, wantText, _ := token.ExplainClaim("iss")
	if iss.Meaning.Text != wantText || iss.Value.Text != testIssuer || iss.Title.Text != "Issuer" {
		t.Errorf("iss row = %q / %q / %q", iss.Title.Text, iss.Value.Text, iss.Meaning.Text)
	}
	exp, ok := rowByName(s.claims.rows, "exp")
	if !ok {
		t.Fatal("no exp row")
	}
	if !strings.Contains(exp.Value.Text, "in 5 minutes") {
		t.Errorf("exp value %q is not human-readable relative to the clock", exp.Value.Text)
	}
	custom, ok := rowByName(s.claims.rows, "acme_department")
	if !ok || custom.Title.Text != "Custom claim" || custom.Value.Text != "QA" {
		t.Errorf("custom claim row = %+v (found %v)", custom, ok)
	}
	if alg, ok := rowByName(s.header.rows, "alg"); !ok || alg.Value.Text != "RS256" {
		t.Errorf("header alg row = %+v (found %v)", alg, ok)
	}
	if !strings.HasPrefix(s.kind.Text, "ID token") {
		t.Errorf("kind = %q, want ID token", s.kind.Text)
	}
	if !strings.Contains(s.raw.claims.Text, `"nonce"`) || s.raw.token.Text != raw {
		t.Error("raw tab does not show the decoded JSON and the encoded token")
	}
	if !s.body.Visible() {
		t.Error("details are hidden for a decodable token")
	}
}

func TestTokensBadPastesShowDecoderMessage(t *testing.T) {
	cases := []struct {
		name, raw, want string
	}{
		{"jwe", "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", "encrypted"},
		{"too large", strings.Repeat("a", token.MaxTokenSize+1), "too large"},
		{"two parts", "eyJhbGciOiJSUzI1NiJ9.e30", "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestTokens(t, TokensOptions{})
			s.Paste(idToken(t, nil)) // a good token first: its rows must go away
			s.Paste(tc.raw)
			if !s.message.Visible() || !strings.Contains(strings.ToLower(s.message.Text), tc.want) {
				t.Fatalf("message = %q (visible %v), want it to say %q", s.message.Text, s.message.Visible(), tc.want)
			}
			if len(s.claims.rows) != 0 || s.body.Visible() {
				t.Error("claims of the previous token are still shown")
			}
			if s.expiry.countdown.Visible() {
				t.Error("countdown still shown for an unreadable token")
			}
			if len(tc.raw) > token.MaxTokenSize && s.paste.Text != "" {
				t.Error("an oversized paste is kept in the entry")
			}
		})
	}
}

func TestTokensChecklistFromReport(t *testing.T) {
	s := newTestTokens(t, TokensOptions{})
	report := &token.Report{Checks: []token.Check{
		{ID: token.CheckSignature, Title: "Signature", Status: token.Passed, Reason: "Signed by the issuer's key test-key-1."},
		{ID: token.CheckAud, Title: "Audience", Status: token.Failed, Reason: "The token is for another app."},
		{ID: token.CheckAtHash, Title: "Access-token hash", Status: token.NotApplicable, Reason: "The token has no at_hash."},
	}}
	s.Show(TokenSet{IDToken: idToken(t, nil), IDReport: report, Flow: "Browser sign-in", ReceivedAt: t0})

	if len(s.checklist.rows) != 3 {
		t.Fatalf("%d checklist rows, want 3", len(s.checklist.rows))
	}
	want := []struct {
		id     string
		status token.Status
		icon   string
	}{
		{token.CheckSignature, token.Passed, theme.NewSuccessThemedResource(theme.ConfirmIcon()).Name()},
		{token.CheckAud, token.Failed, theme.NewErrorThemedResource(theme.CancelIcon()).Name()},
		{token.CheckAtHash, token.NotApplicable, theme.NewDisabledResource(theme.ContentRemoveIcon()).Name()},
	}
	for i, w := range want {
		r := s.checklist.rows[i]
		if r.ID != w.id || r.Status != w.status || r.Icon.Resource.Name() != w.icon {
			t.Errorf("row %d = %s/%v/%s, want %s/%v/%s", i, r.ID, r.Status, r.Icon.Resource.Name(), w.id, w.status, w.icon)
		}
	}
	if s.checklist.rows[1].Reason.Text != "The token is for another app." {
		t.Errorf("failed row reason = %q", s.checklist.rows[1].Reason.Text)
	}
	if !strings.Contains(s.checklist.summary.Text, "1 of 2 checks failed") {
		t.Errorf("summary = %q", s.checklist.summary.Text)
	}
	if !strings.Contains(s.flow.Text, "Browser sign-in") {
		t.Errorf("flow label = %q", s.flow.Text)
	}
}

func TestTokensShowPrefersIDTokenAndExplainsMissingRefresh(t *testing.T) {
	s := newTestTokens(t, TokensOptions{})
	s.Show(TokenSet{AccessToken: idToken(t, jwt.MapClaims{"scope": "openid profile"})})
	if s.Source() != SourceAccessToken {
		t.Fatalf("source = %v, want the access token when there is no ID token", s.Source())
	}
	test.Tap(s.sourceButtons[SourceRefreshToken])
	if !strings.Contains(s.message.Text, "no refresh token") {
		t.Errorf("refresh message = %q", s.message.Text)
	}
	if !s.copyToken.Disabled() {
		t.Error("copy is enabled with nothing to copy")
	}

	s.Show(TokenSet{IDToken: idToken(t, nil), RefreshToken: "opaque-refresh-value"})
	if s.Source() != SourceIDToken {
		t.Fatalf("source = %v, want the ID token", s.Source())
	}
	test.Tap(s.sourceButtons[SourceRefreshToken])
	if !strings.Contains(s.message.Text, "opaque") {
		t.Errorf("opaque refresh token message = %q", s.message.Text)
	}
}

// Why there is no refresh token follows the sign-in's scopes: without offline_access the
// sign-in must ask for it; with it, the application lacks the grant type.
func TestTokensMissingRefreshTokenFollowsTheScopes(t *testing.T) {
	s := newTestTokens(t, TokensOptions{})
	id := idToken(t, nil)
	s.Show(TokenSet{IDToken: id, Scopes: []string{"openid", "profile", "email"}})
	s.SelectSource(SourceRefreshToken)
	if !strings.Contains(s.message.Text, "PingOne issues a refresh token when the sign-in asks for the offline_access scope "+
		"and the application has the Refresh Token grant type. Tick offline_access on the Sign in screen and sign in again.") {
		t.Errorf("without offline_access: %q", s.message.Text)
	}
	s.Show(TokenSet{IDToken: id, Scopes: []string{"openid", "profile", "offline_access"}})
	s.SelectSource(SourceRefreshToken)
	if !strings.Contains(s.message.Text, "add the Refresh Token grant type") || strings.Contains(s.message.Text, "Tick offline_access") {
		t.Errorf("with offline_access: %q", s.message.Text)
	}
}

func TestTokensCopyPutsRawTokenOnClipboard(t *testing.T) {
	a := test.NewTempApp(t)
	s := NewTokensScreen(a, TokensOptions{Now: (&fakeClock{now: t0}).Now, NewTicker: newFakeTicker().New, UI: newQueuedUI()})
	t.Cleanup(s.Close)
	test.NewTempWindow(t, s.Object)
	raw := idToken(t, nil)
	s.Show(TokenSet{IDToken: raw})

	test.Tap(s.copyToken)
	if got := a.Clipboard().Content(); got != raw {
		t.Fatalf("clipboard has %d chars, want the raw token (%d chars)", len(got), len(raw))
	}
	test.Tap(s.raw.copyClaims)
	if got := a.Clipboard().Content(); !strings.Contains(got, `"iss"`) || got == raw {
		t.Fatalf("claims copy = %q", got)
	}
}

func TestTokensVerifySignatureOnlyWhenAsked(t *testing.T) {
	called := make(chan string, 1)
	release := make(chan struct{})
	verify := func(ctx context.Context, raw string) (*token.Report, error) {
		called <- raw
		<-release
		return &token.Report{Checks: []token.Check{
			{ID: token.CheckSignature, Title: "Signature", Status: token.Passed, Reason: "ok"},
		}}, nil
	}
	progress := NewProgress()
	s := newTestTokens(t, TokensOptions{Verify: verify, Progress: progress})

	s.SelectSource(SourcePasted)
	if !s.verify.button.Visible() || !s.verify.button.Disabled() {
		t.Fatal("Verify signature must be visible and disabled with an empty paste box")
	}
	raw := idToken(t, nil)
	s.Paste(raw)
	select {
	case <-called:
		t.Fatal("pasting a token contacted the issuer without the user asking")
	default:
	}
	if s.verify.button.Disabled() || !strings.Contains(s.verify.hint.Text, "auth.pingone.com") {
		t.Fatalf("verify disabled=%v hint=%q", s.verify.button.Disabled(), s.verify.hint.Text)
	}

	test.Tap(s.verify.button)
	if got := waitFor(t, s.opts.UI, called, "the verifier call"); got != raw {
		t.Fatal("the verifier got a different token")
	}
	task := s.verifyTask // the verifier is blocked: nothing else touches the screen now
	if !s.verify.button.Disabled() || progress.Running() != 1 || !progress.Bar.Visible() {
		t.Fatal("no busy state while verifying")
	}
	close(release)
	waitFor(t, s.opts.UI, task.Done(), "verification to finish")

	if len(s.checklist.rows) != 1 || s.checklist.rows[0].Status != token.Passed {
		t.Fatalf("checklist after verification: %+v", s.checklist.rows)
	}
	if progress.Running() != 0 || progress.Bar.Visible() {
		t.Error("progress still shown after verification")
	}
	if s.tabs.SelectedIndex() != 1 {
		t.Error("the checklist tab is not shown after verification")
	}
}

func TestTokensVerifyResultForOldPasteIsDropped(t *testing.T) {
	release := make(chan struct{})
	called := make(chan struct{}, 1)
	verify := func(ctx context.Context, raw string) (*token.Report, error) {
		called <- struct{}{}
		<-release
		return nil, errors.New("cannot load the issuer's signing keys")
	}
	s := newTestTokens(t, TokensOptions{Verify: verify})
	s.Paste(idToken(t, nil))
	test.Tap(s.verify.button)
	waitFor(t, s.opts.UI, called, "the verifier call")
	task := s.verifyTask
	s.Paste(idToken(t, jwt.MapClaims{"sub": "someone-else"})) // cancels the first verification
	close(release)
	waitFor(t, s.opts.UI, task.Done(), "the cancelled verification to end")
	if strings.Contains(s.checklist.summary.Text, "Could not verify") {
		t.Fatal("the result of a cancelled verification reached the screen")
	}
}

func TestTokensCountdownTicksAndStops(t *testing.T) {
	clock := &fakeClock{now: t0}
	ticker := newFakeTicker()
	s := newTestTokens(t, TokensOptions{Now: clock.Now, NewTicker: ticker.New})
	ticked := make(chan struct{}, 1) // sent on the test goroutine, while waitFor drains
	s.expiry.onTick = func() { ticked <- struct{}{} }

	s.Show(TokenSet{IDToken: idToken(t, nil)}) // exp = t0 + 5 min
	if !strings.HasPrefix(s.expiry.countdown.Text, "Expires in 5 minutes") {
		t.Fatalf("countdown = %q", s.expiry.countdown.Text)
	}
	if !s.expiry.running() {
		t.Fatal("no ticker for a token with exp")
	}

	clock.Set(t0.Add(6 * time.Minute))
	ticker.c <- t0
	waitFor(t, s.opts.UI, ticked, "the countdown update")
	if !strings.HasPrefix(s.expiry.countdown.Text, "Expired 1 minute ago") {
		t.Fatalf("countdown after expiry = %q", s.expiry.countdown.Text)
	}

	s.Screen().OnHide()
	if s.expiry.running() {
		t.Fatal("ticker still running while the screen is hidden")
	}
	started, stopped := ticker.counts()
	if started != stopped {
		t.Fatalf("ticker started %d times, stopped %d", started, stopped)
	}
	s.Screen().OnShow()
	if !s.expiry.running() {
		t.Fatal("ticker did not resume when the screen was shown again")
	}

	// A token without exp needs no ticker.
	s.Paste(idToken(t, jwt.MapClaims{"exp": nil}))
	if s.expiry.running() || s.expiry.countdown.Visible() {
		t.Fatal("countdown shown for a token without exp")
	}
}

func TestTokensOversizedClipboardPasteIsRefusedBeforeTheEntry(t *testing.T) {
	a := test.NewTempApp(t)
	s := NewTokensScreen(a, TokensOptions{Now: (&fakeClock{now: t0}).Now, NewTicker: newFakeTicker().New, UI: newQueuedUI()})
	t.Cleanup(s.Close)
	test.NewTempWindow(t, s.Object)
	test.Tap(s.sourceButtons[SourcePasted])

	a.Clipboard().SetContent(strings.Repeat("e", token.MaxTokenSize+10))
	s.paste.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	if s.paste.Text != "" {
		t.Fatalf("the entry took %d characters", len(s.paste.Text))
	}
	if !strings.Contains(s.message.Text, "too large") {
		t.Fatalf("message = %q", s.message.Text)
	}

	raw := idToken(t, nil)
	a.Clipboard().SetContent(raw)
	s.paste.TypedShortcut(&fyne.ShortcutPaste{Clipboard: a.Clipboard()})
	if s.paste.Text != raw || len(s.claims.rows) == 0 {
		t.Fatalf("a normal paste was not decoded (entry %d chars, %d claims)", len(s.paste.Text), len(s.claims.rows))
	}
}
