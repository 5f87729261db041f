package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// The Postman export is the redirectless (response_mode=pi.flow) sign-in of PingOne's
// flow API as a Postman collection v2.1 (https://schema.getpostman.com/json/collection/v2.1.0/),
// runnable unchanged in Postman or newman:
//
//  1. authorize: a form POST to {{asPath}}/authorize with a fresh PKCE pair (RFC 7636),
//     state and nonce drawn by the pre-request script; PingOne answers with a flow object.
//  2. flow: usernamePassword.check to the flow's own link, with the cookies PingOne set.
//  3. resume: GET resumeUrl with the session cookie (ST); the answer carries the code.
//  4. token: the code and code_verifier to {{asPath}}/token, client_id in the body and
//     no Authorization header (a public client, RFC 6749 §2.3 and §4.1.3).
//
// The requests are built from {{authPath}}, {{envID}} and {{clientId}}; {{asPath}} is
// {{authPath}}/{{envID}}/as on PingOne's regional hosts and the sandbox, and
// {{authPath}}/as on a custom domain, whose issuer has no environment segment (PingOne
// docs, "Custom domains"). The environment files (postman_env.go) set them per region.

// PostmanCollectionFile is the file name the collection is written under.
const PostmanCollectionFile = "pkcedesk-redirectless.postman_collection.json"

// pmSchema is the v2.1 collection format the file declares.
const pmSchema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

// PostmanTarget is what the collection signs in to: a PingOne environment (or the
// sandbox) and a public application of it.
type PostmanTarget struct {
	// Name names the connection in the collection's title, e.g. "Sandbox (offline)".
	Name string
	// Region is the PingOne region ("" for a custom domain or the sandbox).
	Region pingone.Region
	// AuthBase is the auth host, e.g. https://auth.pingone.eu; APIBase the API host with
	// or without its /v1 segment.
	AuthBase, APIBase string
	// CustomDomain is a bare host such as auth.example.com; the issuer is then
	// https://{CustomDomain}/as.
	CustomDomain  string
	EnvironmentID string
	Sandbox       bool

	ClientID    string
	RedirectURI string   // default pingone.SeedRedirectURI
	Scopes      []string // default openid; openid is always requested
}

// PostmanTargetOf is the target of a recorded run: its connection and app.
func PostmanTargetOf(r Run) PostmanTarget {
	return PostmanTarget{
		Name: r.Connection.Name, Region: pingone.Region(r.Connection.Region),
		AuthBase: r.Connection.AuthBase, APIBase: r.Connection.APIBase,
		CustomDomain: r.Connection.CustomDomain, EnvironmentID: r.Connection.EnvironmentID,
		Sandbox: r.Connection.Sandbox, ClientID: r.App.ClientID,
		RedirectURI: r.App.RedirectURI, Scopes: slices.Clone(r.App.Scopes),
	}
}

// Postman is the runnable redirectless collection for the run's connection and app.
// The run's recorded authorize, flow, resume and token exchanges, redacted again, are
// attached to the matching requests as saved example responses.
func Postman(r Run) ([]byte, error) {
	return pmCollection(PostmanTargetOf(r), r.Steps)
}

// PostmanCollection is the runnable redirectless collection for t, with t's values as
// the collection's variables (an environment file's values take precedence).
func PostmanCollection(t PostmanTarget) ([]byte, error) {
	return pmCollection(t, nil)
}

func pmCollection(t PostmanTarget, steps []Step) ([]byte, error) {
	if strings.TrimSpace(t.ClientID) == "" {
		return nil, errors.New("export: the Postman collection needs the application's client ID")
	}
	vars := pmTargetVars(t)
	c := pmDoc{
		Info: pmInfo{
			ID:          pmUUID("collection", t.Name, t.AuthBase, t.CustomDomain, t.EnvironmentID, t.ClientID),
			Name:        "PKCE Desk: redirectless sign-in (" + pmOr(strings.TrimSpace(t.Name), "PingOne") + ")",
			Description: pmCollectionDescription,
			Schema:      pmSchema,
		},
		Event: []pmEvent{{Listen: "test", Script: pmScript(pmKeepCookies)}},
	}
	for _, v := range vars {
		// The v2.1 format knows string, boolean, any and number variables; "secret" is a
		// type of environments only.
		c.Variable = append(c.Variable, pmVar{Key: v.key, Value: v.value, Type: "string"})
	}
	for _, k := range pmRunVars {
		c.Variable = append(c.Variable, pmVar{Key: k, Value: "", Type: "string"})
	}
	c.Item = pmItems()
	for i := range c.Item {
		if x := pmRecorded(steps, c.Item[i].step); x != nil {
			c.Item[i].Response = []pmResponse{pmExample(c.Item[i].Name, *x)}
		}
	}
	return pmEncode(c)
}

