package sim

import (
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
)

// Benchmarks of the per-example workloads on real MNIST with the paper
// profile's 500,10 network. Run with
//
//	go test ./sim/ -run '^$' -bench . -benchmem
//
// (add -cpuprofile cpu.out and inspect with go tool pprof).

var (
	benchOnce        sync.Once
	benchTrain       *dataset.Set
	benchTest        *dataset.Set
	benchErr         error
	benchImagesCount = 1000
)

func benchData(b testing.TB) (train, test *dataset.Set) {
	b.Helper()
	benchOnce.Do(func() { benchTrain, benchTest, benchErr = dataset.LoadMNIST("") })
	if benchErr != nil {
		b.Fatalf("MNIST: %v", benchErr)
	}
	return benchTrain, benchTest
}

func benchSim(b testing.TB, mode option.Mode, layers []int, prec ...option.Precision) *Sim {
	cfg := newCfg(b, func(c *config.Config) {
		c.Mode = mode
		c.Layers = layers
		if len(prec) > 0 {
			c.Precision = prec[0]
		}
	})
	net := network.New(cfg.Model(), Pixels, randFor(1))
	return New(cfg.Model(), net, 1)
}

// cpuTimer reports cpu-ns/op next to the wall-clock ns/op.
type cpuTimer struct{ t0 float64 }

func startCPU(b *testing.B) *cpuTimer {
	runtime.LockOSThread()
	b.Cleanup(runtime.UnlockOSThread)
	b.ReportAllocs()
	b.ResetTimer()
	return &cpuTimer{threadCPU()}
}

func (c *cpuTimer) stop(b *testing.B, unit string) {
	cpu := threadCPU() - c.t0
	b.StopTimer()
	b.ReportMetric(cpu/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/(cpu*1e-9), unit+"/cpu-s")
}

func benchTrainLoop(b *testing.B, mode option.Mode, layers []int, prec ...option.Precision) {
	train, _ := benchData(b)
	s := benchSim(b, mode, layers, prec...)
	s.LazyTrainRates = true // as a run's Sim without an Example hook
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		k := i % benchImagesCount
		s.Train(train.Image(k), int(train.Labels[k]))
	}
	c.stop(b, "examples")
}

func benchClassifyLoop(b *testing.B, mode option.Mode, layers []int, prec ...option.Precision) {
	_, test := benchData(b)
	s := benchSim(b, mode, layers, prec...)
	s.LazyTestRates = true // as Evaluate's Sims without an activity callback
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		k := i % benchImagesCount
		s.Reseed(1, uint64(k))
		s.Classify(test.Image(k))
	}
	c.stop(b, "images")
}

// One spiking training example (forward and target phase, ≈103 steps, and the update).
func BenchmarkTrainSpiking(b *testing.B) { benchTrainLoop(b, "spiking", []int{500, 10}) }

// One spiking test image (250 steps from rest).
func BenchmarkClassifySpiking(b *testing.B) { benchClassifyLoop(b, "spiking", []int{500, 10}) }

// One rate-mode training example.
func BenchmarkTrainRate(b *testing.B) { benchTrainLoop(b, "rate", []int{500, 10}) }

// One rate-mode test image.
func BenchmarkClassifyRate(b *testing.B) { benchClassifyLoop(b, "rate", []int{500, 10}) }

// Two hidden layers.
func BenchmarkTrainSpiking500x100(b *testing.B) { benchTrainLoop(b, "spiking", []int{500, 100, 10}) }

// The same four spiking workloads at float32 precision (the precision option).
func BenchmarkTrainSpikingF32(b *testing.B) {
	benchTrainLoop(b, "spiking", []int{500, 10}, option.Float32)
}

func BenchmarkClassifySpikingF32(b *testing.B) {
	benchClassifyLoop(b, "spiking", []int{500, 10}, option.Float32)
}

func BenchmarkTrainSpiking500x100F32(b *testing.B) {
	benchTrainLoop(b, "spiking", []int{500, 100, 10}, option.Float32)
}

func BenchmarkClassifySpiking500x100F32(b *testing.B) {
	benchClassifyLoop(b, "spiking", []int{500, 100, 10}, option.Float32)
}

