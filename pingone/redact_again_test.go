package pingone

import (
	"net/http"
	"strings"
	"testing"
)

func TestRedactText(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	in := `{"access_token":"at-planted","password": "pw-planted"} code=code-planted&state=keep ` +
		"Authorization: Bearer bearer-planted " + jwt
	out := RedactText(in)
	for _, s := range []string{"at-planted", "pw-planted", "code-planted", "bearer-planted", jwt} {
		if strings.Contains(out, s) {
			t.Errorf("RedactText kept %q: %s", s, out)
		}
	}
	if !strings.Contains(out, "state=keep") {
		t.Errorf("RedactText lost the non-secret state: %s", out)
	}
}

func TestRedactExchange(t *testing.T) {
	e := Exchange{
		Method: "POST", URL: "https://auth.pingone.com/env/as/token?code=url-code&x=1",
		RequestHeader:  http.Header{"Authorization": {"Basic basic-planted"}, "Content-Type": {"application/x-www-form-urlencoded"}},
		RequestBody:    "grant_type=authorization_code&code_verifier=verifier-planted",
		ResponseHeader: http.Header{"Set-Cookie": {"ST=cookie-planted; Path=/"}},
		ResponseBody:   `{"id_token":"idt-planted","token_type":"Bearer"}`,
	}
	got := RedactExchange(e)
	all := got.URL + got.RequestBody + got.ResponseBody + strings.Join(got.RequestHeader.Values("Authorization"), "") +
		strings.Join(got.ResponseHeader.Values("Set-Cookie"), "")
	for _, s := range []string{"url-code", "basic-planted", "verifier-planted", "cookie-planted", "idt-planted"} {
		if strings.Contains(all, s) {
			t.Errorf("RedactExchange kept %q", s)
		}
	}
	if e.RequestHeader.Get("Authorization") != "Basic basic-planted" {
		t.Error("RedactExchange changed its argument's headers")
	}
	if !strings.Contains(got.URL, "x=1") || !strings.Contains(got.ResponseBody, `"Bearer"`) {
		t.Errorf("RedactExchange lost non-secret values: %s %s", got.URL, got.ResponseBody)
	}
}

func TestRedactAgain_Idempotent(t *testing.T) {
	in := "code=" + Redacted + "&code_verifier=" + Redacted
	if got := RedactText(in); got != in {
		t.Errorf("redacting again changed %q to %q", in, got)
	}
	e := Exchange{ResponseBody: `{"code":"INVALID_DATA","message":"x","id_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}`,
		RequestBody: "code=" + Redacted + "&state=s"}
	once := RedactExchange(e)
	if !strings.Contains(once.ResponseBody, "INVALID_DATA") || strings.Contains(once.ResponseBody, "eyJ") {
		t.Errorf("PingOne's error code lost or the token kept: %s", once.ResponseBody)
	}
	twice := RedactExchange(once)
	if twice.ResponseBody != once.ResponseBody || twice.RequestBody != e.RequestBody {
		t.Errorf("redacting a redacted exchange again changed it: %q / %q", twice.ResponseBody, twice.RequestBody)
	}
}
