package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// oracleDecodeObject is how Decode read JSON before it had its own parser:
// a duplicate-member walk over encoding/json's token stream, then
// encoding/json with UseNumber for the values and json.Indent for display.
// The parser must agree with it on every input.
func oracleDecodeObject(b []byte) (map[string]any, []byte, error) {
	if !utf8.Valid(b) {
		return nil, nil, errors.New("not valid UTF-8")
	}
	if err := oracleUniqueMembers(b); err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, nil, errors.New("not a JSON object")
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, b, "", "  "); err != nil {
		return nil, nil, errors.New("not a JSON object")
	}
	return m, pretty.Bytes(), nil
}

func oracleUniqueMembers(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	first, err := dec.Token()
	if err != nil {
		return errors.New("not valid JSON")
	}
	if d, ok := first.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object")
	}
	if err := oracleObject(dec, 1); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

func oracleObject(dec *json.Decoder, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return errors.New("not valid JSON")
		}
		name, ok := t.(string)
		if !ok {
			return errors.New("not valid JSON")
		}
		if seen[name] {
			return fmt.Errorf("member %q appears more than once", truncate(name, 40))
		}
		seen[name] = true
		if err := oracleValue(dec, depth); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return errors.New("not valid JSON")
	}
	return nil
}

func oracleValue(dec *json.Decoder, depth int) error {
	t, err := dec.Token()
	if err != nil {
		return errors.New("not valid JSON")
	}
	d, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		return oracleObject(dec, depth+1)
	case '[':
		if depth+1 > maxJSONDepth {
			return fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
		}
		for dec.More() {
			if err := oracleValue(dec, depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return errors.New("not valid JSON")
		}
		return nil
	default:
		return errors.New("not valid JSON")
	}
}

