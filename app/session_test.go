package app

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// sessionLog collects the session events a Desk publishes.
type sessionLog struct {
	mu  sync.Mutex
	all []SessionEvent
}

func followSessions(t *testing.T, d *Desk) (*sessionLog, func()) {
	t.Helper()
	l := &sessionLog{}
	stop := d.OnSessionChange(func(ev SessionEvent) {
		// Published after the change: the desk already shows what the event says.
		if cur := d.CurrentSession(); cur != ev.Session && ev.Kind != SessionSignedOut && ev.Kind != SessionDropped {
			t.Errorf("%v event: CurrentSession is not the event's session", ev.Kind)
		}
		l.mu.Lock()
		l.all = append(l.all, ev)
		l.mu.Unlock()
	})
	t.Cleanup(stop)
	return l, stop
}

func (l *sessionLog) events() []SessionEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]SessionEvent(nil), l.all...)
}

func (l *sessionLog) last(t *testing.T, want SessionEventKind) SessionEvent {
	t.Helper()
	all := l.events()
	if len(all) == 0 {
		t.Fatalf("no session event, want %v", want)
	}
	ev := all[len(all)-1]
	if ev.Kind != want {
		t.Fatalf("last session event is %v, want %v", ev.Kind, want)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			t.Fatalf("event %d has Seq %d after %d", i, all[i].Seq, all[i-1].Seq)
		}
	}
	return ev
}

// Every change of the session is published, in order, with the session as it now is: a
// view that renders from these events can never show a signed-out session as signed in.
func TestSessionChangesArePublished(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	log, stop := followSessions(t, d)
	clientID := createSignInApp(t, d)
	demo, _ := d.SandboxDemoUser()
	req := SignInRequest{Mode: SignInInApp, ClientID: clientID, Scopes: []string{"profile", "email"},
		Username: demo.Username, Password: demo.Password}

	// A wrong password changes nothing.
	bad := req
	bad.Password = "Wrong-Pw-1!"
	if _, err := d.SignIn(ctx, bad, nil); err == nil {
		t.Fatal("a wrong password signed in")
	}
	if n := len(log.events()); n != 0 {
		t.Fatalf("%d session events after a failed sign-in", n)
	}

	sess, err := d.SignIn(ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := log.last(t, SessionSignedIn)
	if ev.Session != sess || ev.Ended != nil || ev.At.IsZero() {
		t.Fatalf("signed-in event = %+v", ev)
	}
	if got := sess.DisplayName(); got != "Demo User" {
		t.Fatalf("DisplayName = %q, want the demo user's name from the ID token", got)
	}
	if !sess.IDTokenVerified() {
		t.Fatal("a signed-in session's ID token is not verified")
	}

	next, err := d.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ev := log.last(t, SessionRefreshed); ev.Session != next || next.DisplayName() != "Demo User" {
		t.Fatalf("refreshed event = %+v", ev)
	}

	if _, err := d.UserInfo(ctx); err != nil {
		t.Fatal(err)
	}
	withInfo := log.last(t, SessionUserInfo).Session
	if withInfo == nil || withInfo.Tokens.AccessToken != next.Tokens.AccessToken || d.CurrentSession() != withInfo {
		t.Fatal("the userinfo event does not carry the current session")
	}

	if _, err := d.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	ev = log.last(t, SessionSignedOut)
	if ev.Session != nil || ev.Ended == nil || ev.Ended.Tokens.AccessToken != next.Tokens.AccessToken || ev.Err != nil {
		t.Fatalf("signed-out event = %+v", ev)
	}
	if strings.Join(ev.Revoked, ", ") != "refresh token, access token" {
		t.Fatalf("revoked = %v", ev.Revoked)
	}

	// Switching connections drops a session, and says so; without one it says nothing.
	if _, err := d.SignIn(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	other := sandboxAsCustomProfile(t, d, nil)
	if err := d.SetActive(other.ID); err != nil {
		t.Fatal(err)
	}
	if ev := log.last(t, SessionDropped); ev.Session != nil || ev.Ended == nil {
		t.Fatalf("dropped event = %+v", ev)
	}
	n := len(log.events())
	if err := d.SetActive(SandboxProfileID); err != nil {
		t.Fatal(err)
	}
	stop()
	stop() // twice is fine
	if _, err := d.SignIn(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	if got := len(log.events()); got != n {
		t.Fatalf("%d events after a switch without a session and an unsubscribe, want %d", got, n)
	}
}

// unsignedJWT is a decodable token with these claims (DisplayName reads, never verifies).
func unsignedJWT(t *testing.T, claims map[string]any) *token.Decoded {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	dec, err := token.Decode(enc(map[string]any{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString([]byte("sig")))
	if err != nil {
		t.Fatal(err)
	}
	return dec
}

func TestSessionDisplayName(t *testing.T) {
	const sub = "3195c31c-5f7e-4b8a-9c1d-2e3f4a5b6c7d"
	cases := []struct {
		name     string
		claims   map[string]any
		userInfo map[string]any
		want     string
	}{
		{"name first", map[string]any{"sub": sub, "name": "Demo User", "preferred_username": "demo.user", "email": "d@example.com"}, nil, "Demo User"},
		{"then the username", map[string]any{"sub": sub, "preferred_username": "demo.user", "email": "d@example.com"}, nil, "demo.user"},
		{"then the email", map[string]any{"sub": sub, "email": "d@example.com"}, nil, "d@example.com"},
		{"blank claims are skipped", map[string]any{"sub": sub, "name": "  ", "email": "d@example.com"}, nil, "d@example.com"},
		{"not a string", map[string]any{"sub": sub, "name": 42}, nil, sub},
		{"userinfo when the ID token names no one", map[string]any{"sub": sub}, map[string]any{"sub": sub, "preferred_username": "demo.user"}, "demo.user"},
		{"the ID token before userinfo", map[string]any{"sub": sub, "email": "d@example.com"}, map[string]any{"name": "Other"}, "d@example.com"},
		{"control characters are not shown", map[string]any{"sub": sub, "name": "Demo\x1b[31m User\n"}, nil, "Demo User"},
		{"else the subject", map[string]any{"sub": sub}, nil, sub},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &Session{Subject: sub, identity: unsignedJWT(t, tc.claims), userInfo: tc.userInfo}
			if got := s.DisplayName(); got != tc.want {
				t.Fatalf("DisplayName = %q, want %q", got, tc.want)
			}
		})
	}
	if (*Session)(nil).DisplayName() != "" || (&Session{Subject: sub}).DisplayName() != sub {
		t.Fatal("a session without an ID token is named by its subject")
	}
}
