package app

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// ErrProductionProfile refuses test-only actions on a production-tagged connection.
var ErrProductionProfile = errors.New("app: not allowed on a production connection")

// DemoUser is a user created for a demo. Password is shown once to the person running the
// demo; String hides it so it does not reach logs.
type DemoUser struct {
	ID       string
	Username string
	Email    string
	Password string
}

func (u DemoUser) String() string {
	return "DemoUser{" + u.Username + ", password " + pingone.Redacted + "}"
}

func (u DemoUser) GoString() string { return u.String() }

// CreateDemoUser creates a user with a random password in the target environment of a
// sandbox- or test-tagged connection. Production connections are refused before any
// request is made.
func (d *Desk) CreateDemoUser(ctx context.Context) (*DemoUser, error) {
	if d.ActiveProfile().Tag == TagProduction {
		return nil, ErrProductionProfile
	}
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	if c.profile.Tag == TagProduction { // the profile may have been re-tagged meanwhile
		return nil, ErrProductionProfile
	}
	demo, err := d.createUser(ctx, c, "pkcedesk.demo.", "User")
	if err != nil {
		return nil, err
	}
	d.rememberDemoUser(c.profile.ID, demo) // the lab signs in as it (lab.go)
	return demo, nil
}

// createUser creates a user named prefix + a random suffix with a random password in the
// connection's target environment.
func (d *Desk) createUser(ctx context.Context, c *connection, prefix, family string) (*DemoUser, error) {
	suffix := newProfileID()[:8]
	password, err := demoPassword()
	if err != nil {
		return nil, err
	}
	username := prefix + suffix
	u, err := c.mgmt.CreateUser(ctx, c.profile.TargetEnvironmentID, pingone.UserRequest{
		Username:   username,
		Email:      username + "@example.com",
		GivenName:  "Demo",
		FamilyName: family + " " + suffix,
		Password:   password,
	})
	if err != nil {
		return nil, err
	}
	return &DemoUser{ID: u.ID, Username: u.Username, Email: u.Email, Password: password}, nil
}

// demoPassword draws a password that satisfies PingOne's "Standard" policy (length ≥ 8,
// a digit, a lower- and an upper-case letter, a special character, no character three
// times in a row; pingone-api.md §7).
func demoPassword() (string, error) {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b [16]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		var sb strings.Builder
		sb.WriteString("Dk-")
		for _, x := range b {
			sb.WriteByte(alphabet[int(x)%len(alphabet)])
		}
		sb.WriteString("!7q")
		p := sb.String()
		if !hasTriple(p) {
			return p, nil
		}
	}
}

func hasTriple(s string) bool {
	for i := 2; i < len(s); i++ {
		if s[i] == s[i-1] && s[i] == s[i-2] {
			return true
		}
	}
	return false
}
