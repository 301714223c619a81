// Package plottest makes small run folders for the tests and examples of
// the plot and report packages by training real tiny networks (spiking mode,
// a few hundred MNIST examples, every record switched on), so that the
// fixtures are what `dendrite train` writes, not a copy of its format.
package plottest

import (
	"context"
	"fmt"
	"sync"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/option"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
)

// Options sizes a run. Zero fields take the defaults noted.
type Options struct {
	// Epochs is the number of epochs (default 2).
	Epochs int
	// ExamplesPerEpoch is the number of training examples per epoch
	// (default 200).
	ExamplesPerEpoch int
	// Hidden is the number of hidden neurons of the single hidden layer
	// (default 30).
	Hidden int
	// Seed is the run's seed (default 7).
	Seed uint64
}

func (o *Options) defaults() {
	if o.Epochs == 0 {
		o.Epochs = 2
	}
	if o.ExamplesPerEpoch == 0 {
		o.ExamplesPerEpoch = 200
	}
	if o.Hidden == 0 {
		o.Hidden = 30
	}
	if o.Seed == 0 {
		o.Seed = 7
	}
}

// Changed lists the config keys whose values in a WriteRun run with default
// Options differ from the paper profile's defaults (config.defaults.json).
var Changed = []string{
	"epochs", "seed", "train_examples", "test_examples", "quick_test_examples", "quick_test_every",
	"record_bp_angle", "record_eigvals", "record_plateau_times", "record_phase_times",
	"record_voltages", "voltage_examples", "record_hidden_activity",
}

// TestExamples is the number of test images of each full test.
const TestExamples = 100

// Config returns the config of a run with options o.
func Config(o Options) config.Config {
	o.defaults()
	c := config.Default(option.Paper)
	c.Mode = option.Spiking
	c.Layers = []int{o.Hidden, 10}
	c.Epochs, c.Seed = o.Epochs, o.Seed
	c.TrainExamples, c.TestExamples = o.ExamplesPerEpoch, TestExamples
	c.QuickTestExamples, c.QuickTestEvery = 50, 100
	c.InitialTest = true
	c.RecordLoss, c.RecordBPAngle, c.RecordEigvals = true, true, true
	c.RecordPlateauTimes, c.RecordPhaseTimes = true, true
	c.RecordVoltages, c.VoltageExamples = true, []int{0, 2}
	c.RecordTrainingError, c.RecordTrainingLabels = true, true
	c.RecordHiddenActivity = 60
	c.SaveEpochWeights = true
	c.Resolve()
	return c
}

var (
	once        sync.Once
	train, test *dataset.Set
	data        rundir.DataSource
	loadErr     error
)

// WriteRun trains a run with options o into dir (absent or empty) on the
// MNIST bundled with the Go module, writing the complete run folder of
// docs/run-folder.md: config, summary, metrics, initial, per-epoch and final
// weights and every record.
func WriteRun(dir string, o Options) error {
	once.Do(func() {
		if train, test, loadErr = dataset.LoadMNIST(""); loadErr == nil {
			data, loadErr = rundir.DescribeData("")
		}
	})
	if loadErr != nil {
		return fmt.Errorf("plottest: the fixtures train on MNIST: %w", loadErr)
	}
	cfg := Config(o)
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("plottest: %w", err)
	}
	_, err := run.Train(context.Background(), cfg, dir, run.Options{Train: train, Test: test, Data: &data})
	return err
}
