package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/option"
)

// Config is the complete description of one experiment. Its JSON keys are the
// config-file keys; the CLI flag for a key is the key with '_' replaced by '-'.
// A zero Config is not valid: start from Default and then Resolve/Validate.
type Config struct {
	// Mode is "spiking" (the paper's mode) or "rate" (the authors' later
	// non-spiking 2-step mode, docs/model.md#rate-mode).
	Mode option.Mode `json:"mode"`
	// Profile selects initialisation and semantics: "paper" (the code the
	// paper cites) or "head" (the authors' later code), docs/model.md#profiles.
	Profile option.Profile `json:"profile"`
	// Layers are the sizes of the hidden layers and the output layer, bottom
	// to top; the last is the output layer and must be a multiple of the number
	// of classes (10 for MNIST), one group of neurons per class.
	Layers []int `json:"layers"`
	// Etas are the feedforward learning rates per layer (hidden…, output).
	// Empty means the paper's rates for the architecture (docs/model.md#constants).
	Etas []float64 `json:"etas"`
	// FeedbackEtas are the feedback learning rates per hidden layer; required
	// when FeedbackLearning is on.
	FeedbackEtas []float64 `json:"feedback_etas"`

	// Epochs is the number of passes over the (shuffled) training set.
	Epochs int `json:"epochs"`
	// TrainExamples is how many examples of each shuffled epoch are trained on
	// (0 = the whole training set, less any validation split).
	TrainExamples int `json:"train_examples"`
	// TestExamples is the number of images of each full test (0 = all).
	TestExamples int `json:"test_examples"`
	// QuickTestExamples is the number of images of each quick test (0 = none).
	QuickTestExamples int `json:"quick_test_examples"`
	// QuickTestEvery is the number of training examples between quick tests.
	QuickTestEvery int `json:"quick_test_every"`
	// Validation holds out this many images from the end of the training set;
	// when > 0 the tests use them instead of the test set.
	Validation int `json:"validation"`
	// Seed derives every random stream of the run.
	Seed uint64 `json:"seed"`
	// Shuffle reshuffles the training set at the start of every epoch.
	Shuffle bool `json:"shuffle"`
	// InitialTest runs a full test before training, as the paper did
	// (docs/model.md#training-schedule).
	InitialTest bool `json:"initial_test"`
	// RepeatTests tests the final weights this many times (the paper's "20
	// repeated tests"); 1 = one final test.
	RepeatTests int `json:"repeat_tests"`

	// Broadcast feeds every hidden layer from the output layer (default);
	// false = layer-wise feedback from layer ℓ+1.
	Broadcast bool `json:"broadcast"`
	// SparseFeedback zeroes SparseFraction of each feedback matrix
	// (docs/model.md#feedback-wiring).
	SparseFeedback bool `json:"sparse_feedback"`
	// SparseFraction is the fraction of feedback weights set to zero.
	SparseFraction float64 `json:"sparse_fraction"`
	// SparseAmplify multiplies sparse feedback by 1/(1−SparseFraction) (×5).
	SparseAmplify bool `json:"sparse_amplify"`
	// FeedbackLearning learns Y (and a learned c) (docs/model.md#feedback-learning).
	FeedbackLearning bool `json:"feedback_learning"`
	// Symmetric ties Y to Wᵀ after every example (docs/model.md#feedback-wiring).
	Symmetric bool `json:"symmetric"`
	// NoisySymmetric adds fresh N(0, SymmetricNoiseSD) noise to tied weights.
	NoisySymmetric bool `json:"noisy_symmetric"`
	// SymmetricNoiseSD is the standard deviation of that noise.
	SymmetricNoiseSD float64 `json:"symmetric_noise_sd"`
	// Backprop replaces hidden errors by backpropagated ones
	// (docs/model.md#backprop-comparison).
	Backprop bool `json:"backprop"`
	// BackpropOrder is "reference" (upper W already updated) or "pre-update".
	BackpropOrder option.BackpropOrder `json:"backprop_order"`
	// GA is the apical→soma conductance g_A (0, 0.05, 0.6 in the paper).
	GA float64 `json:"g_a"`
	// WeightOptimization uses the paper's "weight optimisation" initialisation
	// (docs/model.md#weight-initialisation); false = plain uniform weights.
	WeightOptimization bool `json:"weight_optimization"`
	// FeedbackBias is "none" (the default of both profiles: the paper's
	// equations), "fixed" (the bias c = Y·r of the implementation the paper
	// cites, built from the dense random Y before sparsification and never
	// learned: use it to reproduce that implementation; it makes
	// two-hidden-layer networks learn far slower) or "learned" (learned with Y
	// when FeedbackLearning is on); docs/feedback-bias.md.
	FeedbackBias option.FeedbackBias `json:"feedback_bias"`
	// SpikingFeedforward feeds filtered spikes (false: rates) to basal dendrites.
	SpikingFeedforward bool `json:"spiking_feedforward"`
	// SpikingFeedback feeds filtered output spikes (false: rates) to apical dendrites.
	SpikingFeedback bool `json:"spiking_feedback"`
	// Precision is "float64" (the default) or "float32": the spiking steps
	// sum each step's spike rows from a float32 copy of W and Y, in float32
	// (faster; learning, potentials and traces stay float64; layers under 32
	// units keep float64 rows). Needs spiking feedforward or feedback;
	// docs/model.md#precision.
	Precision option.Precision `json:"precision"`
	// Conductances uses Euler soma dynamics and conductance teaching; false =
	// instantaneous steady states.
	Conductances bool `json:"conductances"`
	// Teaching is the non-conductance target-phase formula: "head"
	// (conductance steady state) or "paper" (C = k_D B + k_I(8y−4)),
	// docs/model.md#output-neurons-and-teaching.
	Teaching option.Teaching `json:"teaching"`
	// RandPhaseLengths draws phase lengths 50+⌊Wald(2,1)⌋
	// (docs/model.md#phases-and-averaging-windows).
	RandPhaseLengths bool `json:"rand_phase_lengths"`
	// RandPlateauTimes jitters each neuron's plateau time
	// (docs/model.md#plateau-potentials).
	RandPlateauTimes bool `json:"rand_plateau_times"`
	// PlateauJitterSD is the s.d. of the plateau-time jitter (steps).
	PlateauJitterSD float64 `json:"plateau_jitter_sd"`
	// PlateauJitterMax is the largest plateau-time jitter (steps).
	PlateauJitterMax int `json:"plateau_jitter_max"`

	// ForwardPhase is the forward phase length in steps (the minimum when RandPhaseLengths).
	ForwardPhase int `json:"forward_phase"`
	// TargetPhase is the target phase length in steps (the minimum when RandPhaseLengths).
	TargetPhase int `json:"target_phase"`
	// TestPhase is the test phase length in steps.
	TestPhase int `json:"test_phase"`
	// SettleTime is Δt_s: the averaging window is the last phase−SettleTime
	// steps of a phase (20 in training, 220 in tests).
	SettleTime int `json:"settle_time"`
	// Window is "fixed" (the code: last ForwardPhase−SettleTime steps) or
	// "settle" (the paper text: from SettleTime to the end of the phase).
	Window option.Window `json:"window"`

	// LambdaMax is the maximum rate λmax (spikes per 1-ms step).
	LambdaMax float64 `json:"lambda_max"`
	// RateSlope is the slope a of the rate function: a soma at potential C
	// fires at λmax σ(a·(C − rate_offset)); 1 (with offset 0) is the paper's
	// σ (docs/model.md#rate-function).
	RateSlope float64 `json:"rate_slope"`
	// RateOffset is the somatic potential at which the rate is half of
	// λmax (0: the paper's σ).
	RateOffset float64 `json:"rate_offset"`
	// TauS is the PSP kernel's short time constant τ_s (ms); equal to tau_l
	// it gives the alpha kernel (t/τ²)e^{−t/τ} (docs/model.md#psp-kernel).
	TauS float64 `json:"tau_s"`
	// TauL is the PSP kernel's long time constant τ_L (ms).
	TauL float64 `json:"tau_l"`
	// GL is the leak conductance g_L.
	GL float64 `json:"g_l"`
	// GB is the basal→soma conductance g_B of hidden neurons.
	GB float64 `json:"g_b"`
	// GD is the dendrite→soma conductance g_D of output neurons.
	GD float64 `json:"g_d"`
	// EE is the excitatory reversal potential of the teaching conductance.
	EE float64 `json:"e_e"`
	// EI is the inhibitory reversal potential of the teaching conductance.
	EI float64 `json:"e_i"`
	// Mem is the number of steps of spike history the PSP kernel sees.
	Mem int `json:"mem"`
	// Kernel is the PSP kernel given by its values, replacing the one of
	// tau_s and tau_l when not empty: kernel[d] = κ(d+1) is the weight of a
	// spike emitted d steps ago; one value per step of mem, finite, ≥ 0, not
	// all zero. Spiking mode only (docs/model.md#psp-kernel).
	Kernel []float64 `json:"kernel"`

	// RecordLoss records the per-example output loss.
	RecordLoss bool `json:"record_loss"`
	// RecordHiddenLoss records every hidden layer's per-example loss
	// mean_i (αt_i − αf_i)², the hidden-layer loss of
	// docs/model.md#hidden-layers (paper Fig. 5B/C), one column per hidden layer.
	RecordHiddenLoss bool `json:"record_hidden_loss"`
	// RecordTrainingError records the per-epoch training error.
	RecordTrainingError bool `json:"record_training_error"`
	// RecordTrainingLabels records each example's label and forward-phase prediction.
	RecordTrainingLabels bool `json:"record_training_labels"`
	// RecordBPAngle records the angle between hidden layer 0's update and
	// backprop's (docs/model.md#recorded-quantities).
	RecordBPAngle bool `json:"record_bp_angle"`
	// RecordEigvals records the Jacobian- and weight-product eigenvalue
	// conditions (docs/model.md#recorded-quantities).
	RecordEigvals bool `json:"record_eigvals"`
	// RecordPlateauTimes records every hidden neuron's plateau time (large:
	// examples × neurons; spiking mode only).
	RecordPlateauTimes bool `json:"record_plateau_times"`
	// RecordPhaseTimes records the end time of every phase (spiking mode only).
	RecordPhaseTimes bool `json:"record_phase_times"`
	// RecordVoltages records A, B, C traces of VoltageNeurons of VoltageLayer
	// for VoltageExamples (spiking mode only).
	RecordVoltages bool `json:"record_voltages"`
	// VoltageLayer is the layer whose voltages are recorded.
	VoltageLayer int `json:"voltage_layer"`
	// VoltageNeurons are the recorded neurons of VoltageLayer.
	VoltageNeurons []int `json:"voltage_neurons"`
	// VoltageExamples is the recorded span [from, to) of training examples (0-based over the run).
	VoltageExamples []int `json:"voltage_examples"`
	// RecordHiddenActivity records hidden rates for this many test images at
	// the end of the run (0 = off).
	RecordHiddenActivity int `json:"record_hidden_activity"`
	// SaveEpochWeights writes weights/epoch_E after every epoch.
	SaveEpochWeights bool `json:"save_epoch_weights"`

	// CheckpointEvery writes a checkpoint every this many examples (0 = only
	// at the end of each epoch).
	CheckpointEvery int `json:"checkpoint_every"`
	// Workers is the number of goroutines used for tests (0 = GOMAXPROCS).
	// Results do not depend on it.
	Workers int `json:"workers"`
	// MaxMemory caps the memory a run may need, as estimated before it
	// starts, e.g. "8GiB" or "512MB" ("" or "0" = the machine's memory).
	// Results do not depend on it.
	MaxMemory string `json:"max_memory"`
}

