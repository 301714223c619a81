// Command dendrite trains, tests and inspects segregated-dendrite networks
// (Guerguiev, Lillicrap & Richards, eLife 2017) on MNIST.
//
//	dendrite train [flags]            train a network into a run folder
//	dendrite test DIR                 re-test the weights of a run
//	dendrite config [flags]           print the resolved config without training
//	dendrite plot DIR [DIR…]          draw a run's figures (several runs: overlaid curves)
//	dendrite report DIR               write DIR/report.html
//	dendrite reproduce NAME           run one of the paper's experiments
//	dendrite sweep …                  grids and seeds, locally or on Slurm/Kubernetes
//	dendrite bench                    measure the simulator's speed
//
// Exit codes: 0 success, 1 failure, 2 bad usage or config, 3 interrupted
// (train: a checkpoint was written, continue with dendrite train --resume
// DIR; reproduce: add --resume; sweep: run the same command again).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/internal/iox"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

const usage = `dendrite: segregated-dendrite networks on MNIST

usage:
  dendrite train [--config FILE] [flags]   train a network (dendrite train -h lists every flag)
  dendrite test DIR [flags]                re-test a run's saved weights
  dendrite config [--config FILE] [flags]  print the resolved config (--explain: where each value came from)
  dendrite plot DIR [DIR…] [--labels a,b]  draw figures into DIR/plots (several runs: compared)
  dendrite report DIR                      write a self-contained DIR/report.html
  dendrite reproduce NAME | --list         run an experiment of the paper
  dendrite sweep SUBCOMMAND …              parameter sweeps (dendrite sweep -h)
  dendrite bench [--quick] [--json]        measure speed
  dendrite version
`

// Exit codes.
const (
	exitOK          = 0
	exitFail        = 1
	exitUsage       = 2
	exitInterrupted = 3
)

func main() {
	var progressMu sync.Mutex
	sweepRunner = func(ctx context.Context, cfg config.Config, dir string) error {
		// The sweep decided (rundir.Decide) and cleared leftovers already:
		// a checkpoint here means resume.
		// Per-epoch lines only: several runs may share one terminal or log.
		_, err := run.Train(ctx, cfg, dir, run.Options{Resume: rundir.HasCheckpoint(dir), Abort: abortSignal,
			Progress: &iox.PrefixWriter{W: os.Stderr, Prefix: filepath.Base(dir) + ": ", Mu: &progressMu}, LogEvery: math.MaxInt})
		return err
	}
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	rest := args[1:]
	switch args[0] {
	case "train":
		return trainMain(rest, stdout, stderr)
	case "test":
		return testMain(rest, stdout, stderr)
	case "config":
		return configMain(rest, stdout, stderr)
	case "plot":
		return plotMain(rest, stdout, stderr)
	case "report":
		return reportMain(rest, stdout, stderr)
	case "reproduce":
		return reproduceMain(rest, stdout, stderr)
	case "sweep":
		return sweepMainIO(rest, stdout, stderr)
	case "bench":
		return benchMain(rest)
	case "version", "--version":
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "dendrite: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

// abortSignal is closed by the second SIGINT or SIGTERM seen by
// interrupts (nil before interrupts is called); the sweep runner passes it
// to run.Train.
var abortSignal <-chan struct{}

// interrupts returns a context cancelled by the first SIGINT or SIGTERM
// (commands stop cleanly: a run checkpoints the example it is at), and a
// channel closed by the second (a run returns at once, leaving a consistent
// folder). A third signal kills the process the default way. stop releases
// the signals.
func interrupts() (ctx context.Context, abort <-chan struct{}, stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	ab := make(chan struct{})
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			cancel()
		case <-done:
			return
		}
		select {
		case <-ch:
			close(ab)
			signal.Stop(ch)
		case <-done:
		}
	}()
	abortSignal = ab
	var once sync.Once
	return ctx, ab, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel()
		})
	}
}

// fail prints one error line and returns its exit code.
func fail(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "dendrite %s: %v\n", cmd, err)
	var fe *config.FieldError
	if errors.As(err, &fe) || errors.Is(err, errUsage) {
		return exitUsage
	}
	return exitFail
}

var errUsage = errors.New("usage")

type usageErr struct{ msg string }

func (u usageErr) Error() string { return u.msg }
func (u usageErr) Unwrap() error { return errUsage }

// versionLine describes this build as run folders record it
// (provenance.json): version, VCS revision, Go version, platform, kernels.
func versionLine() string {
	p := rundir.ThisProgram()
	s := "dendrite " + run.Version
	if p.Revision != "" {
		rev := p.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		s += " (revision " + rev
		if p.Modified {
			s += ", modified"
		}
		s += ")"
	}
	return s + fmt.Sprintf("; %s %s/%s; kernels %s", p.GoVersion, p.GOOS, p.GOARCH, sim.KernelsInUse())
}
