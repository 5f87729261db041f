package views

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// unverifiedNotice says, above the claims, why a session's ID token is not verified. A
// sign-in never keeps such a token, but a refresh does (its refresh token has already
// replaced the old one), so the reason must be in view and not only in the checklist.
func unverifiedNotice(src TokenSource, r *token.Report) string {
	if src != SourceIDToken || r == nil {
		return ""
	}
	failed := r.Failed()
	if len(failed) == 0 {
		return ""
	}
	return "This ID token did not pass verification, so do not rely on what it says: " + failed[0].Reason +
		" The session still belongs to the user who signed in; sign in again for a verified ID token."
}

func (s *TokensScreen) flowText() string {
	if s.source == SourcePasted || s.set.ReceivedAt.IsZero() {
		return ""
	}
	flow := s.set.Flow
	if flow == "" {
		flow = "Sign-in"
	}
	return fmt.Sprintf("%s at %s", flow, s.set.ReceivedAt.Local().Format("15:04:05"))
}

const msgSignInAgain = "Sign in again on the Sign in screen (Ctrl+3) for new tokens, or choose \"Paste a JWT\" to inspect any token."

func (s *TokensScreen) emptyText() string {
	if s.signedOut != "" && s.source != SourcePasted {
		if s.session != nil {
			// The session panel above says how the sign-out went, in the same words.
			return "The signed-out session's tokens were taken off this screen. " + msgSignInAgain
		}
		return s.signedOut + " " + msgSignInAgain
	}
	switch s.source {
	case SourcePasted:
		return "Paste any JWT to read its header and claims. Decoding happens on this computer; nothing is sent anywhere."
	case SourceRefreshToken:
		if s.set.IDToken != "" || s.set.AccessToken != "" {
			return noRefreshTokenText(s.set.Scopes)
		}
		fallthrough
	default:
		return "No sign-in yet. Sign in on the Sign in screen (Ctrl+3), or choose \"Paste a JWT\" to inspect any token."
	}
}

// noRefreshTokenText says why a sign-in's tokens came without a refresh token. PingOne
// issues one only when the sign-in asks for offline_access (OIDC Core §11) and the
// application has the Refresh Token grant type (RFC 6749 §6); scopes are those the
// sign-in requested, nil when unknown.
func noRefreshTokenText(scopes []string) string {
	switch {
	case scopes != nil && !slices.Contains(scopes, "offline_access"):
		return "This sign-in has no refresh token. PingOne issues a refresh token when the sign-in asks for the " +
			"offline_access scope and the application has the Refresh Token grant type. " +
			"Tick offline_access on the Sign in screen and sign in again."
	case scopes != nil:
		return "PingOne issued no refresh token although the sign-in asked for offline_access: " +
			"add the Refresh Token grant type to the application, then sign in again."
	}
	return "PingOne issued no refresh token. Add the Refresh Token grant type to the application to get one."
}

// decodeProblem is the decoder's own plain message, with a hint for opaque refresh tokens,
// which are not meant to be read by the client at all.
func decodeProblem(src TokenSource, err error) string {
	msg := err.Error()
	if len(msg) > 0 {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	switch {
	case errors.Is(err, token.ErrEncrypted):
		return msg + ". Encrypted tokens can only be read by the party holding the decryption key."
	case src == SourceRefreshToken && errors.Is(err, token.ErrMalformed):
		return "This refresh token is not a JWT: it is an opaque value only PingOne can read. You can still copy it."
	}
	return msg + "."
}

func tokenTitle(src TokenSource, d *token.Decoded) string {
	kind := d.Kind.String()
	if d.Kind == token.Unknown {
		kind = "JWT"
	}
	if src != SourcePasted && src != SourceRefreshToken {
		kind = src.String()
	}
	title := strings.ToUpper(kind[:1]) + kind[1:]
	if alg := d.HeaderString("alg"); alg != "" {
		title += " · " + alg
	}
	return title
}

func (s *TokensScreen) showMessage(text string, imp widget.Importance) {
	s.message.Importance = imp
	s.message.SetText(text)
	s.message.Show()
}
