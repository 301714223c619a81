package config

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/dendrite-lab/dendrite/option"
)

// FieldError is a validation error naming the config key and what was expected.
type FieldError struct {
	Key  string // config key (snake_case; the flag is the same with '-')
	Got  any
	Want string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("config field %q: got %s, want %s", e.Key, shorten(fmt.Sprint(e.Got)), e.Want)
}

// Validate checks every field and every combination of options, returning all
// problems joined (each a *FieldError naming its key). It is ValidateFor(10):
// the output layer must read out MNIST's ten classes.
func (c *Config) Validate() error { return c.ValidateFor(10) }

// ValidateFor is Validate for data of the given number of classes (≥ 2): the
// output layer must be a multiple of classes, one group per class.
func (c *Config) ValidateFor(classes int) error {
	var errs []error
	bad := func(key string, got any, want string) { errs = append(errs, &FieldError{key, got, want}) }
	opt := func(err error) {
		var oe *option.Error
		if errors.As(err, &oe) {
			bad(oe.Key, fmt.Sprintf("%q", oe.Got), oe.Want())
		}
	}
	finite := func(key string, v, lo, hi float64, loOpen bool) {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi || (loOpen && v == lo) {
			br := "["
			if loOpen {
				br = "("
			}
			bad(key, v, fmt.Sprintf("a number in %s%g, %g]", br, lo, hi))
		}
	}
	opt(c.Mode.Check())
	opt(c.Profile.Check())
	opt(c.BackpropOrder.Check())
	opt(c.FeedbackBias.Check())
	opt(c.Teaching.Check())
	opt(c.Window.Check())
	opt(c.Precision.Check())
	if c.Precision == option.Float32 && (c.Rate() || !(c.SpikingFeedforward || c.SpikingFeedback)) {
		// float32 acts on spike rows only: refuse it where it would do nothing
		bad("precision", c.Precision, `"float64" unless the spiking mode has spiking feedforward or feedback`)
	}

	if len(c.Layers) == 0 {
		bad("layers", "[]", "at least one layer size, e.g. [500, 10]")
	}
	for i, n := range c.Layers {
		if n < 1 || n > 100000 {
			bad("layers", c.Layers, fmt.Sprintf("sizes in [1, 100000] (layer %d is %d)", i, n))
		}
	}
	if classes < 2 {
		bad("layers", c.Layers, fmt.Sprintf("data of at least 2 classes to read out (got %d)", classes))
	} else if n := len(c.Layers); n > 0 && c.Layers[n-1]%classes != 0 {
		bad("layers", c.Layers, fmt.Sprintf("an output layer (last size) that is a multiple of %d, one group per class (got %d)", classes, c.Layers[n-1]))
	}
	if len(c.Etas) != len(c.Layers) {
		bad("etas", c.Etas, fmt.Sprintf("%d learning rates, one per layer of %v", len(c.Layers), c.Layers))
	}
	for _, e := range c.Etas {
		if math.IsNaN(e) || math.IsInf(e, 0) || e < 0 {
			bad("etas", c.Etas, "finite learning rates ≥ 0 (the paper uses 0.1–0.3)")
			break
		}
	}
	if c.FeedbackLearning {
		if len(c.FeedbackEtas) != len(c.Layers)-1 {
			bad("feedback_etas", c.FeedbackEtas, fmt.Sprintf("%d feedback learning rates (one per hidden layer) when feedback_learning is on", len(c.Layers)-1))
		}
	}
	for _, e := range c.FeedbackEtas {
		if math.IsNaN(e) || math.IsInf(e, 0) || e < 0 {
			bad("feedback_etas", c.FeedbackEtas, "finite learning rates ≥ 0")
			break
		}
	}
	if c.Epochs < 0 || c.Epochs > 100000 {
		bad("epochs", c.Epochs, "an integer in [0, 100000]")
	}
	nonneg := func(key string, v int) {
		if v < 0 {
			bad(key, v, "an integer ≥ 0")
		}
	}
	nonneg("train_examples", c.TrainExamples)
	nonneg("test_examples", c.TestExamples)
	nonneg("quick_test_examples", c.QuickTestExamples)
	nonneg("validation", c.Validation)
	nonneg("checkpoint_every", c.CheckpointEvery)
	nonneg("workers", c.Workers)
	nonneg("record_hidden_activity", c.RecordHiddenActivity)
	if c.QuickTestEvery < 1 {
		bad("quick_test_every", c.QuickTestEvery, "an integer ≥ 1")
	}
	if c.RepeatTests < 1 || c.RepeatTests > 1000 {
		bad("repeat_tests", c.RepeatTests, "an integer in [1, 1000]")
	}
	finite("sparse_fraction", c.SparseFraction, 0, 1, false)
	if c.SparseFraction == 1 && c.SparseAmplify {
		bad("sparse_fraction", c.SparseFraction, "< 1 when sparse_amplify is on (the gain is 1/(1−fraction))")
	}
	finite("symmetric_noise_sd", c.SymmetricNoiseSD, 0, 100, false)
	finite("g_a", c.GA, 0, 100, false)
	finite("plateau_jitter_sd", c.PlateauJitterSD, 0, 1000, false)
	if c.PlateauJitterMax < 0 {
		bad("plateau_jitter_max", c.PlateauJitterMax, "an integer ≥ 0")
	}
	finite("lambda_max", c.LambdaMax, 0, 10, true)
	finite("tau_s", c.TauS, 0, 1e6, true)
	finite("tau_l", c.TauL, 0, 1e6, true)
	finite("rate_slope", c.RateSlope, 0, 1000, true)
	finite("rate_offset", c.RateOffset, -1000, 1000, false)
	finite("g_l", c.GL, 0, 100, true)
	finite("g_b", c.GB, 0, 100, true)
	finite("g_d", c.GD, 0, 100, true)
	finite("e_e", c.EE, -1000, 1000, false)
	finite("e_i", c.EI, -1000, 1000, false)
	if c.Mem < 1 || c.Mem > 1000 {
		bad("mem", c.Mem, "an integer in [1, 1000]")
	}
	switch k := c.kernel(); {
	case len(c.Kernel) == 0:
	case c.Rate():
		bad("kernel", c.Kernel, "[] in rate mode (it feeds rates, not filtered spikes: there is no PSP kernel)")
	case len(c.Kernel) != c.Mem:
		bad("kernel", c.Kernel, fmt.Sprintf("%d values, one per step of mem (or set mem to %d)", c.Mem, len(c.Kernel)))
	default:
		if err := k.Check(); err != nil {
			bad("kernel", c.Kernel, "values that are finite, ≥ 0 and not all zero ("+strings.TrimPrefix(err.Error(), "model: ")+")")
		}
	}
	if c.SettleTime < 0 {
		bad("settle_time", c.SettleTime, "an integer ≥ 0")
	}
	if c.ForwardPhase <= c.SettleTime || c.ForwardPhase > 100000 {
		bad("forward_phase", c.ForwardPhase, fmt.Sprintf("an integer in (settle_time=%d, 100000]", c.SettleTime))
	}
	if c.TargetPhase != c.ForwardPhase && c.TargetPhase <= c.SettleTime {
		bad("target_phase", c.TargetPhase, fmt.Sprintf("an integer > settle_time=%d", c.SettleTime))
	}
	if c.TargetPhase < c.ForwardPhase-c.SettleTime || c.TargetPhase > 100000 {
		bad("target_phase", c.TargetPhase, fmt.Sprintf("an integer in [%d, 100000] (at least the averaging window)", c.ForwardPhase-c.SettleTime))
	}
	if c.TestPhase <= c.SettleTime || c.TestPhase > 100000 {
		bad("test_phase", c.TestPhase, fmt.Sprintf("an integer in (settle_time=%d, 100000]", c.SettleTime))
	}
	if c.RandPlateauTimes && c.PlateauJitterMax+c.TrainWindow() > c.ForwardPhase {
		bad("plateau_jitter_max", c.PlateauJitterMax, "≤ forward_phase − (forward_phase − settle_time)")
	}
	// Combinations.
	if c.Symmetric && c.FeedbackLearning {
		bad("symmetric", true, "false when feedback_learning is on (Y cannot be both tied to Wᵀ and learned)")
	}
	if c.NoisySymmetric && !c.Symmetric {
		bad("noisy_symmetric", true, "false unless symmetric is on")
	}
	if c.FeedbackBias == option.BiasLearned && !c.FeedbackLearning {
		bad("feedback_bias", "learned", `"none" or "fixed" unless feedback_learning is on`)
	}
	if c.RecordVoltages {
		if c.VoltageLayer < 0 || c.VoltageLayer >= len(c.Layers) {
			bad("voltage_layer", c.VoltageLayer, fmt.Sprintf("a layer index in [0, %d]", len(c.Layers)-1))
		} else {
			for _, n := range c.VoltageNeurons {
				if n < 0 || n >= c.Layers[c.VoltageLayer] {
					bad("voltage_neurons", c.VoltageNeurons, fmt.Sprintf("neuron indices in [0, %d) of layer %d", c.Layers[c.VoltageLayer], c.VoltageLayer))
					break
				}
			}
			if len(c.VoltageNeurons) > 1000 {
				bad("voltage_neurons", len(c.VoltageNeurons), "at most 1000 neurons")
			}
		}
		if len(c.VoltageExamples) != 2 || c.VoltageExamples[0] < 0 || c.VoltageExamples[1] <= c.VoltageExamples[0] || c.VoltageExamples[1]-c.VoltageExamples[0] > 10000 {
			bad("voltage_examples", c.VoltageExamples, "[from, to): 0 ≤ from < to, at most 10000 examples")
		} else if n := len(c.VoltageNeurons) * (c.VoltageExamples[1] - c.VoltageExamples[0]); n > 10000 {
			bad("voltage_neurons", c.VoltageNeurons, fmt.Sprintf("at most 10000 neuron-examples of voltage traces (≈100 steps each; asked for %d)", n))
		}
	}
	if (c.RecordBPAngle || c.RecordEigvals || c.RecordHiddenLoss) && len(c.Layers) < 2 {
		key := "record_bp_angle"
		if c.RecordEigvals {
			key = "record_eigvals"
		} else if c.RecordHiddenLoss {
			key = "record_hidden_loss"
		}
		bad(key, true, "false for a network with no hidden layer")
	}
	// Rate mode has no time steps within an example: nothing to trace or time.
	if c.Rate() {
		for _, r := range []struct {
			key string
			on  bool
		}{{"record_voltages", c.RecordVoltages}, {"record_phase_times", c.RecordPhaseTimes}, {"record_plateau_times", c.RecordPlateauTimes}} {
			if r.on {
				bad(r.key, true, "false in rate mode (it has no time steps within an example to record)")
			}
		}
	}
	if len(errs) == 0 {
		// The estimate means nothing for a config that is not valid.
		c.validateLimits(bad)
	}
	return errors.Join(errs...)
}
