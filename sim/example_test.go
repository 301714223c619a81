package sim_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/sim"
)

// Build a small network, train it on one (synthetic) image in rate mode and
// classify the image.
func Example() {
	cfg := config.Default("paper")
	cfg.Mode = "rate"
	cfg.Layers = []int{20, 10}
	cfg.Resolve()
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	net := network.New(cfg.Model(), sim.Pixels, rand.New(rand.NewPCG(1, 2)))
	s := sim.New(cfg.Model(), net, 3)
	img := make([]uint8, sim.Pixels)
	for i := 300; i < 320; i++ {
		img[i] = 255
	}
	var res sim.Result
	for k := 0; k < 50; k++ {
		res = s.Train(img, 7)
	}
	fmt.Println("prediction after 50 presentations:", res.Pred, "classified as:", s.Classify(img))
	// Output: prediction after 50 presentations: 7 classified as: 7
}
