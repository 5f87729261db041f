//go:build e2e

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/app/export"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// newmanReport is the part of newman's JSON reporter output read here.
type newmanReport struct {
	Run struct {
		Stats struct {
			Requests   struct{ Total, Failed int } `json:"requests"`
			Assertions struct{ Total, Failed int } `json:"assertions"`
		} `json:"stats"`
		Failures   []json.RawMessage `json:"failures"`
		Executions []struct {
			Item struct {
				Name string `json:"name"`
			} `json:"item"`
			Response struct {
				Code   int `json:"code"`
				Stream struct {
					Raw []int `json:"data"` // a Node Buffer: {"type":"Buffer","data":[...]}
				} `json:"stream"`
			} `json:"response"`
			Assertions []struct {
				Assertion string          `json:"assertion"`
				Error     json.RawMessage `json:"error"`
			} `json:"assertions"`
		} `json:"executions"`
	} `json:"run"`
}

// The exported collection runs: the built binary's sandbox, `pkcedesk collection
// --sandbox-config`, and the pinned newman (.ci/newman) with the sandbox environment file.
func TestCLI_CollectionRunsInNewman(t *testing.T) {
	bin := builtBinary(t)
	newman, err := filepath.Abs(filepath.Join(".ci", "newman", "node_modules", ".bin", "newman"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(newman); err != nil {
		t.Fatalf("newman is not installed (%v): run `npm ci --prefix .ci/newman` (`.ci/deps test` does)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	sb := exec.CommandContext(ctx, bin, "sandbox")
	stdout, err := sb.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sb.Process.Kill(); _ = sb.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no JSON line from pkcedesk sandbox: %v", err)
	}
	var info sandbox.Info
	if err := json.Unmarshal([]byte(line), &info); err != nil || info.User.Password == "" || info.Worker.ClientSecret == "" {
		t.Fatalf("the sandbox's line does not parse: %v", err)
	}

	work := t.TempDir()
	cfg := filepath.Join(work, "sandbox.json")
	if err := os.WriteFile(cfg, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(work, "collection")
	gen := exec.CommandContext(ctx, bin, "collection", "--sandbox-config", cfg, "--out", out)
	var genOut, genErr bytes.Buffer
	gen.Stdout, gen.Stderr = &genOut, &genErr
	if err := gen.Run(); err != nil {
		t.Fatalf("pkcedesk collection: %v\nstderr:\n%s", err, genErr.String())
	}
	if s := genOut.String() + genErr.String(); strings.Contains(s, info.User.Password) || strings.Contains(s, info.Worker.ClientSecret) {
		t.Error("pkcedesk collection printed a secret")
	}

	report := filepath.Join(t.TempDir(), "newman.json") // it holds the run's bodies: kept apart from the export
	nm := exec.CommandContext(ctx, newman, "run", filepath.Join(out, export.PostmanCollectionFile),
		"-e", filepath.Join(out, export.PostmanSandboxEnvironmentFile),
		"--reporters", "cli,json", "--reporter-json-export", report, "--color", "off", "--disable-unicode")
	nmOut, err := nm.CombinedOutput()
	if err != nil {
		t.Fatalf("newman run: %v\n%s", err, nmOut)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep newmanReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("newman's JSON report: %v", err)
	}
	r := rep.Run
	if len(r.Failures) != 0 || r.Stats.Assertions.Failed != 0 || r.Stats.Requests.Failed != 0 {
		t.Errorf("newman: %d failures, %d failed assertions, %d failed requests\n%s", len(r.Failures),
			r.Stats.Assertions.Failed, r.Stats.Requests.Failed, nmOut)
	}
	if len(r.Executions) != 4 {
		t.Fatalf("newman ran %d requests, want the 4 of the sign-in\n%s", len(r.Executions), nmOut)
	}
	for _, e := range r.Executions {
		if len(e.Assertions) == 0 {
			t.Errorf("%q: no test ran", e.Item.Name)
		}
		for _, a := range e.Assertions {
			if len(a.Error) > 0 && string(a.Error) != "null" {
				t.Errorf("%q: %q failed: %s", e.Item.Name, a.Assertion, a.Error)
			}
		}
	}
	last := r.Executions[len(r.Executions)-1]
	body := make([]byte, len(last.Response.Stream.Raw))
	for i, c := range last.Response.Stream.Raw {
		body[i] = byte(c)
	}
	var tokens struct {
		AccessToken string `json:"access_token"`
		IDToken     string `json:"id_token"`
	}
	if err := json.Unmarshal(body, &tokens); err != nil || last.Response.Code != 200 || tokens.AccessToken == "" || tokens.IDToken == "" {
		t.Errorf("the last request (%q) got HTTP %d without both tokens (%v)", last.Item.Name, last.Response.Code, err)
	}

	// What the command wrote: the worker secret nowhere, the demo password only in the
	// sandbox environment file.
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 9 {
		t.Errorf("%d files written, want the collection and 8 environment files", len(entries))
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(info.Worker.ClientSecret)) {
			t.Errorf("%s contains the sandbox's worker secret", e.Name())
		}
		if bytes.Contains(data, []byte(info.User.Password)) != (e.Name() == export.PostmanSandboxEnvironmentFile) {
			t.Errorf("%s: the demo user's password is where it should not be (or missing)", e.Name())
		}
	}
}
