package token

import "slices"

// RefreshIdentityMismatch compares refreshed, an ID token from a refresh-token
// grant, with original, the ID token of the sign-in, as OpenID Connect Core
// §12.2 requires: iss and sub MUST be the same, aud MUST be the same (and name
// clientID), azp MUST be the same (and absent when it was absent), and
// auth_time, when present, MUST still be the time of the original sign-in, so
// it may not go backwards. It returns the name of the first claim that breaks
// these rules, or "" when the two describe the same sign-in of the same user.
//
// Nothing here checks signatures or times: run VerifyIDToken as well. The
// comparison is meaningful even on an unverified token, because a token that
// names someone else must not be shown as the signed-in user's either way.
func RefreshIdentityMismatch(original, refreshed *Decoded, clientID string) string {
	if original == nil || refreshed == nil {
		return "sub"
	}
	for _, name := range []string{"iss", "sub"} {
		want := original.ClaimString(name)
		if want == "" || refreshed.ClaimString(name) != want {
			return name
		}
	}
	wantAud, ok1 := stringList(original.Claims["aud"])
	gotAud, ok2 := stringList(refreshed.Claims["aud"])
	if !ok1 || !ok2 || !slices.Contains(gotAud, clientID) || !sameSet(wantAud, gotAud) {
		return "aud"
	}
	wantAzp, hadAzp := original.Claims["azp"]
	gotAzp, hasAzp := refreshed.Claims["azp"]
	if hadAzp != hasAzp || (hasAzp && !sameString(wantAzp, gotAzp)) {
		return "azp"
	}
	if got, present, err := numericDate(refreshed.Claims, "auth_time"); present && err == nil {
		if want, had, err := numericDate(original.Claims, "auth_time"); had && err == nil && got.Before(want) {
			return "auth_time"
		}
	}
	return ""
}

func sameSet(a, b []string) bool {
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	for _, s := range b {
		if !slices.Contains(a, s) {
			return false
		}
	}
	return true
}

func sameString(a, b any) bool {
	x, ok1 := a.(string)
	y, ok2 := b.(string)
	return ok1 && ok2 && x == y
}
