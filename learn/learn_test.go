package learn

import (
	"math"
	"testing"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/neuron"
)

const (
	lamMax = 0.2
	kB     = 0.6 / 0.7
	kD     = 0.6 / 0.7
)

// soma has the paper's conductances with g_A = 0, so k_B = k_D = 0.6/0.7.
var soma = model.Soma{GL: 0.1, GB: 0.6, GA: 0, GD: 0.6, EE: 8, EI: -8, LambdaMax: lamMax, Conductances: true}

func sig(x float64) float64 { return neuron.Sigmoid(x) }

func TestOutputDeltaByHand(t *testing.T) {
	cf := []float64{0, 2}
	lamT := []float64{0.2, 0}
	delta := make([]float64, 2)
	loss := OutputDelta(delta, cf, lamT, soma)
	// neuron 0: σ(0)=0.5, σ'=0.25, error 0.2−0.1 = 0.1 → δ = k_D·0.2·0.25·0.1
	if want := kD * 0.2 * 0.25 * 0.1; math.Abs(delta[0]-want) > 1e-15 {
		t.Errorf("δ0 = %v, want %v", delta[0], want)
	}
	s := sig(2)
	if want := kD * 0.2 * s * (1 - s) * (0 - 0.2*s); math.Abs(delta[1]-want) > 1e-15 {
		t.Errorf("δ1 = %v, want %v", delta[1], want)
	}
	if want := (0.01 + 0.04*s*s) / 2; math.Abs(loss-want) > 1e-15 {
		t.Errorf("loss %v, want %v", loss, want)
	}
}

func TestAngle(t *testing.T) {
	if a := AngleDeg([]float64{1, 0}, []float64{0, 3}); math.Abs(a-90) > 1e-12 {
		t.Errorf("angle %v", a)
	}
	if a := AngleDeg([]float64{1, 1}, []float64{2, 2}); math.Abs(a) > 1e-6 {
		t.Errorf("angle %v", a)
	}
	if !math.IsNaN(AngleDeg([]float64{0, 0}, []float64{1, 0})) {
		t.Error("angle with a zero vector should be NaN")
	}
}

// The backprop hidden update equals −½ ∂L/∂W₀ of the output loss (target held
// fixed), checked by finite differences on a 4-3-2 rate network.
func TestBackpropMatchesFiniteDifferences(t *testing.T) {
	x := []float64{0.2, 0, 0.1, 0.15}
	W0 := []float64{ // presynaptic-major 4×3
		0.5, -1, 2,
		1, 1, 1,
		-2, 0.3, 0.7,
		0.9, -0.4, 1.5}
	b0 := []float64{0.8, 0.1, -0.3}
	W1 := []float64{ // 3×2
		1.2, -0.7,
		0.4, 2.0,
		-1.1, 0.6}
	b1 := []float64{0.2, -0.1}
	lamT := []float64{0.19, 0.01}
	forward := func(W0 []float64) (c0, c1 []float64) {
		c0 = make([]float64, 3)
		r0 := make([]float64, 3)
		for i := 0; i < 3; i++ {
			B := b0[i]
			for j := 0; j < 4; j++ {
				B += W0[j*3+i] * x[j]
			}
			c0[i] = kB * B
			r0[i] = lamMax * sig(c0[i])
		}
		c1 = make([]float64, 2)
		for i := 0; i < 2; i++ {
			B := b1[i]
			for j := 0; j < 3; j++ {
				B += W1[j*2+i] * r0[j]
			}
			c1[i] = kD * B
		}
		return
	}
	loss := func(W0 []float64) float64 {
		_, c1 := forward(W0)
		l := 0.0
		for i, c := range c1 {
			e := lamT[i] - lamMax*sig(c)
			l += e * e
		}
		return l
	}
	c0, c1 := forward(W0)
	dOut := make([]float64, 2)
	OutputDelta(dOut, c1, lamT, soma)
	d0 := make([]float64, 3)
	BackpropDelta(d0, c0, W1, dOut, soma)
	const h = 1e-6
	for j := 0; j < 4; j++ {
		for i := 0; i < 3; i++ {
			wp := append([]float64(nil), W0...)
			wm := append([]float64(nil), W0...)
			wp[j*3+i] += h
			wm[j*3+i] -= h
			num := -0.5 * (loss(wp) - loss(wm)) / (2 * h)
			got := d0[i] * x[j]
			if math.Abs(num-got) > 1e-9+1e-5*math.Abs(num) {
				t.Errorf("W0[%d→%d]: backprop %.3e, finite difference %.3e", j, i, got, num)
			}
		}
	}
}

func TestFeedbackError(t *testing.T) {
	eps := make([]float64, 1)
	FeedbackError(eps, []float64{0}, []float64{0.3}, []float64{0}, soma)
	if want := (0.1 - 0.3) * 0.25; math.Abs(eps[0]-want) > 1e-15 {
		t.Errorf("ε = %v, want %v", eps[0], want)
	}
}
