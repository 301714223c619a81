package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/npy"
)

// idx builds an IDX file: magic, dims, then data.
func idx(magic uint32, dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(data)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// dataDir writes a tiny MNIST-format data set (30 training and 20 test
// 28×28 images) into a new temporary folder and lets mut replace any file's
// bytes (nil: the file is not written).
func dataDir(t *testing.T, mut func(files map[string][]byte)) string {
	t.Helper()
	dir := t.TempDir()
	writeData(t, dir, mut)
	return dir
}

// writeData writes dataDir's files into dir, creating it.
func writeData(t *testing.T, dir string, mut func(files map[string][]byte)) {
	t.Helper()
	img := func(n int) []byte {
		b := make([]byte, n*784)
		for i := range b {
			b[i] = byte((i * 7) % 256)
		}
		return b
	}
	lab := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i % 10)
		}
		return b
	}
	files := map[string][]byte{
		"train-images-idx3-ubyte.gz": gz(idx(0x803, []uint32{30, 28, 28}, img(30))),
		"train-labels-idx1-ubyte.gz": gz(idx(0x801, []uint32{30}, lab(30))),
		"t10k-images-idx3-ubyte.gz":  gz(idx(0x803, []uint32{20, 28, 28}, img(20))),
		"t10k-labels-idx1-ubyte.gz":  gz(idx(0x801, []uint32{20}, lab(20))),
	}
	if mut != nil {
		mut(files)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if b == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = dispatch(args, &o, &e)
	return code, o.String(), e.String()
}

var tiny = []string{"--mode", "rate", "--layers", "20,10", "--train-examples", "10", "--test-examples", "10", "--quick-test-examples", "0", "--quiet"}

