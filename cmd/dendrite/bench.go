package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dendrite-lab/dendrite/bench"
	"github.com/dendrite-lab/dendrite/option"
)

// benchMain runs `dendrite bench`: fixed, seeded speed workloads on MNIST,
// printed as a table (or JSON with --json). Errors are one line on stderr.
func benchMain(args []string) int {
	return benchMainIO(args, os.Stdout, os.Stderr)
}

func benchMainIO(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dendrite bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "run fewer examples and skip the full-MNIST rate run")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	workers := fs.Int("workers", 2, "goroutines of the test workloads")
	mnist := fs.String("data", "", "folder with the four MNIST-format IDX files (default: MNIST from the Go module)")
	fs.StringVar(mnist, "mnist", "", "the same as --data (the old name)")
	precision := fs.String("precision", "float64", `precision of the spiking workloads: "float64" or "float32" (config key precision)`)
	repeat := fs.Int("repeat", 0, "runs of each workload, the median reported with the range (default 3, or 1 with --quick)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dendrite bench [--quick] [--json] [--workers N] [--repeat N] [--data DIR] [--precision float32]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dendrite bench: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *workers < 1 {
		fmt.Fprintf(stderr, "dendrite bench: --workers must be at least 1, got %d\n", *workers)
		return 2
	}
	if *repeat < 0 || *repeat > 1000 {
		fmt.Fprintf(stderr, "dendrite bench: --repeat: got %d, want 1 to 1000 (0: the default)\n", *repeat)
		return 2
	}
	prec := option.Precision(*precision)
	if err := prec.Check(); err != nil {
		fmt.Fprintf(stderr, "dendrite bench: --precision: got %q, want %s\n", *precision, err.(*option.Error).Want())
		return 2
	}
	opts := bench.Options{Quick: *quick, Workers: *workers, MNIST: *mnist, Precision: prec, Repeat: *repeat}
	if !*asJSON {
		opts.Progress = stderr
	}
	rep, err := bench.Run(opts)
	if err != nil {
		fmt.Fprintf(stderr, "dendrite bench: %v\n", err)
		return 1
	}
	if *asJSON {
		err = rep.JSON(stdout)
	} else {
		err = rep.Table(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "dendrite bench: %v\n", err)
		return 1
	}
	return 0
}
