//go:build unix

package main

// Hostile-input cases of the config, data, weights, resource and sweep
// classes (strict parsing and bounded resources), run by runHostile.

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/npy"
)

// trainArgs is a tiny rate-mode training on the case's data folder.
func trainArgs(extra ...string) []string {
	return append([]string{"train", "--data", "{dir}/data", "--out", "{dir}/run", "--mode", "rate", "--layers", "20,10",
		"--train-examples", "10", "--test-examples", "5", "--quick-test-examples", "0", "--quiet"}, extra...)
}

// mnist returns a setup writing a tiny MNIST-format data set into dir/data
// (30 training and 20 test images of 28x28) after mut changed its files.
func mnist(mut func(files map[string][]byte)) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) { writeData(t, filepath.Join(dir, "data"), mut) }
}

// both runs several setups in order.
func both(fs ...func(t *testing.T, dir string)) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		for _, f := range fs {
			f(t, dir)
		}
	}
}

// npyFile returns a .npy file with the given header dict and data bytes.
func npyFile(dict string, data []byte) []byte {
	h := dict
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = append(b, byte(len(h)), byte(len(h)>>8))
	return append(append(b, h...), data...)
}

// weights writes a valid set of initial weights for layers 20,10 into
// dir/w, then lets mut replace files.
func weights(mut func(files map[string][]byte)) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		w := filepath.Join(dir, "w")
		os.MkdirAll(w, 0o755)
		arr := func(shape ...int) []byte {
			n := 1
			for _, s := range shape {
				n *= s
			}
			var b bytes.Buffer
			if err := npy.Write(&b, shape, make([]float64, n)); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		files := map[string][]byte{
			"W_0.npy": arr(20, 784), "b_0.npy": arr(20), "Y_0.npy": arr(20, 10),
			"W_1.npy": arr(10, 20), "b_1.npy": arr(10),
		}
		if mut != nil {
			mut(files)
		}
		for name, b := range files {
			if b != nil {
				writeFile(t, w, name, b)
			}
		}
	}
}

