package snippets

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestJavaScriptSnippetsParse runs node --check on the browser and the Node snippet, as
// ES modules, with plain and with hostile values.
func TestJavaScriptSnippetsParse(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: the JavaScript snippets are checked with `node --check` " +
			"(Debian/Ubuntu: apt-get install nodejs)")
	}
	dir := t.TempDir()
	sandboxLike := plain
	sandboxLike.Issuer = "http://127.0.0.1:4111/env/as"
	for name, in := range map[string]Input{"plain": plain, "hostile": hostile, "http-issuer": sandboxLike} {
		for _, id := range []string{"javascript", "node"} {
			path := filepath.Join(dir, name+"-"+id+".mjs")
			if err := os.WriteFile(path, []byte(byID(t, in)[id].Code), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(node, "--check", path).CombinedOutput(); err != nil {
				t.Errorf("node --check on the %s snippet with %s values: %v\n%s", id, name, err, out)
			}
		}
	}
}
