package run

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/option"
)

type fallingRate struct{}

func (fallingRate) At(x float64) float64    { return 1 / (1 + math.Exp(x)) }
func (fallingRate) Deriv(x float64) float64 { return 0 }

// The Trainer refuses a custom rate function or kernel it cannot use,
// before training, with an error naming the field.
func TestTrainerBiologyRefused(t *testing.T) {
	train, test := synth(20, 2, 1), synth(10, 2, 2)
	spiking := config.Default(option.Paper)
	spiking.Layers, spiking.Epochs, spiking.TestExamples = []int{4, 2}, 1, 0
	rate := spiking
	rate.Mode = option.Rate
	cases := []struct {
		name string
		tr   Trainer
		want string
	}{
		{"dir", Trainer{Config: spiking, RateFunc: model.Sigmoid{Slope: 2}, Dir: t.TempDir()}, "works in memory only"},
		{"falling", Trainer{Config: spiking, RateFunc: fallingRate{}}, "Trainer.RateFunc: model: rate function"},
		{"rate-mode-kernel", Trainer{Config: withKernel(rate, 1, 1)}, `config field "kernel"`},
		{"negative", Trainer{Config: withKernel(spiking, 2, 1, -1)}, `config field "kernel": got [1 -1]`},
		{"mem", Trainer{Config: withKernel(spiking, 10, 1, 2, 3)}, `want 10 values, one per step of mem`},
	}
	for _, c := range cases {
		c.tr.Train, c.tr.Test = train, test
		res, err := c.tr.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.want) || res != nil {
			t.Errorf("%s: %v (result %v), want an error containing %q", c.name, err, res != nil, c.want)
		}
	}
	// A kernel given as the paper's values trains exactly like the paper's
	// kernel to rounding: same test errors.
	k := model.Kernel{Mem: spiking.Mem, TauS: spiking.TauS, TauL: spiking.TauL}
	a, err := (&Trainer{Config: spiking, Train: train, Test: test}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := (&Trainer{Config: withKernel(spiking, k.Mem, k.Values()...), Train: train, Test: test, RateFunc: model.Sigmoid{Slope: 1}}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wa, wb := a.Net.Layers[0].W, b.Net.Layers[0].W
	for i := range wa {
		if math.Abs(wa[i]-wb[i]) > 1e-9*(1+math.Abs(wa[i])) {
			t.Fatalf("W[%d]: %v with the paper's kernel, %v with its values", i, wa[i], wb[i])
		}
	}
}

// withKernel returns c with mem steps and the PSP kernel given by its values.
func withKernel(c config.Config, mem int, k ...float64) config.Config {
	c.Kernel, c.Mem = k, mem
	return c
}
