package sim

import (
	"math"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
)

// labelledSet adapts a dataset.Set to Images.
type labelledSet struct{ *dataset.Set }

func (l labelledSet) Label(i int) int { return int(l.Labels[i]) }

// Train and Classify allocate nothing once a Sim is warm, in both modes and
// with two hidden layers (eigenvalue recording, off here, may allocate).
func TestNoAllocations(t *testing.T) {
	train, test := loadMNIST(t)
	for _, mode := range []option.Mode{option.Spiking, option.Rate} {
		cfg := newCfg(t, func(c *config.Config) { c.Mode = mode; c.Layers = []int{50, 20, 10} })
		s := New(cfg.Model(), network.New(cfg.Model(), Pixels, randFor(1)), 2)
		for i := 0; i < 3; i++ {
			s.Train(train.Image(i), int(train.Labels[i]))
			s.Classify(test.Image(i))
		}
		k := 3
		if a := testing.AllocsPerRun(5, func() {
			s.Train(train.Image(k), int(train.Labels[k]))
			k++
		}); a != 0 {
			t.Errorf("%s: Train allocates %v times per call", mode, a)
		}
		if a := testing.AllocsPerRun(5, func() {
			s.Classify(test.Image(k))
			k++
		}); a != 0 {
			t.Errorf("%s: Classify allocates %v times per call", mode, a)
		}
	}
}

// A Sim restored from State continues bit-identically: same predictions,
// losses, spike counts and weights as the one that was never interrupted.
func TestRestoreContinuesIdentically(t *testing.T) {
	train, _ := loadMNIST(t)
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{50, 20, 10}; c.RandPlateauTimes = true })
	net := network.New(cfg.Model(), Pixels, randFor(4))
	s := New(cfg.Model(), net, 5)
	for i := 0; i < 3; i++ {
		s.Train(train.Image(i), int(train.Labels[i]))
	}
	st := s.State()
	net2 := net.Clone()
	s2 := New(cfg.Model(), net2, 99)
	if err := s2.Restore(st); err != nil {
		t.Fatal(err)
	}
	for i := 3; i < 6; i++ {
		a := s.Train(train.Image(i), int(train.Labels[i]))
		b := s2.Train(train.Image(i), int(train.Labels[i]))
		if a.Pred != b.Pred || a.Loss != b.Loss || a.LenF != b.LenF || a.EndT != b.EndT {
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

// The rate table (used where the AVX2 sigmoid is missing) learns like the
// exact sigmoid: a 100,10 network trained on 4,000 examples with either
// reaches the same training error over the last 1,000 (the paper profile's
// networks leave chance level after about 2,500 examples), and the same test
// error on 300 images. Both runs share the random streams, so they differ
// only where a rate's 2e-8 table error moves a spike decision.
func TestRateTableLearnsLikeExact(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two networks")
	}
	train, test := loadMNIST(t)
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{100, 10} })
	const n, last = 4000, 1000
	errs := map[bool][2]float64{}
	preds := map[bool][]int{}
	for _, table := range []bool{false, true} {
		net := network.New(cfg.Model(), Pixels, randFor(1))
		s := New(cfg.Model(), net, 3)
		s.tab = nil
		if table {
			s.tab = rateTable(cfg.LambdaMax)
		}
		wrong := 0
		for i := 0; i < n; i++ {
			r := s.Train(train.Image(i), int(train.Labels[i]))
			if i >= n-last && r.Pred != r.Label {
				wrong++
			}
			preds[table] = append(preds[table], r.Pred)
		}
		idx := make([]int, 300)
		for i := range idx {
			idx[i] = i
		}
		ev := Evaluate(cfg.Model(), net, labelledSet{test}, idx, 1, 2, nil)
		errs[table] = [2]float64{100 * float64(wrong) / last, ev.ErrorPercent()}
	}
	ex, tb := errs[false], errs[true]
	differ := 0
	for i, p := range preds[false] {
		if preds[true][i] != p {
			differ++
		}
	}
	t.Logf("training error over the last %d examples: exact %.1f %%, table %.1f %%; test error: exact %.1f %%, table %.1f %%; %d of %d training predictions differ",
		last, ex[0], tb[0], ex[1], tb[1], differ, n)
	// binomial s.e. of a difference of two independent error rates near 70 % over 1000 draws ≈ 2 points
	if d := math.Abs(ex[0] - tb[0]); d > 8 {
		t.Errorf("training errors differ by %.1f points", d)
	}
	if d := math.Abs(ex[1] - tb[1]); d > 12 {
		t.Errorf("test errors differ by %.1f points", d)
	}
	if ex[0] > 82 || tb[0] > 82 {
		t.Errorf("training error too high: the network did not learn (exact %.1f %%, table %.1f %%)", ex[0], tb[0])
	}
}

