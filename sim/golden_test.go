package sim

import (
	"path/filepath"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
)

func loadMNIST(t testing.TB) (train, test *dataset.Set) {
	t.Helper()
	tr, te, err := dataset.LoadMNIST("")
	if err != nil {
		t.Fatalf("MNIST: %v", err)
	}
	return tr, te
}

// The authors' implementation, started from the same weights and shown the
// same 100 examples, ends at these weights (testdata).
// Rate mode is deterministic, so we must agree to rounding error (1e-12).
func TestGoldenRateMode(t *testing.T) {
	train, _ := loadMNIST(t)
	for _, tc := range []struct {
		dir    string
		layers []int
		etas   []float64
	}{
		{"rate-head-30-10-first100", []int{30, 10}, []float64{0.21, 0.21}},
		{"rate-head-30-20-10-first100", []int{30, 20, 10}, []float64{0.23, 0.23, 0.12}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			cfg := config.Default("head")
			cfg.Mode = "rate"
			cfg.Layers = tc.layers
			cfg.Etas = tc.etas
			cfg.Resolve()
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			net := network.NewShape(Pixels, cfg.Layers, true, false)
			if err := net.Load(filepath.Join("testdata", tc.dir, "initial")); err != nil {
				t.Fatal(err)
			}
			s := New(cfg.Model(), net, 1)
			for i := 0; i < 100; i++ {
				s.Train(train.Image(i), int(train.Labels[i]))
			}
			worst := compareWeights(t, net, filepath.Join("testdata", tc.dir, "final"), 1e-12)
			t.Logf("largest difference from the authors' weights: %.3g", worst)
		})
	}
}