// pmRunVars are the collection variables the scripts set while the flow runs. Their
// names are unlikely to be shadowed by a user's environment, which takes precedence.
var pmRunVars = []string{"pkceCodeVerifier", "pkceCodeChallenge", "authState", "authNonce",
	"flowId", "flowUrl", "flowCookie", "resumeUrl", "authCode"}

type pmKV struct{ key, value, typ string }

// pmTargetVars are the variables that say where to sign in, in the order shown.
func pmTargetVars(t PostmanTarget) []pmKV {
	auth := strings.TrimRight(strings.TrimSpace(t.AuthBase), "/")
	as := "{{authPath}}/{{envID}}/as"
	if d := pmDomain(t.CustomDomain); d != "" {
		auth, as = "https://"+d, "{{authPath}}/as"
	}
	return []pmKV{
		{"authPath", auth, "string"},
		{"apiPath", pmAPIPath(t.APIBase), "string"},
		{"envID", strings.TrimSpace(t.EnvironmentID), "string"},
		{"clientId", strings.TrimSpace(t.ClientID), "string"},
		{"redirectUri", pmOr(strings.TrimSpace(t.RedirectURI), pingone.SeedRedirectURI), "string"},
		{"scope", pmScope(t.Scopes), "string"},
		{"asPath", as, "string"},
		{"username", "", "string"},
		{"password", "", "secret"}, // "string" in the collection, "secret" in environments
	}
}

// pmDomain is a custom domain as a bare lower-case host ("" when there is none).
func pmDomain(d string) string {
	d = strings.TrimSpace(d)
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "HTTPS://")
	return strings.ToLower(strings.TrimRight(d, "/"))
}

// pmAPIPath is the Management API base with its version segment, as PingOne's own
// collections use it ({{apiPath}}/environments/{{envID}}/...).
func pmAPIPath(base string) string {
	base = strings.TrimRight(strings.TrimSpace(base), "/")
	if base == "" || strings.HasSuffix(base, "/v1") {
		return base
	}
	return base + "/v1"
}

func pmScope(scopes []string) string {
	out := []string{"openid"}
	for _, s := range scopes {
		for _, f := range strings.Fields(s) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return strings.Join(out, " ")
}

func pmOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// pmUUID is a stable UUID (version 5 layout over SHA-256, RFC 9562 §5.5 in spirit) of
// the parts, so that the same target always gives the same file.
func pmUUID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// The collection's JSON shape (only the parts of the v2.1 format used here).
type pmDoc struct {
	Info     pmInfo    `json:"info"`
	Item     []pmItem  `json:"item"`
	Event    []pmEvent `json:"event,omitempty"`
	Variable []pmVar   `json:"variable,omitempty"`
}

type pmInfo struct {
	ID          string `json:"_postman_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema"`
}

type pmVar struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

type pmItem struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Event       []pmEvent       `json:"event,omitempty"`
	Behavior    map[string]bool `json:"protocolProfileBehavior,omitempty"`
	Request     pmRequest       `json:"request"`
	Response    []pmResponse    `json:"response"`

	step string // the recorded step whose exchange is this request's example
}

type pmEvent struct {
	Listen string    `json:"listen"`
	Script pmScriptT `json:"script"`
}

type pmScriptT struct {
	Type string   `json:"type"`
	Exec []string `json:"exec"`
}

type pmRequest struct {
	Method string     `json:"method"`
	Auth   *pmAuth    `json:"auth,omitempty"`
	Header []pmHeader `json:"header"`
	Body   *pmBody    `json:"body,omitempty"`
	URL    string     `json:"url"`
}

type pmAuth struct {
	Type string `json:"type"`
}

type pmHeader struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

type pmBody struct {
	Mode       string   `json:"mode"`
	Raw        string   `json:"raw,omitempty"`
	URLEncoded []pmVar  `json:"urlencoded,omitempty"`
	Options    *pmBodyO `json:"options,omitempty"`
}

type pmBodyO struct {
	Raw struct {
		Language string `json:"language"`
	} `json:"raw"`
}

