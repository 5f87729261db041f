// Package signin runs OpenID Connect sign-ins for a public (NONE) native client: the
// authorization-code flow with PKCE S256 through the system browser and a loopback
// redirect (RFC 8252), and PingOne's redirectless pi.flow API. It also performs the
// token-endpoint calls that follow (code exchange, refresh, userinfo, revoke,
// introspect) and builds the RP-initiated sign-off URL.
//
// The package has no GUI. Progress is reported through Event values so a front end
// can draw a live timeline; every exchange an event carries is already redacted.
// Secrets (codes, verifiers, tokens, passwords) never appear in error strings.
package signin
