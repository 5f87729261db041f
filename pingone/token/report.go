package token

import (
	"errors"
	"strings"
)

// Status is the outcome of one check.
type Status int

const (
	Passed Status = iota
	Failed
	NotApplicable
)

func (s Status) String() string {
	switch s {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case NotApplicable:
		return "not applicable"
	default:
		return "unknown"
	}
}

// Check IDs, stable for the UI and for tests.
const (
	CheckFormat    = "format"
	CheckAlg       = "alg"
	CheckTyp       = "typ"
	CheckSignature = "signature"
	CheckIss       = "iss"
	CheckAud       = "aud"
	CheckAzp       = "azp"
	CheckExp       = "exp"
	CheckIat       = "iat"
	CheckNbf       = "nbf"
	CheckNonce     = "nonce"
	CheckAtHash    = "at_hash"
	CheckCHash     = "c_hash"
	CheckSub       = "sub"
)

// Check is one line of the verification checklist. Reason is written for a
// person who is not a JWT expert and never contains the token, the nonce,
// the code or any other secret.
type Check struct {
	ID     string
	Title  string
	Status Status
	Reason string
}

// Report is the full checklist for one token. Token is nil when the token
// could not be decoded at all.
type Report struct {
	Token  *Decoded
	Checks []Check
}

// OK reports whether there is at least one check and none failed.
func (r *Report) OK() bool {
	return r != nil && len(r.Checks) > 0 && len(r.Failed()) == 0
}

// Failed returns the failed checks in checklist order.
func (r *Report) Failed() []Check {
	if r == nil {
		return nil
	}
	var out []Check
	for _, c := range r.Checks {
		if c.Status == Failed {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the check with the given ID.
func (r *Report) Check(id string) (Check, bool) {
	if r != nil {
		for _, c := range r.Checks {
			if c.ID == id {
				return c, true
			}
		}
	}
	return Check{}, false
}

// ErrRejected is matched (errors.Is) by every verification failure.
var ErrRejected = errors.New("token rejected")

// VerifyError is returned by the Verifier when a token fails any check. It
// carries the failed checks; its message names them and gives the first
// reason, which contains no secrets.
type VerifyError struct {
	What   string  // "ID token" or "access token"
	Failed []Check // in checklist order
	// Cause is the Decode error (ErrTooLarge, ErrEncrypted, ErrMalformed)
	// when the token could not be read; nil otherwise.
	Cause error
}

func (e *VerifyError) Error() string {
	var b strings.Builder
	b.WriteString("token: ")
	b.WriteString(e.What)
	b.WriteString(" rejected")
	if len(e.Failed) > 0 {
		b.WriteString(" (")
		for i, c := range e.Failed {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.ID)
		}
		b.WriteString("): ")
		b.WriteString(e.Failed[0].Reason)
	}
	return b.String()
}

func (e *VerifyError) Unwrap() []error {
	if e.Cause != nil {
		return []error{ErrRejected, e.Cause}
	}
	return []error{ErrRejected}
}
