# PKCE Desk. `make run` and `make test` install what is missing (Debian/Ubuntu), then do their job.
GO       ?= go
BIN      := bin/pkcedesk
PKGS     := ./...
FUZZTIME ?= 10s

.PHONY: all run build test unit fuzz e2e bench lint deps deps-test screenshots clean

all: build

deps:
	@.ci/deps build

deps-test:
	@.ci/deps test

build: deps
	$(GO) build -o $(BIN) .

# Opens the app; on first run it uses the built-in offline PingOne sandbox.
run: build
	./$(BIN)

# vet, unit tests with the race detector, each fuzz target briefly, the sandbox driven by curl as PingOne's
# docs do, and the real window under Xvfb.
test: deps-test
	$(GO) vet $(PKGS)
	.ci/with-xvfb $(GO) test -race -count=1 -timeout 25m -tags keyring $(PKGS)
	$(MAKE) fuzz
	$(MAKE) e2e

fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
	  for t in $$(grep -h '^func Fuzz' $$f/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "fuzz $$f $$t ($(FUZZTIME))"; \
	    $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) $$f >/dev/null || { $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) $$f; exit 1; }; \
	  done; \
	done

e2e: build
	.ci/curl-walkthrough $(BIN) >/dev/null
	.ci/with-xvfb $(GO) test -count=1 -tags e2e -run 'TestXvfb|TestSaysVerified' -v .

# README screenshots, taken from the real window under Xvfb. Look at them before committing.
screenshots: build deps-test
	.ci/with-xvfb .ci/screenshots docs/screenshots $(BIN)

bench:
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	@! grep -rl --include='*.go' 'fyne.io/fyne' pingone || { echo "pingone/ must not import Fyne"; exit 1; }

clean:
	rm -rf bin