// With g_A = 0 a test skips the apical input; the somatic averages, rates and
// predictions are bit-identical to a test that computes it.
func TestClassifyWithoutApicalIdentical(t *testing.T) {
	train, test := loadMNIST(t)
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{50, 20, 10} })
	if cfg.GA != 0 {
		t.Fatalf("paper profile g_A = %v", cfg.GA)
	}
	net := network.New(cfg.Model(), Pixels, randFor(6))
	s := New(cfg.Model(), net, 7)
	for i := 0; i < 20; i++ {
		s.Train(train.Image(i), int(train.Labels[i]))
	}
	full := func(img []uint8) (int, [][]float64) {
		s.Reset()
		s.SetInput(img)
		s.setTarget(-1)
		n := cfg.TestPhase
		s.runPhase(phaseSpec{kind: Test, n: n, win: cfg.TestWindow()}) // noApical stays false
		s.endPhase(true, n)
		p := s.readout(s.out().cF)
		var v [][]float64
		for _, ls := range s.layers {
			v = append(v, append([]float64(nil), ls.cF...), append([]float64(nil), ls.lamF...))
		}
		s.Reset()
		return p, v
	}
	for k := 0; k < 5; k++ {
		s.Reseed(1, uint64(k))
		wantP, want := full(test.Image(k))
		s.Reseed(1, uint64(k))
		gotP := s.Classify(test.Image(k))
		if gotP != wantP {
			t.Fatalf("image %d: predicted %d, with the apical input %d", k, gotP, wantP)
		}
		// Classify's Reset cleared the averages; run it again to compare them.
		s.Reseed(1, uint64(k))
		s.Reset()
		s.SetInput(test.Image(k))
		s.setTarget(-1)
		s.noApical, s.testing = true, true
		s.runPhase(phaseSpec{kind: Test, n: cfg.TestPhase, win: cfg.TestWindow()})
		s.noApical, s.testing = false, false
		s.endPhase(true, cfg.TestPhase)
		// The test path keeps what a test reports: the output's mean soma
		// and the hidden layers' mean rates (HiddenRates).
		for l, ls := range s.layers {
			for i := range ls.cF {
				hidden := l < len(s.layers)-1
				if (!hidden && ls.cF[i] != want[2*l][i]) || (hidden && ls.lamF[i] != want[2*l+1][i]) {
					t.Fatalf("image %d layer %d unit %d: C̄ %v λ̄ %v, with the apical input %v %v", k, l, i, ls.cF[i], ls.lamF[i], want[2*l][i], want[2*l+1][i])
				}
			}
		}
		s.Reset()
	}
}

// Adding each spike once with its window weight gives the PSP averages of the
// per-step filtered sums.
func TestWindowSpikesMatchPerStep(t *testing.T) {
	train, _ := loadMNIST(t)
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{50, 20, 10}; c.Broadcast = false })
	net := network.New(cfg.Model(), Pixels, randFor(8))
	for _, c := range []struct{ n, win int }{{50, 20}, {57, 27}, {40, 30}, {20, 11}, {20, 10}, {30, 25}} {
		a, b := New(cfg.Model(), net.Clone(), 9), New(cfg.Model(), net.Clone(), 9)
		for _, s := range []*Sim{a, b} {
			s.Train(train.Image(0), int(train.Labels[0]))
			s.SetInput(train.Image(1))
			s.setTarget(-1)
			for _, ls := range s.layers {
				ls.clearWindow()
			}
		}
		for k := 0; k < c.n; k++ {
			a.step(stepOpts{acc: k >= c.n-c.win, pin: true, pfb: true})
		}
		b.runPhase(phaseSpec{kind: Forward, n: c.n, win: c.win, pin: true, pfb: true})
		for l := range a.layers {
			la, lb := a.layers[l], b.layers[l]
			if la.nWin != lb.nWin {
				t.Fatalf("n=%d win=%d layer %d: %d window steps, want %d", c.n, c.win, l, lb.nWin, la.nWin)
			}
			for name, v := range map[string][2][]float64{"pin": {la.sumPin, lb.sumPin}, "pfb": {la.sumPfb, lb.sumPfb}} {
				for j := range v[0] {
					if d := math.Abs(v[0][j] - v[1][j]); d > 1e-12*(1+math.Abs(v[0][j])) {
						t.Fatalf("n=%d win=%d layer %d %s[%d]: %.15g, per step %.15g", c.n, c.win, l, name, j, v[1][j], v[0][j])
					}
				}
			}
		}
	}
}
