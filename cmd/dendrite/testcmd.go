package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/internal/stats"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

const testUsage = `usage: dendrite test DIR [flags]      (--run DIR is the same)

Re-tests the saved weights of a run folder on the data the run recorded
(provenance.json), or on --data, which must hold the same files unless
--allow-other-data is given.

`

func testMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	runFlag := fs.String("run", "", "run folder to test (the same as the positional DIR)")
	weights := fs.String("weights", "final", "which weights: final, initial, epoch_E, or a folder path")
	n := fs.Int("test-examples", 0, "images to test (0 = the run's test_examples, or all)")
	repeat := fs.Int("repeat", 1, "test this many times with fresh spike streams (the paper's repeated tests)")
	seed := fs.Uint64("seed", 0, "seed of the test streams (0 = the run's seed)")
	data := fs.String("data", "", "folder with the IDX files (default: the data the run recorded)")
	otherData := fs.Bool("allow-other-data", false, "test on --data even when its files differ from the ones the run recorded")
	workers := fs.Int("workers", 0, "goroutines (0 = GOMAXPROCS)")
	if done, code := parse(fs, interleave(fs, args), "test", testUsage, stdout, stderr); done {
		return code
	}
	runDir := *runFlag
	switch {
	case fs.NArg() > 1 || (fs.NArg() == 1 && runDir != "" && fs.Arg(0) != runDir):
		return fail(stderr, "test", usageErr{"want one run folder (DIR or --run DIR)"})
	case fs.NArg() == 1:
		runDir = fs.Arg(0)
	case runDir == "":
		return fail(stderr, "test", usageErr{"want a run folder: dendrite test DIR"})
	}
	if *workers < 0 || *workers > config.MaxWorkers {
		return fail(stderr, "test", usageErr{fmt.Sprintf("--workers: got %d, want 0 to %d (0 = one per core)", *workers, config.MaxWorkers)})
	}
	if *repeat < 1 {
		return fail(stderr, "test", usageErr{fmt.Sprintf("--repeat: got %d, want ≥ 1", *repeat)})
	}
	if *n < 0 {
		return fail(stderr, "test", usageErr{fmt.Sprintf("--test-examples: got %d, want ≥ 0 (0 = the run's test_examples)", *n)})
	}
	if *workers < 0 {
		return fail(stderr, "test", usageErr{fmt.Sprintf("--workers: got %d, want ≥ 0 (0 = GOMAXPROCS)", *workers)})
	}
	if *otherData && *data == "" {
		return fail(stderr, "test", usageErr{"--allow-other-data only applies with --data"})
	}
	if err := rundir.CheckRun(runDir); err != nil {
		return fail(stderr, "test", err)
	}
	cfgPath := rundir.Path(runDir, rundir.ConfigFile)
	raw, err := config.ReadFileJSON(cfgPath)
	if err != nil {
		return fail(stderr, "test", fmt.Errorf("%s is not a complete run folder: %w", runDir, err))
	}
	cfg, err := config.FromJSON(raw, nil)
	if err != nil {
		return fail(stderr, "test", fmt.Errorf("%s: %w", cfgPath, err))
	}
	wdir := *weights
	if fi, err := os.Stat(wdir); err != nil || !fi.IsDir() {
		wdir = rundir.Weights(runDir, *weights)
	}
	dataDir, prov, err := rundir.DataFor(runDir, *data)
	if err != nil {
		return fail(stderr, "test", err)
	}
	if err := rundir.CheckData(prov, dataDir); err != nil {
		if !errors.Is(err, rundir.ErrOtherData) || !*otherData {
			if errors.Is(err, rundir.ErrOtherData) {
				err = fmt.Errorf("%w (pass --allow-other-data to test on them anyway)", err)
			}
			return fail(stderr, "test", err)
		}
		fmt.Fprintf(stderr, "dendrite test: testing on other data than the run recorded (--allow-other-data): %v\n", err)
	}
	load := dataset.LoadDir // the run's data: any image size
	if dataDir == "" {
		load = dataset.LoadMNIST
	}
	train, test, err := load(dataDir)
	if err != nil {
		return fail(stderr, "test", err)
	}
	if test.N == 0 {
		return fail(stderr, "test", fmt.Errorf("data: the test set holds no images"))
	}
	// The network's input size and read-out groups come from the data, as
	// they did when the run trained (not every data set is 28×28 in 10
	// classes); the class count is the training set's, as in training.
	net := network.NewShape(test.Pixels(), cfg.Layers, cfg.Broadcast, cfg.FeedbackBias != option.BiasNone)
	if err := net.Load(wdir); err != nil {
		return fail(stderr, "test", err)
	}
	par := cfg.Model()
	par.Network.Classes = train.NumClasses()
	count := *n
	if count > test.N {
		return fail(stderr, "test", usageErr{fmt.Sprintf("--test-examples: got %d, the test set holds %d images", count, test.N)})
	}
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
	ctx, _, stop := interrupts()
	defer stop()
	var errs []float64
	for r := 0; r < *repeat; r++ {
		ts := s*0x9e3779b97f4a7c15 + uint64(r)*0x632be59bd9b4e019 + 0x7465737463
		idx := rand.New(rand.NewPCG(ts, 0x54455354)).Perm(test.N)[:count]
		ev, err := sim.EvaluateContext(ctx, par, net, test, idx, ts, *workers, nil)
		if err != nil && ctx.Err() == nil { // bad data, not an interrupt
			return fail(stderr, "test", err)
		}
		if err != nil {
			fmt.Fprintf(stderr, "dendrite test: interrupted during test %d of %d\n", r+1, *repeat)
			return exitInterrupted
		}
		errs = append(errs, ev.ErrorPercent())
		fmt.Fprintf(stdout, "test %d: error %.2f%% on %d images (%s weights)\n", r+1, ev.ErrorPercent(), count, *weights)
	}
	if len(errs) > 1 {
		m, sd, lo, hi := stats.Summary(errs)
		fmt.Fprintf(stdout, "mean %.2f%% ± %.2f (s.d.), min %.2f%%, max %.2f%% over %d tests\n", m, sd, lo, hi, len(errs))
	}
	return exitOK
}
