package neuron

import "math"

// RateTable approximates the rate function λ(x) = λmax σ(x) by piecewise
// cubic Hermite interpolation (value and slope exact at every knot) on a grid
// of step 1/8 over [−32, 32], and by its limits 0 and λmax outside. The
// interpolation error is below h⁴/384·max|λ⁗| ≈ 2·10⁻⁸·λmax/0.2 and the
// clamping error below λmax σ(−32) ≈ 3·10⁻¹⁵·λmax/0.2; TestRateTableError
// checks max |At(x) − λmax σ(x)| < 10⁻⁷ over [−50, 50]. Evaluating it costs a
// multiply, a conversion and three fused polynomial steps instead of an
// exponential and a division. It is read-only after NewRateTable and safe for
// concurrent use.
type RateTable struct {
	lamMax float64
	coef   [tableN][4]float64 // per interval: p(t) = c0 + t(c1 + t(c2 + t c3)), t ∈ [0, 1)
}

const (
	tableN    = 512 // intervals (a power of two: the index mask replaces a bounds check)
	tableStep = 1.0 / 8
	tableInv  = 1 / tableStep
	tableLo   = -tableN * tableStep / 2
	tableTop  = tableN - 1.0/1024 // largest grid coordinate used (int part tableN−1)
)

// NewRateTable tabulates λmax σ(x).
func NewRateTable(lamMax float64) *RateTable {
	t := &RateTable{lamMax: lamMax}
	h := tableStep
	f := func(x float64) (v, d float64) {
		s := Sigmoid(x)
		return lamMax * s, lamMax * s * (1 - s)
	}
	for i := range t.coef {
		x0 := tableLo + float64(i)*h
		y0, d0 := f(x0)
		y1, d1 := f(x0 + h)
		// Hermite cubic in t = (x−x0)/h.
		t.coef[i] = [4]float64{y0, h * d0, 3*(y1-y0) - h*(2*d0+d1), 2*(y0-y1) + h*(d0+d1)}
	}
	return t
}

// At returns the tabulated λmax σ(x) (NaN for NaN).
func (t *RateTable) At(x float64) float64 {
	// Clamped to the grid: beyond ±32 the end knots' values are within 3e-15 of the limits.
	f := min(max(x*tableInv-tableLo*tableInv, 0), tableTop)
	i := int(f)
	c := &t.coef[i&(tableN-1)]
	u := f - float64(i)
	return c[0] + u*(c[1]+u*(c[2]+u*c[3]))
}

// PoissonU returns the Poisson(λ) count whose inverse CDF is at u ∈ [0, 1),
// the same count as PoissonP0(u, λ, e^{−λ}) but mostly without the
// exponential: since 1−λ ≤ e^{−λ} ≤ 1−λ+λ²/2 and (1+λ)e^{−λ} ≥ 1−λ²/2 for
// every λ ≥ 0, u < 1−λ means 0 and 1−λ+λ²/2 ≤ u < 1−λ²/2 means 1; only the
// remaining draws (probability ≤ λ²) evaluate e^{−λ}.
func PoissonU(u, lambda float64) int {
	if u < 1-lambda {
		return 0
	}
	h := lambda * lambda / 2
	if u >= 1-lambda+h && u < 1-h {
		return 1
	}
	return PoissonP0(u, lambda, math.Exp(-lambda))
}
