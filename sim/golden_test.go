package sim

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/npy"
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
// Rate mode is deterministic, so we must agree to rounding error.
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
			s := New(&cfg, net, 1)
			for i := 0; i < 100; i++ {
				s.Train(train.Image(i), int(train.Labels[i]))
			}
			dir := t.TempDir()
			if err := net.Save(dir); err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for m := range tc.layers {
				names := []string{"W", "b"}
				if m < len(tc.layers)-1 {
					names = append(names, "Y")
				}
				for _, nm := range names {
					f := nm + "_" + string(rune('0'+m)) + ".npy"
					want, err := npy.ReadFile(filepath.Join("testdata", tc.dir, "final", f))
					if err != nil {
						t.Fatal(err)
					}
					got, err := npy.ReadFile(filepath.Join(dir, f))
					if err != nil {
						t.Fatal(err)
					}
					if got.Len() != want.Len() {
						t.Fatalf("%s: %d values, want %d", f, got.Len(), want.Len())
					}
					for i := range got.Data {
						d := math.Abs(got.Data[i] - want.Data[i])
						if d > worst {
							worst = d
						}
						if d > 1e-9*(1+math.Abs(want.Data[i])) {
							t.Fatalf("%s[%d] = %.15g, want %.15g", f, i, got.Data[i], want.Data[i])
						}
					}
				}
			}
			t.Logf("largest difference from the authors' weights: %.3g", worst)
		})
	}
}
