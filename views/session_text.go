package views

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// One wording per session outcome. The Sign in screen's status line, its steps and its
// session block, and the Tokens screen all take their words from here, so a sign-in, a
// refresh or a sign-out reads the same wherever it is shown.

const msgNobodySignedIn = "Nobody is signed in."

// sessionHeadline is what a signed-in session is, in one line: who, and whether its ID
// token is verified. A refreshed ID token that failed verification is said so, never
// "verified" (app.Session.IDTokenErr).
func sessionHeadline(sess *app.Session) (string, widget.Importance) {
	if sess == nil {
		return msgNobodySignedIn, widget.MediumImportance
	}
	who := "Signed in as " + shownName(sess)
	if sess.IDTokenVerified() {
		return who + " · ID token verified", widget.SuccessImportance
	}
	return who + " · the refreshed ID token failed verification", widget.WarningImportance
}

// sessionDetails is the session block's line: who, how and since when.
func sessionDetails(sess *app.Session) string {
	if sess == nil {
		return msgNobodySignedIn
	}
	return fmt.Sprintf("Signed in as %s (%s sign-in, client %s) since %s.",
		shownName(sess), sess.Mode, shortID(sess.ClientID), sess.SignedInAt.Local().Format("15:04:05"))
}

// shownName is who is signed in as the screen shows it: in presenter view a name, an
// email address or a username is masked (the subject, PingOne's opaque user ID, is not).
func shownName(sess *app.Session) string {
	name := sess.DisplayName()
	if name == sess.Subject {
		return name
	}
	return currentPresenter().Personal(name)
}

// subjectText is the subject in small type beside the name: the ID that PingOne uses for
// the user (OIDC Core §2, sub). Empty when the name already is the subject.
func subjectText(sess *app.Session) string {
	if sess == nil || sess.Subject == "" || sess.DisplayName() == sess.Subject {
		return ""
	}
	return "sub " + sess.Subject
}

// refreshedText is the outcome of a refresh.
func refreshedText(ev app.SessionEvent) string {
	return "Tokens refreshed at " + ev.At.Local().Format("15:04:05") + "; PingOne rotated the refresh token."
}

// signedOutText is the outcome of a sign-out: what PingOne revoked (RFC 7009), or what did
// not go through. The session has ended here either way. An in-app session was also
// signed out of PingOne by the app itself (OpenID Connect RP-Initiated Logout 1.0 §2),
// which the sentence says; a browser session's PingOne cookie is the browser's, and the
// view adds what became of the sign-off page it opened there.
func signedOutText(ev app.SessionEvent) (string, widget.Importance) {
	at := ev.At.Local().Format("15:04:05")
	if ev.Err != nil {
		p := app.Explain(ev.Err)
		text := "Signed out here at " + at + ", but not everything went through: " + p.Title
		if p.Remedy != "" {
			text += " " + p.Remedy
		}
		return text, widget.DangerImportance
	}
	inApp := ev.Ended.SignsOffInApp()
	names := revokedNames(ev.Revoked)
	switch {
	case inApp && names == "":
		return "Signed out of PingOne at " + at + ": PingOne ended its session.", widget.SuccessImportance
	case inApp:
		return "Signed out of PingOne at " + at + ": PingOne revoked the " + names + " and ended its session.", widget.SuccessImportance
	case names == "":
		return "Signed out at " + at + ".", widget.SuccessImportance
	}
	return "Signed out at " + at + ": PingOne revoked the " + names + ".", widget.SuccessImportance
}

// revokedNames lists the revoked tokens as a phrase: "access token", "refresh and access
// tokens".
func revokedNames(revoked []string) string {
	if len(revoked) == 2 && strings.HasSuffix(revoked[0], " token") && strings.HasSuffix(revoked[1], " token") {
		return strings.TrimSuffix(revoked[0], " token") + " and " + revoked[1] + "s"
	}
	return strings.Join(revoked, " and ")
}
