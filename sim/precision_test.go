package sim

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
)

// sumRows32 (vector kernel plus Go tail, or Go alone) equals the float64 sum
// of the same float32 rows to float32 rounding, for every length around the
// kernel's chunk sizes and for no rows at all.
func TestSumRows32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 7, 8, 9, 10, 16, 17, 24, 25, 31, 32, 33, 63, 64, 65, 71, 100, 500, 512} {
		for _, m := range []int{0, 1, 3, 24, 70} {
			w := make([]float32, 80*n)
			for i := range w {
				w[i] = float32(r.NormFloat64() * 0.1)
			}
			rows := make([]unsafe.Pointer, m)
			coef := make([]float32, m)
			idx := make([]int, m)
			for k := range rows {
				idx[k] = r.IntN(80)
				rows[k] = unsafe.Pointer(&w[idx[k]*n])
				coef[k] = float32(1 + r.IntN(3))
			}
			dst := make([]float64, n)
			for i := range dst {
				dst[i] = math.NaN() // every element must be written
			}
			sumRows32(dst, rows, coef)
			for i, got := range dst {
				want, mag := 0.0, 0.0
				for k := range rows {
					v := float64(coef[k]) * float64(w[idx[k]*n+i])
					want += v
					mag += math.Abs(v)
				}
				if math.Abs(got-want) > 1e-6*mag+1e-30 || math.IsNaN(got) {
					t.Fatalf("n %d, %d rows, element %d: %v, want %v", n, m, i, got, want)
				}
			}
		}
	}
}

// sumSpikeRows32 equals sumSpikeRows on the float64 weights to float32
// rounding, and panics on a spike outside the matrix like sumSpikeRows.
func TestSumSpikeRows32(t *testing.T) {
	const in, n = 784, 500
	r := rand.New(rand.NewPCG(5, 6))
	w := make([]float64, in*n)
	for i := range w {
		w[i] = r.NormFloat64() * 0.1
	}
	w32 := make([]float32, len(w))
	syncRows32(w32, w, n, nil)
	rs := newRowSet(in)
	var idx []int32
	var cnt []float64
	for q := 0; q < 30; q++ {
		idx = append(idx, int32(r.IntN(in)))
		cnt = append(cnt, float64(1+r.IntN(2)))
	}
	a, b := make([]float64, n), make([]float64, n)
	rs.sumSpikeRows(a, w, idx, cnt)
	rs.sumSpikeRows32(b, w32, idx, cnt)
	for i := range a {
		if d := math.Abs(a[i] - b[i]); d > 1e-5 {
			t.Fatalf("element %d: float32 %v, float64 %v", i, b[i], a[i])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a spike outside the matrix did not panic")
		}
	}()
	rs.sumSpikeRows32(b, w32, []int32{in}, []float64{1})
}

// f32Config is smallConfig's network at float32 precision with the options
// that change W and Y during training.
func f32Config(t *testing.T, mut func(*config.Config)) *config.Config {
	return newCfg(t, func(c *config.Config) {
		c.Layers = []int{50, 40, 10}
		c.Precision = option.Float32
		mut(c)
	})
}

// The float32 copies stay the rounded weights through learning: after
// training with plain, learned-feedback and symmetric-feedback options, every
// copy equals float32 of the float64 weights it mirrors.
func TestFloat32CopiesFollowLearning(t *testing.T) {
	train, _ := loadMNIST(t)
	for name, mut := range map[string]func(*config.Config){
		"plain":     func(c *config.Config) {},
		"feedback":  func(c *config.Config) { c.FeedbackLearning = true; c.FeedbackEtas = []float64{0.01, 0.01} },
		"symmetric": func(c *config.Config) { c.Symmetric = true },
		"sparse":    func(c *config.Config) { c.SparseFeedback = true },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := f32Config(t, mut)
			net := network.New(cfg.Model(), Pixels, randFor(2))
			s := New(cfg.Model(), net, 7)
			for i := 0; i < 5; i++ {
				s.Train(train.Image(i), int(train.Labels[i]))
			}
			for l, ls := range s.layers {
				if want := ls.n >= minRows32; (ls.w32 != nil) != want || (ls.hidden && (ls.y32 != nil) != want) {
					t.Fatalf("layer %d of %d units: float32 W %v, Y %v", l, ls.n, ls.w32 != nil, ls.y32 != nil)
				}
			}
			checkCopies(t, s)
		})
	}
}

