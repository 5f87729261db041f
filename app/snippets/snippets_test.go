package snippets

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

var plain = Input{
	ClientID:    "c4d5e6f7-1111-4222-8333-944455566677",
	Issuer:      "https://auth.pingone.com/7d2bd0e6-0b0e-4cf8-9b37-5d0c0a6ee4f1/as",
	RedirectURI: "http://localhost:3000/callback",
	Scopes:      []string{"openid", "profile", "email"},
}

// hostile has every character that can end or bend a string literal in one of the
// languages: quotes, backslash, dollar (Kotlin templates, shell), \( (Swift
// interpolation), {{ (a template), a line break and U+2028.
var hostile = Input{
	ClientID:    `id"q'a\b$x\(y){{z}}` + "\n\u2028end",
	Issuer:      `https://auth.example/env"$(echo pwned)'/as`,
	RedirectURI: `http://localhost:3000/cb?x="y"&z='w'\`,
	Scopes:      []string{`openid`, `pro"file`, `e$mail`},
}

func byID(t *testing.T, in Input) map[string]Snippet {
	t.Helper()
	out := map[string]Snippet{}
	for _, s := range All(in) {
		if _, dup := out[s.ID]; dup {
			t.Fatalf("two snippets with ID %s", s.ID)
		}
		if s.Language == "" || s.Title == "" || s.Install == "" || s.Code == "" {
			t.Errorf("snippet %s has an empty field: %+v", s.ID, s)
		}
		out[s.ID] = s
	}
	return out
}

func TestOrder(t *testing.T) {
	var ids []string
	for _, s := range All(plain) {
		ids = append(ids, s.ID)
	}
	want := "go javascript node swift kotlin authorize-url curl-token"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("order = %s, want %s", got, want)
	}
}

func TestEverySnippetCarriesTheAppsValues(t *testing.T) {
	for id, s := range byID(t, plain) {
		code := s.Code
		if id == "authorize-url" {
			u, err := url.Parse(code)
			if err != nil {
				t.Fatalf("authorize URL does not parse: %v", err)
			}
			q := u.Query()
			if q.Get("client_id") != plain.ClientID || q.Get("redirect_uri") != plain.RedirectURI ||
				q.Get("scope") != "openid profile email" || q.Get("response_type") != "code" ||
				q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") != PlaceholderChallenge ||
				q.Get("state") != PlaceholderState {
				t.Errorf("authorize URL query = %v", q)
			}
			if got := u.Scheme + "://" + u.Host + u.Path; got != plain.Issuer+"/authorize" {
				t.Errorf("authorize endpoint = %s", got)
			}
			continue
		}
		for _, want := range []string{plain.ClientID, plain.Issuer, plain.RedirectURI} {
			if !strings.Contains(code, want) {
				t.Errorf("%s snippet lacks %s", id, want)
			}
		}
		// The token request carries no scope (RFC 6749 §4.1.3): it is the one exception.
		if id == "curl-token" {
			continue
		}
		for _, sc := range plain.Scopes {
			if !strings.Contains(code, `"`+sc+`"`) && !strings.Contains(code, "openid profile email") {
				t.Errorf("%s snippet lacks the scope %s", id, sc)
			}
		}
	}
}

func TestNoSecretIsAskedForOrPrinted(t *testing.T) {
	all := byID(t, plain)
	for id, s := range all {
		low := strings.ToLower(s.Code)
		if strings.Contains(low, "client_secret=") || strings.Contains(low, "authorization: basic") {
			t.Errorf("%s snippet sends a client secret", id)
		}
	}
	if strings.Contains(all["go"].Code, "ClientSecret:") {
		t.Error("the Go snippet configures a client secret")
	}
	if !strings.Contains(all["swift"].Code, "clientSecret: nil") {
		t.Error("the Swift snippet does not pass a nil client secret")
	}
	for _, id := range []string{"go", "javascript", "node", "swift", "kotlin"} {
		for _, leak := range []string{"Println(tok.AccessToken", "log(user.access_token", "log(tokens.access_token", "print(authState?.lastTokenResponse?.accessToken", "println(tokens.accessToken"} {
			if strings.Contains(all[id].Code, leak) {
				t.Errorf("the %s snippet prints the access token", id)
			}
		}
	}
}

func TestEmptyScopesAskForOpenID(t *testing.T) {
	in := plain
	in.Scopes = []string{" ", ""}
	u, err := url.Parse(byID(t, in)["authorize-url"].Code)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("scope"); got != "openid" {
		t.Fatalf("scope = %q, want openid", got)
	}
}

// goConsts parses a Go snippet and returns its string constants' values.
func goConsts(t *testing.T, src string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0)
	if err != nil {
		t.Fatalf("the Go snippet does not parse: %v\n%s", err, src)
	}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					break
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatalf("%s: %v", name.Name, err)
					}
					out[name.Name] = v
				}
			}
		}
		return true
	})
	return out
}

