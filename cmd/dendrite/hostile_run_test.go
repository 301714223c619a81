//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

// Hostile cases of the run-folder classes: overwrite safety, provenance,
// honest summaries, resume, signals and the consistency of the CLI. Every
// fixture run folder is made by a real tiny run (rate mode, 10 examples).
//
// Each case builds its world in setup (returning the command line), runs it
// in-process, and asserts the exit code, one message line naming the file,
// flag or field (want), a bounded time, and what must hold of the files
// afterwards (check).

// hostileRun is one case.
type hostileRun struct {
	name  string
	setup func(t *testing.T, w *world) []string
	code  int
	want  []string // substrings of stderr (all must appear)
	check func(t *testing.T, w *world, stdout, stderr string)
}

// world is a case's scratch space.
type world struct {
	root string
	data string            // a tiny data set
	out  string            // the --out of the case (absent at first)
	keep map[string]string // what a check compares with (a snapshot of files)
}

func newWorld(t *testing.T) *world {
	root := t.TempDir()
	return &world{root: root, data: dataDir(t, nil), out: filepath.Join(root, "run")}
}

// train makes a real tiny run into dir on w.data with extra flags.
func (w *world) train(t *testing.T, dir string, extra ...string) {
	t.Helper()
	args := append([]string{"train", "--data", w.data, "--out", dir}, tiny...)
	code, _, stderr := runCLI(append(args, extra...)...)
	if code != 0 {
		t.Fatalf("fixture run: exit %d: %s", code, stderr)
	}
}

// interrupted makes a real run into dir that stops after `after` examples
// with a checkpoint (as Ctrl-C would), on w.data.
func (w *world) interrupted(t *testing.T, dir string, after int, epochs int) {
	t.Helper()
	train, test := loadTiny(t, w.data)
	cfg := tinyConfig(t, epochs)
	_, err := run.Train(context.Background(), cfg, dir, run.Options{DataDir: w.data, Train: train, Test: test, StopAfter: after})
	if !errors.Is(err, run.ErrInterrupted) {
		t.Fatalf("fixture interrupted run: %v", err)
	}
}

func loadTiny(t *testing.T, dir string) (train, test *dataset.Set) {
	t.Helper()
	train, test, err := dataset.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

func tinyConfig(t *testing.T, epochs int) config.Config {
	t.Helper()
	c := config.Default("paper")
	c.Mode, c.Layers, c.TrainExamples, c.TestExamples, c.QuickTestExamples, c.Epochs = "rate", []int{20, 10}, 10, 10, 0, epochs
	c.Resolve()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

// snapshot lists every file under dir with its content, to prove that a
// refused command changed nothing.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	if len(before) == 0 {
		t.Fatalf("%s: empty snapshot", what)
	}
	for p, b := range before {
		if a, ok := after[p]; !ok || a != b {
			t.Errorf("%s: %s was deleted or changed", what, p)
		}
	}
}

