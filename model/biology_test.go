package model

import (
	"math"
	"strings"
	"testing"
)

// With τ_L = τ_s the kernel is the limit of the difference quotient,
// (s/τ²) e^{−s/τ}: finite, and between the kernels of τ ± 10⁻⁶.
func TestKernelEqualTimeConstants(t *testing.T) {
	k := Kernel{Mem: 10, TauS: 10, TauL: 10}
	if err := k.Check(); err != nil {
		t.Fatal(err)
	}
	for s := 1; s <= 10; s++ {
		v := k.At(s)
		near := Kernel{Mem: 10, TauS: 10 - 1e-4, TauL: 10 + 1e-4}.At(s)
		if math.IsNaN(v) || math.Abs(v-near) > 1e-8 {
			t.Errorf("κ(%d) = %v, near-equal time constants give %v", s, v, near)
		}
	}
	// hand value: κ(1) = e^{−0.1}/100
	if got, want := k.At(1), math.Exp(-0.1)/100; math.Abs(got-want) > 1e-18 {
		t.Errorf("κ(1) = %.17g, want %.17g", got, want)
	}
	if !(Kernel{Mem: 10, TauS: 3, TauL: 10}).Exponential() || k.Exponential() {
		t.Error("Exponential: want true only for distinct time constants without Weights")
	}
}

func TestKernelOfAndCheck(t *testing.T) {
	k, err := KernelOf(4, func(s int) float64 { return float64(5 - s) })
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Values(); len(got) != 4 || got[0] != 4 || got[3] != 1 || k.At(5) != 0 || k.At(0) != 0 {
		t.Errorf("values %v, κ(5)=%v", got, k.At(5))
	}
	for _, c := range []struct {
		k    Kernel
		want string
	}{
		{Kernel{Mem: 0, TauS: 3, TauL: 10}, "memory 0"},
		{Kernel{Mem: 3, TauS: 0, TauL: 10}, "want finite and > 0"},
		{Kernel{Mem: 3, TauS: math.Inf(1), TauL: 10}, "want finite and > 0"},
		{Kernel{Mem: 3, Weights: []float64{1, 2}}, "2 values for a memory of 3"},
		{Kernel{Mem: 2, Weights: []float64{1, -1}}, "κ(2) = -1"},
		{Kernel{Mem: 2, Weights: []float64{math.Inf(1), 0}}, "κ(1) = +Inf"},
		{Kernel{Mem: 2, Weights: []float64{0, 0}}, "zero at every step"},
	} {
		if err := c.k.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error containing %q", c.k, err, c.want)
		}
	}
	if _, err := KernelOf(3, func(int) float64 { return math.NaN() }); err == nil {
		t.Error("KernelOf accepted NaN")
	}
}

func TestSigmoidRateFunc(t *testing.T) {
	s := Sigmoid{Slope: 2, Offset: 1}
	if s.At(1) != 0.5 || s.Deriv(1) != 0.5 {
		t.Errorf("σ(2(1−1)) = %v, slope %v; want 0.5, 0.5", s.At(1), s.Deriv(1))
	}
	if err := CheckRateFunc(s); err != nil {
		t.Error(err)
	}
	if !(Sigmoid{Slope: 1}).Paper() || s.Paper() {
		t.Error("Paper")
	}
	if !(Soma{}).PaperRate() || !(Soma{RateFunc: Sigmoid{Slope: 1}}).PaperRate() || (Soma{RateFunc: s}).PaperRate() {
		t.Error("PaperRate")
	}
	so := Soma{LambdaMax: 0.2}
	if so.Rate(0.3) != 0.2*(Sigmoid{Slope: 1}).At(0.3) {
		t.Error("default Rate is not λmax σ")
	}
}

func TestNewRateFunc(t *testing.T) {
	// softplus-like saturating ramp: f = x²/(1+x²) for x>0, 0 below (a kink at 0)
	f := func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return x * x / (1 + x*x)
	}
	df := func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return 2 * x / ((1 + x*x) * (1 + x*x))
	}
	if _, err := NewRateFunc(f, df); err != nil {
		t.Errorf("monotone function refused: %v", err)
	}
	relu := func(x float64) float64 { return max(x, 0) }
	step := func(x float64) float64 {
		if x > 0 {
			return 1
		}
		return 0
	}
	if _, err := NewRateFunc(relu, step); err != nil {
		t.Errorf("ReLU (kink at 0) refused: %v", err)
	}
	for _, c := range []struct {
		f, df func(float64) float64
		want  string
	}{
		{func(x float64) float64 { return -x }, func(float64) float64 { return -1 }, "want ≥ 0"},
		{func(float64) float64 { return 0.5 }, func(float64) float64 { return 0 }, "constant"},
		{func(x float64) float64 { return math.Sqrt(x) }, func(x float64) float64 { return 0.5 / math.Sqrt(x) }, "want a finite rate"},
		{f, func(float64) float64 { return 0 }, "does not match"},
		{nil, df, "both f and its derivative"},
	} {
		if _, err := NewRateFunc(c.f, c.df); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}
