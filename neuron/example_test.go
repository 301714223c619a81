package neuron_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dendrite-lab/dendrite/neuron"
)

// σ and σ' stay finite far outside the range where the textbook formulas
// overflow.
func ExampleSigmoid() {
	fmt.Println(neuron.Sigmoid(0), neuron.SigmoidPrime(0))
	fmt.Println(neuron.Sigmoid(-800), neuron.Sigmoid(800), neuron.SigmoidPrime(800))
	// Output:
	// 0.5 0.25
	// 0 1 0
}

// Spike counts come from inverting the Poisson CDF at a uniform u. At the
// largest rate λ = 0.2 per step the CDF is e^{−0.2} = 0.8187 at 0,
// 1.2·e^{−0.2} = 0.9825 at 1 and 1.22·e^{−0.2} = 0.9989 at 2, so these u
// give 0, 1, 2 and 3 spikes; PoissonU decides them without an exponential.
func ExamplePoissonU() {
	for _, u := range []float64{0.5, 0.85, 0.99, 0.999} {
		fmt.Print(neuron.PoissonU(u, 0.2), " ")
	}
	fmt.Println()
	// Output: 0 1 2 3
}

// Random phase lengths are a minimum plus the floor of an inverse-Gaussian
// draw of mean 2: over many draws their mean is close to min + 1.5.
func ExamplePhaseLength() {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 200000
	sum := 0
	for range n {
		sum += neuron.PhaseLength(r, 50)
	}
	fmt.Printf("mean phase length ≈ %.1f steps\n", float64(sum)/n)
	// Output: mean phase length ≈ 51.5 steps
}

// A rate table replaces λmax σ(x) where no vector sigmoid is available; its
// error (at most h⁴/384·max|λ⁗| ≈ 2e-8 here) is far below the spikes' own noise.
func ExampleNewRateTable() {
	t := neuron.NewRateTable(0.2)
	worst := 0.0
	for x := -40.0; x <= 40; x += 0.001 {
		worst = max(worst, math.Abs(t.At(x)-0.2*neuron.Sigmoid(x)))
	}
	fmt.Println("largest error below 3e-8:", worst < 3e-8)
	// Output: largest error below 3e-8: true
}
