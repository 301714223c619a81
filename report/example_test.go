package report_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dendrite-lab/dendrite/plot/plottest"
	"github.com/dendrite-lab/dendrite/report"
)

func ExampleWrite() {
	tmp, _ := os.MkdirTemp("", "report-example")
	defer os.RemoveAll(tmp)
	run := filepath.Join(tmp, "run")
	if err := plottest.WriteRun(run, plottest.Options{Epochs: 1, ExamplesPerEpoch: 500, Hidden: 16}); err != nil {
		fmt.Println(err)
		return
	}
	if err := report.Write(run, filepath.Join(run, "report.html")); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("wrote report.html")
	// Output: wrote report.html
}
