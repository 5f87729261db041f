package main

import (
	_ "embed"
	"fmt"
	"runtime/debug"

	"github.com/BurntSushi/toml"

	"github.com/pkcedesk/pkcedesk/app/export"
)

// FyneApp.toml is the one place the version lives: `fyne package` stamps it into the
// packages' metadata, and the binary reads the same file, embedded, for --version and About.
//
//go:embed FyneApp.toml
var fyneAppTOML []byte

// commit is the source revision, stamped by release builds (-ldflags "-X main.commit=…");
// otherwise the one Go recorded from the checkout, if any.
var commit string

type appMetadata struct {
	Details struct {
		Version string
		Build   int
	}
}

// version is FyneApp.toml's version, e.g. "0.1.0".
var version, build = readVersion(fyneAppTOML)

// Exports (HAR creator, JSON generator) name the version that wrote them.
func init() { export.AppVersion = version }

func readVersion(b []byte) (string, int) {
	var m appMetadata
	if _, err := toml.Decode(string(b), &m); err != nil || m.Details.Version == "" {
		panic(fmt.Sprintf("FyneApp.toml has no [Details] Version: %v", err)) // caught by every test run
	}
	return m.Details.Version, m.Details.Build
}

// revision is the commit the binary was built from, shortened, or "" when unknown.
func revision() string {
	c := commit
	if c == "" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					c = s.Value
				}
			}
		}
	}
	if len(c) > 12 {
		c = c[:12]
	}
	return c
}

// versionLine is what --version prints and About shows: "0.1.0 (build 1, commit abc123)".
func versionLine() string {
	s := fmt.Sprintf("%s (build %d", version, build)
	if c := revision(); c != "" {
		s += ", commit " + c
	}
	return s + ")"
}
