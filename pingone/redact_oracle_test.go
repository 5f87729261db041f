package pingone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
)

// The tree walker below is the JSON redaction this package used before redactJSON became
// a single pass. It is kept as the oracle: both must give the same text for every input
// (or both refuse it), so the rewrite changes speed, not transcripts.

// treeNode is a JSON value that keeps object member order, so a redacted document reads
// like the original.
type treeNode struct {
	scalar json.RawMessage // for strings, numbers, bools, null
	keys   []string        // object member names, in order
	vals   []*treeNode     // object member values or array elements
	kind   byte            // '{', '[' or 0 for a scalar
}

func treeRedactJSON(body []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	root, err := readTreeNode(dec, 0)
	if err != nil {
		return "", err
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", fmt.Errorf("trailing data after JSON value")
	}
	root.redact()
	var b bytes.Buffer
	root.write(&b)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, b.Bytes(), "", "  "); err != nil {
		return b.String(), nil
	}
	return pretty.String(), nil
}

func readTreeNode(dec *json.Decoder, depth int) (*treeNode, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("JSON nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &treeNode{kind: '{'}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				v, err := readTreeNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key)
				n.vals = append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return n, nil
		case '[':
			n := &treeNode{kind: '['}
			for dec.More() {
				v, err := readTreeNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.vals = append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected delimiter")
	default:
		raw, err := marshalPlain(t)
		if err != nil {
			return nil, err
		}
		return &treeNode{scalar: raw}, nil
	}
}

func (n *treeNode) redact() {
	if n.kind == '{' {
		hasMessage := false
		for _, k := range n.keys {
			if k == "message" {
				hasMessage = true
			}
		}
		for i, k := range n.keys {
			lk := strings.ToLower(k)
			if !secretJSONKeys[lk] {
				n.vals[i].redact()
				continue
			}
			// Platform errors and their details are {code, message, ...} with an upper-case
			// constant as code; that code is the most useful thing in a transcript and is not
			// a credential. Any other "code" (e.g. a flow's authorizeResponse) is redacted.
			if lk == "code" && hasMessage && n.vals[i].kind == 0 && errorCodeRe.Match(n.vals[i].scalar) {
				continue
			}
			n.vals[i] = &treeNode{scalar: json.RawMessage(redactedJSON)}
		}
		return
	}
	for _, v := range n.vals {
		v.redact()
	}
}

func (n *treeNode) write(b *bytes.Buffer) {
	switch n.kind {
	case '{':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := marshalPlain(k)
			b.Write(kb)
			b.WriteByte(':')
			n.vals[i].write(b)
		}
		b.WriteByte('}')
	case '[':
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			v.write(b)
		}
		b.WriteByte(']')
	default:
		b.Write(n.scalar)
	}
}

// sameAsTree fails t unless redactJSON and the tree walker agree on body.
func sameAsTree(t *testing.T, body []byte) {
	t.Helper()
	got, gotErr := redactJSON(body)
	want, wantErr := treeRedactJSON(body)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v, tree walker's %v", body, gotErr, wantErr)
	}
	if got != want {
		t.Fatalf("%q:\n got %s\nwant %s", body, got, want)
	}
}

var redactJSONSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-1.5e+10`, `true`, `null`, ` {"a" : [ 1 , 2 ] } `, "\t[\r\n]\n",
	`{"access_token":"t","token_type":"Bearer","expires_in":3600,"id_token":"i","scope":"openid"}`,
	`{"id":"1","code":"INVALID_DATA","message":"bad","details":[{"code":"INVALID_VALUE","target":"name","message":"m"}]}`,
	`{"code":"INVALID_DATA","id":"1"}`, `{"code":"INVALID_DATA","code":"X","message":"m"}`,
	`{"Code":"ABC","MESSAGE":"m"}`, `{"code":"ABC","message":"m","code":{"a":1}}`, `{"code":12,"message":"m"}`,
	`{"code":"IN\u0056ALID","message":"m"}`, `{"c\u006fde":"secret"}`, `{"PassWord":"x","value":[1,{"a":2}]}`,
	`{"authorizeResponse":{"code":"abc","state":"s"},"_links":{"self":{"href":"https://x/a?b=1\u0026c=2"}}}`,
	`{"a":"<b>&amp;</b>","b":"\u003cscript\u003e","c":"line\u2028sep","d":"\ud83d\ude00","e":"\/"}`,
	"{\"a\":\"\xff\xfe\",\"b\":\"ok\"}", "{\"k\xc3\":1}", `{"a":1,"a":2}`, `{"a":1}{"b":2}`, `{"a":1,}`, `[1 2]`,
	`{"a":01}`, `{"a":.5}`, `{"a":1e}`, `"unterminated`, `{"a":tru}`, `{"a":"x"} x`,
	`{"access_to` + "\u212a" + `en":"kelvin"}`, `{"ſecret":"long s"}`, `{"keys":[{"kty":"RSA","n":"abc","e":"AQAB"}]}`,
	`[{"password":"p"},[{"secret":{"deep":[1,2,{"code":"c"}]}}]]`, `{"x":"\u0000\u001f"}`, `{"x":"\t"}`,
}

func TestRedactJSONMatchesTreeWalk(t *testing.T) {
	for _, s := range redactJSONSeeds {
		sameAsTree(t, []byte(s))
	}
	for _, depth := range []int{63, 64, 65, 66, 200} {
		for _, inner := range []string{``, `1`, `"s"`, `{}`, `[]`, `{"a":1}`} {
			sameAsTree(t, []byte(strings.Repeat(`[`, depth)+inner+strings.Repeat(`]`, depth)))
			sameAsTree(t, []byte(strings.Repeat(`{"password":`, depth)+nonEmpty(inner, "0")+strings.Repeat(`}`, depth)))
		}
	}
}

func FuzzRedactJSONMatchesTreeWalk(f *testing.F) {
	for _, s := range redactJSONSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsTree(t, body)
	})
}
