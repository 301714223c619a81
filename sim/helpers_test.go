package sim

import (
	"math/rand/v2"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/neuron"
	"github.com/dendrite-lab/dendrite/option"
)

func randFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }

func sig(x float64) float64 { return neuron.Sigmoid(x) }

// smallConfig is the 784-30-20-10 paper config of the every-option tests:
// mut applied, then mode, a 60-step test phase, resolved. With validate it
// skips the (sub)test when the combination is not valid in that mode.
func smallConfig(t *testing.T, mut func(*config.Config), mode option.Mode, validate bool) config.Config {
	t.Helper()
	c := config.Default(option.Paper)
	c.Layers = []int{30, 20, 10}
	mut(&c)
	c.Mode = mode
	c.TestPhase = 60
	c.Resolve()
	if validate {
		if err := c.Validate(); err != nil {
			t.Skipf("not a valid combination in %s mode: %v", mode, err)
		}
	}
	return c
}

// beginTest readies s for stepping a test of img by hand, as Classify does
// before its phase: reseeded for image k, no target, the test path on.
func beginTest(s *Sim, img []uint8, k int) {
	s.Reset()
	s.Reseed(1, uint64(k))
	s.SetInput(img)
	s.setTarget(-1)
	s.noApical, s.testing = true, true
	for _, ls := range s.layers {
		ls.clearWindow()
	}
}
