package sandbox

// Lax switches single enforcement rules off, so that a test (the break-it lab's own)
// can show that a check really detects a server that does not enforce them. It is for
// tests and the lab only: the zero value, the default, enforces everything the way
// PingOne does, and nothing in the desk's normal paths sets a field.
type Lax struct {
	// PKCE ignores the application's pkceEnforcement at the authorize endpoint (no
	// challenge, or method plain, is accepted) and skips the code_verifier check at the
	// token endpoint (RFC 7636 §4.4.1, §4.6 not applied).
	PKCE bool
	// CodeReuse lets an authorization code be redeemed more than once (RFC 6749 §4.1.2
	// not applied).
	CodeReuse bool
	// RedirectURI accepts an unregistered redirect_uri at the authorize endpoint and a
	// redirect_uri other than the authorize request's at the token endpoint (RFC 6749
	// §3.1.2.3, §4.1.3 not applied).
	RedirectURI bool
	// ClientBinding lets any client redeem a code issued to another (RFC 6749 §4.1.3
	// "ensure that the authorization code was issued to the authenticated client").
	ClientBinding bool
	// RefreshReplay keeps a rotated refresh token usable (RFC 9700 §4.14.2 replay
	// detection not applied).
	RefreshReplay bool
}
