// Package learn applies the learning rules of package model to whole
// layers as allocation-free vector functions: the output error and loss, the
// backpropagated hidden error of the backprop comparison, the feedback-weight
// error, the bias update and the angle between two updates
// (docs/model.md#learning-rules). The hidden
// layers' error and the rank-one weight update run in package sim's vector
// kernels, which call the same model equations.
package learn

import (
	"math"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/neuron"
)

// OutputDelta sets δ_out = k_D λmax σ'(C̄f) ⊙ (λ̄t − λmax σ(C̄f)) (paper
// Eq. 23, 28–29, docs/model.md#output-layer; model.Soma.OutputError per
// neuron) and returns the
// recorded loss mean_i (λ̄t_i − λmax σ(C̄f_i))². With another rate function
// f (soma.RateFunc) f and f' replace σ and σ' (model.Soma.OutputErrorF).
func OutputDelta(delta, cf, lamT []float64, soma model.Soma) (loss float64) {
	if !soma.PaperRate() {
		for i, c := range cf {
			d, sq := soma.OutputErrorF(c, lamT[i])
			delta[i] = d
			loss += sq
		}
		return loss / float64(len(cf))
	}
	for i, c := range cf {
		d, sq := soma.OutputError(neuron.Sigmoid(c), lamT[i])
		delta[i] = d
		loss += sq
	}
	return loss / float64(len(cf))
}

// BackpropDelta sets δ_ℓ = k_B λmax σ'(C̄f_ℓ) ⊙ (W_{ℓ+1}ᵀ δ_{ℓ+1}) where wUp is
// W_{ℓ+1} in presynaptic-major storage (n_ℓ×n_{ℓ+1})
// (docs/model.md#backprop-comparison; model.Soma.BackpropError per neuron,
// BackpropErrorF with f' for another rate function).
func BackpropDelta(delta, cf, wUp, deltaUp []float64, soma model.Soma) {
	nu := len(deltaUp)
	paper, f := soma.PaperRate(), soma.F()
	for j, c := range cf {
		row := wUp[j*nu : (j+1)*nu]
		s := 0.0
		for i, d := range deltaUp {
			s += row[i] * d
		}
		if paper {
			delta[j] = soma.BackpropError(neuron.Sigmoid(c), s)
		} else {
			delta[j] = soma.BackpropErrorF(f.Deriv(c), s)
		}
	}
}

// FeedbackError sets ε = (λmax σ(C̄f) − αf) ⊙ σ'(Āf)
// (docs/model.md#feedback-learning; model.Soma.FeedbackError per neuron);
// with another rate function f, λmax f(C̄f) is the forward rate.
func FeedbackError(eps, cf, alphaF, aF []float64, soma model.Soma) {
	if !soma.PaperRate() {
		f := soma.F()
		for i, c := range cf {
			eps[i] = soma.FeedbackError(f.At(c), alphaF[i], aF[i])
		}
		return
	}
	for i, c := range cf {
		eps[i] = soma.FeedbackError(neuron.Sigmoid(c), alphaF[i], aF[i])
	}
}

// AddScaled adds scale·δ to b.
func AddScaled(b []float64, scale float64, delta []float64) {
	for i, d := range delta {
		b[i] += scale * d
	}
}

// AngleDeg returns the angle between a and b in degrees (NaN if either is 0).
func AngleDeg(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return math.NaN()
	}
	c := ab / math.Sqrt(aa*bb)
	c = math.Max(-1, math.Min(1, c))
	return math.Acos(c) * 180 / math.Pi
}
