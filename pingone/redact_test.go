package pingone

import (
	"net/http"
	"strings"
	"testing"
)

const canary = "CANARY-SECRET-1234"

func TestRedactURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://x/cb?code=" + canary + "&state=abc", "https://x/cb?code=<redacted>&state=abc"},
		{"https://x/cb?state=abc&Code=" + canary, "https://x/cb?state=abc&Code=<redacted>"},
		{"https://x/as/signoff?id_token_hint=" + canary + "&post_logout_redirect_uri=http%3A%2F%2Flocalhost", "https://x/as/signoff?id_token_hint=<redacted>&post_logout_redirect_uri=http%3A%2F%2Flocalhost"},
		{"https://x/cb#access_token=" + canary + "&token_type=Bearer", "https://x/cb#access_token=<redacted>&token_type=Bearer"},
		{"https://x/p?client%5Fsecret=" + canary, "https://x/p?client%5Fsecret=<redacted>"},
		{"https://x/p?nothing=1", "https://x/p?nothing=1"},
		{"https://x/p", "https://x/p"},
	}
	for _, c := range cases {
		if got := redactURL(c.in); got != c.want {
			t.Errorf("redactURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, in := range []string{
		"https://u:" + canary + "@x/p",
		"https://x/%zz?code=" + canary,
		"::bad::?password=" + canary,
		"https://x/p?code=" + canary + "&password=" + canary + "&refresh_token=" + canary + "&token=" + canary + "&code_verifier=" + canary,
	} {
		if got := redactURL(in); strings.Contains(got, canary) {
			t.Errorf("redactURL(%q) leaked: %q", in, got)
		}
	}
}

func TestRedactHeader(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Basic "+canary)
	h.Set("Proxy-Authorization", canary)
	h.Add("Cookie", "ST="+canary+"; other="+canary)
	h.Add("Set-Cookie", "ST="+canary+"; Path=/; HttpOnly")
	h.Set("Location", "http://localhost:3000/callback?code="+canary+"&state=s1")
	h.Set("Content-Type", "application/json")
	got := redactHeader(h)
	for name, vs := range got {
		for _, v := range vs {
			if strings.Contains(v, canary) {
				t.Errorf("%s leaked: %q", name, v)
			}
		}
	}
	if got.Get("Authorization") != "Basic <redacted>" {
		t.Errorf("Authorization = %q, want scheme kept", got.Get("Authorization"))
	}
	if got.Get("Set-Cookie") != "ST=<redacted>; Path=/; HttpOnly" {
		t.Errorf("Set-Cookie = %q", got.Get("Set-Cookie"))
	}
	if !strings.Contains(got.Get("Location"), "state=s1") {
		t.Errorf("Location lost state: %q", got.Get("Location"))
	}
	if got.Get("Content-Type") != "application/json" {
		t.Errorf("unrelated header changed")
	}
	if h.Get("Authorization") != "Basic "+canary {
		t.Errorf("input header modified")
	}
}

func TestRedactBody(t *testing.T) {
	form := "grant_type=authorization_code&code=" + canary + "&code_verifier=" + canary +
		"&client_id=abc&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&client_secret=" + canary +
		"&refresh_token=" + canary + "&assertion=" + canary
	got := redactBody("application/x-www-form-urlencoded; charset=utf-8", []byte(form))
	if strings.Contains(got, canary) || !strings.Contains(got, "client_id=abc") || !strings.Contains(got, "grant_type=authorization_code") {
		t.Errorf("form: %q", got)
	}

	js := `{"access_token":"` + canary + `","token_type":"Bearer","expires_in":3600,
	  "nested":{"deeper":[{"password":"` + canary + `"},{"clientSecret":"` + canary + `"}]},
	  "id_token":"` + canary + `","refresh_token":"` + canary + `","value":"` + canary + `",
	  "authorizeResponse":{"code":"` + canary + `","state":"st"},
	  "newPassword":"` + canary + `","currentPassword":"` + canary + `","secret":{"x":"` + canary + `"}}`
	got = redactBody("application/json", []byte(js))
	if strings.Contains(got, canary) {
		t.Errorf("JSON leaked: %s", got)
	}
	if !strings.Contains(got, `"token_type": "Bearer"`) || !strings.Contains(got, `"state": "st"`) {
		t.Errorf("JSON lost non-secret fields: %s", got)
	}
	if strings.Index(got, "access_token") > strings.Index(got, "token_type") {
		t.Errorf("JSON member order not kept: %s", got)
	}

	// Platform error codes are not secrets and must stay readable.
	perr := `{"id":"1","code":"INVALID_DATA","message":"bad","details":[{"code":"INVALID_VALUE","target":"name","message":"m"}]}`
	got = redactBody("application/json", []byte(perr))
	if !strings.Contains(got, "INVALID_DATA") || !strings.Contains(got, "INVALID_VALUE") {
		t.Errorf("error codes redacted: %s", got)
	}
	// ...but an upper-case "code" outside an error shape is still redacted.
	got = redactBody("application/json", []byte(`{"code":"CANARYSECRET1234","state":"x"}`))
	if strings.Contains(got, "CANARYSECRET1234") {
		t.Errorf("auth code kept: %s", got)
	}

	// Vendor media type used by PingOne's password.set.
	got = redactBody("application/vnd.pingidentity.password.set+json", []byte(`{"value":"`+canary+`","forceChange":false}`))
	if strings.Contains(got, canary) || !strings.Contains(got, "forceChange") {
		t.Errorf("password.set: %s", got)
	}

	// Truncated JSON falls back to pattern scrubbing.
	got = redactBody("application/json", []byte(`{"token_type":"Bearer","access_token":"`+canary))
	if strings.Contains(got, canary) || !strings.Contains(got, "invalid JSON") {
		t.Errorf("truncated JSON: %q", got)
	}
	// Text and HTML echoing a secret.
	got = redactBody("text/html", []byte(`<a href="/cb?code=`+canary+`">x</a> Bearer `+canary))
	if strings.Contains(got, canary) {
		t.Errorf("html: %q", got)
	}
	// Binary is summarised.
	got = redactBody("application/octet-stream", []byte{0, 1, 2, 0xff})
	if got != "[application/octet-stream body, 4 bytes]" {
		t.Errorf("binary: %q", got)
	}
	// Big bodies are capped.
	big := strings.Repeat("a", maxRecordedBody*2)
	if got = redactBody("text/plain", []byte(big)); len(got) > maxRecordedBody+100 {
		t.Errorf("not capped: %d", len(got))
	}
	// Deep nesting does not blow the stack and does not leak.
	deep := strings.Repeat(`{"a":`, 10000) + `"` + canary + `"` + strings.Repeat("}", 10000)
	if got = redactBody("application/json", []byte(deep)); strings.Contains(got, canary) && !strings.Contains(got, "invalid JSON") {
		t.Errorf("deep JSON handled oddly")
	}
}
