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

// With precision float32 a Sim sums spike rows from float32 copies of the
// weights, which Train keeps in step. Weights changed from outside (here:
// loaded from another network) reach those sums after SyncWeights.
func ExampleSim_SyncWeights() {
	cfg := config.Default("paper")
	cfg.Layers = []int{40, 10}
	cfg.TestPhase = 60
	cfg.Precision = "float32"
	cfg.Resolve()
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	net := network.New(cfg.Model(), sim.Pixels, rand.New(rand.NewPCG(1, 2)))
	s := sim.New(cfg.Model(), net, 3)
	other := network.New(cfg.Model(), sim.Pixels, rand.New(rand.NewPCG(5, 6)))
	for l, ly := range net.Layers {
		copy(ly.W, other.Layers[l].W)
		copy(ly.B, other.Layers[l].B)
		copy(ly.Y, other.Layers[l].Y)
	}
	s.SyncWeights()
	img := make([]uint8, sim.Pixels)
	for i := 300; i < 420; i++ {
		img[i] = 200
	}
	fresh := sim.New(cfg.Model(), other, 3)
	s.Reseed(1, 1)
	fresh.Reseed(1, 1)
	a, b := s.Classify(img), fresh.Classify(img)
	fmt.Println("the synced Sim classifies like a new Sim of those weights:", a == b)
	// Output: the synced Sim classifies like a new Sim of those weights: true
}
