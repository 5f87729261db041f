package token

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func TestHumanize(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "less than a second"},
		{999 * time.Millisecond, "less than a second"},
		{time.Second, "1 second"},
		{59 * time.Second, "59 seconds"},
		{-3 * time.Minute, "3 minutes"},
		{3*time.Minute + 59*time.Second, "3 minutes"},
		{54 * time.Minute, "54 minutes"},
		{time.Hour, "1 hour"},
		{time.Hour + 5*time.Minute, "1 hour 5 minutes"},
		{2 * time.Hour, "2 hours"},
		{24 * time.Hour, "1 day"},
		{50 * time.Hour, "2 days 2 hours"},
		{30 * 24 * time.Hour, "30 days"},
		{365 * 24 * time.Hour, "1 year"},
		{400 * 24 * time.Hour, "1 year 35 days"},
		{math.MaxInt64, "292 years"},
		{math.MinInt64, "292 years"},
	}
	for _, tc := range cases {
		if got := Humanize(tc.d); got != tc.want {
			t.Errorf("Humanize(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestExplainClaim(t *testing.T) {
	for _, name := range []string{"iss", "sub", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "c_hash", "sid", "env", "org", "client_id", "scope", "jti", "email_verified", "preferred_username", "updated_at"} {
		title, text, known := ExplainClaim(name)
		if !known || title == "" || len(text) < 20 {
			t.Errorf("ExplainClaim(%q) = %q, %q, %v", name, title, text, known)
		}
	}
	if _, text, _ := ExplainClaim("acr"); !strings.Contains(text, "sign-on policy") {
		t.Errorf("acr explanation does not mention PingOne's sign-on policy: %q", text)
	}
	title, text, known := ExplainClaim("favourite_colour")
	if known || title != "favourite_colour" || !strings.Contains(text, "custom") {
		t.Errorf("unknown claim = %q, %q, %v", title, text, known)
	}
	if _, text, known := ExplainHeader("jku"); !known || !strings.Contains(text, "Ignored") {
		t.Errorf("jku header explanation = %q", text)
	}
	if _, _, known := ExplainHeader("zzz"); known {
		t.Error("unknown header reported as known")
	}
}

func TestDescribeValue(t *testing.T) {
	now := time.Date(2026, 11, 22, 13, 9, 10, 0, time.UTC)
	cases := []struct {
		name string
		v    any
		want string
	}{
		{"exp", json.Number("1795356190"), "2026-11-22 14:03:10 UTC (in 54 minutes)"},
		{"iat", json.Number("1795352770"), "2026-11-22 13:06:10 UTC (3 minutes ago)"},
		{"auth_time", float64(1795352950), "2026-11-22 13:09:10 UTC (now)"},
		{"updated_at", json.Number("1795352770.5"), "2026-11-22 13:06:10 UTC (2 minutes ago)"},
		{"exp", "tomorrow", "tomorrow"}, // not a number: shown as is
		{"amr", []any{"pwd", "otp", "custom"}, "pwd (password), otp (one-time code), custom"},
		{"scope", "openid  profile email", "openid, profile, email"},
		{"aud", []any{"a", "b"}, "a, b"},
		{"email_verified", true, "yes"},
		{"phone_number_verified", false, "no"},
		{"address", map[string]any{"country": "FR"}, `{"country":"FR"}`},
		{"custom", json.Number("12345678901234567890"), "12345678901234567890"},
		{"custom", nil, "(empty)"},
		{"custom", []any{"x", json.Number("1")}, `["x",1]`},
	}
	for _, tc := range cases {
		if got := DescribeValue(tc.name, tc.v, now); got != tc.want {
			t.Errorf("DescribeValue(%q, %#v) = %q, want %q", tc.name, tc.v, got, tc.want)
		}
	}
}

func TestSortedClaimNames(t *testing.T) {
	got := SortedClaimNames(map[string]any{"zeta": 1, "exp": 1, "iss": 1, "alpha": 1, "sub": 1})
	want := []string{"iss", "sub", "exp", "alpha", "zeta"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestStatusString(t *testing.T) {
	if Passed.String() != "passed" || Failed.String() != "failed" || NotApplicable.String() != "not applicable" {
		t.Fatal("Status.String")
	}
}
