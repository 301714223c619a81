package run

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/record"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

// ErrStopped is returned by a Trainer without a run folder whose context
// was cancelled (or whose Options.StopAfter was reached) before the end:
// the Result holds the network and records as they were.
var ErrStopped = errors.New("training stopped before its end")

// Trainer trains a network in memory: the library's entry point for an
// experiment. Set Config, Train and Test, optionally Init and Hooks, and
// call Run:
//
//	tr := run.Trainer{Config: config.Default("paper"), Train: train, Test: test}
//	tr.Config.Mode, tr.Config.Layers, tr.Config.Epochs = option.Rate, []int{100, 10}, 1
//	res, err := tr.Run(ctx)
//	// res.Net is the trained network, res.Summary.FullTestErrors the tests.
//
// Run resolves the config (config.Config.Resolve: empty Etas are the
// paper's rates, rate mode implies its settings) and validates it against
// the data (the output layer must be a multiple of the class count); its
// errors name config fields ("config field \"etas\": …") or the data set.
//
// The schedule is the CLI's (docs/model.md#training-schedule): an optional
// initial test, then per epoch the training examples in a fresh shuffle
// (Config.Shuffle; epoch e's order is a permutation drawn from Config.Seed
// and e), quick tests every Config.QuickTestEvery examples, and a full test
// at the epoch's end, then Config.RepeatTests repeated tests. Test number k
// of the run (initial, quick, full and repeated tests counted in order from
// 0) shows the first Config.TestExamples (0 = all) of a permutation of the
// test set drawn from Config.Seed and k, each image with its own spike
// stream; the result does not depend on Config.Workers. The default
// TestExamples, 10000, is MNIST's test set: for a smaller test set set it to
// 0 (all) or fewer, else Run says so. Config.Validation holds out the last
// examples of Train and tests on them instead of Test.
//
// With Dir set, Run also writes a run folder exactly as Train does (the
// CLI's `dendrite train`), honouring Options; without it nothing is written
// and the folder options (Resume, Overwrite, InitWeights, Data, DataDir,
// Abort, AllowOtherData) must be unset; the hidden-activity recording
// (Config.RecordHiddenActivity) is then skipped, as it only writes files.
type Trainer struct {
	// Config is the experiment (config.Default("paper") plus changes).
	Config config.Config
	// Train and Test are the data (*dataset.Set or your own Images); both
	// are required. Images of any shape and any class count ≥ 2 work.
	Train, Test dataset.Images
	// Init, when set, is the initial network (cloned, not modified); it must
	// have the shape Config.Layers on the data's input size. nil draws the
	// weights from Config.Seed.
	Init *network.Net
	// RateFunc, when set, replaces the config's rate function (rate_slope,
	// rate_offset): somata fire at λmax·RateFunc.At(C), and the learning
	// rules use RateFunc.Deriv (docs/model.md#rate-function). Run checks it
	// (model.CheckRateFunc) before training. In memory only: a run folder's
	// config cannot record a Go function.
	RateFunc model.RateFunc
	// Hooks are called during training (all optional).
	Hooks Hooks
	// Dir, when set, is the run folder to write (see docs/run-folder.md).
	Dir string
	// Options are the run's other options (progress output, StopAfter;
	// with Dir, the folder options too). Options.Train and Options.Test are
	// ignored: Train and Test above are used.
	Options Options
}

// Hooks observe a training run. They run on the training goroutine, between
// examples (Example, Test, Epoch) or between simulation steps (Step), so
// they must be quick, and they may read but not change what they are given.
type Hooks struct {
	// Example is called after every training example.
	Example func(Example)
	// Test is called after every test with its outcome.
	Test func(TestResult)
	// Step is called after every simulation step of a training example,
	// with the phase (sim.Forward, sim.Target) and the step (0-based). Rate
	// mode computes only the second of each phase's two steps, in closed
	// form: Step is called once per phase there, as step 1 (its spikes are
	// empty). The Sim's views of the step (Sim.Voltages, Sim.Rates,
	// Sim.Spikes, Sim.InputSpikes) are valid only during the call: copy
	// what you keep. Plateau potentials exist once per phase, not per step:
	// Sim.Plateaus has them (in spiking mode from the end of the phase, so
	// Hooks.Example is the place to read both of an example).
	Step func(s *sim.Sim, phase, step int)
}

// Example describes one trained example to Hooks.Example.
type Example struct {
	// Epoch is 1-based; Position is the 0-based position in the epoch's
	// order and Index the example's index in the training set.
	Epoch, Position, Index int
	// Examples is the number of examples trained in the run so far,
	// including this one.
	Examples int64
	// Result is the simulator's account of the example (prediction, loss,
	// phase lengths); valid only during the call.
	Result *sim.Result
	// Sim is the training simulation (read-only; its views are valid until
	// the next example).
	Sim *sim.Sim
}

// TestResult describes one test to Hooks.Test.
type TestResult struct {
	// Kind is "initial", "quick", "full" or "repeat" (rundir.Kind…).
	Kind string
	// Epoch is the epoch the test belongs to (0 for the initial test);
	// Examples the number of examples trained before it.
	Epoch    int
	Examples int64
	// Error is the test error in percent.
	Error float64
}

