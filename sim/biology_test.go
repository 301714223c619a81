package sim

import (
	"math"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/neuron"
	"github.com/dendrite-lab/dendrite/option"
)

// plainSigma is σ supplied as a user's rate function: a Sim cannot tell it
// is σ and takes the generic path.
type plainSigma struct{}

func (plainSigma) At(x float64) float64    { return neuron.Sigmoid(x) }
func (plainSigma) Deriv(x float64) float64 { return neuron.SigmoidPrime(x) }

// halfTanh is a rate function that is not a sigmoid of C: (1 + tanh(x/3))/2.
type halfTanh struct{}

func (halfTanh) At(x float64) float64 { return (1 + math.Tanh(x/3)) / 2 }
func (halfTanh) Deriv(x float64) float64 {
	c := math.Cosh(x / 3)
	return 1 / (6 * c * c)
}

// biologyOptions are the options the generic paths are compared under.
func biologyOptions() map[string]func(*config.Config) {
	return map[string]func(*config.Config){
		"default":            func(*config.Config) {},
		"layer-wise":         func(c *config.Config) { c.Broadcast = false },
		"feedback-learning":  func(c *config.Config) { c.FeedbackLearning, c.FeedbackEtas = true, []float64{0.1, 0.1} },
		"backprop":           func(c *config.Config) { c.Backprop = true },
		"record-bp-eig":      func(c *config.Config) { c.RecordBPAngle, c.RecordEigvals = true, true },
		"no-conductances":    func(c *config.Config) { c.Conductances = false },
		"rate-feedforward":   func(c *config.Config) { c.SpikingFeedforward = false },
		"rate-feedback":      func(c *config.Config) { c.SpikingFeedback = false },
		"plateau-jitter-gA":  func(c *config.Config) { c.RandPlateauTimes, c.GA = true, 0.05 },
		"symmetric-pre-upd":  func(c *config.Config) { c.Symmetric, c.BackpropOrder = true, option.OrderPreUpdate },
		"window-settle-head": func(c *config.Config) { c.Window, c.Profile = option.WindowSettle, option.Head },
	}
}

// runPair trains a and b on the same five examples with two tests in
// between and fails when a prediction or, at the end, a weight differs by
// more than tol·(1+|w|).
func runPair(t *testing.T, a, b *Sim, tol float64) {
	t.Helper()
	train, test := loadMNIST(t)
	for i := 0; i < 5; i++ {
		if i == 3 {
			for k := uint64(0); k < 2; k++ {
				a.Reseed(77, k)
				b.Reseed(77, k)
				if pa, pb := a.Classify(test.Image(int(k))), b.Classify(test.Image(int(k))); pa != pb {
					t.Fatalf("test image %d: %d and %d", k, pa, pb)
				}
			}
		}
		ra, rb := a.Train(train.Image(i), int(train.Labels[i])), b.Train(train.Image(i), int(train.Labels[i]))
		if ra.Err != nil || rb.Err != nil {
			t.Fatalf("example %d: %v, %v", i, ra.Err, rb.Err)
		}
		if ra.Pred != rb.Pred || math.Abs(ra.Loss-rb.Loss) > tol*(1+math.Abs(rb.Loss)) {
			t.Fatalf("example %d: prediction %d/%d, loss %.17g/%.17g", i, ra.Pred, rb.Pred, ra.Loss, rb.Loss)
		}
		if d := ra.MaxJacEig - rb.MaxJacEig; math.Abs(d) > tol*(1+math.Abs(rb.MaxJacEig)) {
			t.Fatalf("example %d: eigenvalue %.17g/%.17g", i, ra.MaxJacEig, rb.MaxJacEig)
		}
	}
	compareNets(t, a.Net, b.Net, tol)
}

// The generic rate function (σ supplied through the interface) and the
// generic kernel (the paper's κ given as values, summed over the ring)
// equal the fast kernels (vector sigmoid, exponential traces) to rounding,
// in both modes and under several options.
func TestGenericMatchesFast(t *testing.T) {
	if testing.Short() {
		t.Skip("every option in both modes: skipped with -short (the plain go test runs it)")
	}
	for name, mut := range biologyOptions() {
		for _, mode := range []option.Mode{option.Spiking, option.Rate} {
			t.Run(name+"/"+string(mode), func(t *testing.T) {
				c := smallConfig(t, mut, mode, true)
				p := c.Model()
				g := p
				g.Soma.RateFunc = plainSigma{}
				g.Kernel.Weights = p.Kernel.Values()
				net := network.New(p, Pixels, randFor(3))
				fast, gen := New(p, net.Clone(), 4), New(g, net.Clone(), 4)
				fast.tab, gen.tab = nil, nil // the exact σ on both sides
				if fast.bio.rf != nil || fast.bio.ringKernel || gen.bio.rf == nil || !gen.bio.ringKernel {
					t.Fatalf("paths not selected: fast %+v, generic %+v", fast.bio, gen.bio)
				}
				runPair(t, fast, gen, 1e-9)
			})
		}
	}
}

