package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

const (
	labCanaryWorker   = "CANARY-labcmd-worker-secret-9d1e4a"
	labCanaryPassword = "Canary-LabCmd-Pw-3b8f!x"
)

type junitDoc struct {
	Suites []struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// runLabCmd runs the command in-process with canary secrets and returns the exit code,
// stdout, stderr and the two report files' contents.
func runLabCmd(t *testing.T, env map[string]string, args ...string) (code int, out, errOut, junit, js string) {
	t.Helper()
	dir := t.TempDir()
	xmlPath, jsonPath := filepath.Join(dir, "out.xml"), filepath.Join(dir, "out.json")
	args = append(args, "--junit", xmlPath, "--json", jsonPath)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var o, e bytes.Buffer
	code = labCommand(ctx, args, &o, &e, func(k string) string { return env[k] }, sandbox.Options{
		SigningKey: sandboxtest.SigningKey(), WorkerSecret: labCanaryWorker, Password: labCanaryPassword,
	})
	x, _ := os.ReadFile(xmlPath)
	j, _ := os.ReadFile(jsonPath)
	return code, o.String(), e.String(), string(x), string(j)
}

func parseJUnit(t *testing.T, doc string) junitDoc {
	t.Helper()
	var d junitDoc
	if err := xml.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatalf("JUnit does not parse: %v", err)
	}
	if len(d.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(d.Suites))
	}
	return d
}

func assertNoLabSecrets(t *testing.T, outputs map[string]string) {
	t.Helper()
	for where, text := range outputs {
		for _, s := range []string{labCanaryWorker, labCanaryPassword} {
			if strings.Contains(text, s) {
				t.Errorf("%s contains a sandbox secret", where)
			}
		}
	}
}

func TestLabCommand_AllCasesHoldOnSandbox(t *testing.T) {
	code, out, errOut, junit, js := runLabCmd(t, nil, "--sandbox")
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, errOut)
	}
	d := parseJUnit(t, junit)
	s := d.Suites[0]
	if s.Tests != 14 || len(s.Cases) != 14 || s.Failures != 0 {
		t.Fatalf("tests=%d testcases=%d failures=%d, want 14, 14, 0", s.Tests, len(s.Cases), s.Failures)
	}
	for _, c := range s.Cases {
		if c.Failure != nil || c.Skipped != nil {
			t.Errorf("%s did not hold", c.Name)
		}
	}
	if n := strings.Count(errOut, "holds"); n < 14 {
		t.Errorf("stderr has %d progress lines with a verdict, want 14:\n%s", n, errOut)
	}
	if !strings.Contains(js, `"results"`) {
		t.Errorf("JSON report has no results: %.200s", js)
	}
	assertNoLabSecrets(t, map[string]string{"stdout": out, "stderr": errOut, "junit": junit, "json": js})
}

func TestLabCommand_LaxPKCEFailsCases1to4(t *testing.T) {
	code, out, errOut, junit, js := runLabCmd(t, map[string]string{labLaxEnv: "pkce"}, "--sandbox", "--cases", "1,2,3,4,5")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, errOut)
	}
	s := parseJUnit(t, junit).Suites[0]
	if len(s.Cases) != 5 || s.Failures != 4 {
		t.Fatalf("testcases=%d failures=%d, want 5 and 4", len(s.Cases), s.Failures)
	}
	for i, c := range s.Cases {
		if failed := c.Failure != nil; failed != (i < 4) {
			t.Errorf("%s: failed=%v, want %v", c.Name, failed, i < 4)
		}
	}
	assertNoLabSecrets(t, map[string]string{"stdout": out, "stderr": errOut, "junit": junit, "json": js})
}

func TestLabCommand_MisuseExits2(t *testing.T) {
	for _, args := range [][]string{{"--bogus"}, {}, {"--sandbox", "--cases", "0"}, {"--sandbox", "--cases", "15"},
		{"--sandbox", "--cases", "x"}, {"--connection", "prod"}, {"--sandbox", "extra"},
		{"--sandbox", "--connection", "x"}, {"--sandbox", "--secret-env", "X"}} {
		var e bytes.Buffer
		noConfig := t.TempDir() // no connection saved there
		code := labCommand(context.Background(), args, &bytes.Buffer{}, &e, func(k string) string {
			if k == "XDG_CONFIG_HOME" {
				return noConfig
			}
			return ""
		}, sandbox.Options{})
		if code != 2 || strings.Count(strings.TrimSpace(e.String()), "\n") != 0 || e.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a one-line message", args, code, e.String())
		}
	}
	code, _, errOut, _ := runCLI(t, nil, "lab", "--bogus")
	if code != 2 || !strings.Contains(errOut, "bogus") {
		t.Errorf("through run: exit %d, stderr %q", code, errOut)
	}
}
