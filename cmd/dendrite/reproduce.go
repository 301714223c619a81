package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/experiments"
	"github.com/dendrite-lab/dendrite/reproduce"
	"github.com/dendrite-lab/dendrite/run"
)

const reproduceUsage = `usage: dendrite reproduce NAME [--seeds K] [--epochs E] [--out DIR] [--repeat-tests R] [config flags]
       dendrite reproduce --list
       dendrite reproduce --collect RUNS [--results results]
       dendrite reproduce --table [--results results] [--docs docs]
       dendrite reproduce --verify results/NAME/seed-K [--save] [--data DIR]

Runs one of the paper's experiments for several seeds in parallel and compares
the final test error with the paper's.

--collect copies every finished run under RUNS (RUNS/NAME/seed-K, as written
by this command) into the results folder: config.json, summary.json,
metrics.csv, repeated_tests.csv and small derived series (no weights or
per-example records). Unfinished runs are listed and skipped; a different
finished run already stored is an error, never overwritten.

--table writes DOCS/results.md and its figures in DOCS/results/ from the
results folder alone; the same results give the same bytes.

--verify re-runs the first epoch of a stored result from its own config.json
and seed (in a temporary folder it then removes) and compares the epoch-1 full
test error with the stored one: equal with the same build and kernels, within
2 points otherwise. The data's digests must match the stored provenance.json.
Exit status 1 when they disagree. --save writes the outcome to verify.json in
that folder, where the results page reads it.

`

func reproduceMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reproduce", flag.ContinueOnError)
	apply := config.Flags(fs)
	list := fs.Bool("list", false, "list the experiments with the paper's figure and number")
	seeds := fs.Int("seeds", 1, "number of seeds (run in parallel across cores)")
	first := fs.Uint64("first-seed", 1, "first seed (--seed S means the same)")
	jobs := fs.Int("jobs", 0, "runs in parallel (0 = min(seeds, GOMAXPROCS))")
	out := fs.String("out", "reproductions", "parent folder of the run folders (OUT/NAME/seed-S)")
	data := fs.String("data", "", "folder with the IDX files (default: MNIST from the Go module)")
	resume := fs.Bool("resume", false, "skip complete seeds and resume interrupted ones")
	quiet := fs.Bool("quiet", false, "no progress output")
	collect := fs.String("collect", "", "copy the finished runs under this folder into --results")
	table := fs.Bool("table", false, "write the results page (--docs/results.md and --docs/results/) from --results")
	results := fs.String("results", "results", "the results folder (--collect writes it, --table reads it)")
	docs := fs.String("docs", "docs", "where --table writes results.md and results/")
	verify := fs.String("verify", "", "re-run the first epoch of this stored result (results/NAME/seed-K) and compare")
	save := fs.Bool("save", false, "with --verify: write the outcome to verify.json in the stored folder (the results page shows it)")
	otherData := fs.Bool("allow-other-data", false, "with --verify: compare even if the data's digests differ from the stored ones")
	if done, code := parse(fs, interleave(fs, args), "reproduce", reproduceUsage, stdout, stderr); done {
		return code
	}
	if *list {
		l, err := experiments.List()
		if err != nil {
			return fail(stderr, "reproduce", err)
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tPAPER\tWHAT")
		for _, x := range l {
			p := x.Paper
			if x.HasError {
				p = fmt.Sprintf("%.1f %%", x.PaperError)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", x.Name, p, x.Description)
		}
		tw.Flush()
		return exitOK
	}
	if *verify != "" {
		if fs.NArg() != 0 || *collect != "" || *table {
			return fail(stderr, "reproduce", usageErr{"--verify takes one stored result folder and no experiment name, --collect or --table"})
		}
		return verifyMain(*verify, *data, *otherData, *save, *quiet, stdout, stderr)
	}
	if *collect != "" || *table {
		if fs.NArg() != 0 {
			return fail(stderr, "reproduce", usageErr{"--collect and --table take no experiment name"})
		}
		if *collect != "" {
			rep, err := reproduce.Collect(*collect, *results)
			if rep != nil {
				for _, d := range rep.Written {
					fmt.Fprintf(stdout, "collected  %s\n", d)
				}
				for _, d := range rep.Unchanged {
					fmt.Fprintf(stdout, "unchanged  %s\n", d)
				}
				for _, d := range rep.Refused {
					fmt.Fprintf(stdout, "skipped    %s\n", d)
				}
			}
			if err != nil {
				return fail(stderr, "reproduce", err)
			}
		}
		if *table {
			if err := reproduce.Page(*results, *docs); err != nil {
				return fail(stderr, "reproduce", err)
			}
			fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(*docs, "results.md"), filepath.Join(*docs, "results"))
		}
		return exitOK
	}
	if fs.NArg() != 1 {
		return fail(stderr, "reproduce", usageErr{"want one experiment name (dendrite reproduce --list shows them)"})
	}
	if *seeds < 1 || *seeds > reproduce.MaxSeeds {
		return fail(stderr, "reproduce", usageErr{fmt.Sprintf("--seeds: got %d, want 1 to %d", *seeds, reproduce.MaxSeeds)})
	}
	if *jobs < 0 || *jobs > reproduce.MaxJobs {
		return fail(stderr, "reproduce", usageErr{fmt.Sprintf("--jobs: got %d, want 0 to %d (0 = min(seeds, cores))", *jobs, reproduce.MaxJobs)})
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["seed"] {
		// --seed S is honoured as the first seed (seeds S, S+1, …).
		if set["first-seed"] {
			return fail(stderr, "reproduce", usageErr{"--seed and --first-seed both given; use --first-seed S (seeds S, S+1, …)"})
		}
		var c config.Config
		if err := apply(&c); err != nil {
			return failConfig(stderr, "reproduce", err)
		}
		*first = c.Seed
	}
	if *first == 0 {
		return fail(stderr, "reproduce", usageErr{"--first-seed: got 0, want ≥ 1"})
	}
	if *jobs < 0 {
		return fail(stderr, "reproduce", usageErr{fmt.Sprintf("--jobs: got %d, want ≥ 0 (0 = min(seeds, GOMAXPROCS))", *jobs)})
	}
	name := fs.Arg(0)
	o := reproduce.Options{Seeds: *seeds, FirstSeed: *first, Jobs: *jobs, Out: *out, DataDir: *data, Resume: *resume, Override: apply}
	if !*quiet {
		o.Progress = stderr
	}
	ctx, abort, stop := interrupts()
	defer stop()
	o.Abort = abort
	r, err := reproduce.Run(ctx, name, o)
	if err != nil {
		if errors.Is(err, run.ErrInterrupted) || errors.Is(err, run.ErrAborted) {
			fmt.Fprintf(stderr, "dendrite reproduce: interrupted; continue with the same command plus --resume\n")
			return exitInterrupted
		}
		return failConfig(stderr, "reproduce", err)
	}
	r.Table(stdout)
	dir := filepath.Join(*out, name)
	if err := r.Write(dir, "dendrite reproduce "+strings.Join(args, " ")); err != nil {
		return fail(stderr, "reproduce", err)
	}
	fmt.Fprintf(stdout, "results: %s, %s, plots in %s\n", filepath.Join(dir, "results.md"), filepath.Join(dir, "results.csv"), filepath.Join(dir, "plots"))
	return exitOK
}

// verifyMain runs dendrite reproduce --verify DIR.
func verifyMain(dir, data string, otherData, save, quiet bool, stdout, stderr io.Writer) int {
	o := reproduce.VerifyOptions{DataDir: data, AllowOtherData: otherData}
	if !quiet {
		o.Progress = stderr
	}
	if save {
		// Before the re-run, not after it: find out now that verify.json
		// cannot be written (the probe file is ours and removed at once).
		f, err := os.CreateTemp(dir, ".verify-probe-*")
		if err != nil {
			return fail(stderr, "reproduce", fmt.Errorf("--save: %w", err))
		}
		f.Close()
		os.Remove(f.Name())
	}
	ctx, abort, stop := interrupts()
	defer stop()
	o.Abort = abort
	v, err := reproduce.Verify(ctx, dir, o)
	if err != nil {
		if errors.Is(err, run.ErrInterrupted) || errors.Is(err, run.ErrAborted) {
			fmt.Fprintf(stderr, "dendrite reproduce: interrupted; nothing was kept\n")
			return exitInterrupted
		}
		return fail(stderr, "reproduce", err)
	}
	build := "another build or machine: must agree within " + strconv.FormatFloat(reproduce.VerifyTolerance, 'g', -1, 64) + " points"
	if v.SameBuild {
		build = "same build and kernels: must be equal"
	}
	verdict := "agrees"
	if !v.OK() {
		verdict = "DISAGREES"
	}
	fmt.Fprintf(stdout, "%s (seed %d): epoch-1 test error stored %.2f %%, re-run %.2f %% (%+.2f points; %s) — %s\n",
		dir, v.Seed, v.Stored, v.Rerun, v.Diff(), build, verdict)
	// Saved after the line is printed, so an unwritable folder loses no outcome.
	if save {
		if err := v.Save(dir); err != nil {
			return fail(stderr, "reproduce", err)
		}
	}
	if !v.OK() {
		return exitFail
	}
	return exitOK
}
