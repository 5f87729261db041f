package sandbox

import (
	"encoding/json"
	"strings"
	"unicode"
)

// specialCharacters is the "Standard" password policy's special class.
const specialCharacters = "~!@#$%^&*()-_=+[]{}|;:,.<>/?"

// passwordPolicyJSON mirrors the environment's default "Standard" policy.
func passwordPolicyJSON() map[string]any {
	return map[string]any{
		"id":      "d3e4f5a6-0b1c-4d2e-8f3a-4b5c6d7e8f90",
		"name":    "Standard",
		"default": true,
		"length":  map[string]int{"min": 8, "max": 255},
		"minCharacters": map[string]int{
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ": 1, "abcdefghijklmnopqrstuvwxyz": 1, "0123456789": 1, specialCharacters: 1,
		},
		"maxRepeatedCharacters": 2,
		"minUniqueCharacters":   5,
		"history":               map[string]int{"count": 6, "retentionDays": 365},
		"lockout":               map[string]int{"failureCount": lockoutThreshold, "durationSeconds": int(lockoutDuration.Seconds())},
	}
}

// passwordPolicyEncoded is passwordPolicyJSON encoded once: every flow
// object that asks for a password embeds it.
var passwordPolicyEncoded = func() json.RawMessage {
	b, err := json.Marshal(passwordPolicyJSON())
	if err != nil {
		panic(err)
	}
	return b
}()

// passwordPolicyFailures names the unmet requirements of the Standard policy,
// using the policy's own property names as PingOne's unsatisfiedRequirements do.
func passwordPolicyFailures(pw, current string) []string {
	var unmet []string
	if n := len([]rune(pw)); n < 8 || n > 255 {
		unmet = append(unmet, "length")
	}
	var upper, lower, digit, special bool
	unique := map[rune]bool{}
	repeat, maxRepeat := 0, 0
	var prev rune
	for i, c := range pw {
		unique[c] = true
		switch {
		case unicode.IsUpper(c):
			upper = true
		case unicode.IsLower(c):
			lower = true
		case unicode.IsDigit(c):
			digit = true
		case strings.ContainsRune(specialCharacters, c):
			special = true
		}
		if i > 0 && c == prev {
			repeat++
		} else {
			repeat = 1
		}
		maxRepeat = max(maxRepeat, repeat)
		prev = c
	}
	if !upper || !lower || !digit || !special {
		unmet = append(unmet, "minCharacters")
	}
	if maxRepeat > 2 {
		unmet = append(unmet, "maxRepeatedCharacters")
	}
	if len(unique) < 5 {
		unmet = append(unmet, "minUniqueCharacters")
	}
	if current != "" && pw == current {
		unmet = append(unmet, "history")
	}
	return unmet
}

func policyDetail(target string, unmet []string) errorDetail {
	return errorDetail{Code: "INVALID_VALUE", Target: target,
		Message:    "The password does not satisfy the password policy.",
		InnerError: map[string]any{"unsatisfiedRequirements": unmet}}
}
