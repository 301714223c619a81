package sim

import (
	"math"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/network"
)

// One rate-mode example on a 3-2-10 network (784 inputs of which only 3 are
// non-zero), with every quantity written out from docs/model.md (#learning-rules, #rate-mode).
func TestRateExampleByHand(t *testing.T) {
	cfg := newCfg(t, func(c *config.Config) {
		c.Profile, c.FeedbackBias, c.Mode = "head", "none", "rate"
		c.Layers = []int{2, 10}
		c.Etas = []float64{0.3, 0.2}
	})
	net := network.NewShape(Pixels, cfg.Layers, true, false)
	h, o := net.Layers[0], net.Layers[1]
	// W0 from pixels 0..2 to the 2 hidden units (presynaptic-major), b0.
	w0 := [3][2]float64{{0.5, -1}, {2, 0.25}, {-0.75, 1.5}}
	for j := 0; j < 3; j++ {
		for i := 0; i < 2; i++ {
			h.W[j*2+i] = w0[j][i]
		}
	}
	h.B[0], h.B[1] = 0.8, -0.2
	var w1 [2][10]float64
	var y [10][2]float64
	for k := 0; k < 10; k++ {
		w1[0][k] = 0.3 * float64(k-4)
		w1[1][k] = -0.2 * float64(k%3)
		o.W[0*10+k], o.W[1*10+k] = w1[0][k], w1[1][k]
		o.B[k] = 0.1 * float64(k)
		y[k] = [2]float64{0.5 * float64(k%4-1), 1 - 0.1*float64(k)}
		h.Y[k*2+0], h.Y[k*2+1] = y[k][0], y[k][1]
	}
	img := make([]uint8, Pixels)
	img[0], img[1], img[2] = 255, 51, 102
	label := 3
	x := [3]float64{0.2 * 1, 0.2 * 0.2, 0.2 * 0.4} // λmax·pixel/255

	kB, kD, lm := 0.6/0.7, 0.6/0.7, 0.2
	var c0, r0 [2]float64
	for i := 0; i < 2; i++ {
		B := h.B[i]
		for j := 0; j < 3; j++ {
			B += w0[j][i] * x[j]
		}
		c0[i] = kB * B
		r0[i] = lm * sig(c0[i])
	}
	var b1, c1f, r1f, c1t, r1t [10]float64
	for k := 0; k < 10; k++ {
		b1[k] = o.B[k] + w1[0][k]*r0[0] + w1[1][k]*r0[1]
		c1f[k] = kD * b1[k]
		r1f[k] = lm * sig(c1f[k])
		yk := 0.0
		if k == label {
			yk = 1
		}
		c1t[k] = (0.6*b1[k] + 8*yk - 8*(1-yk)) / 1.7
		r1t[k] = lm * sig(c1t[k])
	}
	var af, at [2]float64
	for i := 0; i < 2; i++ {
		for k := 0; k < 10; k++ {
			af[i] += y[k][i] * r1f[k]
			at[i] += y[k][i] * r1t[k]
		}
	}
	var d1 [10]float64
	wantW1 := w1
	var wantB1 [10]float64
	for k := 0; k < 10; k++ {
		s := sig(c1f[k])
		d1[k] = kD * lm * s * (1 - s) * (r1t[k] - r1f[k])
		for j := 0; j < 2; j++ {
			wantW1[j][k] += 0.2 * 500 * d1[k] * r0[j]
		}
		wantB1[k] = o.B[k] + 0.2*500*d1[k]
	}
	wantW0 := w0
	for i := 0; i < 2; i++ {
		s := sig(c0[i])
		d0 := kB * lm * s * (1 - s) * (sig(at[i]) - sig(af[i]))
		for j := 0; j < 3; j++ {
			wantW0[j][i] += 0.3 * 100 * d0 * x[j]
		}
	}

	s := New(cfg.Model(), net, 1)
	res := s.Train(img, label)
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-13 {
			t.Errorf("%s = %.15g, want %.15g", what, got, want)
		}
	}
	for j := 0; j < 3; j++ {
		for i := 0; i < 2; i++ {
			near("W0", h.W[j*2+i], wantW0[j][i])
		}
	}
	for j := 3; j < Pixels; j++ {
		if h.W[j*2] != 0 || h.W[j*2+1] != 0 {
			t.Fatal("weights from zero pixels changed")
		}
	}
	for k := 0; k < 10; k++ {
		near("W1", o.W[k], wantW1[0][k])
		near("W1", o.W[10+k], wantW1[1][k])
		near("b1", o.B[k], wantB1[k])
	}
	loss := 0.0
	for k := 0; k < 10; k++ {
		loss += (r1t[k] - r1f[k]) * (r1t[k] - r1f[k])
	}
	near("loss", res.Loss, loss/10)
	// The hidden loss L⁰ = mean_i (αt_i − αf_i)² with α = σ(A), the plateau
	// difference the W0 update above uses.
	hidden := 0.0
	for i := 0; i < 2; i++ {
		e := sig(at[i]) - sig(af[i])
		hidden += e * e
	}
	if hidden == 0 {
		t.Fatal("hand network has equal plateaus: the hidden-loss check would be vacuous")
	}
	near("hidden loss", s.HiddenLoss(0), hidden/2)
	if v := s.HiddenLoss(1); !math.IsNaN(v) {
		t.Errorf("HiddenLoss(1) of the output layer = %g, want NaN", v)
	}
}
