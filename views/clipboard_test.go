package views

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/pkcedesk/pkcedesk/app"
)

// fakeTimers replace the secret clipboard's timers: each copy gets its own timer, which
// the test fires; the test also sees which delays were asked for and which were stopped.
type fakeTimers struct {
	mu      sync.Mutex
	asked   []time.Duration
	fires   []chan time.Time
	stopped []bool
}

func (f *fakeTimers) New(d time.Duration) (<-chan time.Time, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := len(f.fires)
	ch := make(chan time.Time, 1)
	f.asked = append(f.asked, d)
	f.fires = append(f.fires, ch)
	f.stopped = append(f.stopped, false)
	return ch, func() {
		f.mu.Lock()
		f.stopped[i] = true
		f.mu.Unlock()
	}
}

func (f *fakeTimers) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.fires)
}

func (f *fakeTimers) delay(i int) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[i]
}

func (f *fakeTimers) isStopped(i int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stopped[i]
}

func (f *fakeTimers) fire(i int) {
	f.mu.Lock()
	ch := f.fires[i]
	f.mu.Unlock()
	ch <- time.Now()
}

// fakeClipboardTimers puts fake timers on the secret clipboard over cb and returns them
// with a channel that receives once per expired copy.
func fakeClipboardTimers(t *testing.T, cb fyne.Clipboard) (*fakeTimers, <-chan struct{}) {
	t.Helper()
	c := secretClipboardFor(cb)
	timers := &fakeTimers{}
	expired := make(chan struct{}, 16)
	c.mu.Lock()
	c.timer = timers.New
	c.expired = func() { expired <- struct{}{} }
	c.mu.Unlock()
	t.Cleanup(c.Close)
	return timers, expired
}

func TestClipboard_SecretIsClearedAfter60Seconds(t *testing.T) {
	a := test.NewTempApp(t)
	timers, expired := fakeClipboardTimers(t, a.Clipboard())
	ui := newQueuedUI()
	note := newClipboardNote()
	secretClipboardFor(a.Clipboard()).Copy(ui, "eyJ.secret.token", note)
	if got := a.Clipboard().Content(); got != "eyJ.secret.token" {
		t.Fatalf("clipboard = %q", got)
	}
	if timers.count() != 1 || timers.delay(0) != 60*time.Second {
		t.Fatalf("timers = %d, want one of 60 s", timers.count())
	}
	if !note.Visible() || note.Text != "Copied · the clipboard clears in 60 s" {
		t.Fatalf("note = %q (visible %v)", note.Text, note.Visible())
	}
	timers.fire(0)
	waitFor(t, ui, expired, "the copy to expire")
	if got := a.Clipboard().Content(); got != "" {
		t.Fatalf("clipboard after 60 s = %q, want it cleared", got)
	}
	if note.Visible() {
		t.Fatal("the note stayed after the clipboard was cleared")
	}
}

func TestClipboard_WhatTheUserCopiedSinceIsLeftAlone(t *testing.T) {
	a := test.NewTempApp(t)
	timers, expired := fakeClipboardTimers(t, a.Clipboard())
	ui := newQueuedUI()
	secretClipboardFor(a.Clipboard()).Copy(ui, "eyJ.secret.token", nil)
	a.Clipboard().SetContent("something the user copied")
	timers.fire(0)
	waitFor(t, ui, expired, "the copy to expire")
	if got := a.Clipboard().Content(); got != "something the user copied" {
		t.Fatalf("clipboard = %q; the user's own copy was clobbered", got)
	}
}

func TestClipboard_CopyingAgainRestartsTheWait(t *testing.T) {
	a := test.NewTempApp(t)
	timers, expired := fakeClipboardTimers(t, a.Clipboard())
	note := newClipboardNote()
	c, ui := secretClipboardFor(a.Clipboard()), newQueuedUI()
	c.Copy(ui, "secret-a", note)
	c.Copy(ui, "secret-a", note)
	if timers.count() != 2 || !timers.isStopped(0) {
		t.Fatal("the first copy's timer still runs after the same secret was copied again")
	}
	c.Copy(ui, "secret-b", note) // another secret: secret-a's timer keeps running
	if timers.isStopped(1) {
		t.Fatal("copying another secret stopped the wait of the previous one")
	}
	timers.fire(1) // secret-a expires, but the clipboard now holds secret-b
	waitFor(t, ui, expired, "secret-a to expire")
	if got := a.Clipboard().Content(); got != "secret-b" || !note.Visible() {
		t.Fatalf("clipboard = %q, note visible %v; secret-b and its note must stay", got, note.Visible())
	}
	timers.fire(2)
	waitFor(t, ui, expired, "secret-b to expire")
	if got := a.Clipboard().Content(); got != "" || note.Visible() {
		t.Fatalf("clipboard = %q, note visible %v after secret-b expired", got, note.Visible())
	}
}

