package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// savedConnectionEnv is a sandbox standing in for a tenant and a preferences file, as the
// window writes it, holding connections that point at it.
type savedConnectionEnv struct {
	srv        *sandbox.Server
	configHome string
	prefsFile  string
	profiles   []app.Profile
}

func newSavedConnectionEnv(t *testing.T) *savedConnectionEnv {
	t.Helper()
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		t.Fatalf("this test writes the XDG preferences path; run it on Linux (GOOS %s)", runtime.GOOS)
	}
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Options{
		SigningKey: sandboxtest.SigningKey(), WorkerSecret: labCanaryWorker, Password: labCanaryPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	info := srv.Info()
	e := &savedConnectionEnv{srv: srv, configHome: t.TempDir()}
	for _, p := range []struct {
		id, name string
		tag      app.Tag
	}{{"0123456789abcdef0123456789abcdef", "Staging", app.TagTest}, {"fedcba9876543210fedcba9876543210", "Live", app.TagProduction}} {
		e.profiles = append(e.profiles, app.Profile{ID: p.id, Name: p.name,
			AuthBaseURL: info.AuthBaseURL, APIBaseURL: info.APIBaseURL,
			AdminEnvironmentID: info.EnvironmentID, WorkerClientID: info.Worker.ClientID,
			TargetEnvironmentID: info.EnvironmentID, Tag: p.tag})
	}
	list, _ := json.Marshal(e.profiles)
	// Fyne's file: one JSON object of every preference (here with a number and a list,
	// which the reader must step over).
	prefs, _ := json.Marshal(map[string]any{"pkcedesk.profiles.v1": string(list), "presenterView": true,
		"recent": []string{"a"}, "pkcedesk.activeProfile": "sandbox"})
	e.prefsFile = filepath.Join(e.configHome, "fyne", appID, "preferences.json")
	if err := os.MkdirAll(filepath.Dir(e.prefsFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.prefsFile, prefs, 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *savedConnectionEnv) run(t *testing.T, env map[string]string, args ...string) (code int, errOut, junit string) {
	t.Helper()
	junitPath := filepath.Join(t.TempDir(), "lab.xml")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errs bytes.Buffer
	getenv := func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return e.configHome
		}
		return env[k]
	}
	code = labCommand(ctx, append(args, "--junit", junitPath), &out, &errs, getenv, sandbox.Options{})
	x, _ := os.ReadFile(junitPath)
	if out.Len() != 0 {
		t.Errorf("stdout is not empty: %q", out.String())
	}
	return code, errs.String(), string(x)
}

func TestLabCommand_SavedConnectionWithSecretFromEnv(t *testing.T) {
	e := newSavedConnectionEnv(t)
	before, _ := os.ReadFile(e.prefsFile)
	code, errOut, junit := e.run(t, map[string]string{"LAB_WORKER_SECRET": labCanaryWorker},
		"--connection", "staging", "--secret-env", "LAB_WORKER_SECRET", "--cases", "1,5,8")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	doc := parseJUnit(t, junit)
	if doc.Suites[0].Tests != 3 || doc.Suites[0].Failures != 0 {
		t.Errorf("JUnit suite %+v", doc.Suites[0])
	}
	for _, want := range []string{"“Staging”", "throw-away user pkcedesk.lab.", "clean-up: deleted the throw-away user pkcedesk.lab.", "3 hold, 0 do not hold"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	for _, line := range strings.Split(errOut, "\n") {
		if user, ok := strings.CutPrefix(line, "clean-up: deleted the throw-away user "); ok {
			if id := e.srv.UserID(strings.TrimSpace(user)); id != "" {
				t.Errorf("the throw-away user %s is still in the environment", user)
			}
		}
	}
	assertNoLabSecrets(t, map[string]string{"stderr": errOut, "JUnit": junit})
	after, _ := os.ReadFile(e.prefsFile)
	if !bytes.Equal(before, after) {
		t.Error("the headless run changed the window's preferences file")
	}
}

func TestLabCommand_SavedConnectionSecretFromKeyring(t *testing.T) {
	keyring.MockInit()
	e := newSavedConnectionEnv(t)
	code, errOut, _ := e.run(t, nil, "--connection", "Staging", "--cases", "1")
	if code != 2 || !strings.Contains(errOut, "holds no worker secret for “Staging”") || !strings.Contains(errOut, "--secret-env") {
		t.Fatalf("no secret in the keyring: exit %d, stderr %q", code, errOut)
	}
	if err := keyring.Set(app.KeyringService, e.profiles[0].ID, labCanaryWorker); err != nil {
		t.Fatal(err)
	}
	code, errOut, junit := e.run(t, nil, "--connection", e.profiles[0].ID, "--cases", "1")
	if code != 0 || !strings.Contains(errOut, "comes from the system keyring") {
		t.Fatalf("secret in the keyring: exit %d, stderr:\n%s", code, errOut)
	}
	assertNoLabSecrets(t, map[string]string{"stderr": errOut, "JUnit": junit})
}

func TestLabCommand_SavedConnectionRefusals(t *testing.T) {
	e := newSavedConnectionEnv(t)
	secret := map[string]string{"S": labCanaryWorker}
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--connection", "Live", "--secret-env", "S"}, secret, "“Live” is tagged production"},
		{[]string{"--connection", "Nowhere", "--secret-env", "S"}, secret, "the saved ones are “Live”, “Staging”"},
		{[]string{"--connection", "Staging", "--secret-env", "EMPTY"}, secret, "EMPTY that --secret-env names is empty or not set"},
		{[]string{"--connection", "Staging", "--secret-env", "S"}, map[string]string{"S": "wrong-secret"}, "pkcedesk lab: "},
	} {
		code, errOut, junit := e.run(t, c.env, append(c.args, "--cases", "1")...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
		if junit != "" {
			t.Errorf("%v: a JUnit file was written for a lab that did not run", c.args)
		}
		assertNoLabSecrets(t, map[string]string{"stderr": errOut})
	}
	if n := e.srv.Requests("POST", "/applications"); n != 0 {
		t.Errorf("refused runs created %d applications", n)
	}
}
