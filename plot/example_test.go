package plot_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dendrite-lab/dendrite/plot"
	"github.com/dendrite-lab/dendrite/plot/plottest"
)

// Draw every figure of a run folder.
func ExampleAll() {
	tmp, _ := os.MkdirTemp("", "plot-example")
	defer os.RemoveAll(tmp)
	run := filepath.Join(tmp, "run")
	if err := plottest.WriteRun(run, plottest.Options{Epochs: 1, ExamplesPerEpoch: 500, Hidden: 16}); err != nil {
		fmt.Println(err)
		return
	}
	paths, err := plot.All(run, filepath.Join(run, "plots"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range paths {
		fmt.Println(filepath.Base(p))
	}
	// Output:
	// learning_curve.png
	// learning_curve.svg
	// loss.png
	// loss.svg
	// receptive_fields.png
	// receptive_fields.svg
	// bp_angle.png
	// bp_angle.svg
	// eigvals.png
	// eigvals.svg
	// voltages.png
	// voltages.svg
	// voltages_example_1.png
	// voltages_example_1.svg
	// embedding_0.png
	// embedding_0.svg
}

// Draw one figure from data in memory.
func ExampleLoss() {
	loss := make([]float64, 1000)
	for i := range loss {
		loss[i] = 1 / (1 + float64(i)/100)
	}
	fig, err := plot.Loss(loss, 50)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "plot-example")
	defer os.RemoveAll(dir)
	paths, err := fig.Save(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range paths {
		fmt.Println(filepath.Base(p))
	}
	// Output:
	// loss.png
	// loss.svg
}