type pmResponse struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Status       string     `json:"status"`
	Code         int        `json:"code"`
	Header       []pmHeader `json:"header"`
	Body         string     `json:"body"`
	ResponseTime *int64     `json:"responseTime"`
}

func pmScript(src string) pmScriptT {
	return pmScriptT{Type: "text/javascript", Exec: strings.Split(strings.TrimSpace(src), "\n")}
}

// pmItems are the four requests of the sign-in. Every request sends its cookies itself
// ({{flowCookie}}, kept by the collection's test script) with Postman's own cookie jar
// off, and never follows a redirect: a Location is read, not visited.
func pmItems() []pmItem {
	noJar := map[string]bool{"disableCookies": true, "followRedirects": false}
	form := func(kv ...string) *pmBody {
		b := &pmBody{Mode: "urlencoded"}
		for i := 0; i+1 < len(kv); i += 2 {
			b.URLEncoded = append(b.URLEncoded, pmVar{Key: kv[i], Value: kv[i+1], Type: "text"})
		}
		return b
	}
	formType := pmHeader{Key: "Content-Type", Value: "application/x-www-form-urlencoded", Type: "text"}
	acceptJSON := pmHeader{Key: "Accept", Value: "application/json", Type: "text"}
	cookie := pmHeader{Key: "Cookie", Value: "{{flowCookie}}", Type: "text"}
	flowBody := &pmBody{Mode: "raw", Raw: "{{flowCredentials}}", Options: &pmBodyO{}}
	flowBody.Options.Raw.Language = "json"
	items := []pmItem{
		{
			Name: "1. Authorize (response_mode=pi.flow)", step: "authorize",
			Description: pmAuthorizeDescription,
			Event: []pmEvent{
				{Listen: "prerequest", Script: pmScript(pmAuthorizePre)},
				{Listen: "test", Script: pmScript(pmAuthorizeTest)},
			},
			Request: pmRequest{
				Method: http.MethodPost, Auth: &pmAuth{Type: "noauth"},
				Header: []pmHeader{formType, acceptJSON},
				Body: form("response_type", "code", "client_id", "{{clientId}}", "redirect_uri", "{{redirectUri}}",
					"scope", "{{scope}}", "state", "{{authState}}", "nonce", "{{authNonce}}",
					"code_challenge", "{{pkceCodeChallenge}}", "code_challenge_method", "S256",
					"response_mode", "pi.flow"),
				URL: "{{asPath}}/authorize",
			},
		},
		{
			Name: "2. Flow: check username and password", step: "flow",
			Description: pmFlowDescription,
			Event: []pmEvent{
				{Listen: "prerequest", Script: pmScript(pmFlowPre)},
				{Listen: "test", Script: pmScript(pmFlowTest)},
			},
			Request: pmRequest{
				Method: http.MethodPost, Auth: &pmAuth{Type: "noauth"},
				Header: []pmHeader{{Key: "Content-Type", Value: "application/vnd.pingidentity.usernamePassword.check+json", Type: "text"},
					acceptJSON, cookie},
				Body: flowBody,
				URL:  "{{flowUrl}}",
			},
		},
		{
			Name: "3. Resume: get the authorization code", step: "resume",
			Description: pmResumeDescription,
			Event:       []pmEvent{{Listen: "test", Script: pmScript(pmResumeTest)}},
			Request: pmRequest{
				Method: http.MethodGet, Auth: &pmAuth{Type: "noauth"},
				Header: []pmHeader{acceptJSON, cookie},
				URL:    "{{resumeUrl}}",
			},
		},
		{
			Name: "4. Token: redeem the code with the verifier", step: "token",
			Description: pmTokenDescription,
			Event:       []pmEvent{{Listen: "test", Script: pmScript(pmTokenTest)}},
			Request: pmRequest{
				Method: http.MethodPost, Auth: &pmAuth{Type: "noauth"},
				Header: []pmHeader{formType, acceptJSON},
				Body: form("grant_type", "authorization_code", "code", "{{authCode}}",
					"redirect_uri", "{{redirectUri}}", "client_id", "{{clientId}}",
					"code_verifier", "{{pkceCodeVerifier}}"),
				URL: "{{asPath}}/token",
			},
		},
	}
	for i := range items {
		items[i].ID = pmUUID("item", items[i].step)
		items[i].Behavior = noJar
		items[i].Response = []pmResponse{}
	}
	return items
}

