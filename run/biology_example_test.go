package run_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/option"
	"github.com/dendrite-lab/dendrite/run"
)

// Change the rate function: somata fire at λmax·f(C) with f an algebraic
// sigmoid instead of the logistic σ. f' is what the learning rules use;
// NewRateFunc checks on a grid that f is finite, ≥ 0, non-decreasing and
// that f' is its slope. (A logistic sigmoid with another slope or offset
// needs no Go: config keys rate_slope and rate_offset.)
func ExampleTrainer_rateFunction() {
	train, test := smallMNIST()
	f := func(x float64) float64 { return 0.5 + 0.5*x/math.Sqrt(4+x*x) }
	df := func(x float64) float64 { return 2 / math.Pow(4+x*x, 1.5) }
	rf, err := model.NewRateFunc(f, df)
	if err != nil {
		log.Fatal(err)
	}
	cfg := config.Default("paper")
	cfg.Mode, cfg.Layers, cfg.Epochs, cfg.TestExamples = option.Rate, []int{50, 10}, 1, 0
	for _, r := range []model.RateFunc{nil, rf} {
		res, err := (&run.Trainer{Config: cfg, Train: train, Test: test, RateFunc: r}).Run(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		name := "logistic σ"
		if r != nil {
			name = "algebraic sigmoid"
		}
		fmt.Printf("%s: test error %.1f%%\n", name, *res.Summary.FinalTestError)
	}
	// A function that falls somewhere is refused.
	_, err = model.NewRateFunc(func(x float64) float64 { return math.Exp(-x * x) },
		func(x float64) float64 { return -2 * x * math.Exp(-x*x) })
	fmt.Println(err)
	// Output:
	// logistic σ: test error 26.0%
	// algebraic sigmoid: test error 33.0%
	// model: rate function: f'(0.0625) = -0.12451267118376469, want ≥ 0 (f must be non-decreasing)
}

// Change the PSP kernel: a spike adds the same weight 0.05 to the
// dendrite's input for 12 steps (a box instead of the paper's difference of
// exponentials). Config.Kernel (config key "kernel") holds one value per
// step of Config.Mem; they must be finite, ≥ 0 and not all zero.
func ExampleTrainer_kernel() {
	cfg := config.Default("paper") // spiking mode
	cfg.Layers, cfg.Epochs, cfg.TestExamples = []int{20, 8}, 2, 0
	cfg.Etas = []float64{1, 1}
	box := make([]float64, 12)
	for d := range box {
		box[d] = 0.05
	}
	train, test := newImages(300, 6, 4, 1), newImages(100, 6, 4, 2)
	for _, k := range [][]float64{nil, box} {
		c := cfg
		if k != nil {
			c.Kernel, c.Mem = k, len(k)
		}
		res, err := (&run.Trainer{Config: c, Train: train, Test: test}).Run(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("kernel of %d steps: test errors %v\n", c.Mem, res.Summary.FullTestErrors)
	}
	cfg.Kernel, cfg.Mem = []float64{0.1, -1}, 2
	_, err := (&run.Trainer{Config: cfg, Train: train, Test: test}).Run(context.Background())
	fmt.Println(err)
	// Output:
	// kernel of 10 steps: test errors [75 60 17]
	// kernel of 12 steps: test errors [75 26 0]
	// config field "kernel": got [0.1 -1], want values that are finite, ≥ 0 and not all zero (PSP kernel κ(2) = -1, want a finite value ≥ 0)
}
