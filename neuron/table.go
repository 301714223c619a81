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
// exponential. For every λ ≥ 0 the CDF values at 0, 1 and 2 lie in intervals
// of width ≤ λ⁴/8 whose ends are polynomials in λ (Taylor bounds):
//
//	e^{−λ}                ∈ [1−λ+λ²/2−λ³/6, … + λ⁴/24]
//	(1+λ) e^{−λ}          ∈ [1−λ²/2+λ³/3−λ⁴/8, 1−λ²/2+λ³/3]
//	(1+λ+λ²/2) e^{−λ}     ∈ [1−λ³/6, 1−λ³/6+λ⁴/8]
//
// so u < 1−λ or u below the first interval means 0, u between the first and
// second intervals 1, between the second and third 2. Only u inside an
// interval (shrunk by a margin of 2⁻⁵⁰ for rounding) or above the third
// (probability ≈ λ³/6) evaluates e^{−λ}.
func PoissonU(u, lambda float64) int {
	if u < 1-lambda {
		return 0
	}
	const eps = 0x1p-50
	l2 := lambda * lambda
	l3 := l2 * lambda
	l4 := l2 * l2
	lo0 := 1 - lambda + l2/2 - l3/6
	if u < lo0-eps {
		return 0
	}
	hi1 := 1 - l2/2 + l3/3
	if u >= lo0+l4/24+eps && u < hi1-l4/8-eps {
		return 1
	}
	if twoLo, twoHi := PoissonTwo(lambda); u >= twoLo && u < twoHi {
		return 2
	}
	return PoissonP0(u, lambda, math.Exp(-lambda))
}

// PoissonTwo returns the interval [lo, hi) of u in which PoissonU returns 2
// from its bounds alone: the Taylor bounds of the CDF at 1 and 2 (see
// PoissonU) shrunk by 2⁻⁵⁰. Above PoissonU's bounds of 0 and 1, it lets a
// caller that knows u only to an interval settle a count of 2.
func PoissonTwo(lambda float64) (lo, hi float64) {
	const eps = 0x1p-50
	l2 := lambda * lambda
	l3 := l2 * lambda
	return 1 - l2/2 + l3/3 + eps, 1 - l3/6 - eps
}

// Rates sets dst[i] = At(x[i]) for i < len(dst).
func (t *RateTable) Rates(dst, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		f := v*tableInv - tableLo*tableInv
		if f >= 0 && f < tableTop {
			j := int(f)
			c := &t.coef[j&(tableN-1)]
			u := f - float64(j)
			dst[i] = c[0] + u*(c[1]+u*(c[2]+u*c[3]))
		} else {
			dst[i] = t.At(v)
		}
	}
}
