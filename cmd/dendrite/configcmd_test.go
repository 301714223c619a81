package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dendrite config prints the same config for a profile chosen by flag and by
// file, whatever profile the file names.
func TestConfigCommandProfileFlagEqualsFile(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"paper", "head"} {
		f := filepath.Join(dir, p+".yaml")
		os.WriteFile(f, []byte("profile: "+p+"\nepochs: 2\n"), 0o644)
	}
	for _, p := range []string{"paper", "head"} {
		code, fromFile, se := runCLI("config", "--config", filepath.Join(dir, p+".yaml"))
		if code != 0 {
			t.Fatalf("config --config %s.yaml: %d %s", p, code, se)
		}
		for _, other := range []string{"paper", "head"} {
			code, fromFlag, se := runCLI("config", "--config", filepath.Join(dir, other+".yaml"), "--profile", p)
			if code != 0 {
				t.Fatalf("config --profile %s: %d %s", p, code, se)
			}
			if fromFlag != fromFile {
				t.Errorf("--profile %s over a file of profile %s:\n%s\nwant as profile: %s in the file:\n%s", p, other, fromFlag, p, fromFile)
			}
		}
	}
}

func TestConfigCommandExplain(t *testing.T) {
	f := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(f, []byte(`{"mode": "rate", "epochs": 5, "seed": 9}`), 0o644)
	code, out, se := runCLI("config", "--config", f, "--explain", "--epochs", "3", "--no-shuffle")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, se)
	}
	var origins []struct {
		Key    string          `json:"key"`
		Value  json.RawMessage `json:"value"`
		From   string          `json:"from"`
		Detail string          `json:"detail"`
		Help   string          `json:"help"`
	}
	if err := json.Unmarshal([]byte(out), &origins); err != nil {
		t.Fatal(err)
	}
	for _, o := range origins {
		if o.Help == "" {
			t.Errorf("%s: no help", o.Key)
		}
		if o.Key == "rate_slope" && (!strings.Contains(o.Help, "λmax σ(a·(C − rate_offset))") || string(o.Value) != "1") {
			t.Errorf("rate_slope: %+v, want value 1 and help naming the rate function", o)
		}
	}
	want := map[string]string{
		"epochs":        "flag --epochs 3",
		"shuffle":       "flag --no-shuffle false",
		"seed":          "file " + f + " 9",
		"mode":          "file " + f + ` "rate"`,
		"forward_phase": "derived mode \"rate\" 2",
		"etas":          "derived the learning rates for layers [500,10] [0.21,0.21]",
		"tau_s":         " 3",
	}
	seen := 0
	for _, o := range origins {
		w, ok := want[o.Key]
		if !ok {
			continue
		}
		seen++
		var v bytes.Buffer
		json.Compact(&v, o.Value)
		o.Value = v.Bytes()
		got := o.Detail + " " + string(o.Value)
		if o.Key == "tau_s" {
			if o.From != "default" || string(o.Value) != "3" {
				t.Errorf("tau_s: %+v, want default 3", o)
			}
			continue
		}
		if !strings.HasPrefix(w, o.From+" ") || got != strings.TrimPrefix(w, o.From+" ") {
			t.Errorf("%s: from %q, %q; want %q", o.Key, o.From, got, w)
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d keys checked", seen, len(want))
	}
	// Without --explain: the resolved config, as train would run it.
	code, out, _ = runCLI("config", "--config", f, "--epochs", "3")
	if code != 0 || !strings.Contains(out, `"epochs": 3`) || !strings.Contains(out, `"seed": 9`) {
		t.Errorf("config: %d\n%s", code, out)
	}
	// Errors name the file and the key.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"epochs": 1, "Epochs": 2}`), 0o644)
	code, _, se = runCLI("config", "--config", bad)
	if code != 2 || !strings.Contains(se, "bad.json") || !strings.Contains(se, `"Epochs"`) || strings.Count(se, "\n") != 1 {
		t.Errorf("bad config: %d %q", code, se)
	}
}

// run.Train's errors name Options and Config fields; dendrite train words
// them as its flags, and the reworded error still wraps the original.
func TestFlagWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"output folder /x already holds a complete run; set Options.Overwrite to replace it or choose another output folder",
			"--out /x already holds a complete run; pass --overwrite to replace it or choose another --out"},
		{"output folder /x already holds files that are not a dendrite run; choose another output folder",
			"--out /x already holds files that are not a dendrite run; choose another --out"},
		{"output folder /x: Options.Overwrite refused: the folder holds files", "--out /x: --overwrite refused: the folder holds files"},
		{"output folder /x and Options.DataDir /d overlap", "--out /x and --data /d overlap"},
		{"Options.Resume /x: no checkpoint", "--resume /x: no checkpoint"},
		{"an interrupted run (continue it: Options.Resume on /x)", "an interrupted run (continue it with dendrite train --resume /x)"},
		{"run interrupted; continue it with Options.Resume", "run interrupted; continue it with dendrite train --resume DIR"},
		{"differ (set Options.AllowOtherData to continue on them anyway)", "differ (pass --allow-other-data to continue on them anyway)"},
		{"recorded in provenance.json; set Options.DataDir to read a copy elsewhere", "recorded in provenance.json; give --data to read a copy elsewhere"},
		{"Config.Epochs 1: the run in /x has already done 2 epoch(s)", "--epochs 1: the run in /x has already done 2 epoch(s)"},
		{"try smaller Config.Etas.", "try smaller --etas."},
	} {
		orig := errors.New(c.in)
		got := asFlags(orig)
		if got.Error() != c.want || !errors.Is(got, orig) {
			t.Errorf("%q → %q, want %q", c.in, got, c.want)
		}
	}
}
