package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// goldenUpdate rewrites the golden files in testdata/ instead of comparing with them:
// go test ./app/export -run Golden -update
var goldenUpdate = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The recorded runs are made once per test binary: three sandboxes, a few hundred ms.
var (
	recOnce                  sync.Once
	recOK, recFailed, recLab Run
)

func recordedRuns(t *testing.T) (ok, failed, labRun Run) {
	t.Helper()
	recOnce.Do(func() {
		AppVersion = "0.0.0-test"
		good := recordSignIn(t, recPassword)
		if good.err != nil {
			t.Fatalf("sign-in with the right password: %v", good.err)
		}
		recOK = newRecNorm(good.info.EnvironmentID).run(recSignInRun(t, good))
		bad := recordSignIn(t, "Wrong-Password-1!")
		if bad.err == nil {
			t.Fatal("sign-in with a wrong password succeeded")
		}
		recFailed = newRecNorm(bad.info.EnvironmentID).run(recSignInRun(t, bad))
		l := recordLab(t, 1, 5)
		recLab = newRecNorm(l.Connection.EnvironmentID).run(l)
	})
	if recOK.Kind == "" {
		t.Fatal("recording failed in an earlier test")
	}
	return recOK, recFailed, recLab
}

func goldenCompare(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *goldenUpdate {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %q\nwant: %q\n(run with -update if the change is intended)", name, i+1, g, w)
			}
		}
	}
}

func TestGolden(t *testing.T) {
	ok, failed, labRun := recordedRuns(t)
	for _, c := range []struct {
		name string
		run  Run
	}{{"signin-succeeded", ok}, {"signin-wrong-password", failed}, {"lab", labRun}} {
		t.Run(c.name, func(t *testing.T) {
			goldenCompare(t, c.name+".md", Markdown(c.run))
			js, err := JSON(c.run)
			if err != nil {
				t.Fatal(err)
			}
			goldenCompare(t, c.name+".json", js)
			har, err := HAR(c.run)
			if err != nil {
				t.Fatal(err)
			}
			goldenCompare(t, c.name+".har", har)
			goldenCompare(t, c.name+".summary.txt", []byte(Summary(c.run)))
		})
	}
}
