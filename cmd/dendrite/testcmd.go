package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/internal/stats"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/sim"
)

func testMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	runDir := fs.String("run", "", "run folder to test (required)")
	weights := fs.String("weights", "final", "which weights: final, initial, epoch_E, or a folder path")
	n := fs.Int("test-examples", 0, "images to test (0 = the run's test_examples, or all)")
	repeat := fs.Int("repeat", 1, "test this many times with fresh spike streams (the paper's repeated tests)")
	seed := fs.Uint64("seed", 0, "seed of the test streams (0 = the run's seed)")
	data := fs.String("data", "", "folder with the IDX files (default: MNIST from the Go module)")
	workers := fs.Int("workers", 0, "goroutines (0 = GOMAXPROCS)")
	if done, code := parse(fs, args, "test", "usage: dendrite test --run DIR [flags]\n\nRe-tests the saved weights of a run folder.\n\n", stdout, stderr); done {
		return code
	}
	if *runDir == "" {
		return fail(stderr, "test", usageErr{"--run DIR is required"})
	}
	if *repeat < 1 {
		return fail(stderr, "test", usageErr{fmt.Sprintf("--repeat: got %d, want ≥ 1", *repeat)})
	}
	raw, err := os.ReadFile(filepath.Join(*runDir, run.ConfigFile))
	if err != nil {
		return fail(stderr, "test", fmt.Errorf("%s is not a run folder: %w", *runDir, err))
	}
	cfg, err := config.FromJSON(raw, nil)
	if err != nil {
		return fail(stderr, "test", fmt.Errorf("%s: %w", filepath.Join(*runDir, run.ConfigFile), err))
	}
	wdir := *weights
	if fi, err := os.Stat(wdir); err != nil || !fi.IsDir() {
		wdir = filepath.Join(*runDir, "weights", *weights)
	}
	net := network.NewShape(sim.Pixels, cfg.Layers, cfg.Broadcast, cfg.FeedbackBias != option.BiasNone)
	if err := net.Load(wdir); err != nil {
		return fail(stderr, "test", err)
	}
	_, test, err := dataset.LoadMNIST(*data)
	if err != nil {
		return fail(stderr, "test", err)
	}
	count := *n
	if count == 0 {
		count = cfg.TestExamples
	}
	if count <= 0 || count > test.N {
		count = test.N
	}
	s := *seed
	if s == 0 {
		s = cfg.Seed
	}
	var errs []float64
	for r := 0; r < *repeat; r++ {
		ts := s*0x9e3779b97f4a7c15 + uint64(r)*0x632be59bd9b4e019 + 0x7465737463
		idx := rand.New(rand.NewPCG(ts, 0x54455354)).Perm(test.N)[:count]
		ev := sim.Evaluate(cfg.Model(), net, testSet{test}, idx, ts, *workers, nil)
		errs = append(errs, ev.ErrorPercent())
		fmt.Fprintf(stdout, "test %d: error %.2f%% on %d images (%s weights)\n", r+1, ev.ErrorPercent(), count, *weights)
	}
	if len(errs) > 1 {
		m, sd, lo, hi := stats.Summary(errs)
		fmt.Fprintf(stdout, "mean %.2f%% ± %.2f (s.d.), min %.2f%%, max %.2f%% over %d tests\n", m, sd, lo, hi, len(errs))
	}
	return exitOK
}

type testSet struct{ *dataset.Set }

func (t testSet) Label(i int) int { return int(t.Set.Labels[i]) }