// incompressible returns n pseudo-random bytes.
func incompressible(n int) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// storedGzip gzips b without compression, so the file is as large as b.
func storedGzip(b []byte) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.NoCompression)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestHostileStrictConfig(t *testing.T) {
	train := func(extra ...string) []string {
		return append([]string{"train", "--out", "{dir}/run", "--quiet"}, extra...)
	}
	cfg := func(extra ...string) []string { return train(append([]string{"--config", "{dir}/c"}, extra...)...) }
	cfgY := func(extra ...string) []string {
		return train(append([]string{"--config", "{dir}/c.yaml"}, extra...)...)
	}
	bigJSON := `{"mode": "` + strings.Repeat("x", 900_000) + `"}`
	runHostile(t, []hostileCase{
		{name: "json trailing object", setup: file("c", `{"epochs": 2} {"epochs": 3}`), args: cfg(), code: 2, msg: `c: config: data after the JSON object`},
		{name: "json trailing garbage", setup: file("c", `{"epochs": 2}]`), args: cfg(), code: 2, msg: `c: config: data after the JSON object`},
		{name: "json duplicate key", setup: file("c", `{"epochs": 2, "epochs": 3}`), args: cfg(), code: 2, msg: `c: config: key "epochs" appears twice`},
		{name: "json duplicate nested", setup: file("c", `{"etas": [{"a": 1, "a": 2}]}`), args: cfg(), code: 2, msg: `c: config: key "etas\[0\]\.a" appears twice`},
		{name: "json upper case key", setup: file("c", `{"EPOCHS": 2}`), args: cfg(), code: 2, msg: `c: config: key "EPOCHS": want "epochs"`},
		{name: "json case of profile key", setup: file("c", `{"Profile": "head"}`), args: cfg(), code: 2, msg: `key "Profile": want "profile"`},
		{name: "json overflowing number", setup: file("c", `{"g_a": 1e999}`), args: cfg(), code: 2, msg: `c: config key "g_a": 1e999 is not a finite number`},
		{name: "json overflowing list element", setup: file("c", `{"etas": [0.2, 1e400]}`), args: cfg(), code: 2, msg: `config key "etas\[1\]": 1e400 is not a finite number`},
		{name: "json array top level", setup: file("c", `[{"epochs": 2}]`), args: cfg(), code: 2, msg: `c: config: want a JSON object`},
		{name: "json syntax error", setup: file("c", `{"epochs": 2,}`), args: cfg(), code: 2, msg: `c: config: `},
		{name: "json 900 KB value not echoed", setup: file("c", bigJSON), args: cfg(), code: 2, msg: `c: config field "mode": got "x+… \(900002 bytes\)`},
		{name: "json 900 KB unknown key not echoed", setup: file("c", `{"`+strings.Repeat("k", 900_000)+`": 1}`), args: cfg(), code: 2, msg: `unknown key "k+"… \(900000 bytes\)`},
		{name: "yaml second document", setup: file("c.yaml", "epochs: 2\n---\nepochs: 300\n"), args: cfgY(), code: 2, msg: `c\.yaml: yaml: a second document`},
		{name: "yaml empty second document", setup: file("c.yaml", "epochs: 2\n---\n"), args: cfgY(), code: 2, msg: `c\.yaml: yaml: a second document`},
		{name: "yaml duplicate key", setup: file("c.yaml", "epochs: 2\nepochs: 3\n"), args: cfgY(), code: 2, msg: `c\.yaml: yaml: .*"epochs" already defined`},
		{name: "yaml nan", setup: file("c.yaml", "g_a: .nan\n"), args: cfgY(), code: 2, msg: `c\.yaml: yaml: key "g_a": NaN is not a finite number`},
		{name: "yaml inf in list", setup: file("c.yaml", "etas: [0.1, .inf]\n"), args: cfgY(), code: 2, msg: `c\.yaml: yaml: key "etas\[1\]": \+Inf is not a finite number`},
		{name: "yaml mixed case key", setup: file("c.yaml", "Test_Examples: 5\n"), args: cfgY(), code: 2, msg: `c\.yaml: config: key "Test_Examples": want "test_examples"`},
		{name: "yaml non-string key", setup: file("c.yaml", "1: 2\n"), args: cfgY(), code: 2, msg: `c\.yaml: yaml: want a mapping`},
		{name: "json nested 200000 deep", setup: file("c", `{"etas": `+strings.Repeat("[", 200000)+strings.Repeat("]", 200000)+`}`), args: cfg(), code: 2, timeout: 5e9,
			msg: `c: config key "etas(\[0\])+.*nested deeper than 32 levels`},
		{name: "yaml nested 9000 deep", setup: file("c.yaml", "etas: "+strings.Repeat("[", 9000)+strings.Repeat("]", 9000)+"\n"), args: cfgY(), code: 2, timeout: 5e9,
			msg: `c\.yaml: config key "etas.*nested deeper than 32 levels`},
		{name: "yaml alias bomb", setup: file("c.yaml", yamlBomb()), args: cfgY(), code: 2, timeout: 5e9, msg: `c\.yaml: yaml: document contains excessive aliasing`},
		{name: "resume config.json FIFO", setup: both(fifo("run/config.json"), file("run/checkpoint.bin", "x")), args: []string{"train", "--resume", "{dir}/run", "--quiet"},
			code: 2, timeout: 10e9, msg: `run/config\.json: is a named pipe \(FIFO\)`},
		{name: "resume config.json /dev/zero", setup: func(t *testing.T, dir string) {
			os.MkdirAll(filepath.Join(dir, "run"), 0o755)
			os.Symlink("/dev/zero", filepath.Join(dir, "run", "config.json"))
		}, args: []string{"train", "--resume", "{dir}/run", "--quiet"}, code: 2, msg: `run/config\.json: is a device`},
		{name: "config file over 1 MiB", setup: file("c", `{"mode": "`+strings.Repeat("x", 1<<20)+`"}`), args: cfg(), code: 2, msg: `c: .*more than the limit of 1 MiB`},
		{name: "config is /dev/zero", args: train("--config", "/dev/zero"), code: 2, msg: `/dev/zero: is a device, want a JSON or YAML config file`},
		{name: "config is a FIFO", setup: fifo("c"), args: cfg(), code: 2, msg: `c: is a named pipe \(FIFO\)`, timeout: 10e9},
		{name: "config is a directory", setup: func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "c"), 0o755) }, args: cfg(), code: 2, msg: `c: is a directory`},
		{name: "flag 100 KB value not echoed", args: train("--mode", strings.Repeat("q", 100_000)), code: 2, msg: `flag --mode: got "q+"… \(100000 bytes\), want one of "spiking", "rate"`},
		{name: "flag overflowing number", args: train("--g-a", "1e999"), code: 2, msg: `flag --g-a: got "1e999", want a number`},
		{name: "flag infinite number", args: train("--tau-s", "Inf"), code: 2, msg: `config field "tau_s"`},
		{name: "flag negative seed", args: train("--seed", "-1"), code: 2, msg: `flag --seed: got "-1", want a non-negative integer`},
		{name: "flag bad list element", args: train("--layers", "20,ten"), code: 2, msg: `flag --layers: element 1: got "ten"`},
		{name: "flag bad memory size", args: train("--max-memory", "lots"), code: 2, msg: `config field "max_memory"`},
	})
}