// pmRecorded is the last recorded exchange of the named step ("flow" steps can repeat
// after a wrong password; the last one is the one that moved on).
func pmRecorded(steps []Step, name string) *pingone.Exchange {
	var found *pingone.Exchange
	for _, s := range steps {
		if s.Exchange != nil && (s.Name == name || s.Exchange.Step == name) {
			found = s.Exchange
		}
	}
	return found
}

// pmExample is a recorded exchange as a saved example response, redacted again.
func pmExample(item string, x pingone.Exchange) pmResponse {
	x = pingone.RedactExchange(x)
	ms := x.Duration.Milliseconds()
	r := pmResponse{
		ID:   pmUUID("example", item, x.Method, x.URL),
		Name: "Recorded by PKCE Desk (redacted)", Code: x.Status,
		Status: strings.TrimSpace(fmt.Sprintf("%d %s", x.Status, http.StatusText(x.Status))),
		Header: []pmHeader{}, Body: x.ResponseBody, ResponseTime: &ms,
	}
	keys := make([]string, 0, len(x.ResponseHeader))
	for k := range x.ResponseHeader {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range x.ResponseHeader[k] {
			r.Header = append(r.Header, pmHeader{Key: k, Value: v})
		}
	}
	return r
}

// pmEncode writes v as indented JSON whose every string value has been through
// pingone.RedactText, the transcript's second scrub: whatever reached the document by
// mistake still does not reach the file. Keys are the format's own names.
func pmEncode(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	scrubbed, err := pmRedactStrings(raw)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, scrubbed, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// pmRedactStrings re-encodes a JSON document token by token, keeping member order and
// passing every string value (not the member names) through pingone.RedactText.
func pmRedactStrings(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out bytes.Buffer
	// Each open container: whether it is an object, and whether the next string in it is
	// a member name; plus whether a separator is due before the next element.
	type frame struct{ object, wantKey, started bool }
	var stack []frame
	sep := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if f.object && !f.wantKey {
			out.WriteByte(':')
			f.wantKey = true
			return
		}
		if f.started {
			out.WriteByte(',')
		}
		f.started = true
		if f.object {
			f.wantKey = false
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				sep()
				out.WriteByte(byte(t))
				stack = append(stack, frame{object: t == '{', wantKey: t == '{'})
			case '}', ']':
				stack = stack[:len(stack)-1]
				out.WriteByte(byte(t))
			}
			continue
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey
			sep()
			if !isKey {
				t = pingone.RedactText(t)
			}
			b, err := pmMarshalString(t)
			if err != nil {
				return nil, err
			}
			out.Write(b)
			continue
		}
		sep()
		b, err := json.Marshal(tok)
		if err != nil {
			return nil, err
		}
		out.Write(b)
	}
	return out.Bytes(), nil
}

