package model

import (
	"fmt"
	"math"

	"github.com/dendrite-lab/dendrite/neuron"
	"github.com/dendrite-lab/dendrite/option"
)

// At returns the PSP kernel κ(s) = (e^{−s/τ_L} − e^{−s/τ_s})/(τ_L − τ_s) at
// s > 0 steps after a spike (paper Methods, PSP kernel); a spike of the
// current step has weight κ(1) and one Mem−1 steps ago κ(Mem). With
// τ_L = τ_s = τ it is the limit of that difference quotient, the alpha
// kernel κ(s) = (s/τ²) e^{−s/τ}. With Weights set it is Weights[s−1].
func (k Kernel) At(s int) float64 {
	if s <= 0 || s > k.Mem {
		return 0
	}
	if k.Weights != nil {
		if s > len(k.Weights) {
			return 0
		}
		return k.Weights[s-1]
	}
	x := float64(s)
	if k.TauL == k.TauS {
		return x / (k.TauL * k.TauL) * math.Exp(-x/k.TauL)
	}
	return (math.Exp(-x/k.TauL) - math.Exp(-x/k.TauS)) / (k.TauL - k.TauS)
}

// KernelOf returns the kernel of mem steps with κ(s) = f(s) for s = 1…mem
// (f(1) weighs a spike of the current step), checked by Kernel.Check.
func KernelOf(mem int, f func(s int) float64) (Kernel, error) {
	if mem < 1 {
		return Kernel{}, fmt.Errorf("model: PSP kernel of %d steps, want at least 1", mem)
	}
	if f == nil {
		return Kernel{}, fmt.Errorf("model: PSP kernel function is nil")
	}
	k := Kernel{Mem: mem, Weights: make([]float64, mem)}
	for d := range k.Weights {
		k.Weights[d] = f(d + 1)
	}
	return k, k.Check()
}

// Exponential reports whether k is the paper's difference of exponentials
// with distinct time constants, which the simulator runs as two exponential
// traces instead of a sum over the last Mem steps.
func (k Kernel) Exponential() bool { return k.Weights == nil && k.TauL != k.TauS }

// Check reports why k cannot be used: Mem < 1, time constants that are not
// finite and > 0, Weights of another length than Mem, or a kernel value
// that is not finite, is negative, or all values zero.
func (k Kernel) Check() error {
	if k.Mem < 1 {
		return fmt.Errorf("model: PSP kernel memory %d steps, want at least 1", k.Mem)
	}
	if k.Weights == nil {
		for _, t := range []float64{k.TauS, k.TauL} {
			if !(t > 0) || math.IsInf(t, 0) {
				return fmt.Errorf("model: PSP kernel time constants τ_s=%g, τ_L=%g, want finite and > 0", k.TauS, k.TauL)
			}
		}
	} else if len(k.Weights) != k.Mem {
		return fmt.Errorf("model: PSP kernel has %d values for a memory of %d steps, want one per step", len(k.Weights), k.Mem)
	}
	nonzero := false
	for s := 1; s <= k.Mem; s++ {
		v := k.At(s)
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("model: PSP kernel κ(%d) = %g, want a finite value ≥ 0", s, v)
		}
		nonzero = nonzero || v != 0
	}
	if !nonzero {
		return fmt.Errorf("model: PSP kernel is zero at every step: spikes would never reach a dendrite")
	}
	return nil
}

// Values returns κ(1)…κ(Mem): index d holds the weight of a spike emitted d
// steps ago.
func (k Kernel) Values() []float64 {
	v := make([]float64, k.Mem)
	for d := range v {
		v[d] = k.At(d + 1)
	}
	return v
}

// Rate is a soma's firing rate λ = λmax σ(C) (paper Methods, spiking), or
// λmax f(C) with another rate function (Soma.RateFunc).
func (s Soma) Rate(c float64) float64 {
	if s.RateFunc == nil {
		return s.LambdaMax * neuron.Sigmoid(c)
	}
	return s.LambdaMax * s.RateFunc.At(c)
}

// HiddenStep advances a hidden soma by one Euler step of 1 ms,
// C ← C − g_L C + g_B (B − C) + g_A (A − C) (paper Methods, hidden neurons;
// the Euler form of the cited code).
func (s Soma) HiddenStep(c, b, a float64) float64 {
	return c + (-s.GL*c + s.GB*(b-c) + s.GA*(a-c))
}

// HiddenSteady sets hidden somata to their steady state without apical
// input, C = k_B B (used without conductance dynamics and in rate mode).
func (s Soma) HiddenSteady(C, B []float64) {
	k := s.KB()
	B = B[:len(C)]
	for i, b := range B {
		C[i] = k * b
	}
}

// TeachingCurrent is the current of the teaching conductances g_E = y,
// g_I = 1 − y at soma potential c: I = y (E_E − C) + (1 − y)(E_I − C)
// (paper Eq. 19; the cited code's current is not divided by g_L, 10× the
// equation as printed).
func (s Soma) TeachingCurrent(c, y float64) float64 {
	return y*(s.EE-c) + (1-y)*(s.EI-c)
}

// OutputStep advances an output soma by one Euler step,
// C ← C − g_L C + g_D (B − C) + I (paper Eq. 19, conductance form), with I
// the teaching current (0 in the forward phase).
func (s Soma) OutputStep(c, b, i float64) float64 {
	return c + (-s.GL*c + s.GD*(b-c) + i)
}