// Default returns the defaults of a profile ("paper" or "head"; "" = paper).
// Mode defaults to spiking; rate mode is selected with Mode = "rate".
func Default(profile option.Profile) Config {
	if profile == "" {
		profile = "paper"
	}
	c := Config{
		Mode:    "spiking",
		Profile: profile,
		Layers:  []int{500, 10},
		Epochs:  1, TrainExamples: 0, TestExamples: 10000,
		QuickTestExamples: 100, QuickTestEvery: 1000,
		Seed: 1, Shuffle: true, InitialTest: true, RepeatTests: 1,
		Broadcast: true, SparseFraction: 0.8, SparseAmplify: true,
		SymmetricNoiseSD: 0.05, BackpropOrder: "reference",
		WeightOptimization: true, FeedbackBias: "none",
		SpikingFeedforward: true, SpikingFeedback: true, Conductances: true,
		Precision: "float64", Teaching: "head", RandPhaseLengths: true,
		PlateauJitterSD: 3, PlateauJitterMax: 5,
		ForwardPhase: 50, TargetPhase: 50, TestPhase: 250, SettleTime: 30,
		Window:    "fixed",
		LambdaMax: 0.2, RateSlope: 1, RateOffset: 0, TauS: 3, TauL: 10, GL: 0.1, GB: 0.6, GD: 0.6, EE: 8, EI: -8, Mem: 10,
		RecordLoss: true, RecordTrainingError: true, RecordTrainingLabels: true,
		VoltageNeurons: []int{0, 1, 2}, VoltageExamples: []int{0, 3},
		SaveEpochWeights: true,
	}
	return c
}