// A sigmoid with a slope and an offset (the vector sigmoid of an affine
// map), a rate function that is no sigmoid, the alpha kernel of equal time
// constants and a kernel given as values all agree with the dense
// reference stepper, which evaluates them through the model's equations.
func TestCustomBiologyMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("32 dense-reference runs: skipped with -short (the plain go test runs it)")
	}
	cases := map[string]func(*model.Params){
		"slope-offset": func(p *model.Params) { p.Soma.RateFunc = model.Sigmoid{Slope: 2.5, Offset: 0.7} },
		"tanh":         func(p *model.Params) { p.Soma.RateFunc = halfTanh{} },
		"alpha-kernel": func(p *model.Params) { p.Kernel.TauS, p.Kernel.TauL = 5, 5 },
		"box-kernel": func(p *model.Params) {
			k, err := model.KernelOf(6, func(int) float64 { return 0.1 })
			if err != nil {
				panic(err)
			}
			p.Kernel = k
		},
	}
	for name, mut := range cases {
		for _, opt := range []string{"default", "feedback-learning", "backprop", "no-conductances"} {
			for _, mode := range []option.Mode{option.Spiking, option.Rate} {
				t.Run(name+"/"+opt+"/"+string(mode), func(t *testing.T) {
					c := smallConfig(t, biologyOptions()[opt], mode, false)
					p := c.Model()
					mut(&p)
					if mode == option.Rate && p.Kernel.Mem != 1 {
						p.Kernel.Mem = 1 // rate mode has no kernel; keep the shapes of Resolve
						p.Kernel.Weights = p.Kernel.Weights[:1]
					}
					net := network.New(p, Pixels, randFor(3))
					fast, ref := New(p, net.Clone(), 4), newRefSim(p, net.Clone(), 4)
					fast.tab = nil
					train, test := loadMNIST(t)
					for i := 0; i < 5; i++ {
						if i == 3 {
							for k := uint64(0); k < 2; k++ {
								fast.Reseed(77, k)
								if pf, pr := fast.Classify(test.Image(int(k))), ref.classify(test.Image(int(k)), 77, k); pf != pr {
									t.Fatalf("test image %d: fast %d, reference %d", k, pf, pr)
								}
							}
						}
						res := fast.Train(train.Image(i), int(train.Labels[i]))
						if res.Err != nil {
							t.Fatal(res.Err)
						}
						if pr := ref.train(train.Image(i), int(train.Labels[i])); res.Pred != pr {
							t.Fatalf("example %d: fast predicts %d, reference %d", i, res.Pred, pr)
						}
					}
					compareNets(t, fast.Net, ref.net, 1e-9)
				})
			}
		}
	}
}

// A steeper sigmoid gives larger updates: one rate-mode example on a tiny
// network whose feedforward weights and biases are zero, so every soma
// sits at C = 0 in the forward phase, f(0) = 1/2 whatever the slope, and
// only f' and the taught rates depend on it. The output biases then move
// by Δb_i = η P_o k_D λmax f'(0) (λmax f(C_T,i) − λmax/2), with the taught
// potential C_T = (y E_E + (1−y) E_I)/(g_L + g_D + 1) = ±8/1.7 ("head").
func TestSlopeScalesUpdates(t *testing.T) {
	deltaB := func(slope float64) (got, want []float64) {
		c := config.Default(option.Paper)
		c.Mode, c.Layers = option.Rate, []int{3, 2}
		c.Resolve()
		p := c.Model()
		p.Network.Classes = 2
		if slope != 1 {
			p.Soma.RateFunc = model.Sigmoid{Slope: slope}
		}
		net := network.New(p, 4, randFor(1))
		for _, ly := range net.Layers {
			clear(ly.W)
			clear(ly.B)
		}
		s := New(p, net, 1)
		if r := s.Train([]uint8{0, 255, 10, 0}, 1); r.Err != nil {
			t.Fatal(r.Err)
		}
		// hand computation
		lm, kD := 0.2, 0.6/0.7
		eta := c.Etas[1] * 20 / (lm * lm)
		f := func(x float64) float64 { return 1 / (1 + math.Exp(-slope*x)) }
		for i, y := range []float64{0, 1} {
			cT := (y*8 + (1-y)*-8) / 1.7
			want = append(want, eta*kD*lm*(slope/4)*(lm*f(cT)-lm/2))
			got = append(got, net.Layers[1].B[i])
		}
		return got, want
	}
	g1, w1 := deltaB(1)
	g3, w3 := deltaB(3)
	for i := range g1 {
		for _, gw := range [][2]float64{{g1[i], w1[i]}, {g3[i], w3[i]}} {
			if math.Abs(gw[0]-gw[1]) > 1e-12*(1+math.Abs(gw[1])) {
				t.Errorf("output bias %d: Δb = %.15g, hand-computed %.15g", i, gw[0], gw[1])
			}
		}
		if !(math.Abs(g3[i]) > 2.5*math.Abs(g1[i])) {
			t.Errorf("output bias %d: slope 3 moves it by %g, slope 1 by %g; want ≥ 2.5× (f'(0) triples)", i, g3[i], g1[i])
		}
	}
	t.Logf("Δb slope 1: %v; slope 3: %v", g1, g3)
}