func TestClipboard_ClosingTheWindowClearsPendingSecrets(t *testing.T) {
	a := test.NewTempApp(t)
	timers, _ := fakeClipboardTimers(t, a.Clipboard())
	w := NewWindow(a, test.NewTempWindow(t, nil), Options{UI: newQueuedUI()})
	raw := idToken(t, nil)
	w.Tokens.Show(TokenSet{IDToken: raw})
	test.Tap(w.Tokens.copyToken)
	if a.Clipboard().Content() != raw {
		t.Fatal("the token was not copied")
	}
	w.Close()
	if got := a.Clipboard().Content(); got != "" {
		t.Fatalf("clipboard after the window closed has %d chars, want it cleared", len(got))
	}
	if !timers.isStopped(0) {
		t.Fatal("the timer still runs after the window closed")
	}
}

// Every copy of a secret goes through the secret clipboard and says so beside its button;
// copies of IDs do not.
func TestClipboard_SecretCopiesOnEveryScreen(t *testing.T) {
	e := newDeskEnv(t)
	timers, expired := fakeClipboardTimers(t, e.App.Clipboard())
	copied := 0
	check := func(what, want string, note interface{ Visible() bool }) {
		t.Helper()
		if got := e.App.Clipboard().Content(); got != want || want == "" {
			t.Fatalf("%s: clipboard has %d chars, want %d", what, len(got), len(want))
		}
		if timers.count() != copied+1 || timers.delay(copied) != SecretClipboardDelay {
			t.Fatalf("%s: no clearing was scheduled", what)
		}
		if !note.Visible() {
			t.Fatalf("%s: no note beside the button", what)
		}
		timers.fire(copied)
		waitFor(t, e.Win.UI, expired, what+" to expire")
		if got := e.App.Clipboard().Content(); got != "" {
			t.Fatalf("%s: still on the clipboard after the delay", what)
		}
		copied++
	}

	// Tokens: Copy token.
	raw := idToken(t, nil)
	e.Win.Tokens.Show(TokenSet{IDToken: raw})
	test.Tap(e.Win.Tokens.copyToken)
	check("the token", raw, e.Win.Tokens.clipNote)

	// Timeline: Copy as cURL and Copy response.
	ex := tokenExchange()
	e.Win.Timeline.Append(ex)
	e.Win.Timeline.Select(len(e.Win.Timeline.entries) - 1)
	test.Tap(e.Win.Timeline.copyCurl)
	check("the timeline's cURL", ex.Curl(), e.Win.Timeline.clipNote)
	test.Tap(e.Win.Timeline.copyResp)
	check("the timeline's response", ex.ResponseBody, e.Win.Timeline.clipNote)

	// Applications: the demo user's password is a secret, its username and IDs are not.
	s := openApplications(t, e)
	waitTask(t, s.CreateDemoUser(), "demo user")
	test.Tap(s.demo.copyPassword)
	check("the demo password", s.demo.user.Password, s.demo.passwordNote)
	test.Tap(s.demo.copyUsername)
	if e.App.Clipboard().Content() != s.demo.user.Username || timers.count() != copied {
		t.Fatal("the username copy was treated as a secret, or not copied")
	}

	// Sign in: a step's cURL.
	si := e.Win.SignIn
	a := createSeedApp(t, e.Desk, "Demo", "profile", "email")
	si.UseApp(a.ID, a.Name)
	waitSignedIn(t, e, si.Start(app.SignInInApp), "in-app sign-in")
	for i, st := range si.steps {
		if st.ex != nil && strings.Contains(st.ex.URL, "/as/token") {
			si.copyCurl(i)
			check("the sign-in step's cURL", st.ex.Curl(), si.clipNote)
			return
		}
	}
	t.Fatal("no token step to copy")
}