func summaryJSON(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(rundir.Path(dir, rundir.SummaryFile))
	if err != nil {
		t.Fatalf("summary: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func otherData(f map[string][]byte) {
	lab := make([]byte, 20)
	for i := range lab {
		lab[i] = byte((i + 3) % 10)
	}
	f["t10k-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{20}, lab))
}

func TestHostileRunFolder(t *testing.T) {
	userFiles := func(t *testing.T, w *world, dir string) {
		os.MkdirAll(filepath.Join(dir, "chapter1"), 0o755)
		os.WriteFile(filepath.Join(dir, "thesis.tex"), []byte("\\documentclass{book}"), 0o644)
		os.WriteFile(filepath.Join(dir, "chapter1", "notes.txt"), []byte("notes"), 0o644)
		w.keep = snapshot(t, dir)
	}
	unchanged := func(dir func(w *world) string) func(t *testing.T, w *world, _, _ string) {
		return func(t *testing.T, w *world, _, _ string) {
			sameFiles(t, "refused command", w.keep, snapshot(t, dir(w)))
		}
	}
	outDir := func(w *world) string { return w.out }
	dataOf := func(w *world) string { return w.data }
	base := func(w *world, extra ...string) []string {
		return append(append([]string{"train", "--data", w.data, "--out", w.out}, tiny...), extra...)
	}
	cases := []hostileRun{
		// --- overwrite safety -------------------------------------------------
		{name: "overwrite a folder of user files", code: 1, want: []string{"--overwrite refused", ".dendrite-run"},
			setup: func(t *testing.T, w *world) []string { userFiles(t, w, w.out); return base(w, "--overwrite") },
			check: unchanged(outDir)},
		{name: "user files without overwrite", code: 1, want: []string{"not a dendrite run", "choose another --out"},
			setup: func(t *testing.T, w *world) []string { userFiles(t, w, w.out); return base(w) },
			check: func(t *testing.T, w *world, _, stderr string) {
				sameFiles(t, "refused", w.keep, snapshot(t, w.out))
				if strings.Contains(stderr, "pass --overwrite") {
					t.Errorf("suggests --overwrite for a folder it would refuse to overwrite: %s", stderr)
				}
			}},
		{name: "out equals data", code: 1, want: []string{"--data", "overlap"},
			setup: func(t *testing.T, w *world) []string {
				w.keep = snapshot(t, w.data)
				return append(append([]string{"train", "--data", w.data, "--out", w.data}, tiny...), "--overwrite")
			},
			check: unchanged(dataOf)},
		{name: "out inside data", code: 1, want: []string{"--data", "overlap"},
			setup: func(t *testing.T, w *world) []string {
				w.keep = snapshot(t, w.data)
				return append([]string{"train", "--data", w.data, "--out", filepath.Join(w.data, "runs", "a")}, tiny...)
			},
			check: func(t *testing.T, w *world, _, _ string) {
				sameFiles(t, "data", w.keep, snapshot(t, w.data))
				if _, err := os.Stat(filepath.Join(w.data, "runs")); err == nil {
					t.Error("a folder was created inside --data")
				}
			}},
		{name: "out contains data", code: 1, want: []string{"--data", "overlap"},
			setup: func(t *testing.T, w *world) []string {
				// The data set lives inside an old run folder of ours.
				w.train(t, w.out)
				inner := filepath.Join(w.out, "mnist")
				os.MkdirAll(inner, 0o755)
				for p, b := range snapshot(t, w.data) {
					os.WriteFile(filepath.Join(inner, filepath.Base(p)), []byte(b), 0o644)
				}
				w.data = inner
				w.keep = snapshot(t, w.out)
				return base(w, "--overwrite")
			},
			check: unchanged(outDir)},
		{name: "out is the init-weights folder", code: 1, want: []string{"--init-weights", "overlap"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				w.keep = snapshot(t, w.out)
				return base(w, "--overwrite", "--init-weights", rundir.Weights(w.out, "final"))
			},
			check: unchanged(outDir)},
		{name: "overwrite with an invalid config keeps the old run", code: 2, want: []string{"layers"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				w.keep = snapshot(t, w.out)
				return base(w, "--overwrite", "--layers", "20,7")
			},
			check: unchanged(outDir)},
		{name: "overwrite with missing data keeps the old run", code: 1, want: []string{"nowhere"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				w.keep = snapshot(t, w.out)
				return append(append([]string{"train", "--data", filepath.Join(w.root, "nowhere"), "--out", w.out}, tiny...), "--overwrite")
			},
			check: unchanged(outDir)},
		{name: "overwrite with bad init weights keeps the old run", code: 1, want: []string{"W_0.npy"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				other := filepath.Join(w.root, "other")
				w.train(t, other, "--layers", "30,10")
				w.keep = snapshot(t, w.out)
				return base(w, "--overwrite", "--init-weights", rundir.Weights(other, "final"))
			},
			check: unchanged(outDir)},
		{name: "overwrite a run held by a live process", code: 1, want: []string{"in use", "run.lock"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				os.WriteFile(rundir.Path(w.out, rundir.LockFile), []byte("1 "+rundir.Hostname()+"\n"), 0o644)
				w.keep = snapshot(t, w.out)
				return base(w, "--overwrite")
			},
			check: unchanged(outDir)},
		{name: "out is a file", code: 1, want: []string{"not a directory"},
			setup: func(t *testing.T, w *world) []string {
				os.WriteFile(w.out, []byte("keep me"), 0o644)
				return base(w, "--overwrite")
			},
			check: func(t *testing.T, w *world, _, _ string) {
				if b, _ := os.ReadFile(w.out); string(b) != "keep me" {
					t.Error("the file was changed")
				}
			}},
		{name: "overwrite replaces a run of ours", code: 0,
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out, "--layers", "30,10")
				return base(w, "--overwrite")
			},
			check: func(t *testing.T, w *world, _, _ string) {
				b, _ := os.ReadFile(rundir.Path(w.out, rundir.ConfigFile))
				if !strings.Contains(string(b), "20") || strings.Contains(string(b), "30,") {
					t.Errorf("config.json not replaced: %s", b)
				}
			}},
		// --- provenance ---------------------------------------------------------
		{name: "provenance recorded", code: 0,
			setup: func(t *testing.T, w *world) []string { return base(w) },
			check: func(t *testing.T, w *world, _, _ string) {
				p, err := rundir.ReadProvenance(w.out)
				if err != nil {
					t.Fatal(err)
				}
				abs, _ := filepath.Abs(w.data)
				if p.Data.Dir != abs || len(p.Data.Files) != 4 || len(p.Data.Files[0].SHA256) != 64 {
					t.Errorf("data %+v", p.Data)
				}
				if p.Program.GoVersion == "" || p.Program.GOOS == "" || (p.Kernels != "go" && p.Kernels != "avx2+fma") {
					t.Errorf("program %+v kernels %q", p.Program, p.Kernels)
				}
			}},
		{name: "resume on other data is refused", code: 1, want: []string{"differ", "t10k-labels", "--allow-other-data"},
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				return []string{"train", "--resume", w.out, "--data", dataDir(t, otherData), "--quiet"}
			},
			check: func(t *testing.T, w *world, _, _ string) {
				if s, _ := rundir.ReadSummary(w.out); s == nil || s.Status != rundir.Interrupted {
					t.Errorf("summary changed: %+v", s)
				}
			}},
		{name: "resume on other data with --allow-other-data", code: 0, want: []string{"other data"},
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				return []string{"train", "--resume", w.out, "--data", dataDir(t, otherData), "--allow-other-data"}
			}},
		{name: "resume uses the recorded data", code: 0,
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				return []string{"train", "--resume", w.out, "--quiet"} // no --data: the bundled MNIST would differ
			},
			check: func(t *testing.T, w *world, stdout, _ string) {
				if !strings.Contains(stdout, "on 10 test images") {
					t.Errorf("stdout %q", stdout)
				}
			}},
		{name: "resume when the recorded data are gone", code: 1, want: []string{"train-images", "provenance.json", "--data"},
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				os.RemoveAll(w.data)
				return []string{"train", "--resume", w.out, "--quiet"}
			}},
		{name: "test on other data is refused", code: 1, want: []string{"differ", "--allow-other-data"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				return []string{"test", w.out, "--data", dataDir(t, otherData)}
			}},
		{name: "test when the recorded data are gone", code: 1, want: []string{"train-images"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				os.RemoveAll(w.data)
				return []string{"test", w.out}
			}},
		// --- honest summaries ---------------------------------------------------
		{name: "interrupted summary has no final test error", code: 0,
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				return []string{"version"}
			},
			check: func(t *testing.T, w *world, stdout, _ string) {
				s := summaryJSON(t, w.out)
				if _, ok := s["final_test_error"]; ok || s["status"] != "interrupted" {
					t.Errorf("summary %v", s)
				}
				// (dendrite version names the kernels a run folder records.)
				if !strings.Contains(stdout, "kernels "+sim.Kernels()) {
					t.Errorf("version: %q", stdout)
				}
			}},
		{name: "complete summary", code: 0,
			setup: func(t *testing.T, w *world) []string { return base(w) },
			check: func(t *testing.T, w *world, _, _ string) {
				s := summaryJSON(t, w.out)
				if _, ok := s["final_test_error"].(float64); !ok || s["status"] != "complete" {
					t.Errorf("summary %v", s)
				}
			}},
		{name: "empty test set", code: 1, want: []string{"test set holds no images"},
			setup: func(t *testing.T, w *world) []string {
				w.data = dataDir(t, func(f map[string][]byte) {
					f["t10k-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{0, 28, 28}, nil))
					f["t10k-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{0}, nil))
				})
				return []string{"train", "--data", w.data, "--out", w.out, "--mode", "rate", "--layers", "20,10", "--train-examples", "10", "--quiet"}
			},
			check: func(t *testing.T, w *world, _, _ string) {
				if _, err := os.Stat(w.out); err == nil {
					t.Error("a run folder was created for an empty test set")
				}
			}},
		{name: "empty training set", code: 1, want: []string{"training set holds no images"},
			setup: func(t *testing.T, w *world) []string {
				w.data = dataDir(t, func(f map[string][]byte) {
					f["train-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{0, 28, 28}, nil))
					f["train-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{0}, nil))
				})
				return []string{"train", "--data", w.data, "--out", w.out, "--mode", "rate", "--layers", "20,10", "--quiet"}
			}},
		// --- resume -------------------------------------------------------------
		{name: "resume with fewer epochs than done", code: 1, want: []string{"--epochs 1", "already done 2"},
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 25, 4) // 2 epochs of 10, then 5 examples
				return []string{"train", "--resume", w.out, "--epochs", "1", "--quiet"}
			}},
		{name: "resume extends epochs and says so", code: 0, want: []string{"epochs: 3 (was 1)"},
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				return []string{"train", "--resume", w.out, "--epochs", "3"}
			},
			check: func(t *testing.T, w *world, _, _ string) {
				b, _ := os.ReadFile(rundir.Path(w.out, rundir.ConfigFile))
				var c map[string]any
				json.Unmarshal(b, &c)
				if c["epochs"] != 3.0 {
					t.Errorf("config.json epochs = %v", c["epochs"])
				}
				if s, _ := rundir.ReadSummary(w.out); s == nil || s.Epochs != 3 || s.Status != rundir.Complete {
					t.Errorf("summary %+v", s)
				}
			}},
		{name: "resume with other workers", code: 0,
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				return []string{"train", "--resume", w.out, "--workers", "3", "--quiet"}
			}},
		{name: "resume an aborted run", code: 1, want: []string{"aborted", "--overwrite"},
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				s, _ := rundir.ReadSummary(w.out)
				s.Status = rundir.Aborted
				rundir.WriteSummary(w.out, s)
				return []string{"train", "--resume", w.out, "--quiet"}
			}},
		{name: "resume changes another key", code: 2, want: []string{"--layers", "cannot be changed"},
			setup: func(t *testing.T, w *world) []string {
				w.interrupted(t, w.out, 3, 1)
				return []string{"train", "--resume", w.out, "--layers", "30,10"}
			}},
		// --- CLI consistency ----------------------------------------------------
		{name: "test takes the folder positionally and as --run", code: 0,
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				code, o, e := runCLI("test", "--run", w.out)
				if code != 0 {
					t.Fatalf("test --run: %d %s", code, e)
				}
				w.keep = map[string]string{"stdout": o}
				return []string{"test", w.out}
			},
			check: func(t *testing.T, w *world, stdout, _ string) {
				if stdout != w.keep["stdout"] || !strings.Contains(stdout, "on 10 images") {
					t.Errorf("positional %q, --run %q", stdout, w.keep["stdout"])
				}
			}},
		{name: "test --test-examples -5", code: 2, want: []string{"--test-examples", "-5"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				return []string{"test", w.out, "--test-examples", "-5"}
			}},
		{name: "test --workers -1", code: 2, want: []string{"--workers"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				return []string{"test", w.out, "--workers", "-1"}
			}},
		{name: "test more images than there are", code: 2, want: []string{"--test-examples", "20 images"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, w.out)
				return []string{"test", w.out, "--test-examples", "21"}
			}},
		{name: "test a folder that is not a run", code: 1, want: []string{"not a run folder"},
			setup: func(t *testing.T, w *world) []string { userFiles(t, w, w.out); return []string{"test", w.out} }},
		{name: "plot a folder that is not a run", code: 1, want: []string{"not a run folder"},
			setup: func(t *testing.T, w *world) []string { userFiles(t, w, w.out); return []string{"plot", w.out} },
			check: unchanged(outDir)},
		{name: "report a folder that is not a run", code: 1, want: []string{"not a run folder"},
			setup: func(t *testing.T, w *world) []string { userFiles(t, w, w.out); return []string{"report", w.out} },
			check: unchanged(outDir)},
		{name: "report a missing folder", code: 1, want: []string{"not a run folder"},
			setup: func(t *testing.T, w *world) []string { return []string{"report", filepath.Join(w.root, "none")} }},
		{name: "reproduce --seed with --first-seed", code: 2, want: []string{"--seed", "--first-seed"},
			setup: func(t *testing.T, w *world) []string {
				return []string{"reproduce", "one-hidden-layer", "--seed", "7", "--first-seed", "2"}
			}},
		{name: "reproduce into a folder that holds a run suggests --resume", code: 1, want: []string{"--resume"},
			setup: func(t *testing.T, w *world) []string {
				w.train(t, filepath.Join(w.out, "rate-mode-one-hidden-layer", "seed-1"))
				return []string{"reproduce", "rate-mode-one-hidden-layer", "--out", w.out, "--data", w.data, "--quiet",
					"--train-examples", "10", "--test-examples", "10"}
			},
			check: func(t *testing.T, w *world, _, stderr string) {
				if strings.Contains(stderr, "--overwrite") {
					t.Errorf("reproduce suggests --overwrite, which it does not define: %s", stderr)
				}
			}},
		{name: "reproduce --seed is honoured", code: 0,
			setup: func(t *testing.T, w *world) []string {
				return []string{"reproduce", "rate-mode-one-hidden-layer", "--seed", "7", "--out", w.out, "--data", w.data, "--quiet",
					"--train-examples", "10", "--test-examples", "10", "--layers", "20,10"}
			},
			check: func(t *testing.T, w *world, _, _ string) {
				s, err := rundir.ReadSummary(filepath.Join(w.out, "rate-mode-one-hidden-layer", "seed-7"))
				if err != nil || s.Seed != 7 {
					t.Errorf("seed-7 run: %+v %v", s, err)
				}
			}},
		{name: "train --log-every -1", code: 2, want: []string{"--log-every"},
			setup: func(t *testing.T, w *world) []string { return base(w, "--log-every", "-1") }},
		{name: "allow-other-data without resume", code: 2, want: []string{"--allow-other-data", "--resume"},
			setup: func(t *testing.T, w *world) []string { return base(w, "--allow-other-data") }},
	}
	// Refusals run the real binary through the shared hostile harness
	// (runHostile: exit code, one bounded line, time and memory limits);
	// each case's world lives outside the harness's {dir}, built first.
	// Successes, whose stderr is empty with --quiet, run in-process.
	var refusals []hostileCase
	for _, c := range cases {
		if c.code == 0 {
			continue
		}
		c := c
		w := newWorld(t)
		args := c.setup(t, w)
		refusals = append(refusals, hostileCase{name: c.name, args: args, code: c.code, msg: regexp.QuoteMeta(c.want[0]),
			check: func(t *testing.T, _, stdout, stderr string) {
				for _, s := range c.want[1:] {
					if !strings.Contains(stderr, s) {
						t.Errorf("stderr lacks %q:\n%s", s, stderr)
					}
				}
				if c.check != nil {
					c.check(t, w, stdout, stderr)
				}
			}})
	}
	runHostile(t, refusals)
	for _, c := range cases {
		if c.code != 0 {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			args := c.setup(t, w)
			start := time.Now()
			code, stdout, stderr := runCLI(args...)
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v", d)
			}
			if code != 0 {
				t.Errorf("exit code %d, want 0; stderr:\n%s", code, stderr)
			}
			for _, s := range c.want {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if strings.Contains(stderr, "panic:") || goroutineTrace.MatchString(stderr) {
				t.Errorf("panic:\n%s", stderr)
			}
			if c.check != nil {
				c.check(t, w, stdout, stderr)
			}
		})
	}
}

