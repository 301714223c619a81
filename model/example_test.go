package model_test

import (
	"fmt"
	"log"
	"math"

	"github.com/dendrite-lab/dendrite/model"
)

// A rate function is f and its slope f'; NewRateFunc checks them. The
// rate of a soma at potential C is then λmax·f(C).
func ExampleNewRateFunc() {
	// a saturating ramp: 0 below 0, C/(1+C) above
	f := func(x float64) float64 { return max(x, 0) / (1 + max(x, 0)) }
	df := func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return 1 / ((1 + x) * (1 + x))
	}
	rf, err := model.NewRateFunc(f, df)
	if err != nil {
		log.Fatal(err)
	}
	so := model.Soma{LambdaMax: 0.2, RateFunc: rf}
	fmt.Printf("rate at C = −1, 1, 3: %.3f %.3f %.3f\n", so.Rate(-1), so.Rate(1), so.Rate(3))
	_, err = model.NewRateFunc(f, func(float64) float64 { return 1 })
	fmt.Println(err)
	// Output:
	// rate at C = −1, 1, 3: 0.000 0.100 0.150
	// model: rate function: f'(-50) = 1, but f's slope there is 0: the derivative does not match f
}

// A kernel over mem steps from its values; equal time constants give the
// alpha kernel (s/τ²)e^{−s/τ} instead of a division by zero.
func ExampleKernelOf() {
	k, err := model.KernelOf(5, func(s int) float64 { return math.Pow(0.5, float64(s)) })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", k.Values())
	alpha := model.Kernel{Mem: 3, TauS: 5, TauL: 5}
	fmt.Printf("%.4f\n", alpha.Values())
	_, err = model.KernelOf(3, func(int) float64 { return 0 })
	fmt.Println(err)
	// Output:
	// [0.5000 0.2500 0.1250 0.0625 0.0312]
	// [0.0327 0.0536 0.0659]
	// model: PSP kernel is zero at every step: spikes would never reach a dendrite
}