// Rate reports whether the config runs the non-spiking 2-step mode.
func (c *Config) Rate() bool { return c.Mode == option.Rate }

// Resolve fills values that depend on others (the default learning rates of
// the architecture) and applies the overrides that rate mode implies
// (docs/model.md#rate-mode). It is idempotent.
func (c *Config) Resolve() {
	if len(c.Etas) == 0 && len(c.Layers) > 0 {
		c.Etas = DefaultEtas(len(c.Layers))
	}
	if c.Rate() {
		c.RandPhaseLengths = false
		c.RandPlateauTimes = false
		c.Conductances = false
		c.SpikingFeedforward = false
		c.SpikingFeedback = false
		c.ForwardPhase, c.TargetPhase, c.TestPhase = 2, 2, 2
		c.SettleTime = 1
		c.Mem = 1
	}
}

// DefaultEtas returns the paper's learning rates for a network with the given
// number of layers (docs/model.md#constants); deeper networks extrapolate the two-hidden-layer
// rates (0.23 per hidden layer, 0.12 for the output).
func DefaultEtas(layers int) []float64 {
	switch layers {
	case 1:
		return []float64{0.19}
	case 2:
		return []float64{0.21, 0.21}
	}
	e := make([]float64, layers)
	for i := range e {
		e[i] = 0.23
	}
	e[layers-1] = 0.12
	return e
}

