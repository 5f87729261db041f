package snippets

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The quoters below turn a value into a string literal of the target language, so that a
// client ID, issuer or redirect URI with a quote, backslash, dollar sign or line break in
// it cannot end the literal early or be interpolated. PingOne's client IDs are UUIDs, but
// the values come from an API reply and a user's input, so nothing is assumed of them.

// goQuote is a Go interpreted string literal (The Go Programming Language Specification,
// "String literals").
func goQuote(s string) string { return strconv.Quote(s) }

// jsQuote is a JavaScript string literal. JSON strings are valid ECMAScript string
// literals (ECMA-262 since ES2019 admits U+2028 and U+2029 too; encoding/json escapes
// them anyway, and <, > and & as \u003c, \u003e and \u0026).
func jsQuote(s string) string {
	b, err := json.Marshal(s)
	if err != nil { // a string always marshals; invalid UTF-8 becomes U+FFFD
		return `""`
	}
	return string(b)
}

// swiftQuote is a Swift string literal (The Swift Programming Language, "Strings and
// Characters": special characters \0 \\ \t \n \r \" \' and \u{n}). Escaping the
// backslash also disarms string interpolation, which starts with \(.
func swiftQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			b.WriteString(`\0`)
		default:
			if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 {
				fmt.Fprintf(&b, `\u{%x}`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// kotlinQuote is a Kotlin string literal (Kotlin docs, "Strings": escapes \t \b \n \r
// \' \" \\ \$ and \uFFFF). The dollar sign must be escaped, or "$name" is a template.
func kotlinQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '$':
			b.WriteString(`\$`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// shellQuote is one POSIX shell word in single quotes, in which nothing is special but
// the single quote itself (POSIX.1-2017, Shell Command Language §2.2.2). A single quote
// in s ends the quoted part, is written escaped with a backslash, and a new quoted part
// begins.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