// Weights changed from outside reach the sums after SyncWeights: a Sim whose
// Net is overwritten and synced classifies like a new Sim of that Net.
func TestFloat32SyncWeights(t *testing.T) {
	train, test := loadMNIST(t)
	cfg := f32Config(t, func(c *config.Config) {})
	net := network.New(cfg.Model(), Pixels, randFor(2))
	s := New(cfg.Model(), net, 7)
	for i := 0; i < 20; i++ {
		s.Train(train.Image(i), int(train.Labels[i]))
	}
	other := network.New(cfg.Model(), Pixels, randFor(3))
	for l, ly := range net.Layers {
		copy(ly.W, other.Layers[l].W)
		copy(ly.Y, other.Layers[l].Y)
		copy(ly.B, other.Layers[l].B)
	}
	s.SyncWeights()
	fresh := New(cfg.Model(), other, 7)
	for k := 0; k < 5; k++ {
		s.Reseed(1, uint64(k))
		fresh.Reseed(1, uint64(k))
		a, b := s.Classify(test.Image(k)), fresh.Classify(test.Image(k))
		if a != b {
			t.Fatalf("image %d: synced Sim says %d, a new Sim %d", k, a, b)
		}
		for l := range s.layers {
			ra, rb := s.Rates(l), fresh.Rates(l)
			for i := range ra {
				if ra[i] != rb[i] && !(math.IsNaN(ra[i]) && math.IsNaN(rb[i])) {
					t.Fatalf("image %d layer %d rate %d: %v synced, %v new", k, l, i, ra[i], rb[i])
				}
			}
		}
	}
}

// A float32 run restored from its state continues bit for bit like the
// uninterrupted one (the copies are remade from the restored weights).
func TestFloat32RestoreContinuesIdentically(t *testing.T) {
	train, _ := loadMNIST(t)
	cfg := f32Config(t, func(c *config.Config) {})
	net := network.New(cfg.Model(), Pixels, randFor(4))
	s := New(cfg.Model(), net, 5)
	for i := 0; i < 3; i++ {
		s.Train(train.Image(i), int(train.Labels[i]))
	}
	st := s.State()
	net2 := network.NewShape(Pixels, cfg.Layers, cfg.Broadcast, false)
	s2 := New(cfg.Model(), net2, 99) // copies of zero weights…
	for l, ly := range net.Layers {
		copy(net2.Layers[l].W, ly.W) // …then the weights are loaded, as a resumed run does
		copy(net2.Layers[l].Y, ly.Y)
		copy(net2.Layers[l].B, ly.B)
	}
	if err := s2.Restore(st); err != nil {
		t.Fatal(err)
	}
	for i := 3; i < 6; i++ {
		a := s.Train(train.Image(i), int(train.Labels[i]))
		b := s2.Train(train.Image(i), int(train.Labels[i]))
		if a.Pred != b.Pred || a.Loss != b.Loss {
			t.Fatalf("example %d: %+v after restore, %+v uninterrupted", i, b, a)
		}
	}
	for l, ly := range net.Layers {
		for i, w := range ly.W {
			if net2.Layers[l].W[i] != w {
				t.Fatalf("layer %d W[%d]: %v after restore, %v uninterrupted", l, i, net2.Layers[l].W[i], w)
			}
		}
	}
}

