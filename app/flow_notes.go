package app

// flowNotes is each step's two-line note: what the standard says, then what PingOne does.
var flowNotes = map[string][2]string{
	"discovery": {
		"OpenID Connect Discovery 1.0 §4: the issuer publishes its endpoints at /.well-known/openid-configuration.",
		"PingOne serves one per environment: {host}/{environment ID}/as/.well-known/openid-configuration.",
	},
	"pkce": {
		"RFC 7636 §4.1–4.2: a fresh random code_verifier per attempt; code_challenge = BASE64URL(SHA256(verifier)).",
		"Only the challenge goes to PingOne now; the verifier stays in the desk until the token request.",
	},
	"open-browser": {
		"RFC 8252 §6: a native app signs in through the system browser, never an embedded web view.",
		"The desk listens on the loopback port before the browser opens, so the redirect cannot be missed.",
	},
	"authorize": {
		"RFC 7636 §4.3 and RFC 6749 §4.1.1: code_challenge with method S256 and state; OIDC Core §3.1.2.1: nonce.",
		"PingOne refuses this app's authorize request without code_challenge_method=S256 because the app is S256_REQUIRED.",
	},
	"callback": {
		"RFC 8252 §7.3: the loopback redirect carries code and state; RFC 6749 §10.12: state must be the one sent.",
		"PingOne redirects to the registered http://localhost:{port}/callback exactly; the desk refuses any other state.",
	},
	"flow": {
		"No standard covers this: RFC 9700 §2.4 warns against apps handling the user's password.",
		"PingOne's flow API (response_mode=pi.flow) takes the username and password as JSON and runs the sign-on policy.",
	},
	"password-change": {
		"No standard covers this: it is PingOne's flow API, answering PASSWORD_EXPIRED or MUST_CHANGE_PASSWORD.",
		"PingOne checks the current password and the password policy before it lets the sign-in complete.",
	},
	"resume": {
		"RFC 6749 §4.1.2: the authorization response carries the code and the state.",
		"With pi.flow PingOne returns the code in authorizeResponse instead of redirecting a browser.",
	},
	"token": {
		"RFC 7636 §4.5: the code_verifier goes with the code; RFC 6749 §3.2.1: a public client sends only client_id.",
		"The app's token auth method is NONE: PingOne checks SHA256(code_verifier) against the challenge; the code is single-use.",
	},
	"jwks": {
		"OIDC Core §10.1 and RFC 7517: the ID token's signing keys come from the issuer's jwks_uri.",
		"PingOne signs with RS256; the kid in the token header picks the environment's key.",
	},
	"verify": {
		"OIDC Core §3.1.3.7: check the signature, iss, aud, exp and iat, and that nonce is the one sent.",
		"PingOne's ID token names this environment as issuer and this app's client ID as audience.",
	},
	"refresh": {
		"RFC 6749 §6: grant_type=refresh_token with client_id; OIDC Core §12.2: a new ID token keeps the same sub.",
		"PingOne may return a new refresh token; the desk keeps the newest and drops the old one.",
	},
	"userinfo": {
		"OIDC Core §5.3: GET with the access token as a Bearer token; the answer's sub must match the ID token's.",
		"PingOne's /as/userinfo returns the claims the granted scopes (profile, email) allow.",
	},
	"signoff": {
		"OpenID Connect RP-Initiated Logout 1.0 §2: id_token_hint names the session to end.",
		"PingOne's /as/signoff ends the session whose cookie comes with the request; in-app that cookie is the desk's own.",
	},
	"revoke": {
		"RFC 7009 §2.1: a public client revokes a token with the token and its client_id.",
		"PingOne's /as/revoke answers 200 even for a token it no longer knows, as RFC 7009 §2.2 asks.",
	},
}

// flowNote fills in st's note from its name.
func flowNote(st FlowStep) FlowStep {
	if n, ok := flowNotes[st.Name]; ok {
		st.Spec, st.PingOne = n[0], n[1]
	}
	return st
}
