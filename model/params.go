// Package model is the segregated-dendrite model of Guerguiev, Lillicrap &
// Richards (eLife 2017) written once, apart from the machinery that makes
// it fast: its parameters (Params, built once from a config by
// config.Config.Model) and its equations, each one small function or method
// whose doc comment names the paper's equation or section. Package sim runs
// these equations fast (event-driven sums, PSP traces, vector kernels) and
// is tested against them; package model imports no other part of the
// simulator but the option types.
//
// Where the model has a free functional choice it is pluggable: the rate
// function (RateFunc; Sigmoid with a slope and an offset, or any monotone
// function from NewRateFunc) and the PSP kernel (Kernel, with Weights or
// KernelOf for any kernel over Mem steps); docs/model.md#rate-function.
package model

import "github.com/dendrite-lab/dendrite/option"

// Params are the parameters a simulation needs, grouped as the paper groups
// them. They are built once from a validated config; the zero value is not
// usable.
type Params struct {
	// Mode selects the time-stepped spiking model or the two-step rate mode.
	Mode option.Mode
	// Profile selects the semantics of the code the paper cites or of the
	// authors' later code where the two differ.
	Profile option.Profile
	Soma    Soma
	Kernel  Kernel
	// Teaching is the target-phase formula of output somata without
	// conductance dynamics (with them the teaching conductances are used).
	Teaching option.Teaching
	// SpikingFeedforward feeds filtered spikes (false: rates) to basal
	// dendrites; SpikingFeedback does the same for apical dendrites.
	SpikingFeedforward, SpikingFeedback bool
	// Precision float32 makes the spiking steps sum spike rows from float32
	// copies of the weights (sim keeps them in step with its own learning).
	Precision option.Precision
	// Network is the architecture and how its weights are initialised.
	Network  Network
	Phases   Phases
	Plateau  Plateau
	Learning Learning
	// RecordBPAngle computes the angle between hidden layer 0's update and
	// backprop's; RecordEigvals the eigenvalue conditions of Theorem 1.
	RecordBPAngle, RecordEigvals bool
}

// Rate reports whether the parameters select the two-step rate mode.
func (p *Params) Rate() bool { return p.Mode == option.Rate }

// Network is a network's architecture and the options of its initialisation.
type Network struct {
	// Layers are the hidden layers' sizes and the output layer's, bottom to top.
	Layers []int
	// Broadcast feeds every hidden layer from the output layer; false feeds
	// layer ℓ from layer ℓ+1.
	Broadcast bool
	// WeightOptimization draws the weights with the spreads that put the
	// potentials in the sigmoid's working range.
	WeightOptimization bool
	// SparseFeedback zeroes SparseFraction of each feedback matrix, and
	// SparseAmplify multiplies the rest by 1/(1−SparseFraction).
	SparseFeedback, SparseAmplify bool
	SparseFraction                float64
	// Classes is the number of classes the output layer reads out, one
	// group of Layers[last]/Classes neurons per class; 0 means 10 (MNIST).
	Classes int
}

// NumClasses returns n.Classes, or 10 when it is 0.
func (n Network) NumClasses() int {
	if n.Classes == 0 {
		return 10
	}
	return n.Classes
}

// Soma holds the conductances and reversal potentials of the somata
// (paper Table 1; the membrane capacitance is 1 and the step 1 ms).
type Soma struct {
	GL, GB, GA, GD float64 // leak, basal→soma, apical→soma, dendrite→soma (output)
	EE, EI         float64 // excitatory and inhibitory reversal potentials of the teaching conductances
	// LambdaMax is the largest rate λmax (spikes per step).
	LambdaMax float64
	// Conductances integrates the somata (Euler steps); false sets them to
	// their steady states at once.
	Conductances bool
	// RateFunc is the rate nonlinearity f of the rate λmax·f(C); nil is the
	// paper's σ (Sigmoid{Slope: 1}). See RateFunc and Soma.F.
	RateFunc RateFunc
}

// F returns the soma's rate function: RateFunc, or the paper's σ when it
// is nil.
func (s Soma) F() RateFunc {
	if s.RateFunc == nil {
		return paperSigmoid
	}
	return s.RateFunc
}

