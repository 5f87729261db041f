// Package lab is the break-it lab's engine: it runs attacks on the sign-in as real
// requests against a PingOne environment (or the sandbox) and compares what came back
// with what the standards require. Server-side cases check what PingOne enforces;
// client-side cases tamper locally with a real response and check what PKCE Desk's own
// checks catch. The package has no user interface: a screen or the headless command
// calls Run and renders its Report.
package lab

// Side says who must defend against a case's attack.
type Side string

// The two sides of the lab.
const (
	Server Side = "server" // PingOne must refuse
	Client Side = "client" // PKCE Desk's own checks must refuse
)

// Case describes one attack in plain words for a tester who has not read the RFCs.
type Case struct {
	Number    int    `json:"number"`
	Name      string `json:"name"`
	Done      string `json:"done"`      // what the lab does
	Expected  string `json:"expected"`  // what must happen
	Why       string `json:"why"`       // what an attacker would gain without the defence
	Reference string `json:"reference"` // where the rule is written down
	Needs     string `json:"needs"`     // the application settings the case needs
	Side      Side   `json:"side"`
}

// Needs texts, shared by several cases.
const (
	needsPKCEApp = "a public app (token endpoint authentication NONE) with PKCE set to S256_REQUIRED"
	needsCodeApp = "a public app (token endpoint authentication NONE) with the authorization code grant"
)

var catalogue = []Case{
	{1, "Wrong code_verifier", "Gets a real code, then redeems it with a code_verifier that does not belong to it.",
		"400 invalid_grant.",
		"Without it, someone who intercepts the code could redeem it with a verifier of their own.",
		"RFC 7636 §4.6", needsPKCEApp, Server},
	{2, "Missing code_verifier", "Gets a real code, then redeems it without any code_verifier.",
		"400 (invalid_grant or invalid_request).",
		"Without it, a stolen code could be redeemed by anyone simply by leaving PKCE out.",
		"RFC 7636 §4.6; PingOne pkceEnforcement", needsPKCEApp, Server},
	{3, "PKCE method plain", "Sends an authorization request with code_challenge_method=plain to an app that requires S256.",
		"Refused at the authorize endpoint (an error, no sign-on).",
		"Without it, the challenge travels in clear text, so whoever sees the request knows the verifier.",
		"RFC 7636 §4.2, §7.2; PingOne S256_REQUIRED", needsPKCEApp, Server},
	{4, "No code_challenge", "Sends an authorization request without code_challenge to an app that requires PKCE.",
		"Refused at the authorize endpoint (an error, no sign-on).",
		"Without it, the app's PKCE setting is only a suggestion and an intercepted code works on its own.",
		"RFC 7636 §4.4.1; PingOne pkceEnforcement", needsPKCEApp, Server},
	{5, "Code used twice", "Gets a real code, redeems it correctly, then redeems the same code again.",
		"The second request gets 400 invalid_grant.",
		"Without it, a code copied from a log or browser history could be redeemed again for fresh tokens.",
		"RFC 6749 §4.1.2, §10.5", needsCodeApp, Server},
	{6, "Different redirect_uri at the token endpoint", "Gets a real code, then redeems it with a redirect_uri other than the one the authorization request used.",
		"400 invalid_grant.",
		"Without it, a code sent to an attacker's redirect could be redeemed as if it had gone to the real app.",
		"RFC 6749 §4.1.3", needsCodeApp, Server},
	{7, "Unregistered redirect_uri", "Sends an authorization request whose redirect_uri is not registered for the app.",
		"PingOne answers with its own error and never redirects to that address.",
		"Without it, anyone could make PingOne deliver users' codes to a site of their choosing.",
		"RFC 6749 §3.1.2.3, §4.1.2.1", needsCodeApp, Server},
	{8, "Code redeemed by another app", "Gets a real code for one app, then redeems it with a second app's client_id.",
		"400 invalid_grant (or invalid_client).",
		"Without it, a malicious app could use codes issued to another app and get that app's tokens.",
		"RFC 6749 §4.1.3", needsCodeApp + ", and a second app (the lab creates it)", Server},
	{9, "Refresh token reused after rotation", "Signs in, refreshes once (getting a new refresh token), then uses the old refresh token again.",
		"400 invalid_grant.",
		"Without it, a stolen refresh token keeps working after the app has rotated it.",
		"RFC 9700 §4.14.2; PingOne additionalRefreshTokenReplayProtectionEnabled",
		needsCodeApp + " and the refresh token grant (replay protection on, PingOne's default)", Server},
	{10, "Expired code", "Gets a real code, waits until it has expired, then redeems it.",
		"400 invalid_grant.",
		"Without it, a code leaked long ago could still be exchanged for tokens.",
		"RFC 6749 §4.1.2 (codes must be short-lived)", needsCodeApp, Server},
	{11, "Tampered state in the callback", "Gets a real code, then delivers it to PKCE Desk's loopback receiver with a changed state, and afterwards with the right one.",
		"The tampered callback is refused and the sign-in goes on to accept the genuine one.",
		"Without it, an attacker could push their own code into the user's sign-in (login CSRF).",
		"RFC 6749 §10.12; RFC 9700 §4.7", needsCodeApp, Client},
	{12, "ID token with another nonce", "Signs in for real, then checks the ID token against a nonce other than the one sent.",
		"The ID-token checklist fails on nonce.",
		"Without it, an ID token captured from another sign-in could be replayed into this one.",
		"OpenID Connect Core §3.1.3.7 rule 11", needsCodeApp, Client},
	{13, "ID token with a broken signature", "Signs in for real, then changes one byte of the ID token's signature, and separately re-signs it with another key.",
		"The ID-token checklist fails on signature both times.",
		"Without it, anyone could forge an ID token with any user's identity in it.",
		"OpenID Connect Core §3.1.3.7 rule 6; RFC 7515 §5.2", needsCodeApp, Client},
	{14, "ID token for another app, or expired", "Signs in for real, then checks the ID token as if it were meant for another app, and as if it were checked after it expired.",
		"The ID-token checklist fails on aud, and on exp.",
		"Without it, a token issued to another app, or an old one, would be accepted as a fresh sign-in here.",
		"OpenID Connect Core §3.1.3.7 rules 3 and 9", needsCodeApp, Client},
}

// Cases returns the catalogue, numbered 1 to 14, as a fresh copy.
func Cases() []Case { return append([]Case(nil), catalogue...) }

// CaseByNumber returns the case with that number.
func CaseByNumber(n int) (Case, bool) {
	if n < 1 || n > len(catalogue) {
		return Case{}, false
	}
	return catalogue[n-1], true
}
