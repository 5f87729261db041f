package signin

import (
	"context"
)

// CodeGrant is an authorization code that was obtained and deliberately not redeemed,
// with the attempt's PKCE values and the redirect URI it is bound to. String redacts it.
type CodeGrant struct {
	Code        string
	Secrets     AttemptSecrets
	RedirectURI string
	Metadata    *Metadata
}

func (CodeGrant) String() string { return "signin.CodeGrant{redacted}" }

// GoString does the same for %#v.
func (CodeGrant) GoString() string { return "signin.CodeGrant{redacted}" }

// AuthorizationCode walks the pi.flow sign-in (the same authorize request, PKCE values
// and password step as SignInWithPassword) up to the authorization code and stops there:
// the code is handed back unredeemed. It exists for tests of a server's code handling
// (the break-it lab), which must redeem the code itself with altered parameters; an
// ordinary sign-in uses SignInWithPassword, which never gives the code out.
func (c *Client) AuthorizationCode(ctx context.Context, username, password string, opts RedirectlessOptions) (*CodeGrant, error) {
	f, err := c.StartRedirectless(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer f.Close() // a no-op once finished
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cur.Status != StatusCompleted {
		obj, err := f.checkCredentials(ctx, username, password)
		if err != nil {
			return nil, f.fail(ctx, err)
		}
		f.cur = obj
		switch obj.Status {
		case StatusCompleted:
		case StatusFailed:
			return nil, f.fail(ctx, f.failedFlowError(ctx))
		case StatusUsernamePasswordRequired:
			return nil, f.fail(ctx, &InvalidCredentialsError{Message: "PingOne asks for the credentials again"})
		default:
			return nil, f.fail(ctx, f.statusError(obj.Status))
		}
	}
	code, err := f.code(ctx)
	if err != nil {
		return nil, f.fail(ctx, err)
	}
	f.finish(nil, nil)
	return &CodeGrant{Code: code, Secrets: f.s, RedirectURI: c.cfg.RedirectURI, Metadata: f.m}, nil
}