// float32 learns like float64: a 100,10 network trained on 4,000 examples
// at either precision reaches the same training error over the last 1,000
// and the same test error on 300 images. Both share the random streams, so
// they differ only where float32 rounding moves a spike decision.
func TestFloat32LearnsLikeFloat64(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two networks")
	}
	train, test := loadMNIST(t)
	const n, last = 4000, 1000
	errs := map[option.Precision][2]float64{}
	for _, prec := range []option.Precision{option.Float64, option.Float32} {
		cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{100, 10}; c.Precision = prec })
		net := network.New(cfg.Model(), Pixels, randFor(1))
		s := New(cfg.Model(), net, 3)
		wrong := 0
		for i := 0; i < n; i++ {
			r := s.Train(train.Image(i), int(train.Labels[i]))
			if i >= n-last && r.Pred != r.Label {
				wrong++
			}
		}
		idx := make([]int, 300)
		for i := range idx {
			idx[i] = i
		}
		ev := Evaluate(cfg.Model(), net, labelledSet{test}, idx, 1, 2, nil)
		errs[prec] = [2]float64{100 * float64(wrong) / last, ev.ErrorPercent()}
	}
	a, b := errs[option.Float64], errs[option.Float32]
	t.Logf("training error over the last %d: float64 %.1f %%, float32 %.1f %%; test error %.1f %%, %.1f %%", last, a[0], b[0], a[1], b[1])
	if d := math.Abs(a[0] - b[0]); d > 8 {
		t.Errorf("training errors differ by %.1f points", d)
	}
	if d := math.Abs(a[1] - b[1]); d > 12 {
		t.Errorf("test errors differ by %.1f points", d)
	}
	if b[0] > 82 {
		t.Errorf("float32 training error %.1f %%: the network did not learn", b[0])
	}
}

// Rate mode and non-spiking networks refuse float32, which would do nothing there.
func TestFloat32NeedsSpikes(t *testing.T) {
	c := config.Default(option.Paper)
	c.Precision = option.Float32
	c.Mode = option.Rate
	c.Resolve()
	if err := c.Validate(); err == nil {
		t.Error("rate mode accepted float32")
	}
	c = config.Default(option.Paper)
	c.Precision = option.Float32
	c.SpikingFeedforward, c.SpikingFeedback = false, false
	c.Resolve()
	if err := c.Validate(); err == nil {
		t.Error("a non-spiking network accepted float32")
	}
}

// axpy32 adds a·x to w and leaves float32(w) in w32, for lengths around the
// kernel's chunks.
func TestAxpy32(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 3, 4, 5, 15, 16, 17, 500} {
		w, x := make([]float64, n), make([]float64, n)
		for i := range w {
			w[i], x[i] = r.NormFloat64(), r.NormFloat64()
		}
		want := make([]float64, n)
		for i := range want {
			want[i] = w[i] + 0.3*x[i]
		}
		w32 := make([]float32, n)
		axpy32(w, w32, 0.3, x)
		for i := range w {
			if math.Abs(w[i]-want[i]) > 1e-15*(1+math.Abs(want[i])) || w32[i] != float32(w[i]) {
				t.Fatalf("n %d, element %d: w %v (want %v), w32 %v", n, i, w[i], want[i], w32[i])
			}
		}
	}
}

// Every option that changes learning runs at float32 with layers wide enough
// for float32 rows: the weights stay finite, the float32 copies stay the
// rounded weights, and the event-driven basal input stays the dense formula
// to float32 rounding.
func TestEveryOptionFloat32(t *testing.T) {
	train, _ := loadMNIST(t)
	for name, mut := range everyOption() {
		t.Run(name, func(t *testing.T) {
			c := smallConfig(t, func(c *config.Config) {
				c.Layers = []int{40, 40, 10}
				mut(c)
				if len(c.Layers) == 3 && c.Layers[0] < minRows32 {
					c.Layers[0], c.Layers[1] = 40, 40
				}
				c.Precision = option.Float32
			}, option.Spiking, true)
			net := network.New(c.Model(), Pixels, randFor(3))
			s := New(c.Model(), net, 4)
			for i := 0; i < 6; i++ {
				if r := s.Train(train.Image(i), int(train.Labels[i])); !r.Finite || math.IsNaN(r.Loss) {
					t.Fatalf("example %d: %+v", i, r)
				}
			}
			if err := net.CheckFinite(); err != nil {
				t.Fatal(err)
			}
			for l, ls := range s.layers {
				if (ls.w32 != nil) != (c.SpikingFeedforward && ls.n >= minRows32) {
					t.Fatalf("layer %d: float32 W %v", l, ls.w32 != nil)
				}
			}
			checkCopies(t, s)
			if !c.SpikingFeedforward {
				return
			}
			s.SetInput(train.Image(9))
			for k := 0; k < 12; k++ {
				s.step(stepOpts{})
			}
			for l := range s.layers {
				for i, w := range denseB(s, l) {
					if math.Abs(s.layers[l].B[i]-w) > 1e-5*(1+math.Abs(w)) {
						t.Fatalf("layer %d: event-driven B %.9g, dense %.9g", l, s.layers[l].B[i], w)
					}
				}
			}
		})
	}
}

