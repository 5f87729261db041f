package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The first stdout line is the JSON contract scripts rely on, and the URLs in it answer.
func TestSandboxCommand_PrintsInfoLineAndServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() { done <- serveSandbox(ctx, []string{"--addr", "127.0.0.1:0"}, pw, io.Discard); pw.Close() }()

	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the info line: %v", err)
	}
	var info struct {
		AuthBaseURL, APIBaseURL, EnvironmentID string
		Worker                                 struct{ ClientID, ClientSecret string }
		User                                   struct{ Username, Password string }
	}
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("info line is not JSON: %v", err)
	}
	for name, v := range map[string]string{"authBaseURL": info.AuthBaseURL, "apiBaseURL": info.APIBaseURL,
		"environmentID": info.EnvironmentID, "worker.clientID": info.Worker.ClientID,
		"worker.clientSecret": info.Worker.ClientSecret, "user.username": info.User.Username, "user.password": info.User.Password} {
		if v == "" {
			t.Errorf("%s is empty in %s", name, line)
		}
	}
	if !strings.HasSuffix(info.APIBaseURL, "/v1") {
		t.Errorf("apiBaseURL %q must include /v1", info.APIBaseURL)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(info.AuthBaseURL + "/" + info.EnvironmentID + "/as/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("discovery answered %d", resp.StatusCode)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after interrupt", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sandbox did not stop after the interrupt")
	}
}

func TestSandboxCommand_RefusesNonLoopbackAddress(t *testing.T) {
	var stderr strings.Builder
	if code := serveSandbox(context.Background(), []string{"--addr", "0.0.0.0:9999"}, io.Discard, &stderr); code != 2 {
		t.Fatalf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "not a loopback address") {
		t.Fatalf("stderr = %q", stderr.String())
	}
}
