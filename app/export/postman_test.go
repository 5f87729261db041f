package export

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// pmSchemaID is the $id of testdata/postman/collection-v2.1.0.schema.json: the official
// Postman collection v2.1.0 schema in its draft-07 edition (postmanlabs/schemas, MIT),
// as published at https://schema.getpostman.com/json/draft-07/collection/v2.1.0/.
const pmSchemaID = "https://schema.getpostman.com/json/draft-07/collection/v2.1.0/"

func pmCompileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return compileSchema(t, pmSchemaID, false, "postman", "collection-v2.1.0.schema.json")
}

// pmParsed is the part of a written collection the tests read back.
type pmParsed struct {
	Info struct {
		ID     string `json:"_postman_id"`
		Name   string `json:"name"`
		Schema string `json:"schema"`
	} `json:"info"`
	Variable []pmVar `json:"variable"`
	Item     []struct {
		Name     string          `json:"name"`
		Behavior map[string]bool `json:"protocolProfileBehavior"`
		Event    []pmEvent       `json:"event"`
		Request  struct {
			Method string     `json:"method"`
			Auth   *pmAuth    `json:"auth"`
			Header []pmHeader `json:"header"`
			Body   *pmBody    `json:"body"`
			URL    string     `json:"url"`
		} `json:"request"`
		Response []pmResponse `json:"response"`
	} `json:"item"`
}

func pmParse(t *testing.T, b []byte) pmParsed {
	t.Helper()
	var p pmParsed
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("collection is not JSON: %v", err)
	}
	return p
}

func pmVarOf(vars []pmVar, key string) (string, bool) {
	for _, v := range vars {
		if v.Key == key {
			return v.Value, true
		}
	}
	return "", false
}

// pmEUCustom is a custom-domain target in the EU region.
var pmEUCustom = PostmanTarget{
	Name: "EU test tenant", Region: pingone.RegionEU, AuthBase: "https://auth.pingone.eu",
	APIBase: "https://api.pingone.eu/v1", CustomDomain: "Auth.Example.org",
	EnvironmentID: "11111111-2222-4333-8444-555555555555", ClientID: "66666666-7777-4888-9999-000000000000",
	RedirectURI: "http://127.0.0.1:7777/callback", Scopes: []string{"openid", "profile email"},
}

