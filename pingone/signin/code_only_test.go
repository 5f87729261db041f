package signin

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestAuthorizationCode_StopsAtTheCodeAndRedactsIt(t *testing.T) {
	e := startSandbox(t, "http://localhost:3000/callback")
	c := e.client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rec := newRecorder()
	g, err := c.AuthorizationCode(ctx, e.info.User.Username, e.info.User.Password, RedirectlessOptions{OnEvent: rec.on})
	if err != nil {
		t.Fatal(err)
	}
	if g.Code == "" || g.Secrets.Verifier == "" || g.RedirectURI != e.redirect || g.Metadata == nil {
		t.Fatalf("incomplete grant (code %t, verifier %t, redirect %q)", g.Code != "", g.Secrets.Verifier != "", g.RedirectURI)
	}
	for _, ev := range rec.all() {
		if ev.Exchange != nil && ev.Step == "token" {
			t.Fatal("AuthorizationCode redeemed the code")
		}
	}
	text := fmt.Sprintf("%v %+v %#v", g, g, g) + rec.text()
	assertNoSecret(t, "grant and events", text, g.Code, g.Secrets.Verifier, e.info.User.Password)

	// The code is real and still unredeemed: the exchange the sign-in would make works.
	res, err := c.exchange(ctx, c.httpc, g.Metadata, g.Code, g.Secrets, nil)
	if err != nil || res.Tokens.IDToken == "" {
		t.Fatalf("redeeming the code: %v", err)
	}
}

func TestAuthorizationCode_WrongPasswordIsInvalidCredentials(t *testing.T) {
	e := startSandbox(t, "http://localhost:3000/callback")
	c := e.client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := c.AuthorizationCode(ctx, e.info.User.Username, "not-the-password", RedirectlessOptions{})
	var ic *InvalidCredentialsError
	if !errors.As(err, &ic) {
		t.Fatalf("err = %v, want *InvalidCredentialsError", err)
	}
	assertNoSecret(t, "error", err.Error(), "not-the-password")
}
