package lab

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// attackerRedirect is where case 7 asks PingOne to send the code: a reserved name
// (RFC 2606) that nobody can register.
const attackerRedirect = "https://attacker.example/callback"

// otherRedirect is a URI beside the registered one, same origin, other path.
func otherRedirect(registered string) string {
	u, err := url.Parse(registered)
	if err != nil {
		return attackerRedirect
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "-other"
	return u.String()
}

// Case 6: RFC 6749 §4.1.3, the token request repeats the authorize request's
// redirect_uri exactly.
func caseOtherRedirect(ctx context.Context, r *runner) outcome {
	return r.tamperedRedeem(ctx, needCode, func(_ context.Context, _ *codeSetup, q *tokenRequest) *outcome {
		q.redirectURI = otherRedirect(q.redirectURI)
		return nil
	}, "400 invalid_grant", "invalid_grant")
}

// Case 7: RFC 6749 §4.1.2.1, with a bad redirect_uri the server must not redirect.
func caseUnregisteredRedirect(ctx context.Context, r *runner) outcome {
	a, app, fail := r.authorizeCase(ctx, needCode, func(q map[string][]string, _ signin.AttemptSecrets) {
		q["redirect_uri"] = []string{attackerRedirect}
	})
	if fail != nil {
		return *fail
	}
	switch {
	case a.target != "" && strings.HasPrefix(attackerRedirect, a.target):
		return doesNotHold(a.actual, "PingOne redirected to the unregistered address").on(app)
	case !a.refused:
		return doesNotHold(a.actual, "PingOne accepted the unregistered redirect_uri and started the sign-on, so the code would go there").on(app)
	}
	return holds(a.actual).on(app)
}

// Case 8: RFC 6749 §4.1.3, a code is bound to the client it was issued to.
func caseOtherClient(ctx context.Context, r *runner) outcome {
	return r.tamperedRedeem(ctx, needCode, func(ctx context.Context, _ *codeSetup, q *tokenRequest) *outcome {
		other, err := r.apps.secondApp(ctx)
		if err != nil {
			o := couldNotRun(err.Error())
			return &o
		}
		q.clientID = other.ClientID
		return nil
	}, "400 invalid_grant or invalid_client", "invalid_grant", "invalid_client")
}

// Case 9: RFC 9700 §4.14.2, a rotated refresh token must not work again.
func caseRefreshReplay(ctx context.Context, r *runner) outcome {
	s, fail := r.withCode(ctx, needRefresh)
	if fail != nil {
		return *fail
	}
	defer s.sc.Close()
	first, err := r.redeem(ctx, s.g.Metadata, tokenRequest{
		clientID: s.app.ClientID, redirectURI: s.g.RedirectURI, code: s.g.Code, verifier: s.g.Secrets.Verifier,
	})
	switch {
	case err != nil:
		return couldNotRunErr("the code exchange failed", err).on(s.app)
	case !first.accepted():
		return couldNotRun("the code exchange was refused: " + first.actual.Summary).on(s.app)
	case first.token.RefreshToken == "":
		return couldNotRun(errNoRefreshToken.Error() + " (the app needs the refresh token grant)").on(s.app)
	}
	old := first.token.RefreshToken
	rotated, err := r.refresh(ctx, s.g.Metadata, s.app, old)
	switch {
	case err != nil:
		return couldNotRunErr("the first refresh failed", err).on(s.app)
	case !rotated.accepted():
		return couldNotRun("the first, correct refresh was refused: " + rotated.actual.Summary).on(s.app)
	case rotated.token.RefreshToken == old:
		return couldNotRun("PingOne did not rotate the refresh token, so there is no old one to replay").on(s.app)
	}
	replay, err := r.refresh(ctx, s.g.Metadata, s.app, old)
	if err != nil {
		return couldNotRunErr("the replayed refresh failed", err).on(s.app)
	}
	return judgeToken(replay, "400 invalid_grant", "invalid_grant").on(s.app)
}

// Case 10: an expired code must be refused. The sandbox's clock is moved forward; on a
// tenant the case waits out the lifetime only when asked to.
func caseExpiredCode(ctx context.Context, r *runner) outcome {
	if r.t.AdvanceClock == nil && !r.t.WaitForExpiry {
		return couldNotRun("letting a code expire means waiting about " + r.t.codeLifetime().String() +
			" on a real tenant; enable the wait to run this case")
	}
	return r.tamperedRedeem(ctx, needCode, func(ctx context.Context, _ *codeSetup, _ *tokenRequest) *outcome {
		past := r.t.codeLifetime() + 5*time.Second
		if r.t.AdvanceClock != nil {
			r.t.AdvanceClock(past)
		} else if err := r.wait(ctx, past, "waiting for the code to expire"); err != nil {
			o := couldNotRunErr("the wait was interrupted", err)
			return &o
		}
		return nil
	}, "400 invalid_grant", "invalid_grant")
}
