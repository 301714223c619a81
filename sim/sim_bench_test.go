package sim

import (
	"sync"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
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

func benchData(b *testing.B) (train, test *dataset.Set) {
	b.Helper()
	benchOnce.Do(func() { benchTrain, benchTest, benchErr = dataset.LoadMNIST("") })
	if benchErr != nil {
		b.Fatalf("MNIST: %v", benchErr)
	}
	return benchTrain, benchTest
}

func benchSim(b *testing.B, mode string, layers []int) *Sim {
	cfg := newCfg(b, func(c *config.Config) {
		c.Mode = mode
		c.Layers = layers
	})
	net := network.New(cfg, Pixels, randFor(1))
	return New(cfg, net, 1)
}

func benchTrainLoop(b *testing.B, mode string, layers []int) {
	train, _ := benchData(b)
	s := benchSim(b, mode, layers)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % benchImagesCount
		s.Train(train.Image(k), int(train.Labels[k]))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "examples/s")
}

func benchClassifyLoop(b *testing.B, mode string, layers []int) {
	_, test := benchData(b)
	s := benchSim(b, mode, layers)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % benchImagesCount
		s.Reseed(1, uint64(k))
		s.Classify(test.Image(k))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
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

// One spiking step (forward phase, accumulating the window and the PSP
// averages) after a training example has brought the network to its working point.
func BenchmarkStep(b *testing.B) {
	train, _ := benchData(b)
	s := benchSim(b, "spiking", []int{500, 10})
	s.Train(train.Image(0), int(train.Labels[0]))
	s.SetInput(train.Image(1))
	for k := 0; k < 30; k++ {
		s.step(false, false, false, false)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.step(false, true, true, true)
		if s.layers[0].nWin > 1<<20 {
			for _, ls := range s.layers {
				ls.clearWindow()
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}