func TestTrainTinyDataSet(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := runCLI(append([]string{"train", "--data", dataDir(t, nil), "--out", out}, tiny...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "test error") {
		t.Errorf("stdout %q", stdout)
	}
	for _, f := range []string{"summary.json", "config.json", "weights/final/W_0.npy"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	// dendrite test re-tests the saved weights.
	code, stdout, stderr = runCLI("test", "--run", out, "--data", dataDir(t, nil), "--repeat", "2")
	if code != 0 || !strings.Contains(stdout, "mean") {
		t.Fatalf("test: exit %d: %s %s", code, stdout, stderr)
	}
}

// Bad input: one clear error line naming the file or field, a non-zero exit,
// no panic, and no run folder that looks complete.
func TestBadInputs(t *testing.T) {
	shapeDir := t.TempDir()
	npy.WriteFile(filepath.Join(shapeDir, "W_0.npy"), []int{20, 700}, make([]float64, 20*700))
	nanDir := t.TempDir()
	nan := make([]float64, 20*784)
	nan[5] = nanVal()
	npy.WriteFile(filepath.Join(nanDir, "W_0.npy"), []int{20, 784}, nan)
	cfgDir := t.TempDir()
	writeCfg := func(name, body string) string {
		p := filepath.Join(cfgDir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	trunc := func(f map[string][]byte) {
		raw := idx(0x803, []uint32{30, 28, 28}, make([]byte, 100))
		f["train-images-idx3-ubyte.gz"] = gz(raw)
	}
	cases := []struct {
		name  string
		args  []string
		data  func(map[string][]byte)
		code  int
		wants []string
	}{
		{"truncated images", nil, trunc, 1, []string{"train-images-idx3-ubyte.gz", "truncated"}},
		{"wrong magic", nil, func(f map[string][]byte) {
			f["t10k-labels-idx1-ubyte.gz"] = gz(idx(0x803, []uint32{20}, make([]byte, 20)))
		}, 1, []string{"t10k-labels-idx1-ubyte.gz", "magic"}},
		{"count mismatch", nil, func(f map[string][]byte) {
			f["train-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{29}, make([]byte, 29)))
		}, 1, []string{"train-labels", "29", "30"}},
		{"label out of range", nil, func(f map[string][]byte) {
			f["t10k-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{20}, bytes.Repeat([]byte{12}, 20)))
		}, 1, []string{"t10k-labels", "12"}},
		{"wrong image size", nil, func(f map[string][]byte) {
			f["train-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{30, 20, 20}, make([]byte, 30*400)))
		}, 1, []string{"20"}},
		{"missing file", nil, func(f map[string][]byte) { f["t10k-images-idx3-ubyte.gz"] = nil }, 1, []string{"t10k-images"}},
		{"empty file", nil, func(f map[string][]byte) { f["train-labels-idx1-ubyte.gz"] = []byte{} }, 1, []string{"train-labels"}},
		{"corrupt gzip", nil, func(f map[string][]byte) {
			b := f["train-images-idx3-ubyte.gz"]
			f["train-images-idx3-ubyte.gz"] = append(b[:20:20], bytes.Repeat([]byte{0xff}, 40)...)
		}, 1, []string{"train-images"}},
		{"data is a file", []string{"--data", "/etc/hostname"}, nil, 1, []string{"/etc/hostname"}},
		{"layers not a multiple of 10", []string{"--layers", "500,7"}, nil, 2, []string{"layers", "multiple of 10"}},
		{"negative learning rate", []string{"--etas", "0.2,-0.1"}, nil, 2, []string{"etas", "≥ 0"}},
		{"etas count", []string{"--etas", "0.2"}, nil, 2, []string{"etas", "2 learning rates"}},
		{"bad mode", []string{"--mode", "burst"}, nil, 2, []string{"mode", "spiking"}},
		{"bad number", []string{"--epochs", "two"}, nil, 2, []string{"--epochs", "integer"}},
		{"negative epochs", []string{"--epochs", "-1"}, nil, 2, []string{"epochs"}},
		{"sparse fraction", []string{"--sparse-fraction", "1.5"}, nil, 2, []string{"sparse_fraction"}},
		{"symmetric + feedback learning", []string{"--symmetric", "--feedback-learning", "--feedback-etas", "0.1"}, nil, 2, []string{"symmetric", "feedback_learning"}},
		{"learned bias without learning", []string{"--feedback-bias", "learned"}, nil, 2, []string{"feedback_bias"}},
		{"unknown flag", []string{"--learning-rate", "3"}, nil, 2, []string{"learning-rate"}},
		{"missing flag value", []string{"--layers"}, nil, 2, []string{"layers"}},
		{"unknown config key", []string{"--config", writeCfg("a.yaml", "mode: rate\nlerning_rate: 3\n")}, nil, 2, []string{"lerning_rate", "a.yaml"}},
		{"wrong config type", []string{"--config", writeCfg("b.json", `{"epochs": "many"}`)}, nil, 2, []string{"epochs", "b.json"}},
		{"config not found", []string{"--config", filepath.Join(cfgDir, "none.yaml")}, nil, 2, []string{"none.yaml"}},
		{"config is a list", []string{"--config", writeCfg("c.yaml", "- 1\n- 2\n")}, nil, 2, []string{"c.yaml", "mapping"}},
		{"weights wrong shape", []string{"--init-weights", shapeDir}, nil, 1, []string{"W_0.npy", "(20, 784)"}},
		{"weights non-finite", []string{"--init-weights", nanDir}, nil, 1, []string{"W_0.npy", "non-finite"}},
		{"weights missing", []string{"--init-weights", filepath.Join(cfgDir, "nowhere")}, nil, 1, []string{"nowhere"}},
		{"validation too large", []string{"--validation", "30"}, nil, 1, []string{"validation", "30"}},
		{"train examples too many", []string{"--train-examples", "31"}, nil, 1, []string{"train_examples", "31"}},
		{"resume without checkpoint", []string{"--resume", cfgDir}, nil, 1, []string{"checkpoint"}},
		{"stray argument", []string{"500,10"}, nil, 2, []string{"500,10"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			args := append([]string{"train", "--data", dataDir(t, c.data), "--out", out}, tiny...)
			args = append(args, c.args...)
			if len(c.args) > 0 && c.args[0] == "--resume" {
				args = append([]string{"train"}, c.args...)
			}
			code, _, stderr := runCLI(args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, c.code, stderr)
			}
			for _, w := range c.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("message lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "panic:") || goroutineTrace.MatchString(stderr) {
				t.Errorf("panic:\n%s", stderr)
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 2 {
				t.Errorf("want one clear error line, got %d lines:\n%s", n+1, stderr)
			}
			if b, err := os.ReadFile(filepath.Join(out, "summary.json")); err == nil && strings.Contains(string(b), `"complete"`) {
				t.Error("a failed run left a summary that says complete")
			}
		})
	}
}

var goroutineTrace = regexp.MustCompile(`goroutine \d+ \[`)

func TestUsage(t *testing.T) {
	if code, o, _ := runCLI("train", "-h"); code != 0 || !strings.Contains(o, "--train-examples") && !strings.Contains(o, "-train-examples") {
		t.Errorf("train -h: %d\n%s", code, o)
	}
	if code, _, e := runCLI(); code != 2 || !strings.Contains(e, "usage") {
		t.Errorf("no args: %d %s", code, e)
	}
	if code, _, e := runCLI("frobnicate"); code != 2 || !strings.Contains(e, "frobnicate") {
		t.Errorf("unknown command: %d %s", code, e)
	}
	if code, o, _ := runCLI("reproduce", "--list"); code != 0 || !strings.Contains(o, "one-hidden-layer") {
		t.Errorf("reproduce --list: %d %s", code, o)
	}
	if code, _, e := runCLI("reproduce", "no-such-experiment"); code == 0 || !strings.Contains(e, "no-such-experiment") {
		t.Errorf("unknown experiment: %d %s", code, e)
	}
}
