package neuron

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSigmoidStable(t *testing.T) {
	for _, x := range []float64{-1e308, -800, -710, -700, -1, 0, 1, 700, 710, 800, 1e308} {
		s, d := Sigmoid(x), SigmoidPrime(x)
		if math.IsNaN(s) || math.IsNaN(d) || s < 0 || s > 1 || d < 0 || d > 0.25 {
			t.Errorf("x=%g: σ=%g σ'=%g", x, s, d)
		}
	}
	if Sigmoid(0) != 0.5 || SigmoidPrime(0) != 0.25 {
		t.Error("σ(0) or σ'(0) wrong")
	}
	if got := Sigmoid(2); math.Abs(got-0.8807970779778823) > 1e-15 {
		t.Errorf("σ(2) = %v", got)
	}
}

func TestPoissonMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, lam := range []float64{0.02, 0.2, 3} {
		n := 400000
		sum, sum2 := 0.0, 0.0
		zeros := 0
		for i := 0; i < n; i++ {
			k := float64(Poisson(r, lam))
			sum += k
			sum2 += k * k
			if k == 0 {
				zeros++
			}
		}
		mean := sum / float64(n)
		v := sum2/float64(n) - mean*mean
		se := math.Sqrt(lam / float64(n))
		if math.Abs(mean-lam) > 5*se {
			t.Errorf("λ=%g: mean %g", lam, mean)
		}
		if math.Abs(v-lam) > 0.05*lam+5*se {
			t.Errorf("λ=%g: variance %g", lam, v)
		}
		p0 := float64(zeros) / float64(n)
		if math.Abs(p0-math.Exp(-lam)) > 0.005 {
			t.Errorf("λ=%g: P(0)=%g want %g", lam, p0, math.Exp(-lam))
		}
	}
}

// The extra phase length ⌊Wald(2,1)⌋ has the histogram of docs/model.md#phases-and-averaging-windows.
func TestWaldExtraLengthHistogram(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 400000
	hist := make([]int, 6)
	sum := 0.0
	for i := 0; i < n; i++ {
		e := PhaseLength(r, 50) - 50
		sum += float64(e)
		if e < len(hist) {
			hist[e]++
		}
	}
	want := []float64{0.49, 0.22, 0.10, 0.06, 0.04}
	for k, w := range want {
		p := float64(hist[k]) / float64(n)
		if math.Abs(p-w) > 0.015 {
			t.Errorf("P(extra=%d) = %.3f, want ≈ %.2f", k, p, w)
		}
	}
	if m := sum / float64(n); math.Abs(m-1.52) > 0.05 {
		t.Errorf("mean extra length %.3f, want ≈ 1.52", m)
	}
	// The Wald distribution itself has mean μ = 2.
	ws := 0.0
	for i := 0; i < n; i++ {
		ws += Wald(r, 2, 1)
	}
	if m := ws / float64(n); math.Abs(m-2) > 0.05 {
		t.Errorf("Wald mean %.3f, want 2", m)
	}
}

func TestPlateauJitter(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	hist := make([]int, 6)
	for i := 0; i < 100000; i++ {
		d := PlateauJitter(r, 3, 5)
		if d < 0 || d > 5 {
			t.Fatalf("jitter %d out of [0,5]", d)
		}
		hist[d]++
	}
	// P(d=0) = P(|z|<1) for z~N(0,9) ≈ 0.261; P(d=5) = P(|z|≥5) ≈ 0.0956.
	if p := float64(hist[0]) / 1e5; math.Abs(p-0.2611) > 0.01 {
		t.Errorf("P(d=0)=%.3f", p)
	}
	if p := float64(hist[5]) / 1e5; math.Abs(p-0.0956) > 0.01 {
		t.Errorf("P(d=5)=%.3f", p)
	}
}

func TestInitStats(t *testing.T) {
	s := DefaultInitStats(0.2)
	for _, c := range []struct {
		n        int
		mean, sd float64
	}{{784, 0.0187075, 0.504903}, {500, 0.0293333, 0.632115}, {100, 0.146667, 1.410410}} {
		m, sd := s.Weights(c.n)
		if math.Abs(m-c.mean) > 1e-5 || math.Abs(sd-c.sd) > 1e-5 {
			t.Errorf("fan-in %d: w̄=%.7f s_w=%.6f, want %.7f %.6f", c.n, m, sd, c.mean, c.sd)
		}
	}
}