// OutputSteady sets output somata to their steady state without teaching,
// C = k_D B.
func (s Soma) OutputSteady(C, B []float64) {
	k := s.KD()
	B = B[:len(C)]
	for i, b := range B {
		C[i] = k * b
	}
}

// OutputTaught is an output soma's target-phase steady state without
// conductance dynamics: the conductance steady state
// C = (g_D B + y E_E + (1−y) E_I)/(g_L + g_D + 1) ("head"), or the paper's
// injected current C = k_D B + k_I ((E_E−E_I)/2 y + E_I/2) ("paper",
// = k_D B + k_I (8y − 4)).
func (s Soma) OutputTaught(b, y float64, t option.Teaching) float64 {
	if t == option.TeachingPaper {
		return s.KD()*b + s.KI()*((s.EE-s.EI)/2*y+s.EI/2)
	}
	return (s.GD*b + y*s.EE + (1-y)*s.EI) / (s.GL + s.GD + 1)
}

// PlateauPotential is a hidden neuron's plateau α = σ(Ā) from the mean
// apical potential over the averaging window (paper Methods, plateau
// potentials).
func PlateauPotential(meanA float64) float64 { return neuron.Sigmoid(meanA) }

// OutputError is one output neuron's error signal and squared error
// (paper Eq. 23, 28–29): with σf = σ(C̄f) and the target rate λ̄t,
// e = λ̄t − λmax σf and δ = k_D λmax σf (1 − σf) e.
func (s Soma) OutputError(sigF, lamT float64) (delta, sq float64) {
	e := lamT - s.LambdaMax*sigF
	return s.KD() * s.LambdaMax * sigF * (1 - sigF) * e, e * e
}

// OutputErrorF is OutputError for any rate function f: with the forward
// potential C̄f, e = λ̄t − λmax f(C̄f) and δ = k_D λmax f'(C̄f) e. With σ
// it equals OutputError to rounding.
func (s Soma) OutputErrorF(cF, lamT float64) (delta, sq float64) {
	f := s.F()
	e := lamT - s.LambdaMax*f.At(cF)
	return s.KD() * s.LambdaMax * f.Deriv(cF) * e, e * e
}

// HiddenErrorsF is HiddenErrors for any rate function: given the slopes
// f'(C̄f) in dF, δ = k_B λmax f'(C̄f) (αt − αf).
func (s Soma) HiddenErrorsF(delta, dF, alphaT, alphaF []float64) {
	g := s.KB() * s.LambdaMax
	dF, alphaT, alphaF = dF[:len(delta)], alphaT[:len(delta)], alphaF[:len(delta)]
	for i, d := range dF {
		delta[i] = g * d * PlateauError(alphaT[i], alphaF[i])
	}
}

// BackpropErrorF is BackpropError for any rate function: with the slope
// dF = f'(C̄f), δ = k_B λmax f'(C̄f) up.
func (s Soma) BackpropErrorF(dF, up float64) float64 {
	return s.KB() * s.LambdaMax * dF * up
}

// HiddenErrors sets a hidden layer's error signals (paper Eq. 30–35): with
// σf = σ(C̄f) given in sigF, δ = k_B λmax σf (1 − σf) (αt − αf).
func (s Soma) HiddenErrors(delta, sigF, alphaT, alphaF []float64) {
	g := s.KB() * s.LambdaMax
	sigF, alphaT, alphaF = sigF[:len(delta)], alphaT[:len(delta)], alphaF[:len(delta)]
	for i, sv := range sigF {
		delta[i] = g * (sv * (1 - sv)) * PlateauError(alphaT[i], alphaF[i])
	}
}

// PlateauError is a hidden neuron's target error αt − αf: its target rate
// φ* = λ̄f + αt − αf minus its forward rate (paper Eq. 30–35). The hidden
// error signal ([Soma.HiddenErrors]) and the hidden loss ([HiddenLoss]) both
// use it.
func PlateauError(alphaT, alphaF float64) float64 { return alphaT - alphaF }

// HiddenLoss is a hidden layer's loss L = ‖φ* − φf‖² ≈ ‖αt − αf‖² (paper
// Fig. 5B/C's L⁰), averaged over the layer's neurons as the recorded output
// loss is: mean_i PlateauError(αt_i, αf_i)². It is 0 for an empty layer.
func HiddenLoss(alphaT, alphaF []float64) float64 {
	if len(alphaT) == 0 {
		return 0
	}
	alphaF = alphaF[:len(alphaT)]
	var sum float64
	for i, t := range alphaT {
		e := PlateauError(t, alphaF[i])
		sum += e * e
	}
	return sum / float64(len(alphaT))
}

// BackpropError is one hidden neuron's backpropagated error (paper's
// backprop comparison): δ = k_B λmax σf (1 − σf) (W_{ℓ+1}ᵀ δ_{ℓ+1}) with the
// upper layer's back-projected error up.
func (s Soma) BackpropError(sigF, up float64) float64 {
	return s.KB() * s.LambdaMax * (sigF * (1 - sigF)) * up
}

// FeedbackError is one hidden neuron's feedback-learning error
// ε = (λmax σ(C̄f) − αf) σ'(Āf) (with another rate function f, sigF is
// f(C̄f): λmax sigF is the forward rate): it moves the forward plateau towards the
// forward rate (paper Methods, learning the feedback weights).
func (s Soma) FeedbackError(sigF, alphaF, meanAF float64) float64 {
	a := neuron.Sigmoid(meanAF)
	return (s.LambdaMax*sigF - alphaF) * (a * (1 - a))
}
