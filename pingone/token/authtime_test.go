package token

import (
	"testing"
	"time"
)

// OIDC Core §3.1.2.1 and §3.1.3.7 rule 13: a sign-in that sent max_age needs
// an auth_time no older than max_age (plus the verifier's leeway).
func TestVerify_MaxAge(t *testing.T) {
	withMaxAge := func(d time.Duration) Expect {
		e := expect()
		e.MaxAgeRequested, e.MaxAge = true, d
		return e
	}
	cases := []struct {
		name     string
		authTime any // nil: claim removed
		exp      Expect
		want     Status
		reason   string
	}{
		{"max_age sent, auth_time missing", nil, withMaxAge(5 * time.Minute), Failed, "does not say when the user signed in"},
		{"max_age sent, sign-in too old", -10 * time.Minute, withMaxAge(5 * time.Minute), Failed, "signed in 10 minutes ago"},
		{"max_age sent, just beyond the leeway", -(5*time.Minute + 61*time.Second), withMaxAge(5 * time.Minute), Failed, "no older than 5 minutes (max_age=300)"},
		{"max_age sent, within the leeway", -(5*time.Minute + 30*time.Second), withMaxAge(5 * time.Minute), Passed, "within what this app asked for"},
		{"max_age sent, fresh sign-in", -20 * time.Second, withMaxAge(5 * time.Minute), Passed, "signed in 20 seconds ago"},
		{"max_age=0, sign-in just now", time.Duration(0), withMaxAge(0), Passed, "max_age=0"},
		{"max_age=0, sign-in 2 minutes ago", -2 * time.Minute, withMaxAge(0), Failed, "a fresh sign-in (max_age=0)"},
		{"max_age sent, sign-in in the future", 2 * time.Hour, withMaxAge(5 * time.Minute), Failed, "clock may be wrong"},
		{"max_age sent, auth_time not a number", "yesterday", withMaxAge(5 * time.Minute), Failed, "sign-in time (auth_time)"},
		{"no max_age, auth_time missing", nil, expect(), NotApplicable, "did not"},
		{"no max_age, old sign-in", -30 * 24 * time.Hour, expect(), NotApplicable, "not checked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			raw := f.idToken(t, func(_, c map[string]any) {
				switch at := tc.authTime.(type) {
				case nil:
					delete(c, "auth_time")
				case time.Duration:
					c["auth_time"] = unix(f.clock.Now().Add(at))
				default:
					c["auth_time"] = at
				}
			})
			rep, err := f.verify(t, raw, tc.exp)
			assertCheck(t, rep, CheckAuthTime, tc.want, tc.reason)
			if tc.want == Failed {
				assertRejected(t, rep, err, CheckAuthTime)
				return
			}
			if err != nil {
				t.Fatalf("token rejected: %v", err)
			}
		})
	}
}