// A Sim refuses a rate function that is not monotone or not finite and a
// kernel that is NaN, negative or zero: every example returns the error.
func TestBadBiologyRefused(t *testing.T) {
	c := config.Default(option.Paper)
	c.Layers = []int{3, 2}
	c.Resolve()
	base := c.Model()
	base.Network.Classes = 2
	cases := []struct {
		name string
		mut  func(*model.Params)
		want string
	}{
		{"bump", func(p *model.Params) { p.Soma.RateFunc = bump{} }, "f must be non-decreasing"},
		{"falling", func(p *model.Params) { p.Soma.RateFunc = falling{} }, "not monotone"},
		{"wrong-derivative", func(p *model.Params) { p.Soma.RateFunc = doubled{} }, "the derivative does not match f"},
		{"nan", func(p *model.Params) { p.Soma.RateFunc = nanRate{} }, "want a finite rate"},
		{"slope0", func(p *model.Params) { p.Soma.RateFunc = model.Sigmoid{} }, "slope > 0"},
		{"kernel-nan", func(p *model.Params) { p.Kernel.Weights = []float64{1, math.NaN(), 0, 0, 0, 0, 0, 0, 0, 0} }, "κ(2) = NaN"},
		{"kernel-zero", func(p *model.Params) { p.Kernel.Weights = make([]float64, 10) }, "zero at every step"},
		{"kernel-len", func(p *model.Params) { p.Kernel.Weights = []float64{1} }, "1 values for a memory of 10"},
	}
	for _, tc := range cases {
		p := base
		tc.mut(&p)
		net := network.New(base, 4, randFor(1))
		s := New(p, net, 1)
		r := s.Train([]uint8{1, 2, 3, 4}, 0)
		if r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, r.Err, tc.want)
		}
		if s.Classify([]uint8{1, 2, 3, 4}) != -1 {
			t.Errorf("%s: Classify ran", tc.name)
		}
		set := &dataset.Set{Images: []uint8{1, 2, 3, 4}, Labels: []uint8{0}, N: 1, Rows: 2, Cols: 2, Classes: 2}
		if ev := Evaluate(p, net, set, []int{0}, 1, 1, nil); ev.Err == nil || !strings.Contains(ev.Err.Error(), tc.want) {
			t.Errorf("%s: Evaluate error %v, want one containing %q", tc.name, ev.Err, tc.want)
		}
	}
}

type bump struct{}

func (bump) At(x float64) float64 { return math.Exp(-x * x) }
func (bump) Deriv(x float64) float64 {
	return -2 * x * math.Exp(-x*x)
}

type nanRate struct{}

func (nanRate) At(x float64) float64 { return math.Log(x) + 100 }
func (nanRate) Deriv(x float64) float64 {
	return 1 / x
}

// falling decreases but claims a positive slope.
type falling struct{}

func (falling) At(x float64) float64    { return neuron.Sigmoid(-x) }
func (falling) Deriv(x float64) float64 { return neuron.SigmoidPrime(x) }

// doubled is σ with twice its slope.
type doubled struct{}

func (doubled) At(x float64) float64    { return neuron.Sigmoid(x) }
func (doubled) Deriv(x float64) float64 { return 2 * neuron.SigmoidPrime(x) }

// The generic paths allocate nothing either once a Sim is warm: a rate
// function called through the interface (with backprop, whose error uses
// f'), an affine sigmoid, and a kernel summed over the ring.
func TestGenericNoAllocations(t *testing.T) {
	train, test := loadMNIST(t)
	for _, mode := range []option.Mode{option.Spiking, option.Rate} {
		for _, rf := range []model.RateFunc{plainSigma{}, model.Sigmoid{Slope: 2, Offset: 1}} {
			cfg := newCfg(t, func(c *config.Config) { c.Mode = mode; c.Layers = []int{50, 20, 10}; c.RecordBPAngle = true })
			p := cfg.Model()
			p.Soma.RateFunc = rf
			p.Kernel.Weights = p.Kernel.Values()
			s := New(p, network.New(p, Pixels, randFor(1)), 2)
			for i := 0; i < 3; i++ {
				s.Train(train.Image(i), int(train.Labels[i]))
				s.Classify(test.Image(i))
			}
			k := 3
			if a := testing.AllocsPerRun(5, func() {
				s.Train(train.Image(k), int(train.Labels[k]))
				s.Classify(test.Image(k))
				k++
			}); a != 0 {
				t.Errorf("%s %T: Train and Classify allocate %v times per call", mode, rf, a)
			}
		}
	}
}