// Hidden is the number of hidden layers.
func (c *Config) Hidden() int { return len(c.Layers) - 1 }

// KB is the hidden layers' basal→soma steady-state gain g_B/(g_L+g_B+g_A).
func (c *Config) KB() float64 { return c.soma().KB() }

// KD is the output layer's dendrite→soma steady-state gain g_D/(g_L+g_D).
func (c *Config) KD() float64 { return c.soma().KD() }

// KI is the output gain for injected current 1/(g_L+g_D) (paper teaching).
func (c *Config) KI() float64 { return c.soma().KI() }

// PHidden is the hidden-layer error scale P_h = 20/λmax.
func (c *Config) PHidden() float64 { return 20 / c.LambdaMax }

// POut is the output-layer error scale P_o = 20/λmax².
func (c *Config) POut() float64 { return 20 / (c.LambdaMax * c.LambdaMax) }

// TrainWindow is the number of steps averaged at the end of a training phase
// (forward_phase − settle_time, 20 by default).
func (c *Config) TrainWindow() int { return c.ForwardPhase - c.SettleTime }

// TestWindow is the number of steps averaged at the end of a test phase.
func (c *Config) TestWindow() int { return c.TestPhase - c.SettleTime }

// Load reads a config file (JSON or YAML, by extension; YAML is converted to
// JSON so both obey the same rules) on top of the defaults of the profile the
// file names, then resolves and validates it.
func Load(path string) (Config, error) {
	raw, err := ReadFileJSON(path)
	if err != nil {
		return Config{}, err
	}
	c, err := FromJSON(raw, nil)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ReadFileJSON reads a JSON or YAML config file and returns it as JSON.
func ReadFileJSON(path string) ([]byte, error) {
	b, err := readConfigFile(path)
	if err != nil {
		return nil, invalid{fmt.Errorf("config: %w", err)}
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".yaml" || ext == ".yml" {
		j, err := YAMLToJSON(b)
		if err != nil {
			return nil, invalid{fmt.Errorf("%s: %w", path, err)}
		}
		return j, nil
	}
	return b, nil
}

// YAMLToJSON converts a YAML document (a mapping) into JSON. A second
// document, a duplicate key or a non-finite number is an error naming the key.
func YAMLToJSON(b []byte) ([]byte, error) { return yamlToJSON(b) }

// FromJSON decodes a JSON object of config keys on top of the defaults of its
// profile (or of profileOverride when non-nil), then applies the overrides
// function (may be nil) and resolves and validates the result. Unknown keys are
// errors.
func FromJSON(raw []byte, override func(*Config) error) (Config, error) {
	_, c, err := fromJSON(raw, override)
	return c, err
}

// fromJSON is FromJSON that also returns the config before Resolve (the
// defaults, the file and the overrides only), for Explain.
func fromJSON(raw []byte, override func(*Config) error) (pre, c Config, err error) {
	var probe struct {
		Profile option.Profile `json:"profile"`
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	// One strict pass (syntax, duplicates, trailing data, key names; the
	// legacy keys of old run folders pass), then the legacy keys go.
	if err := CheckJSON(raw); err != nil {
		return Config{}, Config{}, invalid{err}
	}
	raw = dropLegacyKeys(raw)
	_ = json.Unmarshal(raw, &probe)
	profile, err := chooseProfile(probe.Profile, override)
	if err != nil {
		return Config{}, Config{}, invalid{err}
	}
	c = Default(profile)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, Config{}, invalid{jsonError(err)}
	}
	if override != nil {
		if err := override(&c); err != nil {
			return Config{}, Config{}, invalid{err}
		}
	}
	pre = c
	pre.Layers = append([]int(nil), c.Layers...)
	c.Resolve()
	if err := c.Validate(); err != nil {
		return Config{}, Config{}, invalid{err}
	}
	return pre, c, nil
}

// legacyKeys are keys that earlier builds accepted although they selected
// nothing, with the values those builds allowed. Run folders written by
// them still load: a legacy key with one of its values is dropped. (Both
// Jacobian averages, the mean of products and the product of means, are
// always recorded, in max_jacobian_eigvals.npy and
// max_jacobian_eigvals_prodmean.npy.)
var legacyKeys = map[string][]string{"jacobian_mean": {`"products"`, `"means"`}}

// dropLegacyKeys returns raw without its legacy keys (raw itself when it
// has none or is not a JSON object).
func dropLegacyKeys(raw []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	dropped := false
	for k, vals := range legacyKeys {
		v, ok := m[k]
		if !ok {
			continue
		}
		for _, ok := range vals {
			if string(bytes.TrimSpace(v)) == ok {
				delete(m, k)
				dropped = true
			}
		}
	}
	if !dropped {
		return raw
	}
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}

func jsonError(err error) error {
	var oe *option.Error
	if errors.As(err, &oe) {
		return &FieldError{Key: oe.Key, Got: fmt.Sprintf("%q", oe.Got), Want: oe.Want()}
	}
	var te *json.UnmarshalTypeError
	if e, ok := err.(*json.UnmarshalTypeError); ok {
		te = e
		return fmt.Errorf("config field %s: got a JSON %s, want %s", quote(te.Field), shorten(te.Value), te.Type)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		f := strings.TrimPrefix(msg, "json: unknown field ")
		return fmt.Errorf("config: unknown key %s (see `dendrite train -h` for the keys)", shorten(f))
	}
	return fmt.Errorf("config: %w", err)
}

// ErrInvalid is wrapped by every error about a config's content or syntax.
var ErrInvalid = errors.New("invalid config")

type invalid struct{ err error }

func (e invalid) Error() string { return e.err.Error() }
func (e invalid) Unwrap() []error {
	return []error{e.err, ErrInvalid}
}

// JSON returns the config as indented JSON.
func (c *Config) JSON() []byte {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		panic(err) // Config has only plain fields
	}
	return append(b, '\n')
}

// Diff lists the keys whose values differ from the defaults of c's profile
// (after resolving both), in field order.
func (c *Config) Diff() []string {
	d := Default(c.Profile)
	d.Mode = c.Mode
	d.Layers = c.Layers
	d.Resolve()
	var a, b map[string]any
	_ = json.Unmarshal(c.JSON(), &a)
	_ = json.Unmarshal(d.JSON(), &b)
	var out []string
	for _, k := range Keys() {
		x, _ := json.Marshal(a[k])
		y, _ := json.Marshal(b[k])
		if !bytes.Equal(x, y) {
			out = append(out, k)
		}
	}
	return out
}

// soma returns the config's somatic parameters. The rate function is nil
// (the paper's σ) for slope 1 and offset 0, so the defaults take exactly
// the paper's code paths.
func (c *Config) soma() model.Soma {
	s := model.Soma{GL: c.GL, GB: c.GB, GA: c.GA, GD: c.GD, EE: c.EE, EI: c.EI,
		LambdaMax: c.LambdaMax, Conductances: c.Conductances}
	if c.RateSlope != 1 || c.RateOffset != 0 {
		s.RateFunc = model.Sigmoid{Slope: c.RateSlope, Offset: c.RateOffset}
	}
	return s
}

// kernel returns the config's PSP kernel.
func (c *Config) kernel() model.Kernel {
	k := model.Kernel{Mem: c.Mem, TauS: c.TauS, TauL: c.TauL}
	if len(c.Kernel) > 0 {
		k.Weights = append([]float64(nil), c.Kernel...)
	}
	return k
}

// Model returns the parameters of the model that a simulation needs, built
// from the config (call it after Resolve and Validate). The slices are
// copies, so the parameters do not change with the config.
func (c *Config) Model() model.Params {
	return model.Params{
		Mode:               c.Mode,
		Profile:            c.Profile,
		Soma:               c.soma(),
		Kernel:             c.kernel(),
		Teaching:           c.Teaching,
		SpikingFeedforward: c.SpikingFeedforward,
		SpikingFeedback:    c.SpikingFeedback,
		Precision:          c.Precision,
		Network: model.Network{Layers: append([]int(nil), c.Layers...), Broadcast: c.Broadcast,
			WeightOptimization: c.WeightOptimization, SparseFeedback: c.SparseFeedback,
			SparseAmplify: c.SparseAmplify, SparseFraction: c.SparseFraction},
		Phases: model.Phases{Forward: c.ForwardPhase, Target: c.TargetPhase, Test: c.TestPhase,
			Settle: c.SettleTime, Window: c.Window, RandLengths: c.RandPhaseLengths},
		Plateau: model.Plateau{RandTimes: c.RandPlateauTimes, JitterSD: c.PlateauJitterSD, JitterMax: c.PlateauJitterMax},
		Learning: model.Learning{
			Etas:             append([]float64(nil), c.Etas...),
			FeedbackEtas:     append([]float64(nil), c.FeedbackEtas...),
			FeedbackLearning: c.FeedbackLearning,
			FeedbackBias:     c.FeedbackBias,
			Backprop:         c.Backprop,
			BackpropOrder:    c.BackpropOrder,
			Symmetric:        c.Symmetric,
			NoisySymmetric:   c.NoisySymmetric,
			SymmetricNoiseSD: c.SymmetricNoiseSD,
		},
		RecordBPAngle: c.RecordBPAngle,
		RecordEigvals: c.RecordEigvals,
	}
}