// paperSigmoid is σ as a RateFunc, made once (F allocates nothing).
var paperSigmoid RateFunc = Sigmoid{Slope: 1}

// PaperRate reports whether the rate function is the paper's σ (nil or
// Sigmoid{Slope: 1, Offset: 0}): the equations then use σ' = σ(1−σ)
// exactly as the paper writes them.
func (s Soma) PaperRate() bool {
	if s.RateFunc == nil {
		return true
	}
	sg, ok := s.RateFunc.(Sigmoid)
	return ok && sg.Paper()
}

// KB is the hidden steady-state gain k_B = g_B/(g_L+g_B+g_A).
func (s Soma) KB() float64 { return s.GB / (s.GL + s.GB + s.GA) }

// KD is the output steady-state gain k_D = g_D/(g_L+g_D).
func (s Soma) KD() float64 { return s.GD / (s.GL + s.GD) }

// KI is the output gain for an injected current, k_I = 1/(g_L+g_D).
func (s Soma) KI() float64 { return 1 / (s.GL + s.GD) }

// Kernel is the PSP kernel κ, truncated to the last Mem steps: the paper's
// difference of exponentials with time constants TauS and TauL (ms), or,
// when Weights is set, any kernel given by its values (see KernelOf and
// docs/model.md#psp-kernel).
type Kernel struct {
	Mem        int
	TauS, TauL float64
	// Weights, when non-nil, replaces the difference of exponentials:
	// Weights[d] = κ(d+1) is the weight of a spike emitted d steps ago
	// (len(Weights) must be Mem). Check validates it.
	Weights []float64
}

// Phases are the lengths of the phases of an example and its averaging window.
type Phases struct {
	Forward, Target, Test int // phase lengths in steps (minimum lengths when RandLengths)
	// Settle is Δt_s: the steps at the start of a phase that are not averaged.
	Settle int
	// Window selects which steps are averaged (see option.Window).
	Window option.Window
	// RandLengths draws each training phase's length (paper Methods).
	RandLengths bool
}

// TrainWindow is the number of steps averaged in a training phase of the
// minimum length (forward − settle, 20 by default).
func (p Phases) TrainWindow() int { return p.Forward - p.Settle }

// TestWindow is the number of steps averaged in a test phase (220 by default).
func (p Phases) TestWindow() int { return p.Test - p.Settle }

// Averaged returns how many of a phase's n steps are averaged: the last
// fixed ones (window "fixed"), or all after the settling time ("settle").
func (p Phases) Averaged(n, fixed int) int {
	if p.Window == option.WindowSettle {
		return n - p.Settle
	}
	return fixed
}

// Plateau holds the options of the plateau potentials' timing.
type Plateau struct {
	// RandTimes jitters each hidden neuron's plateau time in training.
	RandTimes bool
	JitterSD  float64 // s.d. of the jitter (steps)
	JitterMax int     // largest jitter (steps)
}

// Learning holds the learning rates and the options of the learning rules.
type Learning struct {
	Etas         []float64 // feedforward rates per layer (hidden…, output)
	FeedbackEtas []float64 // feedback rates per hidden layer
	// FeedbackLearning learns Y (and a learned bias).
	FeedbackLearning bool
	FeedbackBias     option.FeedbackBias
	// Backprop replaces the hidden errors by backpropagated ones, passed
	// through the upper weights as BackpropOrder says.
	Backprop      bool
	BackpropOrder option.BackpropOrder
	// Symmetric ties Y to Wᵀ after every example, with fresh
	// N(0, SymmetricNoiseSD²) noise when NoisySymmetric.
	Symmetric, NoisySymmetric bool
	SymmetricNoiseSD          float64
}

// PHidden is the hidden-layer error scale P_h = 20/λmax.
func (p *Params) PHidden() float64 { return 20 / p.Soma.LambdaMax }

// POut is the output-layer error scale P_o = 20/λmax².
func (p *Params) POut() float64 { return 20 / (p.Soma.LambdaMax * p.Soma.LambdaMax) }
