package run

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

func smallCfg(mut func(*config.Config)) config.Config {
	c := config.Default("paper")
	c.Mode, c.Layers, c.Epochs = "rate", []int{30, 10}, 1
	c.TrainExamples, c.TestExamples, c.InitialTest = 300, 100, false
	if mut != nil {
		mut(&c)
	}
	return c
}

// The in-memory Trainer trains exactly like a run into a folder: the same
// tests and the same final weights, bit for bit; and the hooks see every
// example, step and test.
func TestTrainerMatchesFolder(t *testing.T) {
	train, test := mnist(t)
	cfg := smallCfg(nil)
	var examples []int64
	var tests []TestResult
	steps := 0
	tr := Trainer{Config: cfg, Train: train, Test: test, Hooks: Hooks{
		Example: func(e Example) {
			examples = append(examples, e.Examples)
			if e.Result.Err != nil || e.Epoch != 1 || e.Sim == nil {
				t.Errorf("example %+v", e)
			}
		},
		Test: func(r TestResult) { tests = append(tests, r) },
		Step: func(s *sim.Sim, phase, step int) {
			if step == 1 && (phase == sim.Forward || phase == sim.Target) {
				steps++
			}
		},
	}}
	res, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg.Resolve()
	sum, err := Train(context.Background(), cfg, dir, Options{Train: train, Test: test})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Summary.FullTestErrors, sum.FullTestErrors) || len(sum.FullTestErrors) != 1 {
		t.Errorf("in memory %v, folder %v", res.Summary.FullTestErrors, sum.FullTestErrors)
	}
	saved := network.NewShape(784, cfg.Layers, cfg.Broadcast, false)
	if err := saved.Load(rundir.Weights(dir, "final")); err != nil {
		t.Fatal(err)
	}
	for l := range saved.Layers {
		if !reflect.DeepEqual(saved.Layers[l].W, res.Net.Layers[l].W) || !reflect.DeepEqual(saved.Layers[l].B, res.Net.Layers[l].B) {
			t.Errorf("layer %d: in-memory weights differ from the folder's", l)
		}
	}
	if len(examples) != 300 || examples[0] != 1 || examples[299] != 300 {
		t.Errorf("Example hook saw %d examples (%v…)", len(examples), examples[:min(3, len(examples))])
	}
	if steps != 600 {
		t.Errorf("Step hook called %d times as step 1 of a phase in rate mode, want once per phase (600)", steps)
	}
	if len(tests) != 1 || tests[0].Kind != rundir.KindFull || tests[0].Epoch != 1 || tests[0].Examples != 300 || tests[0].Error != sum.FullTestErrors[0] {
		t.Errorf("Test hook saw %+v, want one full test of %v%%", tests, sum.FullTestErrors)
	}
	if res.Summary.Status != rundir.Complete || res.Records == nil {
		t.Errorf("summary %+v", res.Summary)
	}
}

