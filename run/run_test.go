package run

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/rundir"
)

var (
	mnistOnce       sync.Once
	mnTrain, mnTest *dataset.Set
	mnErr           error
)

func mnist(t testing.TB) (*dataset.Set, *dataset.Set) {
	t.Helper()
	mnistOnce.Do(func() { mnTrain, mnTest, mnErr = dataset.LoadMNIST("") })
	if mnErr != nil {
		t.Fatalf("MNIST: %v", mnErr)
	}
	return mnTrain, mnTest
}

func cfgFor(t testing.TB, mut func(*config.Config)) config.Config {
	t.Helper()
	c := config.Default("paper")
	c.Mode = "rate"
	c.InitialTest = false
	if mut != nil {
		mut(&c)
	}
	c.Resolve()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

func opts(t testing.TB) Options {
	tr, te := mnist(t)
	return Options{Train: tr, Test: te}
}

// A small learning run: rate mode, (500,10), 5000 examples, 1000 test images.
func TestRateLearnsMNIST(t *testing.T) {
	cfg := cfgFor(t, func(c *config.Config) {
		c.TrainExamples = 5000
		c.TestExamples = 1000
		c.RecordBPAngle = true
	})
	dir := t.TempDir()
	sum, err := Train(context.Background(), cfg, dir, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test error %.1f%% after 5000 examples (%.0f ex/s)", *sum.FinalTestError, sum.ExamplesPerSecond)
	if *sum.FinalTestError > 22 {
		t.Errorf("test error %.1f%% after 5000 examples, want ≤ 22%%", *sum.FinalTestError)
	}
	if sum.Status != "complete" || sum.ExamplesTrained != 5000 || sum.Epochs != 1 {
		t.Errorf("summary %+v", sum)
	}
	// The backprop angle of hidden layer 0 starts near 90° and falls well below it.
	a, err := npy.ReadFile(filepath.Join(dir, "records", "bp_angles.npy"))
	if err != nil {
		t.Fatal(err)
	}
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	first, last := mean(a.Data[:200]), mean(a.Data[4000:5000])
	t.Logf("bp angle: first 200 examples %.1f°, examples 4000–5000 %.1f°", first, last)
	if first < 80 || last > 70 {
		t.Errorf("bp angle %.1f° → %.1f°, want ≈90° falling below 70°", first, last)
	}
	for _, f := range []string{"config.json", "summary.json", "metrics.csv", "weights/initial/W_0.npy", "weights/final/Y_0.npy",
		"records/final_layer_loss.npy", "records/training_labels.npy", "records/losses.csv", rundir.CheckpointFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run folder lacks %s", f)
		}
	}
	m, _ := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if lines := strings.Count(string(m), "\n"); lines != 1+4+1 {
		t.Errorf("metrics.csv has %d lines, want header + 4 quick + 1 full:\n%s", lines, m)
	}
}

func readWeights(t *testing.T, dir string) map[string][]float64 {
	t.Helper()
	out := map[string][]float64{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		a, err := npy.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = a.Data
	}
	return out
}

func sameBits(t *testing.T, what string, a, b map[string][]float64) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d vs %d files", what, len(a), len(b))
	}
	for k, va := range a {
		vb := b[k]
		if len(va) != len(vb) {
			t.Fatalf("%s %s: lengths differ", what, k)
		}
		for i := range va {
			if math.Float64bits(va[i]) != math.Float64bits(vb[i]) {
				t.Fatalf("%s %s[%d]: %v vs %v", what, k, i, va[i], vb[i])
			}
		}
	}
}

func metricsNoTime(t *testing.T, dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		out = append(out, l[:strings.LastIndexByte(l, ',')])
	}
	return strings.Join(out, "\n")
}

