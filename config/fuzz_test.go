package config

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// checkErr asserts that every line of a config error is short: quoted
// values are cut, so no input can make a long line.
func checkErr(t *testing.T, err error) {
	t.Helper()
	for _, l := range strings.Split(err.Error(), "\n") {
		if len(l) > 1000 {
			t.Fatalf("error line of %d bytes: %.200s…", len(l), l)
		}
	}
}

// An accepted config file round-trips through its JSON form; a refused one
// gets short error lines.
func FuzzConfigJSON(f *testing.F) {
	f.Add([]byte(`{"mode":"rate","layers":[100,10]}`))
	f.Add([]byte(`{"epochs": 2, "epochs": 3}`))
	f.Add([]byte(`{"profile": "head", "g_a": 1e999}`))
	f.Add([]byte(`{"Epochs": 2} []`))
	f.Add([]byte(`{"max_memory": "2GiB", "workers": 3}`))
	f.Add([]byte(`{"ep\u006fchs": 1, "epochs": 2, "etas": [{"a\"": 1, "a\u0022": 2}]}`))
	f.Add([]byte(`{"jacobian_mean": "products", "etas": [[[-0.0e-5]]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if json.Valid(b) {
			// The fast walk and the token walk agree.
			for _, keys := range []bool{false, true} {
				fast, slow := checkJSON(b, keys), checkTokens(b, keys)
				if (fast == nil) != (slow == nil) || (fast != nil && fast.Error() != slow.Error()) {
					t.Fatalf("keys=%v: fast walk %v, token walk %v", keys, fast, slow)
				}
			}
		}
		c, err := FromJSON(b, nil)
		if err != nil {
			checkErr(t, err)
			return
		}
		again, err := FromJSON(c.JSON(), nil)
		if err != nil {
			t.Fatalf("the JSON of an accepted config is refused: %v\n%s", err, c.JSON())
		}
		if !bytes.Equal(again.JSON(), c.JSON()) {
			t.Fatalf("round trip changed the config:\n%s\n%s", c.JSON(), again.JSON())
		}
	})
}

// An accepted YAML config converts to JSON that is accepted the same way; a
// refused one gets short error lines.
func FuzzConfigYAML(f *testing.F) {
	f.Add([]byte("mode: rate\nlayers: [100, 10]\n"))
	f.Add([]byte("epochs: 2\n---\nepochs: 3\n"))
	f.Add([]byte("g_a: .nan\n"))
	f.Add([]byte("etas: [0.1, -.inf]\nEpochs: 1\n"))
	f.Add([]byte("a: &a [1]\nb: *a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		j, err := YAMLToJSON(b)
		if err != nil {
			checkErr(t, err)
			return
		}
		if err := CheckJSONSyntax(j); err != nil {
			t.Fatalf("YAMLToJSON made JSON its own checker refuses: %v\n%s", err, j)
		}
		if _, err := FromJSON(j, nil); err != nil {
			checkErr(t, err)
		}
	})
}
