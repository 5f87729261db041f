package token

import (
	"fmt"
	"time"
)

// CheckAuthTime is the check of the user's sign-in time against the max_age
// the authorization request carried (OIDC Core §3.1.2.1 and §3.1.3.7 rule 13).
const CheckAuthTime = "auth_time"

// checkAuthTime: when the authorization request carried max_age, the ID
// token MUST carry auth_time (OIDC Core §3.1.2.1), and the client should
// reject a sign-in older than max_age (§3.1.3.7 rule 13). The verifier's
// leeway allows for clock differences, as it does for exp.
func (v *Verifier) checkAuthTime(d *Decoded, now time.Time, exp Expect) Check {
	t, present, err := numericDate(d.Claims, "auth_time")
	if present && err != nil {
		return mk(CheckAuthTime, Failed, "The sign-in time (auth_time) is "+err.Error()+".")
	}
	if !exp.MaxAgeRequested {
		if !present {
			return mk(CheckAuthTime, NotApplicable, "Not present; it is only needed when a sign-in asks for a maximum sign-in age (max_age), and this one did not.")
		}
		return mk(CheckAuthTime, NotApplicable, "The user signed in "+whenRelative(t, now)+". This sign-in did not ask for a maximum sign-in age (max_age), so the time is not checked.")
	}
	asked := maxAgePhrase(exp.MaxAge)
	if !present {
		return mk(CheckAuthTime, Failed, "This app asked for "+asked+", but the token does not say when the user signed in (auth_time is missing), so that cannot be checked.")
	}
	age := now.Sub(t)
	switch {
	case -age > v.maxIatFuture:
		reason := fmt.Sprintf("The token claims the user signed in %s in the future (%s).", Humanize(-age), formatTime(t))
		if -age > clockHintThreshold {
			reason += " Your computer's clock may be wrong (it would be running behind)."
		}
		return mk(CheckAuthTime, Failed, reason)
	case age > exp.MaxAge+v.leeway:
		return mk(CheckAuthTime, Failed, fmt.Sprintf("The user signed in %s ago (at %s), but this app asked for %s. PingOne should have asked the user to sign in again.",
			Humanize(age), formatTime(t), asked))
	}
	if age < time.Second {
		return mk(CheckAuthTime, Passed, "The user signed in just now, as this app asked ("+asked+").")
	}
	return mk(CheckAuthTime, Passed, fmt.Sprintf("The user signed in %s ago, within what this app asked for (%s).", Humanize(age), asked))
}

func maxAgePhrase(d time.Duration) string {
	if d <= 0 {
		return "a fresh sign-in (max_age=0)"
	}
	return fmt.Sprintf("a sign-in no older than %s (max_age=%d)", Humanize(d), int64(d/time.Second))
}
