// Package sim runs the segregated-dendrite network in time: one training
// example's forward and target phases, the learning step at its end, and test
// presentations, in the paper's spiking mode and in the non-spiking rate mode;
// docs/model.md describes every equation and links to the function that
// implements it.
//
// Most users train through run.Trainer, which drives a Sim; use a Sim
// directly to present examples one at a time: New(params, net, seed), then
// Train(img, label) per example and Evaluate for a test.
//
// # Input and read-out
//
// An image is a slice of bytes, one per input unit, of the network's input
// size (Inputs: net.Layers[0].In, 784 for MNIST; any size works). Pixel j
// drives input unit j at the rate λmax·pixel/255 spikes per step (a
// Poisson count in spiking mode, the rate itself in rate mode). The output
// layer is read out as model.Network.Classes groups (0 means MNIST's 10) of
// consecutive neurons; the prediction is the group with the largest mean
// somatic potential, and a training label k teaches group k. Train,
// Classify and Evaluate refuse an image of another length, a label outside
// [0, classes) and an output layer that is not a multiple of the class count
// with an error (Result.Err, −1, Evaluation.Err), never a panic.
//
// # Model and machinery
//
// The equations themselves (somata, teaching, PSP kernel, plateau
// potentials, the error signals of the learning rules) are written once, in
// package model, and a Sim is built from a model.Params (see
// config.Config.Model); sim does not depend on the run configuration. What
// this package adds is machinery that evaluates those equations fast: the
// event-driven sums, PSP traces, hashed spike draws and vector kernels below.
// A plain dense reference stepper in the tests, written for clarity from the
// same equations and drawing the same random numbers, checks the machinery:
// TestReferenceStepper compares the two, weight for weight, for every option
// in both modes.
//
// # Event-driven spiking
//
// The basal input of layer ℓ is B = W p + b where p(t) = Σ_d κ(d+1) S(t−d) is
// the kernel-filtered spike history of the layer below. Instead of forming p
// and a dense mat-vec each step, a Sim keeps a ring of the last mem projected
// inputs P(t−d) = W S(t−d), each costing one weight row per spike, and forms
// B = b + Σ_d κ(d+1) P(t−d). A step then costs O(spikes × fan-out + mem × n)
// instead of O(fan-in × n). When W changes at the end of an example by the
// rank-one update s δ p̄ᵀ, the stored projections are corrected by
// s (p̄·S(t−d)) δ, so the event-driven input stays equal to the dense formula
// (TestEventDrivenMatchesDense pins that to 1e-9). Feedback (apical) input uses
// the same scheme with Y and the feedback source's spikes, one step delayed.
//
// Because κ is a difference of two exponentials, the ring sum is kept as two
// exponential traces per ring, x(t) = a·(x(t−1) + P(t) − a^mem P(t−mem)),
// and B = b + (x_L − x_S)/(τ_L − τ_S): a step reads two traces and two ring
// slots instead of all mem slots. The traces are a cache, rebuilt from the
// ring whenever something other than a step changed it (the weight update's
// correction, Reset, Restore), so a restored Sim continues bit-identically.
// Likewise the presynaptic PSP averages of a training window add each spike
// once, weighted by the sum of κ over the window steps it is filtered into,
// instead of re-filtering the whole history every window step.
//
// # Spike draws
//
// Every population (input, each layer) draws one 64-bit key per step from
// SpikeSrc, so everything a checkpoint needs between steps is still the PCG
// state that State and Restore (and SaveState, LoadState) carry. Unit i's uniform in that step is the
// 53-bit u = (b·2²² + r)·2⁻⁵³, where b = unitBits(i, key) are 31 bits of a
// keyed integer hash (two rounds of lowbias32) and r the top 22 bits of
// SplitMix64's value at i. Counts are drawn by exact inversion of the Poisson
// CDF at u. Most units are settled by b alone: u < (b+1)·2⁻³¹ ≤ 1−λ ≤ e^{−λ}
// means no spike, and that test runs eight units at a time in AVX2 assembly.
// The remaining candidates (about λ of the units) are settled from
// fourth-order Taylor bounds on the CDF values at 0, 1 and 2: mostly from b
// alone, whose whole interval lies between two bounds; otherwise with r by
// neuron.PoissonU, which evaluates e^{−λ} only for u inside a bound
// (probability ≈ λ³/6 + λ⁴/4). With AVX2 the candidates are packed and
// their bounds evaluated eight at a time in assembly, with the scalar
// code's arithmetic, so the counts do not depend on the path.
// Draws are independent of the order units are visited in and of the number
// of test workers (each test image reseeds SpikeSrc).
//
// # Vector kernels and the rate function
//
// The products are one kernel, dst = base + Σ_k c_k·row_k over a list of
// weight rows (spike rows, the ring slots weighted by κ, a rate vector's
// rows), in AVX2/FMA assembly on amd64 with a Go fallback
// (fast_amd64.s, fast.go). Where the CPU has AVX-512F and DQ, the row sums, the
// candidate test (hash, compare and pack sixteen units in one pass), the
// settling of candidates from their bits, the sigmoid, the traces and the
// soma step run on 512-bit registers with the
// same operations per element as their AVX2 versions, so the bits are the
// same (TestAVX512SameBits and its siblings); GODEBUG=cpu.avx512f=off
// selects the AVX2 kernels and cpu.avx2=off the Go ones. Some AVX-512
// kernels have no AVX2 twin (where they are missing, the general path gives
// the same bits): the candidate test of units that share one
// rate (lazy rates, all bounded by λmax) compares the bits with the integer
// candThreshold(λmax) instead of converting them; the input units' draws
// compare their bits with integer thresholds per pixel value (inputdraw.go);
// an apical trace step with no feedback spike arriving or leaving skips its
// ring slot (traceStepZeroArch); and the spike rows'
// addresses are computed eight at a time with the largest index returned
// for the bounds check. The window means are divided eight (AVX2: four)
// at a time, correctly rounded like the scalar division. A step's spike
// rows (a few dozen) are summed in one pass over dst; a narrow sum (the output layer's ten units) is a chain of
// dependent additions per unit, and its kernel adds a row of coefficient 1
// (most spike counts) with an addition, the FMA's result in half the
// latency. TestPinnedBits pins the digest of a short run of both
// paper networks at both precisions, so that no kernel change moves a bit
// unnoticed. The rate λmax σ(C) of every spiking neuron and
// every sigmoid of rate mode come from a vectorised exponential (degree-12
// Taylor polynomial after reduction by ln 2) that agrees with neuron.Sigmoid
// to 7e-16 relative (TestSigmoidsMatchExact): rounding error, so spiking and
// rate mode both keep exact math (TestGoldenRateMode agrees with the authors'
// weights to 1e-14). On machines without AVX2/FMA, rate mode uses the scalar
// neuron.Sigmoid and spiking mode a rate table (neuron.RateTable: cubic
// Hermite interpolation on a 1/8 grid over [−32, 32], maximum error 1.6e-8
// for λmax = 0.2, below the 1e-5 the project allows; TestRateTableError
// checks it over [−50, 50]), which is 4× cheaper than the scalar exponential;
// TestRateTableLearnsLikeExact shows that a network trained with the table
// learns like one with the exact sigmoid. The unexported field Sim.tab
// selects the table explicitly.
//
// # Other biology
//
// The rate function and the PSP kernel are pluggable (model.Soma.RateFunc,
// model.Kernel.Weights; docs/model.md#rate-function). The kernels above
// serve the paper's σ and difference of exponentials; a sigmoid with a
// slope or an offset keeps the vector sigmoid on the argument a·(C − θ).
// Any other rate function is called per neuron through the interface, and
// any other kernel (the alpha kernel of equal time constants included) is
// summed over the mem ring slots every step instead of the two traces.
// TestGenericMatchesFast checks both generic paths, given the paper's σ
// and κ, against the fast ones in both modes; New refuses (Result.Err) a
// rate function that model.CheckRateFunc or a kernel that
// model.Kernel.Check rejects.
//
// With g_A = 0 (the paper's default) the apical potential does not act on the
// soma, so a test, which reports only the output's mean soma and the hidden
// layers' mean rates, skips it, and with it the output's rates and spikes,
// which would only feed it (their random keys are still taken, so the
// stream stays the same); it also skips the hidden layers' mean somata
// (TestClassifyWithoutApicalIdentical checks that nothing a test reports
// changes). When nothing reads the hidden layers' mean rates either (Evaluate
// without an activity callback, Sim.LazyTestRates), their rates feed only the
// spike draws, and a rate λ ≤ λmax cannot make a unit spike whose bits
// settle "no spike" for λmax (b+1 ≤ (1−λmax)·2^31, about 1−λmax of the
// units): a test computes σ only for the other units, on their packed
// potentials with the same kernel, so every spike stays the same
// (TestLazyRatesSameSpikes compares the two step by step). Training steps
// before a phase's averaging window do the same for every layer, since their
// rates feed only the draws there (spiking feedforward and feedback, no
// Trace hook); the window's steps, which end each phase, compute all rates
// (TestLazyTrainingStepsIdentical: the same weights and state bit for bit).
//
// Train and Classify allocate nothing once a Sim has run an example
// (TestNoAllocations), unless eigenvalues are recorded. Counters reports the
// steps, spikes and synaptic events simulated; package bench and `dendrite
// bench` measure throughput with them.
//
// # Concurrency
//
// A Sim holds the dynamic state of one simulation and is not safe for
// concurrent use; tests run one Sim per worker against shared, read-only
// weights, each image with its own random stream derived from the seed, so the
// results do not depend on the number of workers.
package sim
