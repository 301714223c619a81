package network

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/option"
)

func cfg(t *testing.T, profile option.Profile, layers []int, mut func(*config.Config)) *config.Config {
	t.Helper()
	c := config.Default(profile)
	c.Layers = layers
	if mut != nil {
		mut(&c)
	}
	c.Resolve()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return &c
}

func meanSD(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(v)))
}

// Init statistics (docs/model.md#weight-initialisation) for fan-in 784, 500 and 100: paper s.d. = s_w,
// head s.d. = 2 s_w, means w̄.
func TestInitStatistics(t *testing.T) {
	want := map[int][2]float64{784: {0.0187075, 0.504903}, 500: {0.0293333, 0.632115}, 100: {0.146667, 1.410410}}
	for _, p := range []option.Profile{option.Paper, option.Head} {
		net := New(cfg(t, p, []int{500, 100, 10}, nil).Model(), 784, rand.New(rand.NewPCG(1, 1)))
		for l, fanIn := range []int{784, 500, 100} {
			m, sd := meanSD(net.Layers[l].W)
			w := want[fanIn]
			wsd := w[1]
			if p == "head" {
				wsd *= 2
			}
			n := float64(len(net.Layers[l].W))
			if math.Abs(m-w[0]) > 5*wsd/math.Sqrt(n) || math.Abs(sd-wsd) > 0.02*wsd {
				t.Errorf("%s layer %d (fan-in %d): mean %.5f sd %.5f, want %.5f %.5f", p, l, fanIn, m, sd, w[0], wsd)
			}
			bm, bsd := meanSD(net.Layers[l].B)
			if math.Abs(bm-0.8) > 0.001 || bsd > 0.003 {
				t.Errorf("%s b_%d: mean %.5f sd %.5f", p, l, bm, bsd)
			}
		}
	}
	// Paper broadcast feedback: Y_1 ~ U(±2.4435) zero mean; Y_0 = R_0 Y_1 with entry s.d. ≈ 8.9.
	net := New(cfg(t, "paper", []int{500, 100, 10}, nil).Model(), 784, rand.New(rand.NewPCG(2, 2)))
	y1 := net.Layers[1].Y
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range y1 {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi > 2.4435 || lo < -2.4435 || hi < 2.2 {
		t.Errorf("Y_1 range [%.3f, %.3f], want within ±2.4435", lo, hi)
	}
	if _, sd := meanSD(net.Layers[0].Y); math.Abs(sd-8.9) > 0.8 {
		t.Errorf("Y_0 s.d. %.2f, want ≈ 8.9", sd)
	}
	// The fixed paper bias c = Y·r has s.d. ≈ 1.3–1.5 for (500,10) layer 0 (docs/feedback-bias.md).
	n1 := New(cfg(t, "paper", []int{500, 10}, nil).Model(), 784, rand.New(rand.NewPCG(3, 3)))
	if _, sd := meanSD(n1.Layers[0].FeedbackBias); sd < 1.1 || sd > 1.7 {
		t.Errorf("c_0 s.d. %.2f, want ≈ 1.3–1.5", sd)
	}
}

func TestSparseFeedback(t *testing.T) {
	for _, amp := range []bool{true, false} {
		c := cfg(t, "paper", []int{500, 10}, func(c *config.Config) { c.SparseFeedback, c.SparseAmplify = true, amp })
		dense := New(cfg(t, "paper", []int{500, 10}, nil).Model(), 784, rand.New(rand.NewPCG(4, 4)))
		sp := New(c.Model(), 784, rand.New(rand.NewPCG(4, 4)))
		zeros := 0
		for i, v := range sp.Layers[0].Y {
			if v == 0 {
				zeros++
				continue
			}
			gain := 1.0
			if amp {
				gain = 5
			}
			if math.Abs(v-gain*dense.Layers[0].Y[i]) > 1e-12 {
				t.Fatalf("amplify=%v: kept entry %d is %v, want %v×%v", amp, i, v, gain, dense.Layers[0].Y[i])
			}
		}
		if zeros != 4000 {
			t.Errorf("%d zeros, want ⌊0.8·5000⌋ = 4000", zeros)
		}
		// The fixed bias comes from the dense Y.
		for i := range sp.Layers[0].FeedbackBias {
			if sp.Layers[0].FeedbackBias[i] != dense.Layers[0].FeedbackBias[i] {
				t.Fatal("feedback bias should be computed before sparsification")
			}
		}
	}
}

func TestSymmetric(t *testing.T) {
	c := cfg(t, "paper", []int{50, 20, 10}, func(c *config.Config) { c.Symmetric = true })
	net := New(c.Model(), 784, rand.New(rand.NewPCG(5, 5)))
	// Y_1 = W_2ᵀ: Y_1 (math 20×10)[i][k] = W_2 (math 10×20)[k][i]; stored Y[k*20+i], W stored [i*10+k].
	for i := 0; i < 20; i++ {
		for k := 0; k < 10; k++ {
			if net.Layers[1].Y[k*20+i] != net.Layers[2].W[i*10+k] {
				t.Fatal("Y_1 ≠ W_2ᵀ")
			}
		}
	}
	// Y_0 = W_1ᵀ Y_1.
	for i := 0; i < 50; i++ {
		for k := 0; k < 10; k++ {
			s := 0.0
			for j := 0; j < 20; j++ {
				s += net.Layers[1].W[i*20+j] * net.Layers[1].Y[k*20+j]
			}
			if math.Abs(net.Layers[0].Y[k*50+i]-s) > 1e-9 {
				t.Fatal("Y_0 ≠ W_1ᵀ Y_1")
			}
		}
	}
}

func TestSaveLoad(t *testing.T) {
	c := cfg(t, "paper", []int{30, 10}, func(c *config.Config) { c.FeedbackBias = option.BiasFixed })
	net := New(c.Model(), 784, rand.New(rand.NewPCG(6, 6)))
	dir := t.TempDir()
	if err := net.Save(dir); err != nil {
		t.Fatal(err)
	}
	a, err := npy.ReadFile(filepath.Join(dir, "W_0.npy"))
	if err != nil || a.Shape[0] != 30 || a.Shape[1] != 784 || a.Data[1] != net.Layers[0].W[1*30+0] {
		t.Fatalf("W_0.npy shape %v (want (30, 784), row-major neuron×pixel): %v", a.Shape, err)
	}
	// Biases may also be (n, 1).
	npy.WriteFile(filepath.Join(dir, "b_1.npy"), []int{10, 1}, net.Layers[1].B)
	back := NewShape(784, []int{30, 10}, true, true)
	if err := back.Load(dir); err != nil {
		t.Fatal(err)
	}
	for l := range net.Layers {
		for i, v := range net.Layers[l].W {
			if back.Layers[l].W[i] != v {
				t.Fatal("round trip changed W")
			}
		}
	}
	// Wrong shape and missing file name the file and the shape wanted.
	npy.WriteFile(filepath.Join(dir, "Y_0.npy"), []int{10, 30}, make([]float64, 300))
	if err := back.Load(dir); err == nil || !strings.Contains(err.Error(), "Y_0.npy") || !strings.Contains(err.Error(), "(30, 10)") {
		t.Errorf("wrong shape: %v", err)
	}
	os.Remove(filepath.Join(dir, "c_0.npy"))
	npy.WriteFile(filepath.Join(dir, "Y_0.npy"), []int{30, 10}, make([]float64, 300))
	if err := back.Load(dir); err == nil || !strings.Contains(err.Error(), "c_0.npy") {
		t.Errorf("missing file: %v", err)
	}
}
