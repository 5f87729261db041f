package pingone

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SanitizeText makes server-provided text safe to display: ANSI escape sequences and
// control characters are removed (newlines and tabs become spaces), bidi overrides that can
// disguise text are dropped, invalid UTF-8 is replaced, and the result is cut to max runes
// with an ellipsis. max <= 0 means no limit.
func SanitizeText(s string, max int) string {
	var b strings.Builder
	runes := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0x1b { // ESC: skip a CSI/OSC sequence or the single following char
			i += size + escapeLength(s[i+size:])
			continue
		}
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			r = '\uFFFD'
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case unicode.IsControl(r), isBidiControl(r):
			continue
		}
		if max > 0 && runes == max {
			return strings.TrimRight(b.String(), " ") + "…"
		}
		b.WriteRune(r)
		runes++
	}
	return b.String()
}

// escapeLength is the length of the ANSI sequence body following an ESC.
func escapeLength(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case '[': // CSI: parameters then one final byte in 0x40–0x7E
		for i := 1; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return len(s)
	case ']': // OSC: until BEL or ESC \
		for i := 1; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	_, size := utf8.DecodeRuneInString(s)
	return size
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f ||
		r == 0x061c || r == 0xfeff
}
