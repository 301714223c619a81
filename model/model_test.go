package model

import (
	"math"
	"testing"

	"github.com/dendrite-lab/dendrite/neuron"
	"github.com/dendrite-lab/dendrite/option"
)

// paper is the paper's soma (Table 1) with g_A = 0.
var paper = Soma{GL: 0.1, GB: 0.6, GA: 0, GD: 0.6, EE: 8, EI: -8, LambdaMax: 0.2, Conductances: true}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

func TestKernelMatchesSpec(t *testing.T) {
	k := Kernel{Mem: 10, TauS: 3, TauL: 10}.Values()
	want := []float64{0.02690, 0.04362, 0.05328, 0.05810, 0.05967, 0.05907, 0.05709, 0.05426, 0.05097, 0.04746}
	sum := 0.0
	for i, w := range want {
		if math.Abs(k[i]-w) > 5e-6 {
			t.Errorf("κ(%d) = %.6f, want %.5f", i+1, k[i], w)
		}
		sum += k[i]
	}
	if math.Abs(sum-0.5104) > 5e-5 {
		t.Errorf("Σκ = %.6f, want 0.5104", sum)
	}
	// The continuous kernel integrates to 1: a long truncation approaches it.
	long := 0.0
	for _, v := range (Kernel{Mem: 400, TauS: 3, TauL: 10}).Values() {
		long += v
	}
	if math.Abs(long-1) > 0.03 {
		t.Errorf("Σκ over 400 lags = %.4f, want ≈ 1", long)
	}
}

func TestKernelOutsideItsSupportIsZero(t *testing.T) {
	k := Kernel{Mem: 10, TauS: 3, TauL: 10}
	if k.At(0) != 0 || k.At(11) != 0 || k.At(-1) != 0 {
		t.Errorf("κ(0), κ(11), κ(−1) = %v %v %v, want 0", k.At(0), k.At(11), k.At(-1))
	}
}

func TestSomaByHand(t *testing.T) {
	near(t, "k_B", paper.KB(), 0.6/0.7)
	near(t, "k_D", paper.KD(), 0.6/0.7)
	near(t, "k_I", paper.KI(), 1/0.7)
	near(t, "λ(0)", paper.Rate(0), 0.1)
	// With g_A = 0: C ← 0.3 C + 0.6 B.
	near(t, "hidden step", paper.HiddenStep(2, 1, 100), 0.3*2+0.6*1)
	ga := paper
	ga.GA = 0.05
	near(t, "hidden step with g_A", ga.HiddenStep(2, 1, 3), 2+(-0.1*2+0.6*(1-2)+0.05*(3-2)))
	C := []float64{9, 9}
	paper.HiddenSteady(C, []float64{1.5, -2})
	near(t, "hidden steady", C[0], 0.6/0.7*1.5)
	near(t, "hidden steady", C[1], 0.6/0.7*-2)
	// Teaching: the labelled neuron is pulled to E_E, the others to E_I.
	near(t, "I(y=1)", paper.TeachingCurrent(1, 1), 8-1)
	near(t, "I(y=0)", paper.TeachingCurrent(1, 0), -8-1)
	// Target phase: C ← −0.7 C + 0.6 B ± 8.
	near(t, "output step, taught", paper.OutputStep(1, 2, paper.TeachingCurrent(1, 1)), -0.7*1+0.6*2+8)
	near(t, "output step, forward", paper.OutputStep(1, 2, 0), 0.3*1+0.6*2)
	paper.OutputSteady(C[:1], []float64{2})
	near(t, "output steady", C[0], 0.6/0.7*2)
	// Without conductances: (0.6 B ± 8)/1.7 ("head") and k_D B + k_I (8y − 4) ("paper").
	near(t, "taught, head", paper.OutputTaught(1.5, 1, option.TeachingHead), (0.6*1.5+8)/1.7)
	near(t, "taught, head, y=0", paper.OutputTaught(1.5, 0, option.TeachingHead), (0.6*1.5-8)/1.7)
	near(t, "taught, paper", paper.OutputTaught(1.5, 1, option.TeachingPaper), 0.6/0.7*1.5+4/0.7)
	near(t, "taught, paper, y=0", paper.OutputTaught(1.5, 0, option.TeachingPaper), 0.6/0.7*1.5-4/0.7)
	near(t, "plateau", PlateauPotential(0), 0.5)
}

func TestErrorsByHand(t *testing.T) {
	// Output: σ(0) = 0.5, σ' = 0.25, error 0.2 − 0.1 = 0.1.
	d, sq := paper.OutputError(0.5, 0.2)
	near(t, "δ_out", d, 0.6/0.7*0.2*0.25*0.1)
	near(t, "squared error", sq, 0.01)
	// Hidden (moved from learn.HiddenDelta's test): C̄f = 0, αt = 0.7, αf = 0.5.
	delta := make([]float64, 2)
	paper.HiddenErrors(delta, []float64{neuron.Sigmoid(0), neuron.Sigmoid(1)}, []float64{0.7, 0.5}, []float64{0.5, 0.5})
	near(t, "δ_hidden", delta[0], 0.6/0.7*0.2*0.25*0.2)
	near(t, "δ_hidden, αt = αf", delta[1], 0)
	// Hidden loss: mean of (0.7 − 0.5)², (0.5 − 0.5)², (0.1 − 0.4)² = (0.04 + 0 + 0.09)/3.
	near(t, "hidden loss", HiddenLoss([]float64{0.7, 0.5, 0.1}, []float64{0.5, 0.5, 0.4}), 0.13/3)
	near(t, "hidden loss, empty layer", HiddenLoss(nil, nil), 0)
	near(t, "δ_bp", paper.BackpropError(0.5, 3), 0.6/0.7*0.2*0.25*3)
	// Feedback: (λmax σ(0) − 0.3) σ'(0) = (0.1 − 0.3)·0.25.
	near(t, "ε", paper.FeedbackError(0.5, 0.3, 0), -0.05)
}

func TestPhasesWindows(t *testing.T) {
	p := Phases{Forward: 50, Target: 50, Test: 250, Settle: 30, Window: option.WindowFixed}
	if p.TrainWindow() != 20 || p.TestWindow() != 220 || p.Averaged(53, 20) != 20 {
		t.Errorf("fixed windows %d %d %d, want 20 220 20", p.TrainWindow(), p.TestWindow(), p.Averaged(53, 20))
	}
	p.Window = option.WindowSettle
	if p.Averaged(53, 20) != 23 {
		t.Errorf("settle window of a 53-step phase: %d, want 23", p.Averaged(53, 20))
	}
}
