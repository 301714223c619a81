package neuron

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The rate table's error against the exact λmax σ(x) stays below 1e-7
// (the requirement is 1e-5) over [−50, 50], including the knots, the clamped
// tails and points just inside and outside the grid.
func TestRateTableError(t *testing.T) {
	for _, lamMax := range []float64{0.2, 1} {
		tab := NewRateTable(lamMax)
		worst, at := 0.0, 0.0
		check := func(x float64) {
			d := math.Abs(tab.At(x) - lamMax*Sigmoid(x))
			if d > worst {
				worst, at = d, x
			}
		}
		for k := 0; k <= 2_000_000; k++ {
			check(-50 + 100*float64(k)/2_000_000)
		}
		for _, x := range []float64{-32, 32, math.Nextafter(32, 0), math.Nextafter(-32, -33), -20, 20, 1e300, -1e300, math.Inf(1), math.Inf(-1)} {
			check(x)
		}
		r := rand.New(rand.NewPCG(3, 4))
		for k := 0; k < 200000; k++ {
			check(r.NormFloat64() * 6)
		}
		t.Logf("λmax=%g: max error %.3g at x=%.6g", lamMax, worst, at)
		if worst > 1e-7*lamMax/0.2 {
			t.Errorf("λmax=%g: table error %.3g at x=%g exceeds 1e-7", lamMax, worst, at)
		}
	}
	if v := NewRateTable(0.2).At(math.NaN()); !math.IsNaN(v) {
		t.Errorf("At(NaN) = %v", v)
	}
}

// PoissonU equals the plain inversion for every u and λ, including u at and
// next to the shortcut bounds.
func TestPoissonUMatchesInversion(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, lam := range []float64{0, 1e-9, 0.001, 0.05, 0.1, 0.2, 0.5, 1, 3} {
		p0 := math.Exp(-lam)
		h := lam * lam / 2
		l3, l4 := lam*lam*lam, lam*lam*lam*lam
		lo0 := 1 - lam + h - l3/6
		us := []float64{0, 1 - lam, 1 - lam + h, 1 - h, p0, p0 * (1 + lam), p0 * (1 + lam + h), math.Nextafter(1, 0),
			lo0, lo0 + l4/24, 1 - h + l3/3, 1 - h + l3/3 - l4/8, 1 - l3/6, 1 - l3/6 + l4/8}
		for _, u := range us {
			for _, v := range []float64{u, math.Nextafter(u, 0), math.Nextafter(u, 1)} {
				if v < 0 || v >= 1 {
					continue
				}
				if a, b := PoissonU(v, lam), PoissonP0(v, lam, p0); a != b {
					t.Errorf("λ=%g u=%.17g: PoissonU %d, inversion %d", lam, v, a, b)
				}
			}
		}
		for k := 0; k < 400000; k++ {
			u := r.Float64()
			if k%2 == 1 { // concentrate on the upper tail, where the counts ≥ 1 are
				u = 1 - 3*lam*r.Float64()
				if u < 0 || u >= 1 {
					continue
				}
			}
			if a, b := PoissonU(u, lam), PoissonP0(u, lam, p0); a != b {
				t.Fatalf("λ=%g u=%.17g: PoissonU %d, inversion %d", lam, u, a, b)
			}
		}
	}
}

func BenchmarkRateTable(b *testing.B) {
	tab := NewRateTable(0.2)
	x, s := -3.0, 0.0
	for i := 0; i < b.N; i++ {
		s += tab.At(x)
		x += 1e-4
		if x > 3 {
			x = -3
		}
	}
	_ = s
}

func BenchmarkSigmoidExact(b *testing.B) {
	x, s := -3.0, 0.0
	for i := 0; i < b.N; i++ {
		s += 0.2 * Sigmoid(x)
		x += 1e-4
		if x > 3 {
			x = -3
		}
	}
	_ = s
}