// Result is what a Trainer returns.
type Result struct {
	// Net is the trained network (Net.Save writes it as .npy files).
	Net *network.Net
	// Summary is the run's summary (test errors, timings); with Dir it is
	// also the folder's summary.json.
	Summary *Summary
	// Records holds what the config asked to record (losses, voltages,
	// metrics per test, …); with Dir it is also written to the folder.
	Records *record.Log
}

// Run trains (see Trainer). On an error after training began, the Result
// still holds the network and records as far as they got (nil before).
func (tr *Trainer) Run(ctx context.Context) (*Result, error) {
	if tr.Train == nil || tr.Test == nil {
		return nil, errors.New("run: Trainer needs both Train and Test data")
	}
	opts := tr.Options
	opts.Train, opts.Test = tr.Train, tr.Test
	if tr.Dir != "" {
		if tr.RateFunc != nil {
			return nil, errors.New("run: Trainer.RateFunc works in memory only (a run folder's config.json cannot record a Go function); use Config.RateSlope and RateOffset, or leave Trainer.Dir empty")
		}
		if tr.Init != nil {
			return nil, errors.New("run: Trainer.Init works in memory only; with Dir give Options.InitWeights (a folder of .npy weights)")
		}
		t, s, err := trainInto(ctx, tr.Config, tr.Dir, opts, tr.Hooks)
		return t.result(s), err
	}
	switch {
	case opts.Resume:
		return nil, errors.New("run: Options.Resume needs a run folder (Trainer.Dir)")
	case opts.Overwrite, opts.InitWeights != "", opts.Data != nil, opts.DataDir != "", opts.Abort != nil, opts.AllowOtherData:
		return nil, errors.New("run: Options.Overwrite, InitWeights, Data, DataDir, Abort and AllowOtherData apply to a run folder only (set Trainer.Dir, or Trainer.Init for initial weights)")
	}
	cfg := tr.Config
	cfg.Resolve()
	if tr.RateFunc != nil {
		if err := model.CheckRateFunc(tr.RateFunc); err != nil {
			return nil, fmt.Errorf("run: Trainer.RateFunc: %w", err)
		}
	}
	if err := cfg.ValidateFor(tr.Train.NumClasses()); err != nil {
		return nil, err
	}
	t := &trainer{cfg: &cfg, opts: opts, lastQuick: math.NaN(), hooks: tr.Hooks}
	if err := t.loadData(); err != nil {
		return nil, err
	}
	if tr.RateFunc != nil {
		t.par.Soma.RateFunc = tr.RateFunc
	}
	if err := t.build(); err != nil {
		return nil, err
	}
	if tr.Init != nil {
		if err := sameShape(tr.Init, t.net); err != nil {
			return nil, fmt.Errorf("run: Trainer.Init: %w", err)
		}
		if err := tr.Init.CheckFinite(); err != nil {
			return nil, fmt.Errorf("run: Trainer.Init: %w", err)
		}
		t.net = tr.Init.Clone()
		if cfg.Symmetric {
			t.net.Symmetrize(cfg.NoisySymmetric, cfg.SymmetricNoiseSD, initRNG(cfg.Seed^1))
		}
		t.sim = sim.New(t.par, t.net, cfg.Seed)
		t.sim.LazyTrainRates = t.hooks.Example == nil // nothing else reads its HiddenRates
	}
	s, err := t.begin(&cfg, opts, func() (*rundir.Summary, error) { return t.loop(ctx) })
	return t.result(s), err
}

// result packs a trainer's outcome (nil trainer: nil).
func (t *trainer) result(s *Summary) *Result {
	if t == nil || t.net == nil {
		return nil
	}
	if s == nil {
		s = t.summary(rundir.Failed)
	}
	return &Result{Net: t.net, Summary: s, Records: t.log}
}

// sameShape reports how a differs from the shape of want.
func sameShape(a, want *network.Net) error {
	if len(a.Layers) != len(want.Layers) {
		return fmt.Errorf("%d layers, the config has %d", len(a.Layers), len(want.Layers))
	}
	for l, ly := range a.Layers {
		w := want.Layers[l]
		switch {
		case ly.In != w.In || ly.N != w.N:
			return fmt.Errorf("layer %d is %d→%d, want %d→%d", l, ly.In, ly.N, w.In, w.N)
		case len(ly.W) != len(w.W) || len(ly.B) != len(w.B):
			return fmt.Errorf("layer %d: W has %d values and B %d, want %d and %d", l, len(ly.W), len(ly.B), len(w.W), len(w.B))
		case ly.Src != w.Src || len(ly.Y) != len(w.Y):
			return fmt.Errorf("layer %d: feedback Y from %d neurons (%d values), want %d (%d values)", l, ly.Src, len(ly.Y), w.Src, len(w.Y))
		case len(ly.FeedbackBias) != len(w.FeedbackBias):
			return fmt.Errorf("layer %d: %d feedback biases, want %d", l, len(ly.FeedbackBias), len(w.FeedbackBias))
		}
	}
	return nil
}