// An interrupted and resumed run ends bit-identical to an uninterrupted one,
// in rate and spiking mode, across epoch boundaries and mid-epoch stops.
func TestResumeBitIdentical(t *testing.T) {
	for _, tc := range []struct {
		name string
		mut  func(*config.Config)
		stop []int
	}{
		{"rate", func(c *config.Config) {
			c.Layers = []int{40, 10}
			c.Epochs, c.TrainExamples, c.TestExamples = 2, 700, 200
			c.QuickTestEvery, c.QuickTestExamples = 250, 50
			c.RecordBPAngle, c.RecordEigvals = true, true
		}, []int{300, 500, 1}},
		{"spiking", func(c *config.Config) {
			c.Mode = "spiking"
			c.Layers = []int{20, 10}
			c.Epochs, c.TrainExamples, c.TestExamples = 2, 40, 20
			c.QuickTestEvery, c.QuickTestExamples = 15, 10
			c.TestPhase = 60
			c.RandPlateauTimes = true
			c.RecordPlateauTimes, c.RecordPhaseTimes = true, true
			c.RecordVoltages, c.VoltageExamples = true, []int{30, 50}
			c.CheckpointEvery = 7
		}, []int{17, 23, 1, 30}},
		{"spiking-float32", func(c *config.Config) {
			// float32 rows: the resumed Sim remakes its copies from the loaded weights
			c.Mode = "spiking"
			c.Layers = []int{40, 10}
			c.Precision = "float32"
			c.Epochs, c.TrainExamples, c.TestExamples = 2, 30, 20
			c.QuickTestEvery, c.QuickTestExamples = 15, 10
			c.TestPhase = 60
			c.CheckpointEvery = 7
		}, []int{11, 26}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := cfgFor(t, tc.mut)
			full := t.TempDir()
			if _, err := Train(context.Background(), cfg, full, opts(t)); err != nil {
				t.Fatal(err)
			}
			part := t.TempDir()
			o := opts(t)
			for i, n := range tc.stop {
				o.StopAfter = n
				o.Resume = i > 0
				_, err := Train(context.Background(), cfg, part, o)
				if !errors.Is(err, ErrInterrupted) {
					t.Fatalf("stop %d: err = %v, want ErrInterrupted", i, err)
				}
				if s, _ := ReadSummary(part); s == nil || s.Status != "interrupted" {
					t.Fatalf("stop %d: summary %+v", i, s)
				}
			}
			o.StopAfter, o.Resume = 0, true
			if _, err := Train(context.Background(), cfg, part, o); err != nil {
				t.Fatal(err)
			}
			sameBits(t, "final weights", readWeights(t, filepath.Join(full, "weights", "final")), readWeights(t, filepath.Join(part, "weights", "final")))
			for _, f := range []string{"final_layer_loss.npy", "training_labels.npy", "full_test_errors.npy", "quick_test_errors.npy"} {
				a, _ := npy.ReadFile(filepath.Join(full, "records", f))
				b, _ := npy.ReadFile(filepath.Join(part, "records", f))
				if a == nil || b == nil {
					t.Fatalf("%s missing", f)
				}
				sameBits(t, f, map[string][]float64{f: a.Data}, map[string][]float64{f: b.Data})
			}
			if a, b := metricsNoTime(t, full), metricsNoTime(t, part); a != b {
				t.Errorf("metrics differ:\n%s\n---\n%s", a, b)
			}
			if tc.name == "spiking" {
				for _, f := range []string{"voltages.csv"} { // recorded by the spiking case only
					a, _ := os.ReadFile(filepath.Join(full, "records", f))
					b, _ := os.ReadFile(filepath.Join(part, "records", f))
					if len(a) == 0 || !bytes.Equal(a, b) {
						t.Errorf("%s differs after resume (%d vs %d bytes)", f, len(a), len(b))
					}
				}
			}
		})
	}
}

// Same seed: bit-identical; more workers: same results; other seed: different.
func TestDeterminism(t *testing.T) {
	mk := func(seed uint64, workers int) config.Config {
		return cfgFor(t, func(c *config.Config) {
			c.Mode = "spiking"
			c.Layers = []int{20, 10}
			c.TrainExamples, c.TestExamples, c.QuickTestExamples = 30, 40, 0
			c.TestPhase = 60
			c.Seed, c.Workers = seed, workers
		})
	}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, x := range []struct {
		dir     string
		seed    uint64
		workers int
	}{{a, 5, 1}, {b, 5, 2}, {c, 6, 2}} {
		if _, err := Train(context.Background(), mk(x.seed, x.workers), x.dir, opts(t)); err != nil {
			t.Fatal(err)
		}
	}
	sameBits(t, "weights", readWeights(t, filepath.Join(a, "weights", "final")), readWeights(t, filepath.Join(b, "weights", "final")))
	if metricsNoTime(t, a) != metricsNoTime(t, b) {
		t.Error("metrics depend on the number of workers")
	}
	wa, wc := readWeights(t, filepath.Join(a, "weights", "final")), readWeights(t, filepath.Join(c, "weights", "final"))
	if wa["W_0.npy"][0] == wc["W_0.npy"][0] {
		t.Error("different seeds gave the same weights")
	}
}

func TestInterruptByContext(t *testing.T) {
	cfg := cfgFor(t, func(c *config.Config) { c.Layers = []int{20, 10}; c.TrainExamples = 500; c.TestExamples = 50 })
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sum, err := Train(ctx, cfg, dir, opts(t))
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v", err)
	}
	if sum.ExamplesTrained != 1 {
		t.Errorf("trained %d examples after cancellation, want the current one only", sum.ExamplesTrained)
	}
	if _, err := os.Stat(filepath.Join(dir, rundir.CheckpointFile)); err != nil {
		t.Error("no checkpoint after interruption")
	}
	// A new run into the folder is refused; resume works.
	if _, err := Train(context.Background(), cfg, dir, opts(t)); err == nil || !strings.Contains(err.Error(), "Options.Resume") || strings.Contains(err.Error(), "--") {
		t.Errorf("new run into an interrupted folder: %v", err)
	}
	o := opts(t)
	o.Resume = true
	if s, err := Train(context.Background(), cfg, dir, o); err != nil || s.ExamplesTrained != 500 {
		t.Fatalf("resume: %v %+v", err, s)
	}
}

