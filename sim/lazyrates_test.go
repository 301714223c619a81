package sim

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/network"
)

// A test that computes a hidden rate only where the unit's bits could make
// it spike at λmax (lazyRates) draws the same spikes, step by step, as one
// that computes every rate: two Sims with the same weights and stream, one
// of each, run a test phase in lockstep. Also with an affine sigmoid and two
// hidden layers, and on the Go fallbacks (purego) as on the kernels.
func TestLazyRatesSameSpikes(t *testing.T) {
	train, test := loadMNIST(t)
	cases := []struct {
		name   string
		layers []int
		mut    func(*model.Params)
	}{
		{"500-10", []int{500, 10}, nil},
		{"50-20-10", []int{50, 20, 10}, nil},
		{"slope-offset", []int{100, 10}, func(p *model.Params) { p.Soma.RateFunc = model.Sigmoid{Slope: 2.5, Offset: 0.7} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newCfg(t, func(c *config.Config) { c.Layers = tc.layers })
			p := cfg.Model()
			if tc.mut != nil {
				tc.mut(&p)
			}
			net := network.New(p, Pixels, randFor(3))
			trainer := New(p, net, 4)
			for i := 0; i < 10; i++ {
				trainer.Train(train.Image(i), int(train.Labels[i]))
			}
			lazy, full := New(p, net, 5), New(p, net, 5)
			// the exact σ on every machine (without AVX2 the table is the
			// default, and the lazy path needs rates bounded by λmax)
			lazy.tab, full.tab = nil, nil
			spikes := 0
			for k := 0; k < 4; k++ {
				for _, s := range []*Sim{lazy, full} {
					beginTest(s, test.Image(k), k)
				}
				lazy.lazyRates = true
				n := cfg.TestPhase
				win := p.Phases.Averaged(n, p.Phases.TestWindow())
				for st := 0; st < n; st++ {
					slot := lazy.t % lazy.mem
					lazy.step(stepOpts{acc: st >= n-win})
					full.step(stepOpts{acc: st >= n-win})
					for l := range lazy.layers[:len(lazy.layers)-1] {
						a, b := &lazy.layers[l].spikes.ring[slot], &full.layers[l].spikes.ring[slot]
						if !slices.Equal(a.idx, b.idx) || !slices.Equal(a.cnt, b.cnt) {
							t.Fatalf("image %d step %d layer %d: spikes %v×%v, with every rate %v×%v", k, st, l, a.idx, a.cnt, b.idx, b.cnt)
						}
						spikes += len(a.idx)
					}
					if !slices.Equal(lazy.out().C, full.out().C) {
						t.Fatalf("image %d step %d: output somata differ", k, st)
					}
				}
				if lazy.SpikeSrc.Uint64() != full.SpikeSrc.Uint64() {
					t.Fatalf("image %d: the spike streams diverged", k)
				}
				lazy.lazyRates = false
			}
			if spikes == 0 {
				t.Fatal("no hidden spikes: the comparison tested nothing")
			}
		})
	}
}

// Classify with LazyTestRates predicts as without it, with the same mean
// output somata; HiddenRates are then NaN, and without it equal to those of
// a test phase run with every input (the apical one included) and every rate.
func TestLazyTestRatesClassify(t *testing.T) {
	train, test := loadMNIST(t)
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{50, 20, 10} })
	p := cfg.Model()
	net := network.New(p, Pixels, randFor(6))
	s := New(p, net, 7)
	s.tab = nil
	for i := 0; i < 10; i++ {
		s.Train(train.Image(i), int(train.Labels[i]))
	}
	if !(s.gA == 0 && s.spikingFF && s.bio.rf == nil) {
		t.Fatal("the paper profile should take the lazy path")
	}
	for k := 0; k < 3; k++ {
		// reference: the whole test phase, apical input and all rates
		s.Reseed(1, uint64(k))
		s.Reset()
		s.SetInput(test.Image(k))
		s.setTarget(-1)
		s.runPhase(phaseSpec{kind: Test, n: cfg.TestPhase, win: cfg.TestWindow()})
		s.endPhase(true, cfg.TestPhase)
		wantP := s.readout(s.out().cF)
		wantC := slices.Clone(s.out().cF)
		var wantR [][]float64
		for l := 0; l < 2; l++ {
			wantR = append(wantR, slices.Clone(s.layers[l].lamF))
		}
		for _, lazy := range []bool{false, true} {
			s.LazyTestRates = lazy
			s.Reseed(1, uint64(k))
			if got := s.Classify(test.Image(k)); got != wantP {
				t.Fatalf("image %d lazy=%v: predicted %d, want %d", k, lazy, got, wantP)
			}
			if !slices.Equal(s.out().cF, wantC) {
				t.Fatalf("image %d lazy=%v: output mean somata differ", k, lazy)
			}
			for l := 0; l < 2; l++ {
				for i, v := range s.HiddenRates(l) {
					if !lazy && v != wantR[l][i] {
						t.Fatalf("image %d layer %d unit %d: HiddenRates %v, want %v", k, l, i, v, wantR[l][i])
					}
					if lazy && !math.IsNaN(v) {
						t.Fatalf("image %d layer %d unit %d: HiddenRates %v with LazyTestRates, want NaN", k, l, i, v)
					}
				}
			}
		}
		s.LazyTestRates = false
	}
	s.LazyTestRates = true
	if a := testing.AllocsPerRun(3, func() { s.Classify(test.Image(5)) }); a != 0 {
		t.Errorf("a lazy Classify allocates %v times per call", a)
	}
}