// compareWithOracle fails t when the parser and the oracle disagree on b:
// acceptance, the decoded value, the indented form, or (for structural
// errors) the message.
func compareWithOracle(t *testing.T, b []byte) {
	t.Helper()
	want, wantPretty, wantErr := oracleDecodeObject(b)
	got, gotErr := decodeObject(b)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%q: parser err = %v, oracle err = %v", b, gotErr, wantErr)
	}
	if gotErr != nil {
		if got != nil {
			t.Fatalf("%q: result with error", b)
		}
		// Both refuse. Duplicates, depth, UTF-8 and the kind of the top
		// value are reported alike; which syntax message a malformed text
		// gets may differ, as long as it is one of the structural ones.
		if gotErr.Error() != wantErr.Error() {
			t.Fatalf("%q: parser err = %q, oracle err = %q", b, gotErr, wantErr)
		}
		if !isStructuralMessage(gotErr) {
			t.Fatalf("%q: unexpected message %q", b, gotErr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nparser %#v\noracle %#v", b, got, want)
	}
	if pretty := indentJSON(b); !bytes.Equal(pretty, wantPretty) {
		t.Fatalf("%q: indented\n%s\nwant\n%s", b, pretty, wantPretty)
	}
}

func isPinnedMessage(err error) bool {
	m := err.Error()
	return strings.Contains(m, "appears more than once") || strings.Contains(m, "nested more than") || m == "not valid UTF-8"
}

func isSyntaxMessage(err error) bool {
	switch err.Error() {
	case "not valid JSON", "not a JSON object", "unexpected data after the JSON object":
		return true
	}
	return false
}

func isStructuralMessage(err error) bool {
	return isSyntaxMessage(err) || isPinnedMessage(err)
}

var jsonCorpus = []string{
	`{}`, ` { } `, "\t{\r\n}\n", `{"a":1}`, `{"a":1} `, `{"a":1}x`, `{"a":1}{}`, `{"a":1},`,
	`{"alg":"RS256","kid":"k1","typ":"JWT"}`,
	`{"iss":"https://auth.pingone.com/e/as","exp":1795384990,"big":12345678901234567890,"nonce":"n","amr":["pwd"]}`,
	`{"a":-0,"b":0.5,"c":1e10,"d":1E+2,"e":-1.25e-3,"f":0e0,"g":123456789012345678901234567890}`,
	`{"a":1E700}`, `{"a":1e-700}`, `{"a":-1e400}`, `{"a":1e308}`, `{"a":1.8e308}`, `{"a":1.7976931348623159e308}`, `1E700`,
	`{"a":` + strings.Repeat("9", 308) + `}`, `{"a":` + strings.Repeat("9", 309) + `}`, `{"a":0.` + strings.Repeat("0", 400) + `1}`,
	`{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":1e+}`, `{"a":+1}`, `{"a":0x1}`, `{"a":-01}`, `{"a":1.5.}`,
	`{"a":true,"b":false,"c":null}`, `{"a":tru}`, `{"a":nul}`, `{"a":truex}`, `{"a":True}`, `{"a":NaN}`,
	`{"a":[]}`, `{"a":[1,2,3]}`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":[1 2]}`, `{"a":[}`, `{"a":{}}`, `{"a":{"b":{"c":[{"d":null}]}}}`,
	`{"a":1,}`, `{,"a":1}`, `{"a" 1}`, `{"a":}`, `{"a"}`, `{a:1}`, `{'a':1}`, `{"a":1 "b":2}`, `{"a":1`, `{"a":`, `{"a`, `{`, `}`, ``, ` `,
	`[]`, `[1]`, `"sub"`, `"sub`, `123`, `-`, `null`, `true`, `tru`, `]`, `:`, `,`, `x`,
	`{"a":"\"\\\/\b\f\n\r\t"}`, `{"a":"\u0041\u00e9\u4e2d\uD83D\uDE00"}`, `{"a":"\ud800"}`, `{"a":"\udc00"}`, `{"a":"\ud800\udc00"}`,
	`{"a":"\ud800\u0041"}`, `{"a":"\ud800\ud800\udc00"}`, `{"a":"\ud800x"}`, `{"a":"\ud800\n"}`, `{"a":"\uDBFF\uDFFF"}`, `{"a":"\u0000"}`,
	`{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`, `{"a":"\ud800\u12"}`, `{"a":"\ud800\uZZZZ"}`, `{"a":"\`, `{"a":"\u`, `{"a":"\ud800\`,
	"{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}", "{\"a\":\"\x7f\"}", "{\"a\":\"é中😀\"}", "{\"a\":\"\xff\"}", "{\"\xc3\":1}",
	`{"a":1,"a":2}`, `{"alg":"RS256","\u0061lg":"none"}`, `{"\ud800":1,"\udbff":2}`, `{"a":{"b":1},"a":{"b":1}}`,
	`{"x":{"y":1,"y":2}}`, `{"x":[{"y":1,"y":2}]}`, `{"a":1,"a":2,"a":`, `{"a":1,"a" 2}`, `{"a":[1,"a":2]}`,
	`{"` + strings.Repeat("n", 60) + `":1,"` + strings.Repeat("n", 60) + `":2}`,
	`{"a":` + strings.Repeat("[", 31) + strings.Repeat("]", 31) + `}`,
	`{"a":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + `}`,
	strings.Repeat(`{"a":`, 32) + "1" + strings.Repeat("}", 32),
	strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33),
	`{"a":` + strings.Repeat("[", 40) + `x`,
	`{"a":[` + strings.Repeat(`{"b":[`, 20) + `1` + strings.Repeat(`]}`, 20) + `]}`,
	`{"a":1,"a":` + strings.Repeat("[", 40) + `}`,
}

func TestDecodeObject_AgreesWithEncodingJSON(t *testing.T) {
	for _, s := range jsonCorpus {
		compareWithOracle(t, []byte(s))
	}
}

// FuzzDecodeObject pins the parser to encoding/json plus the old duplicate
// walk: go test -fuzz FuzzDecodeObject ./pingone/token/
func FuzzDecodeObject(f *testing.F) {
	for _, s := range jsonCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 4096 {
			return
		}
		compareWithOracle(t, b)
	})
}
