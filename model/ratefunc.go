package model

import (
	"fmt"
	"math"

	"github.com/dendrite-lab/dendrite/neuron"
)

// RateFunc is a soma's rate nonlinearity f: a neuron whose somatic potential
// is C fires at the rate λmax·f(C) spikes per step, and the learning rules
// use f' where the paper uses σ' (docs/model.md#rate-function). Implement it
// to change the biology; Sigmoid is the paper's choice. f must be
// non-decreasing, finite and ≥ 0 (a rate); CheckRateFunc checks that on a
// grid. The plateau potentials α = σ(Ā) keep the logistic sigmoid: they are
// the apical dendrite's nonlinearity, not the soma's rate.
type RateFunc interface {
	// At returns f(x).
	At(x float64) float64
	// Deriv returns f'(x) (at a kink, any value between the one-sided
	// slopes).
	Deriv(x float64) float64
}

// Sigmoid is the rate function f(x) = σ(Slope·(x − Offset)), the logistic
// sigmoid σ(x) = 1/(1+e^{−x}) with a gain and a threshold: Slope scales its
// steepness (f'(Offset) = Slope/4) and Offset is the potential at which the
// rate is half its maximum. The paper's is Sigmoid{Slope: 1} (config keys
// rate_slope and rate_offset). Slope must be > 0.
type Sigmoid struct {
	Slope, Offset float64
}

// At returns σ(Slope·(x − Offset)).
func (s Sigmoid) At(x float64) float64 { return neuron.Sigmoid(s.Slope * (x - s.Offset)) }

// Deriv returns Slope·σ'(Slope·(x − Offset)).
func (s Sigmoid) Deriv(x float64) float64 { return s.Slope * neuron.SigmoidPrime(s.Slope*(x-s.Offset)) }

// Paper reports whether s is the paper's σ (slope 1, offset 0), which the
// simulator evaluates with its fastest kernels bit-identically to σ.
func (s Sigmoid) Paper() bool { return s.Slope == 1 && s.Offset == 0 }

// funcRate is a RateFunc made of two functions (NewRateFunc).
type funcRate struct{ f, df func(float64) float64 }

func (r *funcRate) At(x float64) float64    { return r.f(x) }
func (r *funcRate) Deriv(x float64) float64 { return r.df(x) }

// NewRateFunc returns the rate function f with derivative df, checked by
// CheckRateFunc.
func NewRateFunc(f, df func(float64) float64) (RateFunc, error) {
	if f == nil || df == nil {
		return nil, fmt.Errorf("model: rate function: both f and its derivative are needed")
	}
	r := &funcRate{f, df} // a pointer: a Soma holding it stays comparable
	if err := CheckRateFunc(r); err != nil {
		return nil, err
	}
	return r, nil
}

// rateGrid is where CheckRateFunc looks: every 1/16 over [−rateGridMax,
// rateGridMax], wider than the potentials a working network reaches.
const (
	rateGridMax  = 50
	rateGridStep = 1.0 / 16
)

// CheckRateFunc checks f on a grid (every 1/16 over [−50, 50]): f and f'
// finite, f ≥ 0, f non-decreasing, f' ≥ 0, f not constant, and f' the slope
// of f (within 10⁻³ of the largest slope, or between the one-sided slopes at
// a kink). A Sim and run.Trainer refuse a rate function that fails it.
func CheckRateFunc(f RateFunc) error {
	if f == nil {
		return fmt.Errorf("model: rate function is nil")
	}
	n := int(2 * rateGridMax / rateGridStep)
	xs := make([]float64, n+1)
	for i := range xs {
		xs[i] = -rateGridMax + float64(i)*rateGridStep
	}
	maxD := 0.0
	prev := math.Inf(-1)
	for _, x := range xs {
		v, d := f.At(x), f.Deriv(x)
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return fmt.Errorf("model: rate function: f(%g) = %g, want a finite rate", x, v)
		case math.IsNaN(d) || math.IsInf(d, 0):
			return fmt.Errorf("model: rate function: f'(%g) = %g, want a finite slope", x, d)
		case v < 0:
			return fmt.Errorf("model: rate function: f(%g) = %g, want ≥ 0 (the rate is λmax·f)", x, v)
		case d < 0:
			return fmt.Errorf("model: rate function: f'(%g) = %g, want ≥ 0 (f must be non-decreasing)", x, d)
		case v < prev:
			return fmt.Errorf("model: rate function is not monotone: f(%g) = %g < f(%g) = %g", x, v, x-rateGridStep, prev)
		}
		prev = v
		maxD = max(maxD, d)
	}
	if f.At(xs[0]) == f.At(xs[n]) {
		return fmt.Errorf("model: rate function is constant (%g) over [%d, %d]", f.At(xs[0]), -rateGridMax, rateGridMax)
	}
	// f' must be f's slope: compare with one-sided difference quotients.
	const h = 1e-6
	tol := 1e-3 * max(maxD, 1e-12)
	for _, x := range xs {
		d, v := f.Deriv(x), f.At(x)
		left, right := (v-f.At(x-h))/h, (f.At(x+h)-v)/h
		lo, hi := min(left, right)-tol, max(left, right)+tol
		if d < lo || d > hi {
			return fmt.Errorf("model: rate function: f'(%g) = %g, but f's slope there is %g: the derivative does not match f", x, d, (left+right)/2)
		}
	}
	return nil
}