func TestGoEscapes(t *testing.T) {
	got := goConsts(t, byID(t, hostile)["go"].Code)
	if got["clientID"] != hostile.ClientID || got["issuer"] != hostile.Issuer || got["redirectURI"] != hostile.RedirectURI {
		t.Fatalf("constants = %q", got)
	}
}

func TestJSEscapes(t *testing.T) {
	for _, id := range []string{"javascript", "node"} {
		code := byID(t, hostile)[id].Code
		if strings.Contains(code, "\u2028") || strings.Contains(code, `id"q'`) {
			t.Errorf("%s snippet holds the client ID unescaped", id)
		}
		if !strings.Contains(code, `"id\"q'a\\b$x\\(y){{z}}\n\u2028end"`) {
			t.Errorf("%s snippet lacks the escaped client ID:\n%s", id, code)
		}
	}
}

func TestSwiftEscapes(t *testing.T) {
	code := byID(t, hostile)["swift"].Code
	for _, want := range []string{
		`let clientID = "id\"q'a\\b$x\\(y){{z}}\n\u{2028}end"`,
		`let scopes = ["openid", "pro\"file", "e$mail"]`,
		`URL(string: "https://auth.example/env\"$(echo pwned)'/as")!`,
	} {
		if !strings.Contains(code, want) {
			t.Errorf("Swift snippet lacks %s\n%s", want, code)
		}
	}
}

func TestKotlinEscapes(t *testing.T) {
	code := byID(t, hostile)["kotlin"].Code
	for _, want := range []string{
		`const val CLIENT_ID = "id\"q'a\\b\$x\\(y){{z}}\n\u2028end"`,
		`val scopes = listOf("openid", "pro\"file", "e\$mail")`,
		`Uri.parse("https://auth.example/env\"\$(echo pwned)'/as")`,
	} {
		if !strings.Contains(code, want) {
			t.Errorf("Kotlin snippet lacks %s\n%s", want, code)
		}
	}
}

func TestAuthorizeURLEscapes(t *testing.T) {
	code := byID(t, hostile)["authorize-url"].Code
	if strings.ContainsAny(code, "\n\" \\") {
		t.Fatalf("authorize URL holds a raw double quote, space, backslash or line break: %q", code)
	}
	u, err := url.Parse(code)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Scheme + "://" + u.Host + u.Path; got != hostile.Issuer+"/authorize" {
		t.Errorf("authorize endpoint = %q", got)
	}
	q := u.Query()
	if q.Get("client_id") != hostile.ClientID || q.Get("redirect_uri") != hostile.RedirectURI || q.Get("scope") != `openid pro"file e$mail` {
		t.Fatalf("query = %q", q)
	}
}

// TestCurlEscapes runs the cURL snippet in a POSIX shell with curl replaced by a function
// that prints its arguments: the shell must see exactly the values, nothing expanded.
func TestCurlEscapes(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal("no POSIX shell (sh) on PATH")
	}
	code := byID(t, hostile)["curl-token"].Code
	script := `curl() { for a in "$@"; do printf '%s\0' "$a"; done; }` + "\n" + code
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatalf("the snippet does not run in sh: %v", err)
	}
	args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	want := []string{
		"-X", "POST", strings.TrimRight(hostile.Issuer, "/") + "/token",
		"-H", "Content-Type: application/x-www-form-urlencoded",
		"--data-urlencode", "grant_type=authorization_code",
		"--data-urlencode", "client_id=" + hostile.ClientID,
		"--data-urlencode", "redirect_uri=" + hostile.RedirectURI,
		"--data-urlencode", "code=" + PlaceholderCode,
		"--data-urlencode", "code_verifier=" + PlaceholderVerifier,
	}
	if strings.Join(args, "\x00") != strings.Join(want, "\x00") {
		t.Fatalf("curl got\n%q\nwant\n%q", args, want)
	}
	if bytes.Contains(out, []byte("Authorization")) {
		t.Error("the token request sends an Authorization header")
	}
}

// openid-client refuses plain-http issuers unless told; only the sandbox's is one.
func TestNodeAllowsPlainHTTPOnlyForAPlainHTTPIssuer(t *testing.T) {
	if strings.Contains(byID(t, plain)["node"].Code, "allowInsecureRequests") {
		t.Error("the Node snippet for an https issuer allows insecure requests")
	}
	sb := plain
	sb.Issuer = "http://127.0.0.1:4111/4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c/as"
	if !strings.Contains(byID(t, sb)["node"].Code, "execute: [client.allowInsecureRequests]") {
		t.Error("the Node snippet for the sandbox's http issuer cannot reach it")
	}
}