// A second SIGINT stops a run at once and leaves a consistent folder: no
// lock, and a summary that says interrupted (the checkpoint resumes) or
// aborted (no checkpoint; not resumable). SIGINT during a long test stops
// it within a second or two.
func TestHostileSignals(t *testing.T) {
	bin := buildBinary(t)
	// 3000 test images in spiking mode: the initial test takes many seconds.
	w := newWorld(t)
	big := dataDir(t, func(f map[string][]byte) {
		img := make([]byte, 3000*784)
		for i := range img {
			img[i] = byte(i * 13)
		}
		lab := make([]byte, 3000)
		for i := range lab {
			lab[i] = byte(i % 10)
		}
		f["t10k-images-idx3-ubyte.gz"] = gz(idx(0x803, []uint32{3000, 28, 28}, img))
		f["t10k-labels-idx1-ubyte.gz"] = gz(idx(0x801, []uint32{3000}, lab))
	})
	start := func(t *testing.T, dir string, extra ...string) (*exec.Cmd, *bytes.Buffer) {
		args := append([]string{"train", "--data", big, "--out", dir, "--mode", "spiking", "--layers", "50,10",
			"--train-examples", "30", "--quick-test-examples", "0", "--quiet"}, extra...)
		cmd := exec.Command(bin, args...)
		var e bytes.Buffer
		cmd.Stderr = &e
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the run folder is written (the signal handler is installed by then).
		for i := 0; i < 1000; i++ {
			if _, err := os.Stat(rundir.Weights(dir, "initial")); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond)
		return cmd, &e
	}
	wait := func(t *testing.T, cmd *exec.Cmd, e *bytes.Buffer, from time.Time, limit time.Duration) {
		t.Helper()
		err := cmd.Wait()
		if d := time.Since(from); d > limit {
			t.Errorf("stopped %v after the signal, want < %v", d, limit)
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
			t.Errorf("exit %v, want %d; stderr: %s", err, exitInterrupted, e)
		}
	}
	t.Run("Ctrl-C during a long test", func(t *testing.T) {
		dir := filepath.Join(w.root, "test-interrupt")
		cmd, e := start(t, dir, "--initial-test", "--test-examples", "3000")
		from := time.Now()
		cmd.Process.Signal(syscall.SIGINT)
		wait(t, cmd, e, from, 2*time.Second)
		s, err := rundir.ReadSummary(dir)
		if err != nil || s.Status != rundir.Interrupted || len(s.FullTestErrors) != 0 {
			t.Errorf("summary %+v %v", s, err)
		}
		if _, err := os.Stat(rundir.Path(dir, rundir.LockFile)); err == nil {
			t.Error("run.lock left behind")
		}
	})
	t.Run("Ctrl-C in sweep local", func(t *testing.T) {
		src := filepath.Join(w.root, "s.yaml")
		os.WriteFile(src, []byte("base: {mode: rate, layers: [20, 10], epochs: 400, train_examples: 200, test_examples: 10, quick_test_examples: 0}\ngrid: {etas: [[0.2, 0.2]]}\nseeds: [1, 2]\n"), 0o644)
		sw := filepath.Join(w.root, "sweep")
		if out, err := exec.Command(bin, "sweep", "plan", src, "--out", sw).CombinedOutput(); err != nil {
			t.Fatalf("plan: %v %s", err, out)
		}
		cmd := exec.Command(bin, "sweep", "local", sw, "--jobs", "1")
		var e bytes.Buffer
		cmd.Stderr = &e
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2000; i++ {
			if m, _ := filepath.Glob(filepath.Join(sw, "runs", "*", rundir.CheckpointFile)); len(m) > 0 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		from := time.Now()
		cmd.Process.Signal(syscall.SIGINT)
		wait(t, cmd, &e, from, 5*time.Second)
		if strings.Contains(e.String(), "--resume") || strings.Contains(e.String(), "context canceled") {
			t.Errorf("message: %s", e.String())
		}
		st, err := exec.Command(bin, "sweep", "status", sw).CombinedOutput()
		if err != nil || strings.Contains(string(st), "--resume") {
			t.Errorf("status: %v %s", err, st)
		}
	})
	t.Run("second Ctrl-C", func(t *testing.T) {
		dir := filepath.Join(w.root, "double")
		cmd, e := start(t, dir, "--initial-test", "--test-examples", "3000")
		from := time.Now()
		cmd.Process.Signal(syscall.SIGINT)
		time.Sleep(5 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGINT)
		wait(t, cmd, e, from, 2*time.Second)
		if _, err := os.Stat(rundir.Path(dir, rundir.LockFile)); err == nil {
			t.Error("run.lock left behind")
		}
		s, err := rundir.ReadSummary(dir)
		if err != nil {
			t.Fatalf("no consistent summary: %v", err)
		}
		switch s.Status {
		case rundir.Interrupted:
			if !rundir.HasCheckpoint(dir) {
				t.Error("interrupted without a checkpoint")
			}
		case rundir.Aborted:
			out, err := exec.Command(bin, "train", "--resume", dir, "--quiet").CombinedOutput()
			if err == nil || !strings.Contains(string(out), "aborted") {
				t.Errorf("resume of an aborted run: %v %s", err, out)
			}
		default:
			t.Errorf("status %q", s.Status)
		}
	})
}

// Flags and positional arguments mix in any order, boolean flags included
// (a boolean flag never takes the next argument as its value).
func TestInterleave(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.Bool("quiet", false, "")
	fs.String("data", "", "")
	config.Flags(fs) // the config's flags, booleans among them
	for _, c := range []struct{ in, want string }{
		{"--quiet NAME --data D", "--quiet --data D -- NAME"},
		{"NAME --quiet --seeds-x", "--quiet --seeds-x -- NAME"},
		{"A --data=D B", "--data=D -- A B"},
		{"--initial-test NAME --epochs 2", "--initial-test --epochs 2 -- NAME"},
		{"--data D", "--data D"},
		{"A -- --weird", "-- A --weird"},
	} {
		got := strings.Join(interleave(fs, strings.Fields(c.in)), " ")
		if got != c.want {
			t.Errorf("interleave(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// End to end: a boolean flag before the run folder.
	w := newWorld(t)
	w.train(t, w.out)
	if code, _, e := runCLI("test", "--allow-other-data", w.out, "--data", w.data); code != 0 {
		t.Errorf("test --allow-other-data DIR --data D: exit %d: %s", code, e)
	}
}