// One spiking step (forward phase, accumulating the window and the PSP
// averages) after a training example has brought the network to its working point.
func BenchmarkStep(b *testing.B) {
	train, _ := benchData(b)
	s := benchSim(b, "spiking", []int{500, 10})
	s.Train(train.Image(0), int(train.Labels[0]))
	s.SetInput(train.Image(1))
	for k := 0; k < 30; k++ {
		s.step(stepOpts{})
	}
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		s.step(stepOpts{acc: true, pin: true, pfb: true})
		if s.layers[0].nWin > 1<<20 {
			for _, ls := range s.layers {
				ls.clearWindow()
			}
		}
	}
	c.stop(b, "steps")
}

// The spiking training example with the rate table instead of the vector sigmoid.
func BenchmarkTrainSpikingTable(b *testing.B) {
	train, _ := benchData(b)
	s := benchSim(b, "spiking", []int{500, 10})
	s.tab = rateTable(s.lamMax)
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		k := i % benchImagesCount
		s.Train(train.Image(k), int(train.Labels[k]))
	}
	c.stop(b, "examples")
}

// One spiking test image of the two-hidden-layer network.
func BenchmarkClassifySpiking500x100(b *testing.B) {
	benchClassifyLoop(b, "spiking", []int{500, 100, 10})
}

// Test images in lockstep: K Sims, each with its own image, advanced one
// step each in turn, so that a weight row one image's spike streams in could
// serve the others while it is cached. It does not pay here, which is why
// Evaluate tests one image after another: images share few spiking inputs
// in a step, one image's rows already stay in L2 across its steps, and the
// row sums are bound by the FMA units more than by memory. On the 2-core
// Zen 4 machine (loaded, cpu-ns/op, two runs of 4 rounds, medians): K = 4
// took 17–29 % and K = 8 33–60 % more CPU time per image than K = 1.
func BenchmarkClassifyLockstep(b *testing.B) {
	for _, K := range []int{1, 4, 8} {
		b.Run(strconv.Itoa(K), func(b *testing.B) {
			_, test := benchData(b)
			ss := make([]*Sim, K)
			for i := range ss {
				ss[i] = benchSim(b, "spiking", []int{500, 10})
			}
			n := ss[0].par.Phases.Test
			win := ss[0].par.Phases.Averaged(n, ss[0].par.Phases.TestWindow())
			c := startCPU(b)
			for i := 0; i < b.N; i += K {
				for q, s := range ss {
					k := (i + q) % benchImagesCount
					beginTest(s, test.Image(k), k)
				}
				for t := 0; t < n; t++ {
					for _, s := range ss {
						s.step(stepOpts{acc: t >= n-win})
					}
				}
				for _, s := range ss {
					s.noApical, s.testing = false, false
					s.endPhase(true, n)
					s.readout(s.out().cF)
				}
			}
			c.stop(b, "images")
		})
	}
}

// One spiking step before the averaging window, whose rates feed only the
// spike draws, one training step in the window (whose hidden mean rates
// only HiddenRates reads) and one test step (window, no apical input):
// with every rate computed, and lazily (σ only for the units that can
// spike, as training and Evaluate's tests do). Within one binary, so that the
// variants compare on a busy machine.
func BenchmarkStepRates(b *testing.B) {
	for _, mode := range []string{"train-all", "train-lazy", "window-all", "window-lazy", "test-all", "test-lazy"} {
		b.Run(mode, func(b *testing.B) {
			train, _ := benchData(b)
			s := benchSim(b, "spiking", []int{500, 10})
			s.tab = nil
			for i := 0; i < 20; i++ {
				s.Train(train.Image(i), int(train.Labels[i]))
			}
			s.SetInput(train.Image(21))
			for k := 0; k < 30; k++ {
				s.step(stepOpts{})
			}
			var o stepOpts
			switch mode {
			case "train-lazy":
				o.lazy = true
			case "window-all":
				o.acc = true
			case "window-lazy":
				o.acc, o.lazyHidden = true, true
			case "test-all", "test-lazy":
				s.testing, s.noApical, s.lazyRates = true, true, mode == "test-lazy"
				o.acc = true
			}
			c := startCPU(b)
			for i := 0; i < b.N; i++ {
				s.step(o)
				if s.layers[0].nWin > 1<<20 {
					for _, ls := range s.layers {
						ls.clearWindow()
					}
				}
			}
			c.stop(b, "steps")
		})
	}
}
