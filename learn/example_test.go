package learn_test

import (
	"fmt"
	"math"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/learn"
	"github.com/dendrite-lab/dendrite/model"
)

// paperSoma is the soma of the paper profile (g_L = 0.1, g_B = g_D = 0.6,
// λmax = 0.2 spikes per step).
func paperSoma() model.Soma {
	cfg := config.Default("paper")
	cfg.Resolve()
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	return cfg.Model().Soma
}

// The output error of one example, by hand: unit 0 sits at C̄f = 0, so it
// fires at λmax σ(0) = 0.1 with σ'(0) = 0.25, and is taught at λmax = 0.2:
// δ = k_D·0.2·0.25·(0.2 − 0.1) with k_D = 0.6/0.7. Unit 1 sits at
// C̄f = ln 3 (σ = 0.75, σ' = 0.1875, rate 0.15) and is taught at 0. The loss
// is the mean squared rate error, (0.1² + 0.15²)/2.
func ExampleOutputDelta() {
	so := paperSoma()
	delta := make([]float64, 2)
	loss := learn.OutputDelta(delta, []float64{0, math.Log(3)}, []float64{0.2, 0}, so)
	fmt.Printf("k_D = %.6f\n", so.KD())
	fmt.Printf("δ = [%.8f %.8f]\n", delta[0], delta[1])
	fmt.Printf("by hand: [%.8f %.8f]\n", 0.6/0.7*0.2*0.25*0.1, 0.6/0.7*0.2*0.1875*-0.15)
	fmt.Printf("loss = %.5f\n", loss)
	// Output:
	// k_D = 0.857143
	// δ = [0.00428571 -0.00482143]
	// by hand: [0.00428571 -0.00482143]
	// loss = 0.01625
}

// Backprop's hidden error for the comparison runs: two hidden units at
// C̄f = 0 feed one output unit with weights 2 and −1; the output error 0.01
// goes back through those weights and the hidden gain k_B λmax σ'(0).
func ExampleBackpropDelta() {
	so := paperSoma()
	delta := make([]float64, 2)
	wUp := []float64{2, -1} // presynaptic-major: row j holds unit j's weights to the layer above
	learn.BackpropDelta(delta, []float64{0, 0}, wUp, []float64{0.01}, so)
	kb := so.KB()
	fmt.Printf("δ = [%.7f %.7f]\n", delta[0], delta[1])
	fmt.Printf("by hand: [%.7f %.7f]\n", kb*0.2*0.25*0.02, kb*0.2*0.25*-0.01)
	// Output:
	// δ = [0.0008571 -0.0004286]
	// by hand: [0.0008571 -0.0004286]
}

// The feedback weights learn to make a hidden unit's mean forward plateau
// αf equal its mean forward rate: ε = (λmax σ(C̄f) − αf)·σ'(Āf).
func ExampleFeedbackError() {
	so := paperSoma()
	eps := make([]float64, 1)
	learn.FeedbackError(eps, []float64{0}, []float64{0.05}, []float64{0}, so)
	fmt.Printf("ε = %.4f (by hand (0.1 − 0.05)·0.25 = %.4f)\n", eps[0], (0.1-0.05)*0.25)
	// Output: ε = 0.0125 (by hand (0.1 − 0.05)·0.25 = 0.0125)
}

// The angle between two updates, as in the comparison with backprop; it is
// undefined (NaN) when either update is zero.
func ExampleAngleDeg() {
	fmt.Printf("%.1f° %.1f° %v\n",
		learn.AngleDeg([]float64{1, 0}, []float64{1, 1}),
		learn.AngleDeg([]float64{1, 0}, []float64{-1, 0}),
		learn.AngleDeg([]float64{1, 0}, []float64{0, 0}))
	// Output: 45.0° 180.0° NaN
}
