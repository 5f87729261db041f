package lab

import (
	"context"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// codeSetup is an application, a sign-in client for it and a real, unredeemed code.
type codeSetup struct {
	app *labApp
	sc  *signin.Client
	g   *signin.CodeGrant
}

// withCode prepares a case that starts from a real code. On failure it returns the
// CouldNotRun outcome. The caller closes s.sc.
func (r *runner) withCode(ctx context.Context, need appNeed) (*codeSetup, *outcome) {
	app, err := r.apps.app(ctx, need)
	if err != nil {
		o := couldNotRun(err.Error())
		return nil, &o
	}
	sc, err := r.signinClient(app)
	if err != nil {
		o := couldNotRunErr("the sign-in client could not be set up", err)
		return nil, &o
	}
	g, err := r.realCode(ctx, sc)
	if err != nil {
		sc.Close()
		o := couldNotRunErr("signing the demo user in for a real code failed", err)
		o.appID = app.ClientID
		return nil, &o
	}
	return &codeSetup{app: app, sc: sc, g: g}, nil
}

// judgeToken is the verdict on a token request that must be refused with one of codes.
func judgeToken(a tokenAnswer, expected string, codes ...string) outcome {
	switch {
	case isRefusal(a, codes...):
		return holds(a.actual)
	case a.accepted():
		return doesNotHold(a.actual, "the token endpoint issued tokens")
	}
	return doesNotHold(a.actual, "the answer was "+a.actual.Summary+", not "+expected)
}

// judgeAuthorize is the verdict on an authorization request that must be refused.
func judgeAuthorize(a authorizeAnswer) outcome {
	if a.refused {
		return holds(a.actual)
	}
	return doesNotHold(a.actual, "PingOne accepted the request and started the sign-on")
}

func (o outcome) on(app *labApp) outcome {
	if app != nil {
		o.appID = app.ClientID
	}
	return o
}

// Case 1: RFC 7636 §4.6, the verifier must match the challenge.
func caseWrongVerifier(ctx context.Context, r *runner) outcome {
	return r.tamperedRedeem(ctx, needPKCE, func(_ context.Context, _ *codeSetup, q *tokenRequest) *outcome {
		q.verifier = oauth2.GenerateVerifier() // well formed, but not this code's
		return nil
	}, "400 invalid_grant", "invalid_grant")
}

// Case 2: a code issued with a challenge is worthless without the verifier.
func caseMissingVerifier(ctx context.Context, r *runner) outcome {
	return r.tamperedRedeem(ctx, needPKCE, func(_ context.Context, _ *codeSetup, q *tokenRequest) *outcome {
		q.verifier = ""
		return nil
	}, "a 400 refusal", "invalid_grant", "invalid_request")
}

// tamperedRedeem runs the cases that redeem a real code the wrong way (1, 2, 6, 8, 10):
// a code for an app fitting need, the genuine token request changed by tamper (which
// may also give up with an outcome), and the answer judged against the refusals named.
func (r *runner) tamperedRedeem(ctx context.Context, need appNeed, tamper func(context.Context, *codeSetup, *tokenRequest) *outcome, expected string, codes ...string) outcome {
	s, fail := r.withCode(ctx, need)
	if fail != nil {
		return *fail
	}
	defer s.sc.Close()
	q := tokenRequest{clientID: s.app.ClientID, redirectURI: s.g.RedirectURI, code: s.g.Code, verifier: s.g.Secrets.Verifier}
	if o := tamper(ctx, s, &q); o != nil {
		return o.on(s.app)
	}
	a, err := r.redeem(ctx, s.g.Metadata, q)
	if err != nil {
		return couldNotRunErr("the token request failed", err).on(s.app)
	}
	return judgeToken(a, expected, codes...).on(s.app)
}

// authorizeCase runs cases 3, 4 and 7: one tampered authorization request.
func (r *runner) authorizeCase(ctx context.Context, need appNeed, tamper func(q map[string][]string, s signin.AttemptSecrets)) (authorizeAnswer, *labApp, *outcome) {
	app, err := r.apps.app(ctx, need)
	if err != nil {
		o := couldNotRun(err.Error())
		return authorizeAnswer{}, nil, &o
	}
	sc, err := r.signinClient(app)
	if err != nil {
		o := couldNotRunErr("the sign-in client could not be set up", err).on(app)
		return authorizeAnswer{}, nil, &o
	}
	defer sc.Close()
	m, err := sc.Discover(ctx)
	if err != nil {
		o := couldNotRunErr("reading the issuer's configuration failed", err).on(app)
		return authorizeAnswer{}, nil, &o
	}
	a, err := r.authorize(ctx, sc, m, func(q url.Values, s signin.AttemptSecrets) { tamper(q, s) })
	if err != nil {
		o := couldNotRunErr("the authorization request failed", err).on(app)
		return authorizeAnswer{}, nil, &o
	}
	return a, app, nil
}

// Case 3: an S256_REQUIRED app must refuse the plain method (RFC 7636 §7.2).
func casePlainMethod(ctx context.Context, r *runner) outcome {
	a, app, fail := r.authorizeCase(ctx, needPKCE, func(q map[string][]string, s signin.AttemptSecrets) {
		q["code_challenge_method"] = []string{"plain"}
		q["code_challenge"] = []string{s.Verifier} // plain: the challenge is the verifier
	})
	if fail != nil {
		return *fail
	}
	return judgeAuthorize(a).on(app)
}

// Case 4: a PKCE-required app must refuse a request without a challenge.
func caseNoChallenge(ctx context.Context, r *runner) outcome {
	a, app, fail := r.authorizeCase(ctx, needPKCE, func(q map[string][]string, _ signin.AttemptSecrets) {
		delete(q, "code_challenge")
		delete(q, "code_challenge_method")
	})
	if fail != nil {
		return *fail
	}
	return judgeAuthorize(a).on(app)
}

// Case 5: RFC 6749 §4.1.2, a code is single-use; the tokens it produced SHOULD be
// revoked when it is presented again, which is reported but not judged.
func caseCodeTwice(ctx context.Context, r *runner) outcome {
	s, fail := r.withCode(ctx, needCode)
	if fail != nil {
		return *fail
	}
	defer s.sc.Close()
	q := tokenRequest{clientID: s.app.ClientID, redirectURI: s.g.RedirectURI, code: s.g.Code, verifier: s.g.Secrets.Verifier}
	first, err := r.redeem(ctx, s.g.Metadata, q)
	if err != nil {
		return couldNotRunErr("the first, correct token request failed", err).on(s.app)
	}
	if !first.accepted() {
		return couldNotRun("the first, correct token request was refused: " + first.actual.Summary).on(s.app)
	}
	second, err := r.redeem(ctx, s.g.Metadata, q)
	if err != nil {
		return couldNotRunErr("the second token request failed", err).on(s.app)
	}
	o := judgeToken(second, "400 invalid_grant", "invalid_grant").on(s.app)
	o.info = r.revokedInfo(ctx, s.sc, first.token.AccessToken)
	return o
}

// revokedInfo asks the introspection endpoint (RFC 7662) whether the first exchange's
// access token still works.
func (r *runner) revokedInfo(ctx context.Context, sc *signin.Client, accessToken string) string {
	out, err := sc.Introspect(ctx, accessToken, "access_token")
	if err != nil {
		return "Whether the first tokens were revoked could not be checked: " + err.Error()
	}
	if active, _ := out["active"].(bool); active {
		return "The tokens of the first exchange were not revoked (introspection: active); RFC 6749 §4.1.2 says they SHOULD be."
	}
	return "The tokens of the first exchange were revoked (introspection: inactive), as RFC 6749 §4.1.2 recommends."
}
