// Package snippets writes the code a developer starts from to sign in to an application
// just created in PingOne: the authorization code flow with PKCE (RFC 7636, S256) for a
// public client (no client secret, client_id in the token request's body, RFC 6749
// §2.3 and §4.1.3), in several languages, with the application's real client ID, issuer,
// redirect URI and scopes filled in. It knows no widgets; the views show what it returns.
package snippets

import (
	"net/url"
	"strings"
	"text/template"
)

// Input is what the snippets are about: one application and its environment.
type Input struct {
	ClientID    string
	Issuer      string // the OIDC issuer, such as https://auth.pingone.com/{envID}/as
	RedirectURI string
	Scopes      []string // empty asks for openid alone
}

// Snippet is one language's code.
type Snippet struct {
	ID       string // stable key: go, javascript, node, swift, kotlin, authorize-url, curl-token
	Language string // what a picker shows
	Title    string // one line on what the code does
	Install  string // one line on what to install or run first
	Code     string
}

// Placeholders in the raw HTTP snippets: values the developer makes for each sign-in.
const (
	PlaceholderChallenge = "CODE_CHALLENGE"
	PlaceholderState     = "STATE"
	PlaceholderCode      = "CODE_FROM_REDIRECT"
	PlaceholderVerifier  = "CODE_VERIFIER"
)

// All returns every snippet for in, in the order Go, JavaScript (browser), Node, Swift,
// Kotlin, the authorize URL and the token request as cURL. None holds a secret: the
// application is a public client, and the per-sign-in values (verifier, state, code) are
// made by the code itself or left as placeholders.
func All(in Input) []Snippet {
	v := values(in)
	return []Snippet{
		{ID: "go", Language: "Go", Title: "Command-line program with golang.org/x/oauth2: PKCE S256 and a loopback listener on the redirect URI",
			Install: "go get golang.org/x/oauth2", Code: render(goTemplate, v)},
		{ID: "javascript", Language: "JavaScript (browser)", Title: "Browser app with oidc-client-ts: UserManager uses the code flow with PKCE by default",
			Install: "npm install oidc-client-ts", Code: render(jsTemplate, v)},
		{ID: "node", Language: "Node.js", Title: "Node.js script with openid-client (v6 API): PKCE S256 and a loopback listener on the redirect URI",
			Install: "npm install openid-client@6", Code: render(nodeTemplate, v)},
		{ID: "swift", Language: "Swift (iOS)", Title: "AppAuth for iOS: OIDAuthorizationRequest adds PKCE S256 itself",
			Install: "Swift Package Manager: https://github.com/openid/AppAuth-iOS (product AppAuth) · CocoaPods: pod 'AppAuth'", Code: render(swiftTemplate, v)},
		{ID: "kotlin", Language: "Kotlin (Android)", Title: "AppAuth for Android: AuthorizationRequest.Builder adds PKCE S256 itself",
			Install: `Gradle: implementation("net.openid:appauth:0.11.1"), and manifestPlaceholders["appAuthRedirectScheme"] for a custom-scheme redirect`, Code: render(kotlinTemplate, v)},
		{ID: "authorize-url", Language: "Authorize URL", Title: "The authorization request to open in a browser; replace " + PlaceholderChallenge + " and " + PlaceholderState,
			Install: "Make the values with openssl: " + makeValuesLine, Code: authorizeURL(v)},
		{ID: "curl-token", Language: "cURL (token request)", Title: "Exchanges the code from the redirect for tokens; no client secret, no Authorization header",
			Install: "curl; replace " + PlaceholderCode + " with the code from the redirect (it expires within a minute) and " + PlaceholderVerifier + " with the verifier the challenge was made from",
			Code:    curlToken(v)},
	}
}

// makeValuesLine makes a code verifier of 64 characters from the unreserved set, its S256
// challenge BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.1, §4.2) and a
// random state (RFC 6749 §10.12).
const makeValuesLine = `CODE_VERIFIER=$(openssl rand -base64 48 | tr '+/' '-_' | tr -d '=\n'); ` +
	`CODE_CHALLENGE=$(printf '%s' "$CODE_VERIFIER" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '='); ` +
	`STATE=$(openssl rand -hex 16)`

// view is Input made ready for the templates.
type view struct {
	Input
	Scopes       []string
	ScopeString  string // space-separated, as the scope parameter carries it (RFC 6749 §3.3)
	AuthorizeURL string // PingOne's endpoints are {issuer}/authorize and {issuer}/token
	TokenURL     string
	// PlainHTTPIssuer is an http:// issuer, such as PKCE Desk's offline sandbox.
	PlainHTTPIssuer bool
}

func values(in Input) view {
	scopes := make([]string, 0, len(in.Scopes))
	for _, s := range in.Scopes {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	if len(scopes) == 0 {
		scopes = []string{"openid"}
	}
	iss := strings.TrimRight(in.Issuer, "/")
	return view{
		Input: in, Scopes: scopes, ScopeString: strings.Join(scopes, " "),
		AuthorizeURL: iss + "/authorize", TokenURL: iss + "/token",
		PlainHTTPIssuer: strings.HasPrefix(strings.ToLower(iss), "http://"),
	}
}

func quoteList(quote func(string) string) func([]string) string {
	return func(list []string) string {
		q := make([]string, len(list))
		for i, s := range list {
			q[i] = quote(s)
		}
		return strings.Join(q, ", ")
	}
}

var funcs = template.FuncMap{
	"go": goQuote, "js": jsQuote, "swift": swiftQuote, "kotlin": kotlinQuote,
	"goList": quoteList(goQuote), "swiftList": quoteList(swiftQuote), "kotlinList": quoteList(kotlinQuote),
}

func render(t *template.Template, v view) string {
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		// The templates are fixed and their inputs are strings: this is a bug here.
		panic("snippets: " + t.Name() + ": " + err.Error())
	}
	return b.String()
}

func parse(name, text string) *template.Template {
	return template.Must(template.New(name).Funcs(funcs).Parse(text))
}

// authorizeURL is the authorization request (RFC 6749 §4.1.1 with RFC 7636 §4.3), its
// query encoded with the placeholders left readable.
func authorizeURL(v view) string {
	q := url.Values{
		"client_id":             {v.ClientID},
		"redirect_uri":          {v.RedirectURI},
		"response_type":         {"code"},
		"scope":                 {v.ScopeString},
		"code_challenge":        {PlaceholderChallenge},
		"code_challenge_method": {"S256"},
		"state":                 {PlaceholderState},
	}
	u, err := url.Parse(v.AuthorizeURL)
	if err != nil { // not a URL: shown as it is, for the developer to see what is wrong
		return v.AuthorizeURL + "?" + q.Encode()
	}
	u.RawQuery = q.Encode()
	return u.String() // escapes what a path must not hold raw, such as quotes and spaces
}

// curlToken is the token request (RFC 6749 §4.1.3, RFC 7636 §4.5): a public client sends
// its client_id in the form body and no Authorization header.
func curlToken(v view) string {
	lines := []string{
		"curl -X POST " + shellQuote(v.TokenURL),
		"-H 'Content-Type: application/x-www-form-urlencoded'",
		"--data-urlencode 'grant_type=authorization_code'",
		"--data-urlencode " + shellQuote("client_id="+v.ClientID),
		"--data-urlencode " + shellQuote("redirect_uri="+v.RedirectURI),
		"--data-urlencode " + shellQuote("code="+PlaceholderCode),
		"--data-urlencode " + shellQuote("code_verifier="+PlaceholderVerifier),
	}
	return strings.Join(lines, " \\\n  ") + "\n"
}
