//go:build unix

package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dendrite-lab/dendrite/option"
)

func TestStrictJSON(t *testing.T) {
	huge := strings.Repeat("m", 20<<20)
	for _, c := range []struct {
		name, raw string
		want      []string // substrings of the error
	}{
		{"trailing object", `{"epochs": 2} {"epochs": 3}`, []string{"data after the JSON object"}},
		{"trailing garbage", `{"epochs": 2} x`, []string{"data after the JSON object"}},
		{"duplicate key", `{"epochs": 2, "epochs": 3}`, []string{`"epochs"`, "twice"}},
		{"upper case key", `{"Epochs": 2}`, []string{`"Epochs"`, `want "epochs"`}},
		{"mixed case key", `{"train_Examples": 2}`, []string{`"train_Examples"`, `"train_examples"`}},
		{"unknown key", `{"epochz": 2}`, []string{`unknown key "epochz"`}},
		{"overflowing number", `{"g_a": 1e999}`, []string{`"g_a"`, "1e999", "not a finite number"}},
		{"overflowing list element", `{"etas": [0.1, -1e400]}`, []string{`"etas[1]"`, "not a finite number"}},
		{"not an object", `[1, 2]`, []string{"want a JSON object"}},
		{"huge value", `{"mode": "` + huge + `"}`, []string{`"mode"`}},
		{"huge key", `{"` + huge + `": 1}`, []string{"unknown key", "bytes)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromJSON([]byte(c.raw), nil)
			if err == nil {
				t.Fatalf("accepted %.100s", c.raw)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			msg := err.Error()
			if len(msg) > 300 {
				t.Errorf("message of %d bytes: %.200s…", len(msg), msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestStrictYAML(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"second document", "epochs: 2\n---\nepochs: 3\n", []string{"second document"}},
		{"duplicate key", "epochs: 2\nepochs: 3\n", []string{`"epochs"`}},
		{"nan", "g_a: .nan\n", []string{`"g_a"`, "not a finite number"}},
		{"inf in list", "etas: [0.1, -.inf]\n", []string{`"etas[1]"`, "not a finite number"}},
		{"upper case key", "Epochs: 2\n", []string{`"Epochs"`, `want "epochs"`}},
		{"not a mapping", "- 1\n", []string{"want a mapping"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			os.WriteFile(p, []byte(c.src), 0o644)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("accepted %q", c.src)
			}
			msg := err.Error()
			if !strings.Contains(msg, "c.yaml") {
				t.Errorf("error %q does not name the file", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
	// One document with an explicit start marker is fine.
	p := filepath.Join(t.TempDir(), "ok.yaml")
	os.WriteFile(p, []byte("---\nepochs: 2\n"), 0o644)
	if c, err := Load(p); err != nil || c.Epochs != 2 {
		t.Fatalf("Load(---\\nepochs: 2) = %d, %v", c.Epochs, err)
	}
}

func TestConfigFileLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	os.WriteFile(big, append([]byte(`{"mode": "`), bytes.Repeat([]byte("x"), MaxFileSize)...), 0o644)
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "big.json") || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("oversized file: %v, want an error naming the file and the 1 MiB limit", err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
	if _, err := Load("/dev/zero"); err == nil || !strings.Contains(err.Error(), "device") {
		t.Errorf("/dev/zero: %v", err)
	}
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := Load(fifo); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("FIFO: %v", err)
	}
}

// profileKeys returns the keys whose defaults differ between profiles.
func profileKeys(t *testing.T) []string {
	var a, b map[string]json.RawMessage
	pa, ph := Default("paper"), Default("head")
	json.Unmarshal(pa.JSON(), &a)
	json.Unmarshal(ph.JSON(), &b)
	var keys []string
	for _, k := range Keys() {
		if !bytes.Equal(a[k], b[k]) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		t.Fatal("the profiles' defaults do not differ (not even in \"profile\")")
	}
	return keys
}

// A profile chosen with a flag yields the same config as one chosen in a
// file, for every key whose default depends on the profile, whatever profile
// the file names.
func TestProfileFlagEqualsFile(t *testing.T) {
	keys := profileKeys(t)
	t.Logf("profile-dependent keys: %v", keys)
	for _, p := range []option.Profile{"paper", "head"} {
		fromFile, err := FromJSON([]byte(`{"profile": "`+string(p)+`"}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, filed := range []string{"", "paper", "head"} {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			apply := Flags(fs)
			if err := fs.Parse([]string{"--profile", string(p)}); err != nil {
				t.Fatal(err)
			}
			raw := "{}"
			if filed != "" {
				raw = `{"profile": "` + filed + `"}`
			}
			fromFlag, err := FromJSON([]byte(raw), apply)
			if err != nil {
				t.Fatal(err)
			}
			var a, b map[string]json.RawMessage
			json.Unmarshal(fromFlag.JSON(), &a)
			json.Unmarshal(fromFile.JSON(), &b)
			want := Default(p)
			want.Resolve()
			var d map[string]json.RawMessage
			json.Unmarshal(want.JSON(), &d)
			for _, k := range keys {
				if !bytes.Equal(a[k], b[k]) {
					t.Errorf("--profile %s over file profile %q: %s = %s, file profile: %s", p, filed, k, a[k], b[k])
				}
				if !bytes.Equal(a[k], d[k]) {
					t.Errorf("--profile %s: %s = %s, want the profile's default %s", p, k, a[k], d[k])
				}
			}
			if !bytes.Equal(fromFlag.JSON(), fromFile.JSON()) {
				t.Errorf("--profile %s over file profile %q differs from profile: %s in a file", p, filed, p)
			}
		}
	}
}

// Deep nesting is refused at a small depth, quickly (the decoder's time
// grows with the square of the depth).
func TestDeepNesting(t *testing.T) {
	start := time.Now()
	_, err := FromJSON([]byte(`{"etas": `+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+`}`), nil)
	if err == nil || !strings.Contains(err.Error(), "nested deeper than 32 levels") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	if _, err := FromJSON([]byte(`{"etas": [0.1, 0.2]}`), nil); err != nil {
		t.Fatal(err)
	}
}
