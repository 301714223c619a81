package sim

import (
	"math"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
)

// everyOption returns a change of the config for every option that changes
// learning, by name.
func everyOption() map[string]func(*config.Config) {
	return map[string]func(*config.Config){
		"layer-wise":        func(c *config.Config) { c.Broadcast = false },
		"sparse":            func(c *config.Config) { c.SparseFeedback = true },
		"sparse-no-amplify": func(c *config.Config) { c.SparseFeedback, c.SparseAmplify = true, false },
		"feedback-learning": func(c *config.Config) { c.FeedbackLearning, c.FeedbackEtas = true, []float64{0.1, 0.1} },
		"feedback-learning-bias": func(c *config.Config) {
			c.FeedbackLearning, c.FeedbackEtas, c.FeedbackBias = true, []float64{0.1, 0.1}, "learned"
		},
		"sparse-feedback-learn": func(c *config.Config) {
			c.SparseFeedback, c.FeedbackLearning, c.FeedbackEtas = true, true, []float64{0.1, 0.1}
		},
		"symmetric":              func(c *config.Config) { c.Symmetric = true },
		"noisy-symmetric":        func(c *config.Config) { c.Symmetric, c.NoisySymmetric = true, true },
		"symmetric-sparse":       func(c *config.Config) { c.Symmetric, c.SparseFeedback = true, true },
		"backprop":               func(c *config.Config) { c.Backprop = true },
		"backprop-pre-update":    func(c *config.Config) { c.Backprop, c.BackpropOrder = true, "pre-update" },
		"g_a-0.05":               func(c *config.Config) { c.GA = 0.05 },
		"g_a-0.6":                func(c *config.Config) { c.GA = 0.6 },
		"no-weight-optimization": func(c *config.Config) { c.WeightOptimization = false },
		"bias-none":              func(c *config.Config) { c.FeedbackBias = "none" },
		"rate-feedforward":       func(c *config.Config) { c.SpikingFeedforward = false },
		"rate-feedback":          func(c *config.Config) { c.SpikingFeedback = false },
		"no-conductances":        func(c *config.Config) { c.Conductances = false },
		"paper-teaching":         func(c *config.Config) { c.Conductances, c.Teaching = false, "paper" },
		"fixed-phases":           func(c *config.Config) { c.RandPhaseLengths = false },
		"rand-plateau-times":     func(c *config.Config) { c.RandPlateauTimes = true },
		"settle-window":          func(c *config.Config) { c.Window = "settle" },
		"head-profile":           func(c *config.Config) { c.Profile, c.FeedbackBias = "head", "none" },
		"20-outputs":             func(c *config.Config) { c.Layers = []int{30, 20, 20} },
		"records":                func(c *config.Config) { c.RecordBPAngle, c.RecordEigvals = true, true },
	}
}

// Every option (config key) that changes learning runs in both modes, keeps the
// weights finite, and (spiking) keeps the event-driven input equal to the
// dense formula.
func TestEveryOption(t *testing.T) {
	train, _ := loadMNIST(t)
	for name, mut := range everyOption() {
		for _, mode := range []option.Mode{option.Spiking, option.Rate} {
			t.Run(name+"/"+string(mode), func(t *testing.T) {
				c := smallConfig(t, mut, mode, true)
				net := network.New(c.Model(), Pixels, randFor(3))
				s := New(c.Model(), net, 4)
				for i := 0; i < 6; i++ {
					r := s.Train(train.Image(i), int(train.Labels[i]))
					if !r.Finite || r.Pred < 0 || r.Pred > 9 || math.IsNaN(r.Loss) {
						t.Fatalf("example %d: %+v", i, r)
					}
					if c.RecordBPAngle && (math.IsNaN(r.BPAngle) || r.BPAngle < 0 || r.BPAngle > 180) {
						t.Fatalf("bp angle %v", r.BPAngle)
					}
				}
				if err := net.CheckFinite(); err != nil {
					t.Fatal(err)
				}
				if p := s.Classify(train.Image(7)); p < 0 || p > 9 {
					t.Fatalf("class %d", p)
				}
				if mode == "spiking" && c.SpikingFeedforward {
					s.SetInput(train.Image(9))
					for k := 0; k < 12; k++ {
						s.step(stepOpts{})
					}
					for l := range s.layers {
						want := denseB(s, l)
						for i, w := range want {
							if math.Abs(s.layers[l].B[i]-w) > 1e-9*(1+math.Abs(w)) {
								t.Fatalf("layer %d: event-driven B %.12g, dense %.12g", l, s.layers[l].B[i], w)
							}
						}
					}
				}
			})
		}
	}
}
