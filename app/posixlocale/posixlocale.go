// Package posixlocale makes a C or POSIX locale with a codeset (LANG=C.UTF-8, the default of
// many containers and CI machines) read as plain English before Fyne looks at it.
//
// Fyne's lang package reads the locale in its init function, and "C.UTF-8" is not a BCP 47
// language tag, so every start of the binary, the headless `pkcedesk sandbox` included, would
// print "Fyne error: Error parsing user locale C" to stderr. Setting LANGUAGE=en for such a
// locale changes nothing a user can see: the C locale's messages are English already
// (gettext: https://www.gnu.org/software/gettext/manual/html_node/Locale-Environment-Variables.html).
//
// It only works if it runs before fyne.io/fyne/v2/lang is initialised. The Go specification
// (Package initialization, Go 1.21 and later) initialises packages in import-path order as soon
// as their imports are: this package imports only os and strings, which fyne/lang's own
// imports need too, so it is always done first. main imports it for its side effect, and
// TestSandboxCommand_NoFyneOutputUnderCLocale keeps that true.
package posixlocale

import (
	"os"
	"strings"
)

func init() { Apply(os.Getenv, os.Setenv) }

// Apply sets LANGUAGE=en when the effective locale (the first of LC_ALL, LC_MESSAGES, LANG that
// is set, as gettext reads them) is C or POSIX with a codeset or modifier and LANGUAGE is
// unset. Any other locale is left alone.
func Apply(getenv func(string) string, setenv func(string, string) error) {
	if getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		lang, _, _ := strings.Cut(v, ".")
		lang, _, _ = strings.Cut(lang, "@")
		if lang != v && (lang == "C" || lang == "POSIX") {
			_ = setenv("LANGUAGE", "en")
		}
		return
	}
}