// benchRowSums sums 24 rows of 500 drawn from 160 of a 784×500 matrix's
// rows (the input rows an MNIST image's spikes use in a step), cycling
// through 64 such row sets, in float64 or float32.
func benchRowSums(b *testing.B, f32 bool) {
	const in, n, active, k = 784, 500, 160, 24
	r := rand.New(rand.NewPCG(1, 2))
	w := make([]float64, in*n)
	for i := range w {
		w[i] = r.NormFloat64() * 0.1
	}
	w32 := make([]float32, len(w))
	syncRows32(w32, w, n, nil)
	act := r.Perm(in)[:active]
	var sets [64][]unsafe.Pointer
	for s := range sets {
		for range k {
			j := act[r.IntN(active)]
			if f32 {
				sets[s] = append(sets[s], unsafe.Pointer(&w32[j*n]))
			} else {
				sets[s] = append(sets[s], unsafe.Pointer(&w[j*n]))
			}
		}
	}
	coef, c32 := make([]float64, k), make([]float32, k)
	for i := range coef {
		coef[i], c32[i] = 1, 1
	}
	dst := make([]float64, n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if f32 {
			sumRows32(dst, sets[i&63], c32)
		} else {
			sumRowsTo(dst, nil, sets[i&63], coef)
		}
	}
}

// The row sums alone, float64 and float32 rows.
func BenchmarkRowSums(b *testing.B)   { benchRowSums(b, false) }
func BenchmarkRowSums32(b *testing.B) { benchRowSums(b, true) }

// Evaluate's workers share the first one's float32 copies: the predictions
// are those of one worker, and of a float32 Sim classifying image by image.
func TestFloat32EvaluateShared(t *testing.T) {
	train, test := loadMNIST(t)
	cfg := f32Config(t, func(c *config.Config) {})
	net := network.New(cfg.Model(), Pixels, randFor(2))
	s := New(cfg.Model(), net, 7)
	for i := 0; i < 30; i++ {
		s.Train(train.Image(i), int(train.Labels[i]))
	}
	idx := make([]int, 40)
	for i := range idx {
		idx[i] = i
	}
	one := Evaluate(cfg.Model(), net, labelledSet{test}, idx, 5, 1, nil)
	three := Evaluate(cfg.Model(), net, labelledSet{test}, idx, 5, 3, nil)
	solo := New(cfg.Model(), net, 5)
	solo.LazyTestRates = true
	for k, p := range one.Pred {
		solo.Reseed(5, uint64(k))
		if q := solo.Classify(test.Image(idx[k])); three.Pred[k] != p || q != p {
			t.Fatalf("image %d: 1 worker %d, 3 workers %d, one Sim %d", k, p, three.Pred[k], q)
		}
	}
}

// checkCopies fails unless every float32 copy of s equals float32 of the
// weights it mirrors.
func checkCopies(t *testing.T, s *Sim) {
	t.Helper()
	for l, ls := range s.layers {
		for _, m := range []struct {
			name string
			w    []float64
			c    []float32
		}{{"W", ls.ly.W, ls.w32}, {"Y", ls.ly.Y, ls.y32}} {
			for i, v := range m.w {
				if m.c != nil && m.c[i] != float32(v) {
					t.Fatalf("layer %d %s[%d]: copy %v, weight %v", l, m.name, i, m.c[i], v)
				}
			}
		}
	}
}