func TestHostileData(t *testing.T) {
	runHostile(t, []hostileCase{
		{name: "images FIFO", setup: both(mnist(func(f map[string][]byte) { f["train-images-idx3-ubyte.gz"] = nil }), fifo("data/train-images-idx3-ubyte")),
			args: trainArgs(), code: 1, msg: `train-images-idx3-ubyte: is a named pipe`, timeout: 10e9},
		{name: "labels /dev/zero", setup: func(t *testing.T, dir string) {
			mnist(func(f map[string][]byte) { f["t10k-labels-idx1-ubyte.gz"] = nil })(t, dir)
			os.Symlink("/dev/zero", filepath.Join(dir, "data", "t10k-labels-idx1-ubyte"))
		}, args: trainArgs(), code: 1, msg: `t10k-labels-idx1-ubyte: is a device`},
		{name: "image count differs from labels", setup: mnist(func(f map[string][]byte) {
			f["train-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{1_000_000, 28, 28}, nil))
		}), args: trainArgs(), code: 1, msg: `image/label count mismatch: .*train-images-idx3-ubyte.gz has 1000000 images but .*train-labels-idx1-ubyte.gz has 30 labels`},
		// --data takes any image size its headers give, with the same checks.
		{name: "test images of a huge size without data", setup: mnist(func(f map[string][]byte) {
			f["t10k-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{20, 4000, 4000}, nil))
		}), args: trainArgs(), code: 1, msg: `t10k-images-idx3-ubyte.gz: truncated: header says 20 images of 4000x4000 = 320000000 bytes, got 0`},
		{name: "test images of another size than training images", setup: mnist(func(f map[string][]byte) {
			f["t10k-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{20, 14, 14}, make([]byte, 20*196)))
		}), args: trainArgs(), code: 1, msg: `image sizes differ: .*train-images-idx3-ubyte.gz holds 28x28 images but .*t10k-images-idx3-ubyte.gz holds 14x14`},
		{name: "header beyond the cap", setup: mnist(func(f map[string][]byte) {
			f["train-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{10_000_000, 28, 28}, nil))
			f["train-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{10_000_000}, make([]byte, 10_000_000)))
		}), args: trainArgs(), code: 1, msg: `train-images-idx3-ubyte.gz: header says 10000000 images of 28x28 = 7840000000 bytes, more than the limit`},
		{name: "gzip header lies about its size", setup: mnist(func(f map[string][]byte) {
			// 2 MB of stored (incompressible) gzip claiming 1,300,000
			// images of 28x28 (1 GB) with labels to match.
			f["train-images-idx3-ubyte.gz"] = storedGzip(idx(0x803, []uint32{1_300_000, 28, 28}, incompressible(2<<20)))
			f["train-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{1_300_000}, make([]byte, 1_300_000)))
		}), args: trainArgs(), code: 1, memLimit: 1500 << 20, msg: `train-images-idx3-ubyte.gz: truncated: header says 1300000 images`},
		{name: "data is a file", setup: file("data", "x"), args: trainArgs(), code: 1, msg: `data: not a directory`},
		{name: "labels out of range", setup: mnist(func(f map[string][]byte) {
			f["t10k-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{20}, bytes.Repeat([]byte{200}, 20)))
		}), args: trainArgs(), code: 1, msg: `t10k-labels-idx1-ubyte.gz: label 200 at index 0 is out of range`},
	})
}

func TestHostileInitWeights(t *testing.T) {
	args := trainArgs("--init-weights", "{dir}/w")
	runHostile(t, []hostileCase{
		{name: "weights FIFO", setup: both(mnist(nil), weights(func(f map[string][]byte) { f["W_0.npy"] = nil }), fifo("w/W_0.npy")),
			args: args, code: 1, msg: `W_0.npy: is a named pipe`, timeout: 10e9},
		{name: "weights header claims 8 GB", setup: both(mnist(nil), weights(func(f map[string][]byte) {
			f["W_0.npy"] = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000), }", nil)
		})), args: args, code: 1, msg: `W_0.npy: header says shape \(1000000, 1000\), want \(20, 784\)`},
		{name: "weights wrong shape with data", setup: both(mnist(nil), weights(func(f map[string][]byte) {
			f["b_1.npy"] = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (11,), }", make([]byte, 88))
		})), args: args, code: 1, msg: `b_1.npy: header says shape \(11,\), want \(10,\) or \(10, 1\)`},
		{name: "weights shape product overflows", setup: both(mnist(nil), weights(func(f map[string][]byte) {
			f["Y_0.npy"] = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", nil)
		})), args: args, code: 1, msg: `Y_0.npy: .*more than`},
		{name: "weights file is a directory", setup: both(mnist(nil), weights(func(f map[string][]byte) { f["W_1.npy"] = nil }),
			func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "w", "W_1.npy"), 0o755) }),
			args: args, code: 1, msg: `W_1.npy: is a directory, want a .npy file`},
		{name: "weights not npy", setup: both(mnist(nil), weights(func(f map[string][]byte) { f["W_0.npy"] = []byte("PK\x03\x04 zip") })),
			args: args, code: 1, msg: `W_0.npy: not a .npy file`},
	})
}

func TestHostileResources(t *testing.T) {
	runHostile(t, []hostileCase{
		{name: "layers need 500 GB", args: trainArgs("--layers", "100000,100000,10"), code: 2,
			msg: `config field "layers": got \[100000 100000 10\], want a network that fits in .*needs about 52\d\.\d GiB`},
		{name: "max-memory below the network", args: trainArgs("--layers", "4000,10", "--max-memory", "64MiB"), code: 2,
			msg: `want a network that fits in 64 MiB \(max_memory\)`},
		{name: "too many layers", args: trainArgs("--layers", strings.TrimSuffix(strings.Repeat("10,", 1000), ",")), code: 2,
			msg: `config field "layers": got 1000 layers, want at most 100 layers`},
		{name: "workers bound", args: trainArgs("--workers", "100000000"), code: 2, msg: `config field "workers": got 100000000, want an integer in \[0, 1024\]`},
		{name: "bench repeat bound", args: []string{"bench", "--repeat", "1000000"}, code: 2, msg: `--repeat: got 1000000, want 1 to 1000`},
		{name: "bench repeat negative", args: []string{"bench", "--repeat", "-2"}, code: 2, msg: `--repeat: got -2, want 1 to 1000`},
		{name: "test workers bound", args: []string{"test", "--run", "{dir}", "--workers", "5000000"}, code: 2, msg: `--workers: got 5000000, want 0 to 1024`},
		{name: "reproduce seeds bound", args: []string{"reproduce", "one-hidden-layer", "--seeds", "1000000000", "--out", "{dir}/r"}, code: 2,
			msg: `--seeds: got 1000000000, want 1 to 1000`},
		{name: "reproduce jobs bound", args: []string{"reproduce", "one-hidden-layer", "--jobs", "1000000", "--out", "{dir}/r"}, code: 2,
			msg: `--jobs: got 1000000, want 0 to 1024`},
		{name: "reproduce network too big", args: []string{"reproduce", "one-hidden-layer", "--layers", "100000,10", "--max-memory", "1GiB", "--out", "{dir}/r"}, code: 2,
			msg: `config field "layers": got \[100000 10\], want a network that fits in 1 GiB \(max_memory\)`},
	})
}

func TestHostileSweep(t *testing.T) {
	const base = "base: {mode: rate, layers: [20, 10]}\n"
	list := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprint(i)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	plan := []string{"sweep", "plan", "{dir}/s.yaml", "--out", "{dir}/sw"}
	manifest := func(lines string) func(t *testing.T, dir string) {
		return file("sw/manifest.jsonl", lines)
	}
	run := []string{"sweep", "run", "{dir}/sw", "--index", "0"}
	runHostile(t, []hostileCase{
		{name: "grid too large", setup: file("s.yaml", base+"grid: {epochs: "+list(1000)+", test_examples: "+list(1000)+"}\n"), args: plan, code: 1,
			msg: `\(1000 epochs × 1000 test_examples\) times 1 seeds makes more than 100000 runs`},
		{name: "sweep second document", setup: file("s.yaml", base+"grid: {g_a: [0]}\n---\n"), args: plan, code: 1, msg: `s\.yaml: yaml: a second document`},
		{name: "sweep file over 1 MiB", setup: file("s.yaml", base+"grid: {g_a: [0]}\n#"+strings.Repeat("x", 1<<20)), args: plan, code: 1, msg: `s\.yaml: .*more than the limit of 1 MiB`},
		{name: "sweep file FIFO", setup: fifo("s.yaml"), args: plan, code: 1, msg: `s\.yaml: is a named pipe`, timeout: 10e9},
		{name: "sweep grid nan", setup: file("s.yaml", base+"grid: {g_a: [.nan]}\n"), args: plan, code: 1, msg: `"g_a"`},
		{name: "sweep grid mis-cased key", setup: file("s.yaml", base+"grid: {G_A: [0.1]}\n"), args: plan, code: 1, msg: `unknown config key "G_A"`},
		{name: "sweep base huge value", setup: file("s.yaml", "base: {mode: "+strings.Repeat("z", 500_000)+"}\ngrid: {g_a: [0]}\n"), args: plan, code: 1, msg: `base: config field "mode": got "z+"… \(500000 bytes\)`},
		{name: "manifest FIFO", setup: fifo("sw/manifest.jsonl"), args: run, code: 1, msg: `manifest\.jsonl: is a named pipe`, timeout: 10e9},
		{name: "manifest duplicate key", setup: manifest(`{"index": 0, "index": 0, "id": "a", "params": {}, "config": {}}` + "\n"), args: run, code: 1, msg: `manifest\.jsonl line 1: config: key "index" appears twice`},
		{name: "manifest trailing data", setup: manifest(`{"index": 0, "id": "a", "params": {}, "config": {}} x` + "\n"), args: run, code: 1, msg: `manifest\.jsonl line 1: config: data after the JSON object`},
		{name: "manifest config mis-cased", setup: manifest(`{"index": 0, "id": "a", "params": {}, "config": {"Epochs": 1}}` + "\n"), args: run, code: 1, msg: `manifest\.jsonl line 1 \(run a\): config: key "Epochs": want "epochs"`},
		{name: "manifest line over 1 MiB", setup: manifest(`{"index": 0, "id": "` + strings.Repeat("a", 2<<20) + `"}` + "\n"), args: run, code: 1, msg: `manifest\.jsonl line 1: longer than 1 MiB`},
		{name: "sweep local jobs beyond memory", setup: both(file("s.yaml", "base: {mode: rate, layers: [4000, 10], max_memory: 600MiB}\ngrid: {g_a: [0, 0.1, 0.2, 0.3]}\n"),
			func(t *testing.T, dir string) {
				if out, err := exec_(t, "sweep", "plan", filepath.Join(dir, "s.yaml"), "--out", filepath.Join(dir, "sw")); err != nil {
					t.Fatalf("plan: %v %s", err, out)
				}
			}), args: []string{"sweep", "local", "{dir}/sw", "--jobs", "4"}, code: 2, msg: `--jobs 4: 4 runs of up to .* each need .*, more than the 600 MiB of max_memory; use --jobs 2 or fewer`},
		{name: "sweep local jobs bound", setup: both(file("s.yaml", base+"grid: {g_a: [0]}\n"),
			func(t *testing.T, dir string) {
				if out, err := exec_(t, "sweep", "plan", filepath.Join(dir, "s.yaml"), "--out", filepath.Join(dir, "sw")); err != nil {
					t.Fatalf("plan: %v %s", err, out)
				}
			}), args: []string{"sweep", "local", "{dir}/sw", "--jobs", "5000"}, code: 2, msg: `--jobs 5000: want at most 1024 runs at once`},
	})
}

// exec_ runs the dendrite binary (for a case's setup).
func exec_(t *testing.T, args ...string) ([]byte, error) {
	var o, e bytes.Buffer
	code := dispatch(args, &o, &e)
	if code != 0 {
		return e.Bytes(), fmt.Errorf("exit %d", code)
	}
	return o.Bytes(), nil
}

// yamlBomb is a "billion laughs" document: nine levels of nine aliases.
func yamlBomb() string {
	var b strings.Builder
	b.WriteString("a: &a [x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for i := 1; i < 10; i++ {
		n := string(rune('a' + i))
		b.WriteString(n + ": &" + n + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", ") + "]\n")
		prev = n
	}
	return b.String()
}

// --data trains on IDX images of any size: the network's input size is
// the headers' (here 14×14 = 196 inputs), and dendrite test reads them too.
func TestTrainOtherImageSize(t *testing.T) {
	data := dataDir(t, func(f map[string][]byte) {
		img := func(n int) []byte {
			b := make([]byte, n*196)
			for i := range b {
				b[i] = byte((i * 11) % 256)
			}
			return b
		}
		f["train-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{30, 14, 14}, img(30)))
		f["t10k-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{20, 14, 14}, img(20)))
	})
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := runCLI("train", "--data", data, "--out", out, "--mode", "rate", "--layers", "20,10",
		"--train-examples", "10", "--test-examples", "5", "--quick-test-examples", "0", "--quiet")
	if code != 0 || !strings.Contains(stdout, "test error") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	w, err := npy.ReadFile(filepath.Join(out, "weights", "final", "W_0.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Data) != 196*20 {
		t.Errorf("W0 holds %d weights, want 196×20", len(w.Data))
	}
	if code, stdout, stderr := runCLI("test", out); code != 0 || !strings.Contains(stdout, "%") {
		t.Errorf("dendrite test: exit %d: %s%s", code, stdout, stderr)
	}
}
