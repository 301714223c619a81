// Package learn holds the learning rules of the segregated-dendrite model
// (docs/model.md#learning-rules) as allocation-free vector functions: the output and
// hidden-layer error signals, their backpropagation counterpart, the
// feedback-weight error, the rank-one weight update in the presynaptic-major
// storage of package network, and the angle between two updates.
package learn

import (
	"math"

	"github.com/dendrite-lab/dendrite/neuron"
)

// OutputDelta sets δ_out = k_D λmax σ'(C̄f) ⊙ (λ̄t − λmax σ(C̄f)) (docs/model.md#output-layer)
// and returns the recorded loss mean_i (λ̄t_i − λmax σ(C̄f_i))².
func OutputDelta(delta, cf, lamT []float64, kD, lamMax float64) (loss float64) {
	for i, c := range cf {
		s := neuron.Sigmoid(c)
		e := lamT[i] - lamMax*s
		delta[i] = kD * lamMax * s * (1 - s) * e
		loss += e * e
	}
	return loss / float64(len(cf))
}

// HiddenDelta sets δ = k_B λmax σ'(C̄f) ⊙ (αt − αf) (docs/model.md#hidden-layers).
func HiddenDelta(delta, cf, alphaT, alphaF []float64, kB, lamMax float64) {
	for i, c := range cf {
		delta[i] = kB * lamMax * neuron.SigmoidPrime(c) * (alphaT[i] - alphaF[i])
	}
}

// BackpropDelta sets δ_ℓ = k_B λmax σ'(C̄f_ℓ) ⊙ (W_{ℓ+1}ᵀ δ_{ℓ+1}) where wUp is
// W_{ℓ+1} in presynaptic-major storage (n_ℓ×n_{ℓ+1}) (docs/model.md#backprop-comparison).
func BackpropDelta(delta, cf, wUp, deltaUp []float64, kB, lamMax float64) {
	nu := len(deltaUp)
	for j, c := range cf {
		row := wUp[j*nu : (j+1)*nu]
		s := 0.0
		for i, d := range deltaUp {
			s += row[i] * d
		}
		delta[j] = kB * lamMax * neuron.SigmoidPrime(c) * s
	}
}

// FeedbackError sets ε = (λmax σ(C̄f) − αf) ⊙ σ'(Āf) (docs/model.md#feedback-learning; the later code's form).
func FeedbackError(eps, cf, alphaF, aF []float64, lamMax float64) {
	for i, c := range cf {
		eps[i] = (lamMax*neuron.Sigmoid(c) - alphaF[i]) * neuron.SigmoidPrime(aF[i])
	}
}

// AddOuter adds scale·δ pᵀ to W stored presynaptic-major (len(p)×len(δ)):
// row j gains scale·p_j·δ. Rows with p_j = 0 are skipped, which is what makes
// updates from sparse inputs cheap.
func AddOuter(w []float64, scale float64, delta, p []float64) {
	n := len(delta)
	for j, pj := range p {
		if pj == 0 {
			continue
		}
		a := scale * pj
		row := w[j*n : (j+1)*n : (j+1)*n]
		for i, d := range delta {
			row[i] += a * d
		}
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
