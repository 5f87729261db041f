package export

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// Planted secrets, each in the syntax it really travels in, so that the redaction that
// every writer applies has something to find.
const (
	cnClientSecret = "CANARY-client-secret-91f3a7"
	cnPassword     = "CANARY-pass-w0rd-55b2"
	cnCode         = "CANARY-authz-code-6d1e8c"
	cnVerifier     = "CANARY-verifier-3f9a0b7c2e4d6f8a1b3c5d7e9f0a2b4c"
	cnJWT          = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ"
	cnBearer       = "CANARY-bearer-token-7a8b9c"
	cnBasic        = "Q0FOQVJZLWJhc2ljLWNyZWRz"
	cnCookie       = "CANARY-cookie-value-2e4f6a"
	cnRefresh      = "CANARY-refresh-token-0c1d2e"
	// cnVisible is not a secret: it must survive, proving the outputs were not emptied.
	cnVisible = "visible-state-42"
)

var cnSecrets = []string{cnClientSecret, cnPassword, cnCode, cnVerifier, cnJWT, cnBearer, cnBasic, cnCookie, cnRefresh}

// cnText is free text quoting secrets the way a careless error message would.
func cnText(what string) string {
	return what + ": POST https://auth.pingone.com/env/as/token?code=" + cnCode + "&state=" + cnVisible +
		" sent client_secret=" + cnClientSecret + " code_verifier=" + cnVerifier + " password=" + cnPassword +
		` {"refresh_token": "` + cnRefresh + `"} Authorization: Bearer ` + cnBearer + " Basic " + cnBasic + " id " + cnJWT
}

func cnExchange(step string) *pingone.Exchange {
	return &pingone.Exchange{
		ID: 1, Step: step, Method: http.MethodPost,
		URL: "https://auth.pingone.com/env/as/token?code=" + cnCode + "&code_verifier=" + cnVerifier +
			"&client_secret=" + cnClientSecret + "&access_token=" + cnJWT + "&state=" + cnVisible,
		RequestHeader: http.Header{
			"Authorization":   {"Bearer " + cnBearer},
			"X-Forwarded-For": {"Basic " + cnBasic},
			"Cookie":          {"ST=" + cnCookie + "; other=" + cnCookie},
			"Content-Type":    {"application/x-www-form-urlencoded"},
			"X-Debug":         {"token=" + cnJWT},
		},
		RequestBody: "grant_type=authorization_code&code=" + cnCode + "&code_verifier=" + cnVerifier +
			"&client_secret=" + cnClientSecret + "&password=" + cnPassword + "&refresh_token=" + cnRefresh + "&state=" + cnVisible,
		Status: 400,
		ResponseHeader: http.Header{
			"Set-Cookie":       {"ST=" + cnCookie + "; Path=/; HttpOnly"},
			"Location":         {"http://127.0.0.1:3000/callback?code=" + cnCode + "&state=" + cnVisible},
			"Content-Type":     {"application/json"},
			"Www-Authenticate": {"Bearer " + cnBearer},
		},
		ResponseBody: `{"access_token": "` + cnJWT + `", "refresh_token": "` + cnRefresh + `", "id_token": "` + cnJWT +
			`", "password": "` + cnPassword + `", "client_secret": "` + cnClientSecret + `", "code_verifier": "` + cnVerifier +
			`", "note": "raw ` + cnJWT + `", "state": "` + cnVisible + `"}`,
		Started: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Duration: time.Millisecond,
		Err: "refused for https://x/cb?code=" + cnCode + "&password=" + cnPassword,
	}
}

func cnRun() Run {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return Run{
		ID: 42, Kind: "sign-in", Mode: "in-app", Started: at, Duration: time.Second,
		Outcome: "failed", Error: cnText("the run failed"),
		Connection: Connection{
			Name: "Prod client_secret=" + cnClientSecret, Tag: "production", Region: "EU", EnvironmentID: "env",
			Issuer:       "https://auth.pingone.eu/env/as?client_secret=" + cnClientSecret,
			AuthBase:     "https://admin:" + cnPassword + "@auth.pingone.eu",
			APIBase:      "https://api.pingone.eu/v1?access_token=" + cnJWT,
			CustomDomain: "https://login.example.com/?code=" + cnCode,
		},
		App: App{
			ClientID: "client", Name: "App password=" + cnPassword,
			RedirectURI: "http://127.0.0.1:3000/callback?code=" + cnCode,
			Scopes:      []string{"openid", "token=" + cnJWT},
		},
		PKCE: PKCE{Method: "S256", Challenge: "challenge"},
		Steps: []Step{
			{Name: "authorize", Label: "Authorize code=" + cnCode, State: "ok", Status: 302, Exchange: cnExchange("authorize"), At: at},
			{Name: "token", Label: "Token", State: "failed", Status: 400, Reason: cnText("the token request was refused"), Exchange: cnExchange("token"), At: at},
			{Name: "verify", State: "failed", Reason: cnText("verification stopped"), At: at},
		},
		Checks: []Check{
			{ID: "signature", Title: "Signature " + cnJWT, Status: "failed", Reason: cnText("the signature check failed")},
		},
		Lab: &lab.Report{
			Issuer:  "https://auth.pingone.eu/env/as?client_secret=" + cnClientSecret,
			Started: at,
			Results: []lab.Result{{
				Case:    lab.Case{Number: 1, Name: "Wrong code_verifier", Done: cnText("done"), Expected: "400", Why: "why", Side: lab.Server},
				Verdict: lab.DoesNotHold, Why: cnText("the token endpoint issued tokens"),
				Actual: lab.Actual{
					Status: 200, Error: "code=" + cnCode, ErrorDescription: cnText("description"),
					CorrelationID: "Bearer " + cnBearer, Summary: cnText("summary"),
				},
				Info: cnText("info"), AppID: "app password=" + cnPassword,
				Exchanges: []pingone.Exchange{*cnExchange("lab-token")},
			}},
			CleanedUp:     []string{cnText("deleted")},
			CleanupFailed: []string{cnText("could not delete")},
		},
	}
}

func TestCanary_NoPlantedSecretInAnyExport(t *testing.T) {
	r := cnRun()
	js, err := JSON(r)
	if err != nil {
		t.Fatal(err)
	}
	har, err := HAR(r)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"Markdown": string(Markdown(r)), "JSON": string(js), "HAR": string(har), "Summary": Summary(r),
	}
	for name, out := range outputs {
		for _, s := range cnSecrets {
			for _, form := range []string{s, url.QueryEscape(s), s[len(s)-10:]} {
				if strings.Contains(out, form) {
					// Only a prefix of the planted value is printed, as in the lab's canary.
					t.Errorf("%s contains a planted secret (%d characters, starts %q)", name, len(form), form[:4])
				}
			}
		}
		if !strings.Contains(out, pingone.Redacted) {
			t.Errorf("%s has no %s placeholder: nothing was redacted, or nothing written", name, pingone.Redacted)
		}
	}
	// What is not secret is still there: the redaction did not blank the reports.
	for _, name := range []string{"Markdown", "JSON", "HAR"} {
		if !strings.Contains(outputs[name], cnVisible) {
			t.Errorf("%s lost the non-secret state value", name)
		}
	}
	if !strings.Contains(outputs["Summary"], "the token request was refused") {
		t.Errorf("summary lost the failing step's reason:\n%s", outputs["Summary"])
	}
	// The writers redact copies: the Run they were given is left as it was (the desk
	// keeps it in its history and may export it again).
	if !reflect.DeepEqual(r, cnRun()) {
		t.Error("exporting changed the Run it was given")
	}
}
