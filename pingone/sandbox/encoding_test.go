package sandbox

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// The hot-path answers (claims, token response, flow and resume objects) are
// structs with fields in sorted key order. These tests pin that they encode
// byte for byte like the maps they replaced.

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: %v %v", what, err1, err2)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s encodes differently:\n got %s\nwant %s", what, g, w)
	}
}

func encodingUser() *user {
	return &user{ID: "u-1", Username: "demo.user", Email: "demo<&>@example.com", Given: "Dé", Family: "",
		UpdatedAt: time.Unix(1780000000, 0)}
}

func TestClaimsEncodeLikeMaps(t *testing.T) {
	sameJSON(t, "access claims", &accessClaims{
		Iss: "http://x/env/as", Sub: "u-1", Aud: []string{"http://x"}, ClientID: "c-1",
		Scope: "openid profile", Sid: "s-1", Acr: "Single_Factor", Amr: []string{"pwd"},
		AuthTime: 1, Iat: 2, Exp: 3, Jti: "j-1", Env: "env", Org: "org",
	}, jwt.MapClaims{
		"iss": "http://x/env/as", "sub": "u-1", "aud": []string{"http://x"}, "client_id": "c-1",
		"scope": "openid profile", "sid": "s-1", "acr": "Single_Factor", "amr": []string{"pwd"},
		"auth_time": int64(1), "iat": int64(2), "exp": int64(3), "jti": "j-1", "env": "env", "org": "org",
	})
	sameJSON(t, "worker claims", &workerClaims{
		Iss: "http://x/env/as", Aud: []string{"http://x"}, ClientID: "w", Env: "env", Org: "org", Iat: 2, Exp: 3, Jti: "j",
	}, jwt.MapClaims{
		"iss": "http://x/env/as", "aud": []string{"http://x"}, "client_id": "w",
		"env": "env", "org": "org", "iat": int64(2), "exp": int64(3), "jti": "j",
	})
	for _, tc := range []struct {
		scope []string
		nonce string
		u     *user
	}{
		{[]string{"openid"}, "", encodingUser()},
		{[]string{"openid", "profile"}, "n<1>", encodingUser()},
		{[]string{"openid", "email"}, "n", encodingUser()},
		{[]string{"openid", "profile", "email"}, "n", encodingUser()},
		{[]string{"openid", "profile", "email"}, "", nil},
	} {
		got := &idClaims{Iss: "i", Sub: "u-1", Aud: "c-1", Iat: 2, Exp: 3, AuthTime: 1,
			Acr: "Single_Factor", Amr: []string{"pwd"}, Sid: "s", Nonce: tc.nonce, AtHash: "h"}
		got.setUserClaims(tc.u, tc.scope)
		want := jwt.MapClaims{"iss": "i", "sub": "u-1", "aud": "c-1", "iat": int64(2), "exp": int64(3),
			"auth_time": int64(1), "at_hash": "h", "acr": "Single_Factor", "amr": []string{"pwd"}, "sid": "s"}
		if tc.nonce != "" {
			want["nonce"] = tc.nonce
		}
		for k, v := range userClaims(tc.u, tc.scope) {
			want[k] = v
		}
		sameJSON(t, "ID claims", got, want)
	}
}

func TestTokenResponseEncodesLikeMap(t *testing.T) {
	sameJSON(t, "worker response", &tokenResponse{AccessToken: "a", TokenType: "Bearer", ExpiresIn: 3600},
		map[string]any{"access_token": "a", "token_type": "Bearer", "expires_in": 3600})
	scope := "openid offline_access"
	sameJSON(t, "user response",
		&tokenResponse{AccessToken: "a", TokenType: "Bearer", ExpiresIn: 3600, Scope: &scope, IDToken: "i", RefreshToken: "r"},
		map[string]any{"access_token": "a", "token_type": "Bearer", "expires_in": 3600, "scope": scope,
			"id_token": "i", "refresh_token": "r"})
	empty := ""
	sameJSON(t, "user response without ID token",
		&tokenResponse{AccessToken: "a", TokenType: "Bearer", ExpiresIn: 3600, Scope: &empty},
		map[string]any{"access_token": "a", "token_type": "Bearer", "expires_in": 3600, "scope": ""})
}