// pmMarshalString encodes s as a JSON string without HTML escaping, so that scripts
// read as written ("<", ">", "&").
func pmMarshalString(s string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// The collection's texts. They are written in plain words on purpose: every string goes
// through pingone.RedactText on the way out, so nothing here may look like a credential
// pair (a secret name followed by "=" or a quoted name and ":"), a Bearer value or a JWT;
// TestPostmanScriptsSurviveRedaction holds them to that.

const pmCollectionDescription = `The redirectless sign-in of PingOne's flow API (response_mode=pi.flow) as PKCE Desk runs it, with a public client and PKCE S256 (RFC 7636).

Pick the environment file of your region, your custom domain or the PKCE Desk sandbox, fill in envID, clientId, username and the password variable, and run the folder in order (Runner, or newman run). The pre-request script of request 1 draws a fresh PKCE verifier and challenge, state and nonce for every run; the tests carry the flow ID, the cookies and the authorization code from one request to the next and check the tokens at the end.

The password is only ever sent to the flow endpoint. Nothing secret is stored in this file.`

const pmAuthorizeDescription = `Starts the sign-in. PingOne answers with a flow object instead of a redirect because of response_mode=pi.flow. The redirect_uri must be one registered for the application even though nothing is redirected; it is repeated at the token endpoint (RFC 6749 §4.1.3).`

const pmFlowDescription = `Sends the username and the password to the flow's usernamePassword.check link, with the media type that chooses the action. The body is built by the pre-request script from the username and password variables.`

const pmResumeDescription = `Follows the completed flow's resumeUrl with the session cookie (ST) PingOne set. In pi.flow mode the answer is JSON whose authorizeResponse carries the code and the state; a redirect would carry them on its Location, which is read and never followed.`

const pmTokenDescription = `Redeems the code once, with the PKCE verifier (RFC 7636 §4.5). A public client sends client_id in the body and no Authorization header (RFC 6749 §2.3.1, §3.2.1). The tests check that an access token and an ID token came back and that the ID token is for this client and this sign-in (nonce, OpenID Connect Core §3.1.3.7).`

// pmKeepCookies runs after every request: it keeps the cookies PingOne sets (the ST
// session cookie, and any other the tenant uses) in flowCookie, which the flow and resume
// requests send as their Cookie header, as a browser would (RFC 6265 §5.3, §5.4).
const pmKeepCookies = `
// Keep the cookies PingOne sets, to send them on the flow and resume requests (RFC 6265).
const jar = {};
(pm.collectionVariables.get('flowCookie') || '').split(';').forEach(function (pair) {
    const at = pair.indexOf('=');
    if (at > 0) { jar[pair.slice(0, at).trim()] = pair.slice(at + 1).trim(); }
});
pm.response.headers.each(function (h) {
    if (String(h.key).toLowerCase() !== 'set-cookie') { return; }
    const first = String(h.value).split(';')[0];
    const at = first.indexOf('=');
    if (at <= 0) { return; }
    const name = first.slice(0, at).trim();
    const val = first.slice(at + 1).trim();
    const gone = /;\s*max-age\s*=\s*(0|-\d+)/i.test(String(h.value)) || val.length === 0;
    if (gone) { delete jar[name]; } else { jar[name] = val; }
});
pm.collectionVariables.set('flowCookie', Object.keys(jar).map(function (k) { return k + '=' + jar[k]; }).join('; '));
`

const pmAuthorizePre = `
// A fresh PKCE pair, state and nonce for this sign-in (RFC 7636 §4.1, §4.2).
const cryptojs = require('crypto-js');
function base64url(words) {
    return cryptojs.enc.Base64.stringify(words).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
// Random octets from Web Crypto where the runtime has it; otherwise from CryptoJS, whose
// generator in newman's sandbox is not a cryptographic one (good enough to test a tenant).
function randomOctets(n) {
    const wc = (typeof crypto !== 'undefined' && crypto && crypto.getRandomValues) ? crypto : null;
    if (!wc) { return cryptojs.lib.WordArray.random(n); }
    let hex = '';
    wc.getRandomValues(new Uint8Array(n)).forEach(function (b) { hex += (b < 16 ? '0' : '') + b.toString(16); });
    return cryptojs.enc.Hex.parse(hex);
}
// 32 random octets give a 43-character verifier, as RFC 7636 §7.1 recommends.
const verifier = base64url(randomOctets(32));
// S256: BASE64URL(SHA256(ASCII(verifier))), no padding.
const challenge = base64url(cryptojs.SHA256(verifier));
pm.collectionVariables.set('pkceCodeVerifier', verifier);
pm.collectionVariables.set('pkceCodeChallenge', challenge);
pm.collectionVariables.set('authState', base64url(randomOctets(16)));
pm.collectionVariables.set('authNonce', base64url(randomOctets(16)));
// Nothing of an earlier run is reused: one flow, one cookie jar, one code.
['flowId', 'flowUrl', 'flowCookie', 'resumeUrl', 'authCode'].forEach(function (k) { pm.collectionVariables.unset(k); });
if (!pm.variables.get('clientId') || !pm.variables.get('envID')) {
    throw new Error('Fill in the clientId and envID variables (pick an environment file) before running the sign-in.');
}
`

const pmAuthorizeTest = `
pm.test('PingOne opened a sign-in flow (HTTP 200)', function () {
    pm.response.to.have.status(200);
});
const flow = pm.response.code === 200 ? pm.response.json() : {};
pm.test('the flow asks for the username and password', function () {
    pm.expect(flow.id, 'flow id').to.be.a('string').and.not.empty;
    pm.expect(flow.status).to.be.oneOf(['USERNAME_PASSWORD_REQUIRED', 'PASSWORD_REQUIRED', 'SIGN_ON_REQUIRED']);
    pm.expect(flow._links && flow._links['usernamePassword.check'], 'usernamePassword.check link').to.be.an('object');
});
pm.collectionVariables.set('flowId', flow.id);
if (flow._links && flow._links['usernamePassword.check']) {
    pm.collectionVariables.set('flowUrl', flow._links['usernamePassword.check'].href);
} else {
    pm.execution.setNextRequest(null); // nothing to continue with: stop here
}
`

const pmFlowPre = `
// The body is made here from the username and password variables and lives only as long
// as this request: the password is never stored in the collection.
const user = pm.variables.get('username');
const pass = pm.variables.get('password');
if (!user || !pass) {
    throw new Error('Fill in the username and password variables of the environment before running the sign-in.');
}
pm.variables.set('flowCredentials', JSON.stringify({ username: user, password: pass }));
`

const pmFlowTest = `
pm.test('PingOne accepted the username and password (HTTP 200)', function () {
    pm.expect(pm.response.code, pm.response.code === 400 ? 'wrong username or password' : 'HTTP status').to.eql(200);
});
const flow = pm.response.code === 200 ? pm.response.json() : {};
pm.test('the flow is COMPLETED', function () {
    pm.expect(flow.status, 'flow status (PASSWORD_EXPIRED or MUST_CHANGE_PASSWORD need the app or a browser)').to.eql('COMPLETED');
});
const early = flow.authorizeResponse;
if (early && early.code) {
    // Some flows hand the code over at once; then there is nothing to resume.
    pm.test('the early code belongs to this sign-in (state)', function () {
        pm.expect(early.state).to.eql(pm.collectionVariables.get('authState'));
    });
    pm.collectionVariables.set('authCode', early.code);
    pm.execution.setNextRequest('4. Token: redeem the code with the verifier');
} else {
    pm.test('the completed flow has a resumeUrl', function () {
        pm.expect(flow.resumeUrl).to.be.a('string').and.not.empty;
    });
    pm.collectionVariables.set('resumeUrl', flow.resumeUrl);
    if (flow.status !== 'COMPLETED' || !flow.resumeUrl) {
        pm.execution.setNextRequest(null); // nothing to continue with: stop here
    }
}
`

const pmResumeTest = `
function query(url) {
    const out = {};
    const at = url.indexOf('?');
    if (at < 0) { return out; }
    url.slice(at + 1).split('#')[0].split('&').forEach(function (pair) {
        const eq = pair.indexOf('=');
        if (eq > 0) { out[decodeURIComponent(pair.slice(0, eq))] = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' ')); }
    });
    return out;
}
let answer = {};
if (pm.response.code >= 300 && pm.response.code < 400) {
    answer = query(String(pm.response.headers.get('Location') || ''));
} else {
    pm.test('PingOne answered the resume (HTTP 200)', function () {
        pm.response.to.have.status(200);
    });
    answer = pm.response.code === 200 ? (pm.response.json().authorizeResponse || {}) : {};
}
pm.test('no authorization error', function () {
    pm.expect(answer.error, answer.error_description || '').to.be.undefined;
});
pm.test('the code belongs to this sign-in (state, RFC 6749 §10.12)', function () {
    pm.expect(answer.state).to.eql(pm.collectionVariables.get('authState'));
});
pm.test('an authorization code came back', function () {
    pm.expect(answer.code).to.be.a('string').and.not.empty;
});
pm.collectionVariables.set('authCode', answer.code);
if (!answer.code) {
    pm.execution.setNextRequest(null); // nothing to redeem: stop here
}
`

const pmTokenTest = `
pm.test('the token endpoint took the code and the verifier (HTTP 200)', function () {
    pm.response.to.have.status(200);
});
const tokens = pm.response.code === 200 ? pm.response.json() : {};
pm.test('an access token and an ID token came back', function () {
    pm.expect(tokens.access_token, 'access token').to.be.a('string').and.not.empty;
    pm.expect(tokens.id_token, 'ID token').to.be.a('string').and.not.empty;
    pm.expect(String(tokens.token_type).toLowerCase()).to.eql('bearer');
});
pm.test('the ID token is for this client and this sign-in (aud, nonce)', function () {
    const cryptojs = require('crypto-js');
    const part = String(tokens.id_token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(cryptojs.enc.Base64.parse(part).toString(cryptojs.enc.Utf8));
    const aud = [].concat(claims.aud);
    pm.expect(aud).to.include(pm.variables.get('clientId'));
    pm.expect(claims.nonce).to.eql(pm.collectionVariables.get('authNonce'));
});
// The code and the verifier are single-use (RFC 6749 §4.1.2, RFC 7636 §4.5): forget them.
['authCode', 'pkceCodeVerifier', 'flowCookie', 'flowUrl', 'resumeUrl'].forEach(function (k) { pm.collectionVariables.unset(k); });
`
