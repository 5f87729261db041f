package signin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// checkLink refuses links outside the issuer's origin (scheme, host and port): a tampered
// flow response must not make us send the session cookie or credentials elsewhere (G4).
func (f *RedirectlessFlow) checkLink(name, href string) error {
	if originOf(href) == "" || originOf(href) != originOf(f.c.cfg.Issuer) {
		return &UnsafeLinkError{Link: name}
	}
	return nil
}

func (f *RedirectlessFlow) follow(ctx context.Context, step, name, href, contentType string, body []byte) (flowObject, error) {
	if err := f.checkLink(name, href); err != nil {
		return flowObject{}, err
	}
	return f.call(ctx, step, http.MethodPost, href, contentType, body)
}

// call performs one flow request and decodes the flow object or the platform error.
func (f *RedirectlessFlow) call(ctx context.Context, step, method, href, contentType string, body []byte) (flowObject, error) {
	req, err := http.NewRequestWithContext(pingone.WithStep(ctx, step), method, href, bytes.NewReader(body))
	if err != nil {
		return flowObject{}, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	resp, err := f.a.http.Do(req)
	if err != nil {
		return flowObject{}, transportError(ctx, err)
	}
	defer resp.Body.Close()
	rb, err := readBody(resp)
	if err != nil {
		return flowObject{}, transportError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		return flowObject{}, f.flowError(resp.StatusCode, resp.Header, rb)
	}
	var obj flowObject
	if err := json.Unmarshal(rb, &obj); err != nil || obj.Status == "" {
		return flowObject{}, fmt.Errorf("%w: not a flow object", ErrMalformedResponse)
	}
	return obj, nil
}

// flowError classifies a flows-API error (pingone-api.md §5.2 "Credential error
// payloads"): both observed shapes of a wrong password, the lockout, an expired flow and
// a refused password change.
func (f *RedirectlessFlow) flowError(status int, header http.Header, body []byte) error {
	decoded := pingone.DecodeError(status, header, body)
	var pe *pingone.Error
	if !errors.As(decoded, &pe) {
		return decoded
	}
	if pe.IsNotFound() {
		return &FlowExpiredError{}
	}
	for _, d := range pe.Details {
		msg := d.Message
		if msg == "" {
			msg = pe.Message
		}
		switch {
		case d.Code == "PASSWORD_LOCKED_OUT":
			return &LockedOutError{Message: msg, SecondsUntilUnlock: intFrom(d.InnerError["secondsUntilUnlock"])}
		case d.Code == "INVALID_CREDENTIALS",
			d.Code == "INVALID_VALUE" && (d.Target == "username" || d.Target == "password"):
			return &InvalidCredentialsError{Message: msg}
		case d.Target == "currentPassword" || d.Target == "newPassword":
			return &PasswordRejectedError{Target: d.Target, Message: msg, Unsatisfied: stringsFrom(d.InnerError["unsatisfiedRequirements"])}
		}
	}
	if strings.EqualFold(pe.Code, "INVALID_CREDENTIALS") {
		return &InvalidCredentialsError{Message: pe.Message}
	}
	return pe
}

func intFrom(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	case int:
		return n
	}
	return 0
}

func stringsFrom(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, pingone.SanitizeText(s, 100))
		}
	}
	return out
}
