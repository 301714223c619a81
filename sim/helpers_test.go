package sim

import (
	"math/rand/v2"

	"github.com/dendrite-lab/dendrite/neuron"
)

func randFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }

func sig(x float64) float64 { return neuron.Sigmoid(x) }