// Errors of the Trainer speak of config fields and data, and nothing panics.
func TestTrainerErrors(t *testing.T) {
	train, test := mnist(t)
	bad := train.Subset([]int{0, 1, 2, 3, 4, 5})
	bad.Labels[5] = 12
	cases := []struct {
		name string
		tr   Trainer
		want string
	}{
		{"no test set", Trainer{Config: smallCfg(nil), Train: train}, "both Train and Test"},
		{"negative eta", Trainer{Config: smallCfg(func(c *config.Config) { c.Etas = []float64{0.1, -1} }), Train: train, Test: test}, `config field "etas"`},
		{"bad label", Trainer{Config: smallCfg(func(c *config.Config) { c.TrainExamples = 0 }), Train: bad, Test: test}, "training set: example 5: label 12 outside [0, 10)"},
		{"layers vs classes", Trainer{Config: smallCfg(func(c *config.Config) { c.Layers = []int{30, 10} }), Train: synth(30, 3, 1), Test: synth(30, 3, 2)}, "multiple of 3"},
		{"shape of Init", Trainer{Config: smallCfg(nil), Train: train, Test: test, Init: network.NewShape(784, []int{20, 10}, true, false)}, "Trainer.Init: layer 0 is 784→20, want 784→30"},
		{"folder option in memory", Trainer{Config: smallCfg(nil), Train: train, Test: test, Options: Options{Overwrite: true}}, "run folder only"},
	}
	for _, c := range cases {
		_, err := c.tr.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
	// run.Train refuses a training set without a test set instead of
	// loading MNIST.
	_, err := Train(context.Background(), smallCfg(nil), filepath.Join(t.TempDir(), "r"), Options{Train: train})
	if err == nil || !strings.Contains(err.Error(), "without a test set") {
		t.Errorf("Train with Options.Train only: %v", err)
	}
}

// Empty Etas mean the paper's rates, in the Trainer and in Train.
func TestTrainerEmptyEtas(t *testing.T) {
	train, test := mnist(t)
	cfg := smallCfg(func(c *config.Config) { c.Etas = nil; c.TrainExamples = 50; c.TestExamples = 20 })
	res, err := (&Trainer{Config: cfg, Train: train, Test: test}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.ExamplesTrained != 50 {
		t.Errorf("trained %d examples", res.Summary.ExamplesTrained)
	}
	if _, err := Train(context.Background(), cfg, t.TempDir(), Options{Train: train, Test: test}); err != nil {
		t.Errorf("Train with empty etas: %v", err)
	}
}

// Initial weights given in memory are used as given: the same weights as
// the seed would draw give the same result; other weights another one.
func TestTrainerInit(t *testing.T) {
	train, test := mnist(t)
	cfg := smallCfg(nil)
	plain, err := (&Trainer{Config: cfg, Train: train, Test: test}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := cfg
	c.Resolve()
	same := network.New(c.Model(), 784, initRNG(cfg.Seed))
	got, err := (&Trainer{Config: cfg, Train: train, Test: test, Init: same}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Net.Layers[0].W, plain.Net.Layers[0].W) {
		t.Error("Init with the seed's own weights trained differently")
	}
	if got.Net == same || &got.Net.Layers[0].W[0] == &same.Layers[0].W[0] {
		t.Error("Init was not cloned")
	}
	zero := network.NewShape(784, cfg.Layers, cfg.Broadcast, false)
	copy(zero.Layers[0].Y, same.Layers[0].Y)
	other, err := (&Trainer{Config: cfg, Train: train, Test: test, Init: zero}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(other.Net.Layers[0].W, plain.Net.Layers[0].W) {
		t.Error("other initial weights trained to the same weights")
	}
}

// A cancelled context stops an in-memory run with ErrStopped and the
// network as it was.
func TestTrainerStopped(t *testing.T) {
	train, test := mnist(t)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	res, err := (&Trainer{Config: smallCfg(nil), Train: train, Test: test, Hooks: Hooks{Example: func(Example) {
		if n++; n == 10 {
			cancel()
		}
	}}}).Run(ctx)
	if !errors.Is(err, ErrStopped) || res == nil || res.Net == nil || res.Summary.ExamplesTrained != 10 {
		t.Fatalf("err %v, result %+v", err, res)
	}
}

// synth is n 4×4 images of k classes: class c lights row c mod 4.
func synth(n, k int, seed uint64) *dataset.Set {
	r := rand.New(rand.NewPCG(seed, 7))
	s := &dataset.Set{Images: make([]uint8, n*16), Labels: make([]uint8, n), N: n, Rows: 4, Cols: 4, Classes: k}
	for i := 0; i < n; i++ {
		c := r.IntN(k)
		s.Labels[i] = uint8(c)
		img := s.Image(i)
		for j := range img {
			img[j] = uint8(r.IntN(40))
		}
		for j := 0; j < 4; j++ {
			img[(c%4)*4+j] = 255
		}
	}
	return s
}

// Other image sizes and class counts train through the Trainer.
func TestTrainerOtherData(t *testing.T) {
	cfg := smallCfg(func(c *config.Config) {
		c.Layers, c.Etas, c.Epochs = []int{12, 6}, []float64{0.5, 0.5}, 2
		c.TrainExamples, c.TestExamples = 0, 0
	})
	res, err := (&Trainer{Config: cfg, Train: synth(400, 3, 1), Test: synth(200, 3, 2)}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test errors %v", res.Summary.FullTestErrors)
	if e := res.Summary.FullTestErrors[1]; e > 10 {
		t.Errorf("test error %.1f%% on a separable 3-class task, want ≤ 10%%", e)
	}
	if res.Net.Layers[0].In != 16 || res.Net.Out().N != 6 {
		t.Errorf("network %d→…→%d", res.Net.Layers[0].In, res.Net.Out().N)
	}
}

// In spiking mode the Step hook sees every step of both phases, with the
// voltages of the step.
func TestTrainerStepHook(t *testing.T) {
	train, test := mnist(t)
	cfg := smallCfg(func(c *config.Config) { c.Mode, c.TrainExamples, c.TestExamples = "spiking", 3, 5 })
	steps, want := [2]int{}, [2]int{}
	finite := true
	_, err := (&Trainer{Config: cfg, Train: train, Test: test, Hooks: Hooks{
		Step: func(s *sim.Sim, phase, step int) {
			steps[phase]++
			_, _, C := s.Voltages(0)
			finite = finite && len(C) == 30 && C[0] == C[0]
		},
		Example: func(e Example) { want[0] += e.Result.LenF; want[1] += e.Result.LenT },
	}}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if steps != want || want[0] == 0 || !finite {
		t.Errorf("Step hook saw %v steps (forward, target), the examples ran %v; voltages finite %v", steps, want, finite)
	}
}

// The Step hook's views: rates are λmax σ(C) of the step, and the spikes of
// every population add up to the simulator's spike counter.
func TestTrainerStepViews(t *testing.T) {
	train, test := mnist(t)
	cfg := smallCfg(func(c *config.Config) { c.Mode, c.TrainExamples, c.TestExamples = "spiking", 2, 5 })
	var counted, prev int64
	bad := ""
	_, err := (&Trainer{Config: cfg, Train: train, Test: test, Hooks: Hooks{
		Step: func(s *sim.Sim, phase, step int) {
			in, inCnt := s.InputSpikes()
			n := int64(len(in))
			for k := range in {
				if int(in[k]) >= 784 || inCnt[k] < 1 {
					bad = fmt.Sprintf("input spike %d count %g", in[k], inCnt[k])
				}
			}
			for l := 0; l < 2; l++ {
				_, _, C := s.Voltages(l)
				for i, r := range s.Rates(l) {
					if want := 0.2 * sigmoid(C[i]); math.Abs(r-want) > 2e-8 { // the rate table is within 1.6e-8 (package sim)
						bad = fmt.Sprintf("layer %d neuron %d: rate %g, want λmax σ(C) = %g", l, i, r, want)
					}
				}
				idx, cnt := s.Spikes(l)
				for k, j := range idx {
					if int(j) >= len(C) || cnt[k] < 1 {
						bad = fmt.Sprintf("layer %d: spike %d count %g", l, j, cnt[k])
					}
				}
				n += int64(len(idx))
			}
			// the counter grows by the step's spiking units (checked from
			// the second step on: the first's starting value is unknown)
			if got := s.Counters().Spikes; counted > 0 && got-prev != n {
				bad = fmt.Sprintf("step %d of phase %d: views show %d spiking units, the counter grew by %d", step, phase, n, got-prev)
			}
			prev = s.Counters().Spikes
			counted += n
		},
	}}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if bad != "" || counted == 0 {
		t.Errorf("%s (%d spikes seen)", bad, counted)
	}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// In rate mode the Step hook sees each phase once, as its step 1, with the
// views a spiking step has: rates λmax σ(C), the apical potentials whose σ
// are the phase's plateaus, and the taught output in the target phase.
func TestTrainerRateModeStepViews(t *testing.T) {
	train, test := mnist(t)
	cfg := smallCfg(func(c *config.Config) { c.TrainExamples, c.TestExamples = 5, 5 })
	if cfg.Mode != "rate" {
		t.Fatalf("smallCfg is %s mode", cfg.Mode)
	}
	var calls []int
	bad := ""
	check := func(what string, got, want float64) {
		if math.Abs(got-want) > 1e-12 && bad == "" {
			bad = fmt.Sprintf("%s: %g, want %g", what, got, want)
		}
	}
	var outF []float64
	_, err := (&Trainer{Config: cfg, Train: train, Test: test, Hooks: Hooks{
		Step: func(s *sim.Sim, phase, step int) {
			calls = append(calls, phase*10+step)
			A, _, C := s.Voltages(0)
			fw, tg := s.Plateaus(0)
			al := fw
			if phase == sim.Target {
				al = tg
			}
			for i, r := range s.Rates(0) {
				check("hidden rate", r, 0.2*sigmoid(C[i]))
				check("plateau", al[i], sigmoid(A[i]))
			}
			_, _, Cout := s.Voltages(1)
			if phase == sim.Forward {
				outF = append(outF[:0], Cout...)
			} else if Cout[0] == outF[0] {
				bad = "target phase shows the forward output potential"
			}
			if idx, _ := s.Spikes(0); len(idx) != 0 {
				bad = "spikes in rate mode"
			}
		},
		Example: func(e Example) {
			if f, tg := e.Sim.Plateaus(1); f != nil || tg != nil {
				bad = "the output layer has plateaus"
			}
		},
	}}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 10 || calls[0] != 1 || calls[1] != 11 {
		t.Errorf("calls (phase*10+step) %v, want 1, 11 per example", calls)
	}
	if bad != "" {
		t.Error(bad)
	}
}