// Evaluate gives its activity callback the hidden rates (no lazy rates
// then) and predicts the same without a callback; Evaluation.Work counts
// the test's steps and spikes, the same for one worker or two.
func TestEvaluateRatesAndWork(t *testing.T) {
	train, test := loadMNIST(t)
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{30, 10} })
	p := cfg.Model()
	net := network.New(p, Pixels, randFor(8))
	tr := New(p, net, 9)
	for i := 0; i < 10; i++ {
		tr.Train(train.Image(i), int(train.Labels[i]))
	}
	idx := []int{0, 1, 2, 3, 4}
	set := labelledSet{test}
	rates := make([][]float64, len(idx))
	withCB := Evaluate(p, net, set, idx, 3, 1, func(k int, s *Sim) {
		rates[k] = slices.Clone(s.HiddenRates(0))
	})
	for k, r := range rates {
		for i, v := range r {
			if math.IsNaN(v) || v < 0 || v > p.Soma.LambdaMax {
				t.Fatalf("image %d unit %d: hidden rate %v in the activity callback", k, i, v)
			}
		}
	}
	one := Evaluate(p, net, set, idx, 3, 1, nil)
	two := Evaluate(p, net, set, idx, 3, 2, nil)
	for _, ev := range []Evaluation{withCB, one, two} {
		if ev.Err != nil {
			t.Fatal(ev.Err)
		}
		if !slices.Equal(ev.Pred, withCB.Pred) {
			t.Fatalf("predictions %v, with the callback %v", ev.Pred, withCB.Pred)
		}
		if ev.Work != withCB.Work {
			t.Fatalf("work %+v, with the callback %+v", ev.Work, withCB.Work)
		}
	}
	if want := int64(len(idx) * cfg.TestPhase); one.Work.Steps != want || one.Work.Spikes == 0 {
		t.Fatalf("work %+v, want %d steps and some spikes", one.Work, want)
	}
}

// Training steps before the averaging window compute rates only where a
// unit can spike (lazySteps), and with LazyTrainRates the hidden layers'
// window steps too; both train bit-identically to steps that compute every
// rate (forced here by a Trace hook, which reads them): the same weights,
// counters and end-of-example state (rates included) after every example,
// under every option of the generic-path comparisons (some of which turn
// the lazy steps off) and with an affine sigmoid. HiddenRates are the same
// too, or NaN with LazyTrainRates.
func TestLazyTrainingStepsIdentical(t *testing.T) {
	train, _ := loadMNIST(t)
	opts := biologyOptions()
	opts["slope-offset"] = nil
	for name, mut := range opts {
		t.Run(name, func(t *testing.T) {
			cfg := newCfg(t, func(c *config.Config) {
				c.Layers = []int{40, 20, 10}
				if mut != nil {
					mut(c)
				}
			})
			p := cfg.Model()
			if name == "slope-offset" {
				p.Soma.RateFunc = model.Sigmoid{Slope: 2.5, Offset: 0.7}
			}
			netF := network.New(p, Pixels, randFor(11))
			full := New(p, netF, 12)
			full.Trace = func(*Sim, int, int) {}
			lazy, lazyWin := New(p, netF.Clone(), 12), New(p, netF.Clone(), 12)
			lazyWin.LazyTrainRates = true
			lazySteps := p.SpikingFeedforward && p.SpikingFeedback
			for _, s := range []*Sim{full, lazy, lazyWin} {
				s.tab = nil
			}
			if lazy.lazySteps() != lazySteps {
				t.Fatalf("lazySteps %v with spiking feedforward %v, feedback %v", lazy.lazySteps(), p.SpikingFeedforward, p.SpikingFeedback)
			}
			for i := 0; i < 6; i++ {
				if r := full.Train(train.Image(i), int(train.Labels[i])); r.Err != nil {
					t.Fatal(r.Err)
				}
				for _, s := range []*Sim{lazy, lazyWin} {
					win := s == lazyWin
					if r := s.Train(train.Image(i), int(train.Labels[i])); r.Err != nil {
						t.Fatal(r.Err)
					}
					if s.Counters() != full.Counters() {
						t.Fatalf("example %d (window %v): counters %+v, with every rate %+v", i, win, s.Counters(), full.Counters())
					}
					if !reflect.DeepEqual(s.State(), full.State()) {
						t.Fatalf("example %d (window %v): the states differ", i, win)
					}
					for l := range netF.Layers {
						a, b := s.Net.Layers[l], netF.Layers[l]
						if !slices.Equal(a.W, b.W) || !slices.Equal(a.B, b.B) {
							t.Fatalf("example %d (window %v) layer %d: the weights differ", i, win, l)
						}
					}
					// the hidden mean rates: NaN where the window was lazy
					for l := 0; l < len(netF.Layers)-1; l++ {
						got, want := s.HiddenRates(l), full.HiddenRates(l)
						for k := range want {
							if win && lazySteps {
								if !math.IsNaN(got[k]) {
									t.Fatalf("example %d layer %d unit %d: HiddenRates %v with LazyTrainRates, want NaN", i, l, k, got[k])
								}
							} else if got[k] != want[k] {
								t.Fatalf("example %d (window %v) layer %d unit %d: HiddenRates %v, want %v", i, win, l, k, got[k], want[k])
							}
						}
					}
				}
			}
		})
	}
}