func TestPostman_GoldenFromRecordedRuns(t *testing.T) {
	ok, failed, _ := recordedRuns(t)
	for _, c := range []struct {
		name string
		run  Run
	}{{"signin-succeeded", ok}, {"signin-wrong-password", failed}} {
		t.Run(c.name, func(t *testing.T) {
			col, err := Postman(c.run)
			if err != nil {
				t.Fatal(err)
			}
			goldenCompare(t, filepath.Join("postman", c.name+".postman_collection.json"), col)
		})
	}
	envs, err := PostmanEnvironments(PostmanTargetOf(ok), &DemoUser{Username: "demo.user", Password: "Demo-Passw0rd!"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range envs {
		goldenCompare(t, filepath.Join("postman", e.File), e.Data)
	}
	custom, err := PostmanCollection(pmEUCustom)
	if err != nil {
		t.Fatal(err)
	}
	goldenCompare(t, filepath.Join("postman", "custom-domain.postman_collection.json"), custom)
}

func TestPostman_ValidatesAgainstTheV21Schema(t *testing.T) {
	s := pmCompileSchema(t)
	ok, failed, _ := recordedRuns(t)
	for name, run := range map[string]Run{"succeeded": ok, "failed": failed} {
		col, err := Postman(run)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateJSON(t, s, col); err != nil {
			t.Errorf("%s run: the collection does not validate: %v", name, err)
		}
	}
	custom, err := PostmanCollection(pmEUCustom)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateJSON(t, s, custom); err != nil {
		t.Errorf("custom domain: the collection does not validate: %v", err)
	}
	// The schema is not a rubber stamp: an item whose request has a method that is not a
	// string, and a collection without info, are refused.
	var doc map[string]any
	if err := json.Unmarshal(custom, &doc); err != nil {
		t.Fatal(err)
	}
	doc["item"].([]any)[0].(map[string]any)["request"].(map[string]any)["method"] = 42
	broken, _ := json.Marshal(doc)
	if validateJSON(t, s, broken) == nil {
		t.Error("a request method of 42 validated")
	}
	delete(doc, "info")
	broken, _ = json.Marshal(doc)
	if validateJSON(t, s, broken) == nil {
		t.Error("a collection without info validated")
	}
}

// The collection runs the same requests the app sends (pingone/signin redirectless.go).
func TestPostman_RequestsAreTheRedirectlessSignIn(t *testing.T) {
	col, err := PostmanCollection(pmEUCustom)
	if err != nil {
		t.Fatal(err)
	}
	p := pmParse(t, col)
	if p.Info.Schema != pmSchema {
		t.Errorf("schema = %q", p.Info.Schema)
	}
	want := []struct{ method, url, contentType string }{
		{http.MethodPost, "{{asPath}}/authorize", "application/x-www-form-urlencoded"},
		{http.MethodPost, "{{flowUrl}}", "application/vnd.pingidentity.usernamePassword.check+json"},
		{http.MethodGet, "{{resumeUrl}}", ""},
		{http.MethodPost, "{{asPath}}/token", "application/x-www-form-urlencoded"},
	}
	if len(p.Item) != len(want) {
		t.Fatalf("%d requests, want %d", len(p.Item), len(want))
	}
	for i, w := range want {
		it := p.Item[i]
		if it.Request.Method != w.method || it.Request.URL != w.url {
			t.Errorf("request %d = %s %s, want %s %s", i+1, it.Request.Method, it.Request.URL, w.method, w.url)
		}
		var ct, cookie string
		for _, h := range it.Request.Header {
			switch strings.ToLower(h.Key) {
			case "content-type":
				ct = h.Value
			case "cookie":
				cookie = h.Value
			case "authorization":
				t.Errorf("request %d sends an Authorization header", i+1)
			}
		}
		if ct != w.contentType {
			t.Errorf("request %d Content-Type = %q, want %q", i+1, ct, w.contentType)
		}
		if (i == 1 || i == 2) != (cookie == "{{flowCookie}}") {
			t.Errorf("request %d Cookie header = %q", i+1, cookie)
		}
		if it.Request.Auth == nil || it.Request.Auth.Type != "noauth" {
			t.Errorf("request %d inherits an auth helper: %+v", i+1, it.Request.Auth)
		}
		if !it.Behavior["disableCookies"] || it.Behavior["followRedirects"] {
			t.Errorf("request %d protocolProfileBehavior = %v, want its own cookies and no redirects", i+1, it.Behavior)
		}
	}
	form := func(i int) map[string]string {
		m := map[string]string{}
		for _, kv := range p.Item[i].Request.Body.URLEncoded {
			m[kv.Key] = kv.Value
		}
		return m
	}
	auth := form(0)
	for k, v := range map[string]string{"response_mode": "pi.flow", "code_challenge_method": "S256",
		"code_challenge": "{{pkceCodeChallenge}}", "client_id": "{{clientId}}", "state": "{{authState}}",
		"nonce": "{{authNonce}}", "redirect_uri": "{{redirectUri}}", "response_type": "code", "scope": "{{scope}}"} {
		if auth[k] != v {
			t.Errorf("authorize %s = %q, want %q", k, auth[k], v)
		}
	}
	tok := form(3)
	for k, v := range map[string]string{"grant_type": "authorization_code", "code": "{{authCode}}",
		"client_id": "{{clientId}}", "code_verifier": "{{pkceCodeVerifier}}", "redirect_uri": "{{redirectUri}}"} {
		if tok[k] != v {
			t.Errorf("token %s = %q, want %q", k, tok[k], v)
		}
	}
	if b := p.Item[1].Request.Body; b == nil || b.Mode != "raw" || b.Raw != "{{flowCredentials}}" {
		t.Errorf("flow body = %+v, want the credentials the pre-request script builds", b)
	}
	// The custom domain's values: its own host, and an issuer without the environment.
	for k, v := range map[string]string{"authPath": "https://auth.example.org", "asPath": "{{authPath}}/as",
		"apiPath": "https://api.pingone.eu/v1", "envID": pmEUCustom.EnvironmentID, "clientId": pmEUCustom.ClientID,
		"scope": "openid profile email", "redirectUri": "http://127.0.0.1:7777/callback", "password": ""} {
		if got, _ := pmVarOf(p.Variable, k); got != v {
			t.Errorf("variable %s = %q, want %q", k, got, v)
		}
	}
	// The last request's test is the one that says the sign-in worked.
	last := strings.Join(p.Item[3].Event[0].Script.Exec, "\n")
	for _, s := range []string{"tokens.access_token", "tokens.id_token", "pm.test("} {
		if !strings.Contains(last, s) {
			t.Errorf("the token request's test does not check %q", s)
		}
	}
	if _, err := PostmanCollection(PostmanTarget{AuthBase: "https://auth.pingone.com"}); err == nil {
		t.Error("a collection without a client ID was written")
	}
}

// Every text goes through pingone.RedactText on its way out; the collection's own scripts
// and descriptions must come through unchanged or the collection would not run.
func TestPostman_ScriptsSurviveRedaction(t *testing.T) {
	for name, s := range map[string]string{
		"collection": pmCollectionDescription, "authorize": pmAuthorizeDescription, "flow": pmFlowDescription,
		"resume": pmResumeDescription, "token": pmTokenDescription, "cookies": pmKeepCookies,
		"authorize pre": pmAuthorizePre, "authorize test": pmAuthorizeTest, "flow pre": pmFlowPre,
		"flow test": pmFlowTest, "resume test": pmResumeTest, "token test": pmTokenTest,
	} {
		for i, line := range strings.Split(s, "\n") {
			if got := pingone.RedactText(line); got != line {
				t.Errorf("%s line %d is changed by the redaction:\n%s\n%s", name, i+1, line, got)
			}
		}
	}
	// And the whole clean document comes through the scrub byte for byte.
	raw, err := json.Marshal(pmDoc{Item: pmItems(), Event: []pmEvent{{Listen: "test", Script: pmScript(pmKeepCookies)}}})
	if err != nil {
		t.Fatal(err)
	}
	var before, after bytes.Buffer
	scrubbed, err := pmRedactStrings(raw)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Compact(&before, raw)
	_ = json.Compact(&after, scrubbed)
	var a, b any
	_ = json.Unmarshal(before.Bytes(), &a)
	_ = json.Unmarshal(after.Bytes(), &b)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Error("the redaction pass changed the collection's own requests or scripts")
	}
}

func TestPostman_RedactStringsKeepsOrderAndNames(t *testing.T) {
	in := `{"password":"plain","z":["code=abc","x"],"a":{"value":"Bearer abc.def","n":1.50,"t":true,"u":null},"e":[],"o":{}}`
	got, err := pmRedactStrings([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"password":"plain","z":["code=` + pingone.Redacted + `","x"],"a":{"value":"Bearer ` + pingone.Redacted + `","n":1.50,"t":true,"u":null},"e":[],"o":{}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPostman_EnvironmentFiles(t *testing.T) {
	target := PostmanTarget{Name: "AU prod", Region: pingone.RegionAU, AuthBase: "https://auth.pingone.com.au",
		APIBase: "https://api.pingone.com.au/v1", EnvironmentID: pmEUCustom.EnvironmentID, ClientID: pmEUCustom.ClientID}
	envs, err := PostmanEnvironments(target, &DemoUser{Username: "someone", Password: "Not-For-Regions-1!"})
	if err != nil {
		t.Fatal(err)
	}
	tld := map[string]string{"pingone-na": "com", "pingone-eu": "eu", "pingone-ca": "ca", "pingone-ap": "asia",
		"pingone-au": "com.au", "pingone-sg": "sg"}
	seen := map[string]bool{}
	for _, e := range envs {
		seen[e.Key] = true
		if e.File != "pkcedesk-"+e.Key+".postman_environment.json" {
			t.Errorf("%s: file %q", e.Key, e.File)
		}
		var doc pmEnvDoc
		if err := json.Unmarshal(e.Data, &doc); err != nil {
			t.Fatalf("%s: %v", e.Key, err)
		}
		if doc.Scope != "environment" || doc.Name == "" || doc.ID == "" {
			t.Errorf("%s: not a Postman environment: %+v", e.Key, doc)
		}
		vals := map[string]pmEnvVar{}
		for _, v := range doc.Values {
			vals[v.Key] = v
		}
		for _, k := range []string{"authPath", "apiPath", "envID", "clientId", "asPath", "username", "password"} {
			if _, ok := vals[k]; !ok {
				t.Errorf("%s: no %s variable", e.Key, k)
			}
		}
		if vals["password"].Value != "" || vals["password"].Type != "secret" {
			t.Errorf("%s: password = %+v, want an empty secret", e.Key, vals["password"])
		}
		if strings.Contains(string(e.Data), "Not-For-Regions-1!") {
			t.Errorf("%s: a demo password reached a file that is not the sandbox's", e.Key)
		}
		switch {
		case tld[e.Key] != "":
			d := tld[e.Key]
			if vals["authPath"].Value != "https://auth.pingone."+d || vals["apiPath"].Value != "https://api.pingone."+d+"/v1" ||
				vals["asPath"].Value != "{{authPath}}/{{envID}}/as" {
				t.Errorf("%s: hosts %q %q %q", e.Key, vals["authPath"].Value, vals["apiPath"].Value, vals["asPath"].Value)
			}
			mine := e.Key == "pingone-au"
			if (vals["envID"].Value == target.EnvironmentID) != mine || (vals["clientId"].Value == target.ClientID) != mine {
				t.Errorf("%s: envID %q clientId %q (the target's only in its own region's file)", e.Key, vals["envID"].Value, vals["clientId"].Value)
			}
		case e.Key == "custom-domain":
			if vals["asPath"].Value != "{{authPath}}/as" || !strings.HasPrefix(vals["authPath"].Value, "https://") {
				t.Errorf("custom domain: %q %q", vals["authPath"].Value, vals["asPath"].Value)
			}
		case e.Key == "sandbox":
			if vals["envID"].Value != sandbox.DefaultEnvironmentID || vals["username"].Value != "" {
				t.Errorf("sandbox (not the target): envID %q username %q", vals["envID"].Value, vals["username"].Value)
			}
		}
	}
	if len(envs) != 8 || !seen["custom-domain"] || !seen["sandbox"] {
		t.Errorf("environment files: %v", seen)
	}

	// The sandbox's own file: the running sandbox's hosts, and the demo user when given.
	sb := PostmanTarget{Name: "Sandbox (offline)", AuthBase: "http://127.0.0.1:4321", APIBase: "http://127.0.0.1:4321/v1",
		EnvironmentID: sandbox.DefaultEnvironmentID, Sandbox: true, ClientID: pmEUCustom.ClientID}
	for _, demo := range []*DemoUser{nil, {Username: "demo.user", Password: "Demo-Passw0rd!"}} {
		envs, err := PostmanEnvironments(sb, demo)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range envs {
			has := strings.Contains(string(e.Data), "Demo-Passw0rd!")
			if has != (e.Key == "sandbox" && demo != nil) {
				t.Errorf("%s (demo given: %v): carries the demo password: %v", e.Key, demo != nil, has)
			}
			if e.Key == "sandbox" && !strings.Contains(string(e.Data), `"http://127.0.0.1:4321"`) {
				t.Errorf("sandbox file without the running sandbox's host:\n%s", e.Data)
			}
		}
	}
}

// A canary planted everywhere a run can carry text reaches neither the collection nor an
// environment file.
func TestPostman_CanaryNeverReachesAFile(t *testing.T) {
	const (
		cCode     = "CANARYcode7f3a9b"
		cVerifier = "CANARYverifier2c8d1e"
		cPassword = "CANARYpw-5e6f7a!"
		cBearer   = "CANARYbearer9a8b7c"
		cCookie   = "CANARYcookie1d2e3f"
		cSetCk    = "CANARYsetcookie4a5b"
		cAccess   = "CANARYaccess6c7d8e"
		cRefresh  = "CANARYrefresh0f1e2d"
		cBasic    = "CANARYbasic3c4b5a"
	)
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJDQU5BUllqd3QifQ.c2lnbmF0dXJl" // sub "CANARYjwt"
	at := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	x := func(step, method, u, reqBody, respBody string, reqH, respH http.Header) *pingone.Exchange {
		return &pingone.Exchange{Step: step, Method: method, URL: u, RequestHeader: reqH, RequestBody: reqBody,
			Status: 200, ResponseHeader: respH, ResponseBody: respBody, Started: at, Duration: 12 * time.Millisecond}
	}
	base := "https://auth.pingone.com/" + pmEUCustom.EnvironmentID
	run := Run{
		ID: 7, Kind: "sign-in", Mode: "in-app", Outcome: "succeeded", Started: at,
		Connection: Connection{Name: "prod password=" + cPassword, Region: "NA", EnvironmentID: pmEUCustom.EnvironmentID,
			AuthBase: "https://auth.pingone.com", APIBase: "https://api.pingone.com"},
		App: App{ClientID: pmEUCustom.ClientID, RedirectURI: "http://localhost:3000/callback?code=" + cCode, Scopes: []string{"openid"}},
		Steps: []Step{
			{Name: "authorize", Exchange: x("authorize", "POST", base+"/as/authorize?code_verifier="+cVerifier,
				"client_id=x&code_verifier="+cVerifier+"&password="+cPassword, `{"id":"f1","status":"USERNAME_PASSWORD_REQUIRED"}`,
				http.Header{"Authorization": {"Bearer " + cBearer}, "Cookie": {"ST=" + cCookie}},
				http.Header{"Set-Cookie": {"ST=" + cSetCk + "; Path=/"}, "Content-Type": {"application/json"}})},
			{Name: "flow", Exchange: x("flow", "POST", base+"/flows/f1", `{"username":"u","password":"`+cPassword+`"}`,
				`{"status":"COMPLETED","password":"`+cPassword+`"}`,
				http.Header{"Authorization": {"Basic " + cBasic}}, http.Header{"Set-Cookie": {"ST=" + cSetCk}})},
			{Name: "resume", Exchange: x("resume", "GET", base+"/as/resume?flowId=f1&code="+cCode, "",
				`{"authorizeResponse":{"code":"`+cCode+`","state":"s"}}`, nil,
				http.Header{"Location": {"http://localhost:3000/callback?code=" + cCode}})},
			{Name: "token", Exchange: x("token", "POST", base+"/as/token", "grant_type=authorization_code&code="+cCode+"&code_verifier="+cVerifier,
				`{"access_token":"`+cAccess+`","refresh_token":"`+cRefresh+`","id_token":"`+jwt+`","token_type":"Bearer"}`,
				nil, http.Header{"Content-Type": {"application/json"}})},
		},
	}
	col, err := Postman(run)
	if err != nil {
		t.Fatal(err)
	}
	if p := pmParse(t, col); len(p.Item[3].Response) != 1 || p.Item[3].Response[0].Code != 200 {
		t.Fatalf("the recorded token exchange is not the token request's example: %+v", p.Item[3].Response)
	}
	envs, err := PostmanEnvironments(PostmanTargetOf(run), nil)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{PostmanCollectionFile: col}
	for _, e := range envs {
		files[e.File] = e.Data
	}
	for name, data := range files {
		for _, secret := range []string{cCode, cVerifier, cPassword, cBearer, cCookie, cSetCk, cAccess, cRefresh, cBasic, jwt} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s contains the planted secret %q", name, secret)
			}
		}
	}
}

func TestPostman_StableIDs(t *testing.T) {
	a, _ := PostmanCollection(pmEUCustom)
	b, _ := PostmanCollection(pmEUCustom)
	if !bytes.Equal(a, b) {
		t.Error("two collections of the same target differ")
	}
	other := pmEUCustom
	other.ClientID = "66666666-7777-4888-9999-000000000001"
	c, _ := PostmanCollection(other)
	if pmParse(t, a).Info.ID == pmParse(t, c).Info.ID {
		t.Error("two apps got the same collection ID")
	}
	if id := pmUUID("x"); len(id) != 36 || id[14] != '5' {
		t.Errorf("pmUUID = %q", id)
	}
}

// A connection on hosts of its own (custom base URLs, not a region's, no custom domain)
// gets a ninth file with those hosts, its environment and its app; a region's target
// does not.
func TestPostmanEnvironments_OwnHosts(t *testing.T) {
	own := PostmanTarget{Name: "Staging proxy", AuthBase: "https://p1-proxy.example.net/", APIBase: "https://p1-proxy.example.net/api",
		EnvironmentID: "11111111-2222-4333-8444-555555555555", ClientID: "66666666-7777-4888-8999-000000000000"}
	envs, err := PostmanEnvironments(own, nil)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range envs {
		var doc struct {
			Name   string `json:"name"`
			Values []struct{ Key, Value string }
		}
		if err := json.Unmarshal(e.Data, &doc); err != nil {
			t.Fatal(err)
		}
		vals := map[string]string{}
		for _, v := range doc.Values {
			vals[v.Key] = v.Value
		}
		mine := vals["envID"] == own.EnvironmentID
		if e.Key != "connection" {
			if mine {
				t.Errorf("%s claims the connection's environment", e.Key)
			}
			continue
		}
		found = true
		if !mine || vals["clientId"] != own.ClientID || vals["authPath"] != "https://p1-proxy.example.net" ||
			vals["apiPath"] != "https://p1-proxy.example.net/api/v1" || vals["asPath"] != "{{authPath}}/{{envID}}/as" ||
			!strings.Contains(doc.Name, "Staging proxy") || vals["password"] != "" {
			t.Errorf("the connection's file: %q %v", doc.Name, vals)
		}
	}
	if !found || len(envs) != 9 {
		t.Fatalf("%d files, a connection file: %v", len(envs), found)
	}
	region := own
	region.Region, region.AuthBase, region.APIBase = pingone.RegionEU, "https://auth.pingone.eu", "https://api.pingone.eu"
	if envs, _ := PostmanEnvironments(region, nil); len(envs) != 8 {
		t.Errorf("a region's target got %d files, want 8", len(envs))
	}
}
