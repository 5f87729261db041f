package pingone

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Media types that select a user action in PingOne: the action is chosen by Content-Type,
// not by the URL.
const (
	mediaUserImport  = "application/vnd.pingidentity.user.import+json"
	mediaPasswordSet = "application/vnd.pingidentity.password.set+json"
)

// UserRequest describes a test user to create.
type UserRequest struct {
	Username     string
	Email        string
	GivenName    string
	FamilyName   string
	Password     string // optional; never logged (redacted in transcripts)
	ForceChange  bool   // user must change the password at next sign-in
	PopulationID string // optional; the environment's default population when empty
}

// String hides the password from %v and %+v.
func (u UserRequest) String() string {
	pw := ""
	if u.Password != "" {
		pw = Redacted
	}
	return fmt.Sprintf("{Username:%s Email:%s GivenName:%s FamilyName:%s Password:%s ForceChange:%t PopulationID:%s}",
		u.Username, u.Email, u.GivenName, u.FamilyName, pw, u.ForceChange, u.PopulationID)
}

// GoString hides the password from %#v.
func (u UserRequest) GoString() string { return "pingone.UserRequest" + u.String() }

// User is a created user.
type User struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Email    string `json:"email"`
	Enabled  bool   `json:"enabled"`
}

type userBody struct {
	Username   string        `json:"username"`
	Email      string        `json:"email"`
	Name       *userName     `json:"name,omitempty"`
	Population *idRef        `json:"population,omitempty"`
	Password   *passwordBody `json:"password,omitempty"`
}

type userName struct {
	Given  string `json:"given,omitempty"`
	Family string `json:"family,omitempty"`
}

type passwordBody struct {
	Value       string `json:"value"`
	ForceChange bool   `json:"forceChange"`
}

// CreateUser creates a user. With a password it uses the user.import media type, which sets
// the password in the same request; if the environment refuses that media type (415) it
// falls back to a plain create followed by PUT …/password with password.set.
func (m *Management) CreateUser(ctx context.Context, envID string, u UserRequest) (*User, error) {
	if strings.TrimSpace(u.Username) == "" {
		return nil, &Error{Code: "INVALID_DATA", Message: "A username is required; nothing was sent to PingOne.",
			Details: []ErrorDetail{{Code: "REQUIRED_VALUE", Target: "username", Message: "A username is required."}}}
	}
	if u.PopulationID != "" {
		if err := ValidateID(u.PopulationID); err != nil {
			return nil, fmt.Errorf("pingone: create user: population ID: %w", err)
		}
	}
	path, err := envPath(envID, "users")
	if err != nil {
		return nil, fmt.Errorf("pingone: create user: %w", err)
	}
	body := userBody{Username: strings.TrimSpace(u.Username), Email: strings.TrimSpace(u.Email)}
	if u.GivenName != "" || u.FamilyName != "" {
		body.Name = &userName{Given: u.GivenName, Family: u.FamilyName}
	}
	if u.PopulationID != "" {
		body.Population = &idRef{ID: u.PopulationID}
	}
	var created User
	if u.Password == "" {
		if err := m.do(ctx, apiCall{step: "create-user", op: "create user", method: http.MethodPost, path: path, body: body}, &created); err != nil {
			return nil, err
		}
		return &created, nil
	}

	withPassword := body
	withPassword.Password = &passwordBody{Value: u.Password, ForceChange: u.ForceChange}
	err = m.do(ctx, apiCall{step: "create-user", op: "create user", method: http.MethodPost, path: path,
		contentType: mediaUserImport, body: withPassword}, &created)
	var pe *Error
	if err == nil || !errors.As(err, &pe) || pe.Status != http.StatusUnsupportedMediaType {
		if err != nil {
			return nil, err
		}
		return &created, nil
	}

	if err := m.do(ctx, apiCall{step: "create-user", op: "create user", method: http.MethodPost, path: path, body: body}, &created); err != nil {
		return nil, err
	}
	if err := ValidateID(created.ID); err != nil {
		return nil, fmt.Errorf("pingone: create user: %w", &UnexpectedResponseError{
			Status: http.StatusCreated, ContentType: "application/json", Reason: "user id is not a UUID"})
	}
	pwPath, _ := envPath(envID, "users", created.ID, "password")
	err = m.do(ctx, apiCall{step: "set-user-password", op: "set user password", method: http.MethodPut, path: pwPath,
		contentType: mediaPasswordSet, body: passwordBody{Value: u.Password, ForceChange: u.ForceChange}}, nil)
	if err != nil {
		// The user exists without a password; say so rather than pretend nothing happened.
		return &created, fmt.Errorf("pingone: user %s was created but its password was not set: %w", SanitizeText(created.Username, 64), err)
	}
	return &created, nil
}

// DeleteUser deletes the user. A retried DELETE whose first attempt did succeed answers
// 404; that is reported as success.
func (m *Management) DeleteUser(ctx context.Context, envID, userID string) error {
	if err := ValidateID(userID); err != nil {
		return fmt.Errorf("pingone: delete user: user ID: %w", err)
	}
	path, err := envPath(envID, "users", userID)
	if err != nil {
		return fmt.Errorf("pingone: delete user: %w", err)
	}
	return m.do(ctx, apiCall{step: "delete-user", op: "delete user", method: http.MethodDelete,
		path: path, goneIsDone: true}, nil)
}
