// Package token decodes, inspects and verifies the JWTs PingOne issues.
//
// It has three layers, each usable on its own:
//
//   - [Decode] turns any compact JWS into header, claims and signature for
//     display. It trusts nothing: the size cap is applied before parsing,
//     base64url and JSON are decoded strictly, and duplicate JSON member
//     names are refused so that what the user sees is what a verifier sees.
//   - [KeySet] holds the issuer's signing keys from its jwks_uri, refetching
//     at most once per interval when a token names an unknown kid.
//   - [Verifier] runs the ID-token checklist of OpenID Connect Core §3.1.3.7
//     (and a reduced one for access tokens) and reports every check with a
//     reason a non-expert can act on.
//
// [ExplainClaim] and [DescribeValue] are the claims dictionary used by the UI.
//
// Nothing in this package follows URLs found inside a token (jku, x5u),
// trusts keys embedded in one (jwk, x5c), or puts token contents, nonces or
// other secrets into error strings (RFC 8725 §3.10).
package token
