package neuron

import (
	"math"
	"math/rand/v2"
)

// Sigmoid is σ(x) = 1/(1+e^{−x}), computed without overflow for any x.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// SigmoidPrime is σ'(x) = σ(x)(1−σ(x)), finite and ≥ 0 for any x (the
// reference e^x/(1+e^x)² is NaN for x ≳ 709).
func SigmoidPrime(x float64) float64 {
	s := Sigmoid(x)
	return s * (1 - s)
}

// Poisson draws a Poisson count with mean lambda by inversion, using one
// uniform for the common case: for the model's rates (λ ≤ 0.2) a zero count
// has probability ≥ 0.82. It is exact for any lambda ≥ 0 below ~700.
func Poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	return PoissonP0(r.Float64(), lambda, math.Exp(-lambda))
}

// PoissonP0 inverts the Poisson CDF at u given λ and p0 = e^{−λ}: it returns
// the smallest k with P(X ≤ k) > u. Callers that already know p0 (from a table)
// save an exponential per draw.
func PoissonP0(u, lambda, p0 float64) int {
	p := p0
	cdf := p
	k := 0
	for u >= cdf {
		k++
		p *= lambda / float64(k)
		cdf += p
		if p == 0 || k > 1000 {
			break
		}
	}
	return k
}

// Wald draws from the inverse-Gaussian distribution with mean mu and shape
// lambda (numpy's wald(mean, scale)), by Michael, Schucany & Haas (1976).
func Wald(r *rand.Rand, mu, lambda float64) float64 {
	v := r.NormFloat64()
	y := v * v
	x := mu + mu*mu*y/(2*lambda) - (mu/(2*lambda))*math.Sqrt(4*mu*lambda*y+mu*mu*y*y)
	if r.Float64() <= mu/(mu+x) {
		return x
	}
	return mu * mu / x
}

// PhaseLength draws a random phase length min + ⌊Wald(2, 1)⌋ (docs/model.md#phases-and-averaging-windows).
func PhaseLength(r *rand.Rand, min int) int {
	w := Wald(r, 2, 1)
	if w > 1e6 {
		w = 1e6
	}
	return min + int(math.Floor(w))
}

// PlateauJitter draws a plateau-time offset d = min(|trunc(z)|, max) with
// z ~ N(0, sd²) (docs/model.md#plateau-potentials).
func PlateauJitter(r *rand.Rand, sd float64, max int) int {
	d := int(math.Abs(math.Trunc(r.NormFloat64() * sd)))
	if d > max {
		d = max
	}
	return d
}

// InitStats holds the "weight optimisation" targets (docs/model.md#weight-initialisation): presynaptic
// and dendritic potentials with mean VMean and s.d. VSD, biases with mean
// BMean and s.d. BSD, and the sigmoid's linear-regime slope Nu = λmax/4.
type InitStats struct {
	VMean, VSD, BMean, BSD, Nu float64
}

// DefaultInitStats are the model's constants for λmax (docs/model.md#weight-initialisation).
func DefaultInitStats(lambdaMax float64) InitStats {
	return InitStats{VMean: 3, VSD: 3, BMean: 0.8, BSD: 0.001, Nu: lambdaMax / 4}
}

// Weights returns the mean w̄ and s.d. s_w of a layer's weights for fan-in n.
func (s InitStats) Weights(n int) (mean, sd float64) {
	N := float64(n)
	mv := s.VSD*s.VSD + s.VMean*s.VMean
	w := (s.VMean - s.BMean) / (s.Nu * N * s.VMean)
	m2 := (mv - s.Nu*s.Nu*N*(N-1)*w*w*s.VMean*s.VMean - 2*N*s.Nu*s.BMean*s.VMean*w - s.BMean*s.BMean) / (N * s.Nu * s.Nu * mv)
	return w, math.Sqrt(m2 - w*w)
}