func TestBlowUpStopsWithMessage(t *testing.T) {
	cfg := cfgFor(t, func(c *config.Config) {
		c.Mode = "spiking"
		c.Layers = []int{20, 10}
		c.Etas = []float64{1e308, 1e308}
		c.TrainExamples, c.TestExamples, c.CheckpointEvery = 50, 10, 1
		c.TestPhase = 60
	})
	dir := t.TempDir()
	_, err := Train(context.Background(), cfg, dir, opts(t))
	if !errors.Is(err, ErrBlowUp) {
		t.Fatalf("err = %v, want a blow-up", err)
	}
	msg := err.Error()
	for _, want := range []string{"training example", "_", "Config.Etas", "checkpoint"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	t.Log(msg)
	s, _ := ReadSummary(dir)
	if s == nil || s.Status != "failed" {
		t.Errorf("summary %+v", s)
	}
	if _, ok := s.TestError(); ok {
		t.Errorf("a failed run reports a final test error: %+v", s)
	}
}

func TestFolderSafety(t *testing.T) {
	cfg := cfgFor(t, func(c *config.Config) {
		c.Layers = []int{10}
		c.TrainExamples = 20
		c.TestExamples = 20
		c.QuickTestExamples = 0
	})
	dir := t.TempDir()
	if _, err := Train(context.Background(), cfg, dir, opts(t)); err != nil {
		t.Fatal(err)
	}
	_, err := Train(context.Background(), cfg, dir, opts(t))
	if err == nil || !strings.Contains(err.Error(), "Options.Overwrite") || strings.Contains(err.Error(), "--") {
		t.Errorf("second run into a complete folder: %v", err)
	}
	// A live lock refuses a writer.
	if err := os.WriteFile(filepath.Join(dir, rundir.LockFile), []byte("1 "+hostname()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := opts(t)
	o.Overwrite = true
	if _, err := Train(context.Background(), cfg, dir, o); !errors.Is(err, ErrLocked) {
		t.Errorf("locked folder: %v", err)
	}
	// A stale lock (dead pid) is taken over.
	os.WriteFile(filepath.Join(dir, rundir.LockFile), []byte("999999999 "+hostname()+"\n"), 0o644)
	if _, err := Train(context.Background(), cfg, dir, o); err != nil {
		t.Errorf("stale lock: %v", err)
	}
}

func hostname() string { h, _ := os.Hostname(); return h }

// The paper's spiking mode learns too: (500,10), 10000 examples, 1000 test images.
func TestSpikingLearnsMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 10000 spiking examples")
	}
	cfg := cfgFor(t, func(c *config.Config) {
		c.Mode = "spiking"
		c.TrainExamples, c.TestExamples, c.QuickTestExamples = 10000, 1000, 0
	})
	sum, err := Train(context.Background(), cfg, t.TempDir(), opts(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("spiking: test error %.1f%% after 10000 examples (%.0f ex/s)", *sum.FinalTestError, sum.ExamplesPerSecond)
	if *sum.FinalTestError > 35 {
		t.Errorf("test error %.1f%% after 10000 spiking examples, want ≤ 35%% (chance is 90%%)", *sum.FinalTestError)
	}
}

// A second interrupt (Options.Abort) that the training goroutine cannot
// answer within AbortWait returns at once: with no checkpoint yet the folder
// is marked aborted, the lock is gone, and --resume refuses it.
func TestAbortBeforeFirstCheckpoint(t *testing.T) {
	cfg := cfgFor(t, func(c *config.Config) { c.Layers = []int{50, 10}; c.TrainExamples = 20000; c.TestExamples = 50 })
	dir, err := os.MkdirTemp("", "dendrite-abort-")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() {
		cancel()
		time.Sleep(300 * time.Millisecond) // let the training goroutine see it
		os.RemoveAll(dir)
	}()
	old := AbortWait
	AbortWait = 20 * time.Millisecond
	defer func() { AbortWait = old }()
	abort := make(chan struct{})
	close(abort)
	o := opts(t)
	o.Abort = abort
	start := time.Now()
	s, err := Train(ctx, cfg, dir, o)
	if !errors.Is(err, ErrAborted) {
		t.Fatalf("err %v, want ErrAborted", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %v", d)
	}
	if s.Status != rundir.Aborted {
		t.Errorf("status %q", s.Status)
	}
	if got, err := rundir.ReadSummary(dir); err != nil || got.Status != rundir.Aborted {
		t.Errorf("summary.json %+v %v", got, err)
	}
	if _, err := os.Stat(rundir.Path(dir, rundir.LockFile)); err == nil {
		t.Error("run.lock left behind")
	}
	o = opts(t)
	o.Resume = true
	if rundir.HasCheckpoint(dir) {
		t.Skip("the training goroutine wrote a checkpoint meanwhile")
	}
	if _, err := Train(context.Background(), cfg, dir, o); err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Errorf("resume of an aborted run without checkpoint: %v", err)
	}
}
