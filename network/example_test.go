package network_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
)

// Initialise a one-hidden-layer network with the paper's weight optimisation
// and the cited implementation's fixed feedback bias, and look at its shapes.
func ExampleNew() {
	cfg := config.Default("paper")
	cfg.Layers = []int{500, 10}
	cfg.FeedbackBias = option.BiasFixed // the default, option.BiasNone, has no c
	cfg.Resolve()
	net := network.New(cfg.Model(), 784, rand.New(rand.NewPCG(1, 1)))
	for m, ly := range net.Layers {
		fmt.Printf("layer %d: W %d×%d, feedback from %d units, bias c: %v\n", m, ly.N, ly.In, ly.Src, ly.FeedbackBias != nil)
	}
	// Output:
	// layer 0: W 500×784, feedback from 10 units, bias c: true
	// layer 1: W 10×500, feedback from 0 units, bias c: false
}
