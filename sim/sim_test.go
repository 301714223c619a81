package sim

import (
	"math"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/network"
)

func newCfg(t testing.TB, mut func(*config.Config)) *config.Config {
	t.Helper()
	c := config.Default("paper")
	if mut != nil {
		mut(&c)
	}
	c.Resolve()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return &c
}

// denseB computes B = W p + b with p = Σ_d κ(d+1) S(t−d) formed from the
// spike history, the textbook (dense) formula.
func denseB(s *Sim, l int) []float64 {
	ls := s.layers[l]
	below := s.belowPop(l)
	p := make([]float64, ls.ly.In)
	slot := (s.t - 1 + s.mem) % s.mem // the step just taken
	addFiltered(p, below, slot, 0, s.mem, s.kernel)
	B := make([]float64, ls.n)
	for i := range B {
		v := ls.ly.B[i]
		for j := range p {
			v += ls.ly.W[j*ls.n+i] * p[j]
		}
		B[i] = v
	}
	return B
}

// The event-driven basal input equals the dense formula at every step,
// including right after weight updates (which must correct the stored projections).
func TestEventDrivenMatchesDense(t *testing.T) {
	train, _ := loadMNIST(t)
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{50, 20, 10} })
	net := network.New(cfg.Model(), Pixels, randFor(1))
	s := New(cfg.Model(), net, 7)
	worst := 0.0
	for ex := 0; ex < 6; ex++ {
		s.Train(train.Image(ex), int(train.Labels[ex]))
		// after the update, keep stepping without learning and compare
		s.SetInput(train.Image(ex + 10))
		for k := 0; k < 15; k++ {
			s.step(stepOpts{})
			for l := range s.layers {
				want := denseB(s, l)
				for i, w := range want {
					d := math.Abs(s.layers[l].B[i] - w)
					if d > worst {
						worst = d
					}
					if d > 1e-9*(1+math.Abs(w)) {
						t.Fatalf("example %d step %d layer %d neuron %d: event-driven B=%.12g, dense %.12g", ex, k, l, i, s.layers[l].B[i], w)
					}
				}
			}
		}
	}
	t.Logf("largest |B_event − B_dense| = %.3g", worst)
}

// Output soma steady states (docs/model.md#output-neurons-and-teaching): forward 0.3C+0.6B → C = k_D B;
// target C → (0.6B ± 8)/1.7 with a damped sign-alternating transient.
func TestOutputSteadyStates(t *testing.T) {
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{10} })
	net := network.NewShape(Pixels, cfg.Layers, true, false)
	for i := range net.Layers[0].B {
		net.Layers[0].B[i] = 1.5 // W = 0, so B = b = 1.5 exactly
	}
	s := New(cfg.Model(), net, 1)
	s.SetInput(make([]uint8, Pixels))
	s.setTarget(-1)
	for k := 0; k < 200; k++ {
		s.step(stepOpts{})
	}
	if c := s.layers[0].C[0]; math.Abs(c-cfg.KD()*1.5) > 1e-9 {
		t.Errorf("forward steady state C = %.9f, want k_D·B = %.9f", c, cfg.KD()*1.5)
	}
	s.setTarget(3)
	prev := s.layers[0].C[3]
	signs := 0
	for k := 0; k < 200; k++ {
		s.step(stepOpts{teach: true})
		c := s.layers[0].C[3]
		want := (0.6*1.5 + 8) / 1.7
		if k < 5 && (c-want)*(prev-want) < 0 {
			signs++
		}
		prev = c
	}
	if c := s.layers[0].C[3]; math.Abs(c-(0.6*1.5+8)/1.7) > 1e-9 {
		t.Errorf("taught neuron steady state %.9f, want (0.6B+8)/1.7", c)
	}
	if c := s.layers[0].C[0]; math.Abs(c-(0.6*1.5-8)/1.7) > 1e-9 {
		t.Errorf("untaught neuron steady state %.9f, want (0.6B−8)/1.7", c)
	}
	if signs < 3 {
		t.Errorf("target transient should alternate in sign (Euler factor −0.7), saw %d sign changes", signs)
	}
	// Rates at the target steady state with B ≈ 0 (≈0.198 and ≈0.0018).
	if r := cfg.LambdaMax * sig(8/1.7); math.Abs(r-0.198) > 0.001 {
		t.Errorf("labelled rate %.4f", r)
	}
}

// Hidden soma steady state k_B B for g_A = 0, 0.05, 0.6 (docs/model.md#hidden-neurons).
func TestHiddenSteadyState(t *testing.T) {
	for _, c := range []struct{ gA, kB float64 }{{0, 0.857143}, {0.05, 0.8}, {0.6, 0.461538}} {
		cfg := newCfg(t, func(x *config.Config) { x.Layers = []int{5, 10}; x.GA = c.gA; x.FeedbackBias = "none" })
		if math.Abs(cfg.KB()-c.kB) > 1e-6 {
			t.Errorf("g_A=%g: k_B=%.6f want %.6f", c.gA, cfg.KB(), c.kB)
		}
		net := network.NewShape(Pixels, cfg.Layers, true, false)
		for i := range net.Layers[0].B {
			net.Layers[0].B[i] = 2
		}
		// Y = 0 so A = 0: steady state C = g_B B/(g_L+g_B+g_A) = k_B B.
		s := New(cfg.Model(), net, 1)
		s.SetInput(make([]uint8, Pixels))
		for k := 0; k < 300; k++ {
			s.step(stepOpts{})
		}
		if got := s.layers[0].C[0]; math.Abs(got-c.kB*2) > 1e-5 {
			t.Errorf("g_A=%g: C=%.6f want k_B·B=%.6f", c.gA, got, c.kB*2)
		}
	}
}