// flowMap is the map flowJSON used to build.
func (s *Server) flowMap(f *flow) map[string]any {
	self := s.flowURL(f.ID)
	app := s.apps[f.Req.ClientID]
	appName := ""
	if app != nil {
		appName = app.Name
	}
	embedded := map[string]any{"application": map[string]string{"name": appName}}
	m := map[string]any{
		"id": f.ID, "environment": map[string]string{"id": s.envID}, "resumeUrl": s.resumeURL(f.ID),
		"status": f.Status, "createdAt": timestamp(f.CreatedAt), "expiresAt": timestamp(f.ExpiresAt), "_embedded": embedded,
	}
	l := map[string]string{"self": self}
	u := s.users[f.UserID]
	switch f.Status {
	case "USERNAME_PASSWORD_REQUIRED":
		l["usernamePassword.check"] = self
		l["password.forgot"] = self
		l["session.reset"] = self
		l["signOnPage"] = s.signonURL(f.ID)
		embedded["passwordPolicy"] = passwordPolicyJSON()
	case "PASSWORD_EXPIRED", "MUST_CHANGE_PASSWORD":
		l["password.reset"] = self
		l["session.reset"] = self
		embedded["passwordPolicy"] = passwordPolicyJSON()
		if u != nil {
			embedded["user"] = map[string]string{"id": u.ID, "username": u.Username}
		}
	case "COMPLETED":
		m["session"] = map[string]string{"id": f.SessionID}
		if u != nil {
			embedded["user"] = map[string]any{"id": u.ID, "username": u.Username,
				"name": map[string]string{"given": u.Given, "family": u.Family}}
		}
	}
	m["_links"] = links(l)
	return m
}

func TestFlowObjectEncodesLikeMap(t *testing.T) {
	s := New(Options{SigningKey: sandboxtest.SigningKey(), WorkerSecret: "x"})
	s.SetBaseURL("https://sandbox.example")
	s.putApp(&application{ID: "app-1", Name: "App <1> & Co"})
	u := encodingUser()
	s.users[u.ID] = u
	now := time.Date(2026, 4, 20, 16, 33, 44, 123e6, time.UTC)
	for _, status := range []string{"USERNAME_PASSWORD_REQUIRED", "PASSWORD_EXPIRED", "MUST_CHANGE_PASSWORD", "COMPLETED", "OTHER"} {
		for _, userID := range []string{u.ID, "gone"} {
			for _, client := range []string{"app-1", "no-such-app"} {
				f := &flow{ID: "f-1", Req: authRequest{ClientID: client}, Status: status, UserID: userID, SessionID: "s-1",
					CreatedAt: now, ExpiresAt: now.Add(flowLifetime)}
				sameJSON(t, "flow "+status+" "+userID+" "+client, s.flowJSON(f), s.flowMap(f))
			}
		}
	}
	for _, state := range []string{"", "st<1>"} {
		got := &resumeObject{
			Links:             selfLinks{Self: hrefLink{Href: s.resumeURL("f-1")}},
			AuthorizeResponse: authorizeResponse{Code: "c", State: state},
			Environment:       idRef{ID: s.envID}, ID: "f-1", Status: "COMPLETED",
		}
		want := map[string]any{
			"_links": links(map[string]string{"self": s.resumeURL("f-1")}), "id": "f-1",
			"environment": map[string]string{"id": s.envID}, "status": "COMPLETED",
			"authorizeResponse": map[string]string{"code": "c"},
		}
		if state != "" {
			want["authorizeResponse"].(map[string]string)["state"] = state
		}
		sameJSON(t, "resume", got, want)
	}
}

// TestSignMatchesJWTLibrary: the cached JOSE header and the signing give the
// token golang-jwt would make (RSASSA-PKCS1-v1_5 is deterministic).
func TestSignMatchesJWTLibrary(t *testing.T) {
	k := newSigningKey(sandboxtest.SigningKey(), time.Now())
	claims := jwt.MapClaims{"iss": "i", "sub": "u<1>", "aud": []string{"a"}, "iat": int64(2)}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = k.kid
	tok.Header["typ"] = "JWT"
	want, err := tok.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	if got := k.sign(claims); got != want {
		t.Errorf("sign = %s\nwant   %s", got, want)
	}
}
