package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

func TestExplain(t *testing.T) {
	if Explain(nil) != nil {
		t.Fatal("Explain(nil) != nil")
	}
	own := &Problem{Title: "mine"}
	if Explain(fmt.Errorf("wrapped: %w", own)) != own {
		t.Fatal("an existing Problem was not passed through")
	}
	cases := []struct {
		err   error
		title string
	}{
		{&signin.PortInUseError{Port: 3000, Address: "127.0.0.1"}, "port 3000"},
		{&signin.BrowserRequiredError{Status: "OTP_REQUIRED"}, "OTP_REQUIRED"},
		{&signin.LockedOutError{SecondsUntilUnlock: 900}, "locked"},
		{signin.ErrTimedOut, "not completed in time"},
		{fmt.Errorf("create: %w", pingone.ErrOutcomeUnknown), "may or may not"},
		{&pingone.Error{Status: 400, Code: "INVALID_DATA", Details: []pingone.ErrorDetail{{Code: "UNIQUENESS_VIOLATION", Target: "name"}}}, "already taken"},
		{&pingone.Error{Code: "INVALID_DATA", Details: []pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "redirectUris"}}}, "nothing was sent"},
		{&pingone.Error{Status: 400, Code: "INVALID_DATA", Details: []pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "redirectUris"}}}, "PingOne rejected some values"},
		{&pingone.Error{Status: 503, Code: "UNEXPECTED_ERROR"}, "server error"},
		{&pingone.OAuthError{Status: 400, Code: "invalid_grant"}, "no longer valid"},
		{&pingone.UnexpectedResponseError{Status: 502, ContentType: "text/html"}, "server error"},
		{context.Canceled, "Cancelled"},
		{ErrNoRefreshToken, "no refresh token"},
		{&KeyringError{Kind: ErrKeyringLocked, Op: "read"}, "Could not read the worker secret: the system keyring is locked"},
		{errors.New("boom"), "Something went wrong"},
	}
	for _, tc := range cases {
		p := Explain(tc.err)
		if !strings.Contains(p.Title, tc.title) {
			t.Errorf("Explain(%v).Title = %q, want it to contain %q", tc.err, p.Title, tc.title)
		}
		if !errors.Is(p, tc.err) {
			t.Errorf("Explain(%v) does not wrap the error", tc.err)
		}
	}
}
