package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/app/export"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

const (
	collCanaryWorker   = "CANARY-collcmd-worker-secret-4f2a9c"
	collCanaryPassword = "Canary-CollCmd-Pw-8e1d!z"
)

func runCollectionCmd(t *testing.T, env map[string]string, args ...string) (code int, out, errOut string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var o, e bytes.Buffer
	code = collectionCommand(ctx, args, &o, &e, func(k string) string { return env[k] })
	return code, o.String(), e.String()
}

func TestCollectionCmd_Misuse(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sandbox.json")
	if err := os.WriteFile(cfg, []byte("not json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	uuid := "01234567-89ab-4def-8123-456789abcdef"
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing", nil, "--sandbox-config FILE or --connection NAME"},
		{"no out", []string{"--sandbox-config", cfg}, "--out DIR"},
		{"both", []string{"--sandbox-config", cfg, "--connection", "prod", "--app", uuid, "--out", dir}, "cannot be used together"},
		{"connection without app", []string{"--connection", "prod", "--out", dir}, "--connection needs --app CLIENT_ID"},
		{"secret-env without connection", []string{"--sandbox-config", cfg, "--secret-env", "X", "--out", dir}, "--secret-env goes with --connection"},
		{"secret-env given a value", []string{"--connection", "prod", "--app", uuid, "--secret-env", "s3cr3t-value!", "--out", dir}, "name of an environment variable"},
		{"app not a UUID", []string{"--sandbox-config", cfg, "--app", "../x", "--out", dir}, "must be a UUID"},
		{"unknown flag", []string{"--sandbox", "--out", dir}, "flag provided but not defined: -sandbox"},
		{"extra argument", []string{"--sandbox-config", cfg, "--out", dir, "extra"}, `unexpected argument "extra"`},
		{"config not JSON", []string{"--sandbox-config", cfg, "--out", dir}, "does not hold the JSON line"},
		{"config missing", []string{"--sandbox-config", filepath.Join(dir, "none.json"), "--out", dir}, "cannot read"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCollectionCmd(t, nil, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, errOut)
			}
			if !strings.Contains(errOut, c.want) || !strings.HasPrefix(errOut, "pkcedesk collection: ") {
				t.Errorf("stderr = %q, want a pkcedesk collection: line saying %q", errOut, c.want)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			if strings.Contains(errOut, "s3cr3t-value!") {
				t.Error("the value given to --secret-env was echoed")
			}
		})
	}
	// --help is not a misuse.
	if code, out, _ := runCollectionCmd(t, nil, "--help"); code != 0 || !strings.Contains(out, "--sandbox-config FILE") {
		t.Errorf("--help: exit %d, stdout %q", code, out)
	}
	// The dispatcher knows the command.
	var o, e bytes.Buffer
	if code := run([]string{"collection"}, &o, &e, func(string) string { return "" }, func() int { return 99 }); code != 2 ||
		!strings.Contains(e.String(), "pkcedesk collection:") {
		t.Errorf("run(collection) = %d, stderr %q", code, e.String())
	}
}

// A worker secret of a config file is never echoed, even when the file is broken.
func TestCollectionCmd_BrokenConfigDoesNotQuoteIt(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sandbox.json")
	line := `{"authBaseURL":"http://127.0.0.1:1","worker":{"clientSecret":"` + collCanaryWorker + `"` // cut short
	if err := os.WriteFile(cfg, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCollectionCmd(t, nil, "--sandbox-config", cfg, "--out", dir)
	if code != 2 || strings.Contains(errOut, collCanaryWorker) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestCollectionCmd_UnknownConnection(t *testing.T) {
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
	code, out, errOut := runCollectionCmd(t, env, "--connection", "nope", "--app", "01234567-89ab-4def-8123-456789abcdef", "--out", t.TempDir())
	if code != 1 || out != "" || !strings.Contains(errOut, "no connection is saved") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// Against a running sandbox: the seed app is created once and reused, the files are
// written, and the demo password is only in the sandbox environment file.
func TestCollectionCmd_Sandbox(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Options{SigningKey: sandboxtest.SigningKey(),
		WorkerSecret: collCanaryWorker, Password: collCanaryPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	line, err := json.Marshal(srv.Info())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sandbox.json")
	// The whole stdout of `pkcedesk sandbox` is fine: the JSON line is found.
	if err := os.WriteFile(cfg, append(line, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	clientIDs := map[string]bool{}
	for i := range 2 {
		out := filepath.Join(dir, "out")
		code, stdout, stderr := runCollectionCmd(t, nil, "--sandbox-config", cfg, "--out", out)
		if code != 0 {
			t.Fatalf("run %d: exit %d, stderr %s", i+1, code, stderr)
		}
		if want := []string{"created Shared-Native-App", "reusing the sandbox's Shared-Native-App"}[i]; !strings.Contains(stderr, want) {
			t.Errorf("run %d: stderr %q, want %q", i+1, stderr, want)
		}
		if strings.Contains(stdout+stderr, collCanaryWorker) || strings.Contains(stdout+stderr, collCanaryPassword) {
			t.Errorf("run %d printed a secret", i+1)
		}
		paths := strings.Fields(stdout)
		if len(paths) != 9 {
			t.Fatalf("run %d: stdout lists %d files, want 9: %q", i+1, len(paths), stdout)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Base(p)
			if bytes.Contains(b, []byte(collCanaryWorker)) {
				t.Errorf("%s contains the worker secret", base)
			}
			if has := bytes.Contains(b, []byte(collCanaryPassword)); has != (base == export.PostmanSandboxEnvironmentFile) {
				t.Errorf("%s: holds the demo password: %v", base, has)
			}
			if base == export.PostmanCollectionFile {
				var c struct {
					Variable []struct{ Key, Value string } `json:"variable"`
				}
				if err := json.Unmarshal(b, &c); err != nil {
					t.Fatal(err)
				}
				for _, v := range c.Variable {
					if v.Key == "clientId" {
						clientIDs[v.Value] = true
					}
				}
			}
		}
	}
	if len(clientIDs) != 1 {
		t.Errorf("client IDs over two runs: %v, want one reused app", clientIDs)
	}
}

func TestCollectionHintNamesTheTargetsOwnFile(t *testing.T) {
	for _, c := range []struct {
		target export.PostmanTarget
		want   string
	}{
		{export.PostmanTarget{Sandbox: true, AuthBase: "http://127.0.0.1:1"}, export.PostmanSandboxEnvironmentFile},
		{export.PostmanTarget{Region: pingone.RegionAU, AuthBase: "https://auth.pingone.com.au"}, "pkcedesk-pingone-au.postman_environment.json"},
		{export.PostmanTarget{Region: pingone.RegionEU, CustomDomain: "login.example.com"}, "pkcedesk-custom-domain.postman_environment.json"},
		{export.PostmanTarget{AuthBase: "https://proxy.example.net", APIBase: "https://proxy.example.net"}, "pkcedesk-connection.postman_environment.json"},
	} {
		c.target.ClientID, c.target.EnvironmentID = "66666666-7777-4888-8999-000000000000", "11111111-2222-4333-8444-555555555555"
		files, err := collectionFiles(c.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := ownEnvironmentFile(c.target, files)
		if got != c.want {
			t.Errorf("%+v: %s, want %s", c.target, got, c.want)
		}
		if !slices.ContainsFunc(files, func(f collectionFile) bool { return f.name == got }) {
			t.Errorf("%s was not written", got)
		}
	}
}
