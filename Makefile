# PKCE Desk. `make run` and `make test` install what is missing (Debian/Ubuntu), then do their job.
GO       ?= go
BIN      := bin/pkcedesk
PKGS     := ./...
FUZZTIME ?= 10s

# Build tags of every shipped binary. no_emoji leaves out Fyne's bundled colour-emoji font: PKCE
# Desk shows no emoji, and Fyne parses that 4 MB font once per text style it draws (bold,
# italic, monospace, ...), which was most of the window's memory beyond a bare Fyne window.
export APPTAGS := no_emoji

# Every target builds with Go 1.27.3 (go.mod's toolchain line); the go command fetches it
# through the module proxy the first time, whatever Go is installed.
export GOTOOLCHAIN := go1.27.3

# The official PingOne Management API description the schema tests check requests and the
# sandbox's answers against. It is not part of this repository: point this at a copy.
export PKCEDESK_OPENAPI_SPEC ?= $(abspath ../shared/specs/pingone-management.yml)

# govulncheck's database, built offline from the golang.org/x/vulndb module's OSV files
# (the online database is not reachable everywhere). Bump the version to get newer reports.
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
VULNDB_DIR     := .cache/vulndb-$(VULNDB_VERSION)

.PHONY: all run build test unit fuzz e2e bench lint vuln toolchain deps deps-test deps-release package release release-check screenshots clean

all: build

deps:
	@.ci/deps build

deps-test:
	@.ci/deps test

deps-release:
	@.ci/deps release

build: deps
	$(GO) build -tags $(APPTAGS) -o $(BIN) .

# Opens the app; on first run it uses the built-in offline PingOne sandbox.
run: build
	./$(BIN)

# lint (gofmt, vet, staticcheck), govulncheck, unit tests with the race detector, each fuzz target
# briefly, the sandbox driven by curl as PingOne's docs do, and the real window under Xvfb.
test: deps-test toolchain lint vuln unit
	$(MAKE) fuzz
	$(MAKE) e2e

toolchain:
	@$(GO) version

unit:
	.ci/with-xvfb $(GO) test -race -count=1 -timeout 25m -tags keyring $(PKGS)

fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
	  for t in $$(grep -h '^func Fuzz' $$f/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "fuzz $$f $$t ($(FUZZTIME))"; \
	    $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) $$f >/dev/null || { $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) $$f; exit 1; }; \
	  done; \
	done

e2e: build
	.ci/curl-walkthrough $(BIN) >/dev/null
	.ci/with-xvfb $(GO) test -count=1 -tags e2e -run 'TestXvfb|TestSaysVerified|TestCLI' -v .

# What users install, into dist/ (see .ci/release): `make package` for this Linux host (tar.xz
# and .deb), `make release` adds the Windows .exe and .zip. Both refuse uncommitted changes and
# a VERSION=… other than FyneApp.toml's.
package: deps-release
	.ci/release package

release: deps-release
	.ci/release release

# Checks the artefacts in dist/ the way a user's machine would see them (see .ci/release-check).
release-check: release deps-test
	.ci/with-xvfb .ci/release-check dist

# README screenshots, taken from the real window under Xvfb. Look at them before committing.
screenshots: build deps-test
	.ci/with-xvfb .ci/screenshots docs/screenshots $(BIN)

# The engine's speed figures (see .ci/benchratio): each benchmark beside its reference, BENCHRUNS
# runs of every test binary so the two sides alternate, then medians, ratios and goals. Then the
# start-up figures (see .ci/startbench, which needs Xvfb from `make deps-test`): the real window
# beside a bare Fyne one under one Xvfb, STARTRUNS launches of each. Fails if any goal is missed.
BENCHRUNS ?= 10
STARTRUNS ?= 7
bench: toolchain
	@status=0; \
	bash -o pipefail -c 'for i in $$(seq $(BENCHRUNS)); do \
	  $(GO) test -run="^$$" -bench=. -benchmem -count=1 ./pingone/... || exit 1; \
	done | $(GO) run ./.ci/benchratio' || status=1; \
	GO="$(GO)" STARTBENCH_RUNS=$(STARTRUNS) $(GO) run ./.ci/startbench || status=1; \
	exit $$status

lint:
	@unformatted=$$($$($(GO) env GOROOT)/bin/gofmt -l $$(git ls-files '*.go')); \
	  test -z "$$unformatted" || { echo "gofmt would change:"; echo "$$unformatted"; exit 1; }
	$(GO) vet -tags keyring,e2e $(PKGS)
	$(GO) tool staticcheck -tags keyring,e2e $(PKGS)
	@# The other platforms' code, type-checked without their SDKs: Windows with Fyne's ci tag
	@# (no cgo), macOS for the packages that need no cgo.
	GOOS=windows CGO_ENABLED=0 $(GO) vet -tags ci $(PKGS)
	GOOS=darwin CGO_ENABLED=0 $(GO) vet ./app/... ./pingone/...
	@! grep -rl --include='*.go' 'fyne.io/fyne' pingone || { echo "pingone/ must not import Fyne"; exit 1; }

# govulncheck against an offline database; fails on any vulnerability the code can reach.
vuln: $(VULNDB_DIR)/index/db.json
	$(GO) tool govulncheck -db file://$(abspath $(VULNDB_DIR)) $(PKGS)

$(VULNDB_DIR)/index/db.json:
	$(GO) mod download golang.org/x/vulndb@$(VULNDB_VERSION)
	rm -rf $(VULNDB_DIR).tmp
	$(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) \
	  -vulns "$$($(GO) list -m -f '{{.Dir}}' golang.org/x/vulndb@$(VULNDB_VERSION))/data/osv" -out $(VULNDB_DIR).tmp
	rm -rf $(VULNDB_DIR) && mv $(VULNDB_DIR).tmp $(VULNDB_DIR)

clean:
	rm -rf bin .cache
