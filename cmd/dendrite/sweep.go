package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/dendrite-lab/dendrite/sweep"
)

// sweepRunner trains one run of a sweep into a folder, resuming from its
// checkpoint. main.go sets it, e.g.
//
//	sweepRunner = func(ctx context.Context, cfg config.Config, dir string) error {
//		_, err := run.Train(ctx, cfg, dir, run.Options{})
//		return err
//	}
//
// While it is nil, "sweep run" and "sweep local" fail with a clear message;
// the other subcommands work.
var sweepRunner sweep.Runner

const sweepUsageText = `usage:
  dendrite sweep plan FILE --out DIR        expand a sweep file into DIR/manifest.jsonl
  dendrite sweep run DIR [--index I]        run task I (default: from SLURM_ARRAY_TASK_ID,
                                            JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX,
                                            BATCH_TASK_INDEX or NOMAD_ALLOC_INDEX)
  dendrite sweep local DIR [--jobs N]       run all pending runs here with N workers
  dendrite sweep slurm DIR [--partition P] [--time T] [--mem M] [--cpus-per-task C]
                           [--max-parallel K] [--submit]
                                            write DIR/sweep.sbatch (a job array); --submit runs sbatch
  dendrite sweep k8s DIR [--image IMG] [--parallelism P] [--cpu C] [--memory M]
                         [--mount /data] [--claim NAME]
                                            write DIR/sweep-job.yaml (an Indexed Job)
  dendrite sweep status DIR                 show each run: done / running / failed / pending
  dendrite sweep collect DIR                write results.csv, summary.csv, sweep.png/.svg

A sweep file (YAML):
  base: {mode: rate, layers: [100, 10], epochs: 1}   # or experiment: NAME
  grid:
    etas: [[0.21, 0.21], [0.1, 0.1]]                 # any config keys, lists of values
  seeds: [1, 2]
Every task is idempotent: a complete run is skipped, an interrupted one resumes.
`

// sweepUsageError is a command-line mistake (exit code 2).
type sweepUsageError struct{ msg string }

func (e *sweepUsageError) Error() string { return e.msg }

func sweepUsagef(format string, a ...any) error {
	return &sweepUsageError{fmt.Sprintf(format, a...)}
}

// sweepMain runs "dendrite sweep ARGS..." and returns the exit code: 0 ok,
// 1 failure, 2 usage error. Errors are one line "dendrite sweep: ..." on
// stderr. (main.go calls sweepMainIO with its own writers.)
//
//lint:ignore U1000 the entry point with the process's stdout and stderr
func sweepMain(args []string) int {
	return sweepMainIO(args, os.Stdout, os.Stderr)
}

func sweepMainIO(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, sweepUsageText)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, sweepUsageText)
		return 0
	case "plan":
		err = sweepPlanCmd(rest, stdout, stderr)
	case "run":
		err = sweepRunCmd(rest, stdout, stderr)
	case "local":
		err = sweepLocalCmd(rest, stdout, stderr)
	case "slurm":
		err = sweepSlurmCmd(rest, stdout, stderr)
	case "k8s":
		err = sweepK8sCmd(rest, stdout, stderr)
	case "status":
		err = sweepStatusCmd(rest, stdout, stderr)
	case "collect":
		err = sweepCollectCmd(rest, stdout, stderr)
	default:
		err = sweepUsagef("unknown subcommand %q (want plan, run, local, slurm, k8s, status or collect)", cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "dendrite sweep: interrupted; run the same command again to continue (complete runs are skipped, interrupted ones resume)\n")
		return exitInterrupted
	}
	if err != nil {
		msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
		msg = strings.TrimPrefix(msg, "sweep: ")
		var ue *sweepUsageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "dendrite sweep: %s (usage: dendrite sweep -h)\n", msg)
			return 2
		}
		fmt.Fprintf(stderr, "dendrite sweep: %s\n", msg)
		return 1
	}
	return 0
}

// sweepFlags makes a flag set for a subcommand; its usage line is printed
// (with the flags) for -h only: other flag errors are one line.
func sweepFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: dendrite sweep %s %s\n", name, usage)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// sweepParse parses flags and positional arguments in any order and checks
// the number of positional arguments.
func sweepParse(fs *flag.FlagSet, args []string, want int, what string) ([]string, error) {
	var pos []string
	usage := fs.Usage
	fs.Usage = func() {} // flag calls it on every error; print it for -h only
	defer func() { fs.Usage = usage }()
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, err
			}
			return nil, sweepUsagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) != want {
		return nil, sweepUsagef("%s: want %s, got %d arguments %q", fs.Name(), what, len(pos), pos)
	}
	return pos, nil
}

func sweepSignalContext() (context.Context, context.CancelFunc) {
	ctx, _, stop := interrupts()
	return ctx, stop
}

func sweepPlanCmd(args []string, stdout, stderr io.Writer) error {
	fs := sweepFlags("plan", "FILE --out DIR", stderr)
	out := fs.String("out", "", "the sweep folder to create (required)")
	pos, err := sweepParse(fs, args, 1, "a sweep file")
	if err != nil {
		return err
	}
	if *out == "" {
		return sweepUsagef("plan: --out DIR is required")
	}
	m, err := sweep.Plan(pos[0])
	if err != nil {
		return err
	}
	if err := m.Write(*out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d runs planned in %s\n", len(m.Runs), filepath.Join(*out, sweep.ManifestFile))
	return nil
}

func sweepRunCmd(args []string, stdout, stderr io.Writer) error {
	fs := sweepFlags("run", "DIR [--index I]", stderr)
	index := fs.Int("index", -1, "task index (default: from the scheduler's environment variable)")
	pos, err := sweepParse(fs, args, 1, "a sweep folder")
	if err != nil {
		return err
	}
	dir := pos[0]
	source := "--index"
	i := *index
	if i < 0 {
		if i, source, err = sweep.IndexFromEnv(); err != nil {
			return err
		}
	}
	m, err := sweep.ReadManifest(dir)
	if err != nil {
		return err
	}
	if i >= len(m.Runs) {
		return fmt.Errorf("task index %d (from %s) out of range: %s has %d runs (0 to %d)", i, source, dir, len(m.Runs), len(m.Runs)-1)
	}
	if sweepRunner == nil {
		return errors.New("this dendrite binary has no runner for sweeps (sweepRunner is not set)")
	}
	ctx, stop := sweepSignalContext()
	defer stop()
	err = sweep.RunTask(ctx, dir, i, sweepRunner)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w: %v", ctx.Err(), err)
	}
	return err
}

func sweepLocalCmd(args []string, stdout, stderr io.Writer) error {
	fs := sweepFlags("local", "DIR [--jobs N]", stderr)
	jobs := fs.Int("jobs", runtime.GOMAXPROCS(0), "number of runs at once (default: GOMAXPROCS, the cores this process may use)")
	pos, err := sweepParse(fs, args, 1, "a sweep folder")
	if err != nil {
		return err
	}
	if *jobs < 1 {
		return sweepUsagef("local: --jobs must be ≥ 1")
	}
	if m, err := sweep.ReadManifest(pos[0]); err == nil {
		if err := sweep.CheckJobs(m, *jobs); err != nil {
			return sweepUsagef("local: %v", err)
		}
	}
	if sweepRunner == nil {
		return errors.New("this dendrite binary has no runner for sweeps (sweepRunner is not set)")
	}
	ctx, stop := sweepSignalContext()
	defer stop()
	return sweep.RunLocal(ctx, pos[0], *jobs, sweepRunner, stdout)
}

func sweepSlurmCmd(args []string, stdout, stderr io.Writer) error {
	fs := sweepFlags("slurm", "DIR [--partition P] [--time T] [--mem M] [--cpus-per-task C] [--max-parallel K] [--submit]", stderr)
	var o sweep.SlurmOptions
	fs.StringVar(&o.Partition, "partition", "", "Slurm partition (default: the cluster's)")
	fs.StringVar(&o.Time, "time", "", "time limit per task, e.g. 02:00:00")
	fs.StringVar(&o.Mem, "mem", "", "memory per task, e.g. 4G")
	fs.IntVar(&o.CPUsPerTask, "cpus-per-task", 0, "CPUs per task (also sets GOMAXPROCS)")
	fs.IntVar(&o.MaxParallel, "max-parallel", 0, "at most this many tasks at once (0 = no limit)")
	fs.StringVar(&o.JobName, "job-name", "", "job name (default dendrite-<folder>)")
	submit := fs.Bool("submit", false, "submit the script with sbatch and print the job id")
	pos, err := sweepParse(fs, args, 1, "a sweep folder")
	if err != nil {
		return err
	}
	if o.MaxParallel < 0 || o.CPUsPerTask < 0 {
		return sweepUsagef("slurm: --max-parallel and --cpus-per-task must be ≥ 0")
	}
	if exe, err := os.Executable(); err == nil && strings.Contains(exe, "go-build") {
		fmt.Fprintf(stderr, "dendrite sweep: warning: this binary (%s) looks temporary (go run); the tasks need it to stay\n", exe)
	}
	path, err := sweep.WriteSlurm(pos[0], o)
	if err != nil {
		return err
	}
	if !*submit {
		fmt.Fprintf(stdout, "wrote %s; submit with: sbatch %s\n", path, path)
		return nil
	}
	fmt.Fprintf(stderr, "wrote %s\n", path)
	ctx, stop := sweepSignalContext()
	defer stop()
	id, err := sweep.SubmitSlurm(ctx, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "submitted array job %s; follow it with: squeue -j %s; dendrite sweep status %s\n", id, id, pos[0])
	fmt.Fprintln(stdout, id)
	return nil
}

func sweepK8sCmd(args []string, stdout, stderr io.Writer) error {
	fs := sweepFlags("k8s", "DIR [--image IMG] [--parallelism P] [--cpu C] [--memory M] [--mount PATH] [--claim NAME]", stderr)
	var o sweep.K8sOptions
	fs.StringVar(&o.Image, "image", "dendrite:latest", "container image with dendrite in PATH")
	fs.IntVar(&o.Parallelism, "parallelism", 0, "pods at once (default: all runs)")
	fs.StringVar(&o.CPU, "cpu", "", "CPU request and limit per pod, e.g. 2")
	fs.StringVar(&o.Memory, "memory", "", "memory request and limit per pod, e.g. 4Gi")
	fs.StringVar(&o.MountPath, "mount", "/data", "where the data volume is mounted; the sweep folder must be at MOUNT/<folder name>")
	fs.StringVar(&o.ClaimName, "claim", "dendrite-data", "PersistentVolumeClaim of the data volume")
	fs.StringVar(&o.Name, "name", "", "Job name (default dendrite-sweep-<folder>)")
	pos, err := sweepParse(fs, args, 1, "a sweep folder")
	if err != nil {
		return err
	}
	path, err := sweep.WriteK8s(pos[0], o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s; edit its volume, copy %s to the volume, then: kubectl apply -f %s\n", path, pos[0], path)
	return nil
}

func sweepStatusCmd(args []string, stdout, stderr io.Writer) error {
	fs := sweepFlags("status", "DIR", stderr)
	pos, err := sweepParse(fs, args, 1, "a sweep folder")
	if err != nil {
		return err
	}
	st, err := sweep.Status(pos[0])
	if err != nil {
		return err
	}
	counts := map[string]int{}
	// Columns aligned by tabwriter; the last (detail) is not padded.
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "#\tid\tstate\tdetail")
	for _, s := range st {
		counts[s.State]++
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", s.Index, s.ID, s.State, s.Detail)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d runs: %d done, %d running, %d failed, %d pending\n", len(st),
		counts[sweep.StateDone], counts[sweep.StateRunning], counts[sweep.StateFailed], counts[sweep.StatePending])
	return nil
}

func sweepCollectCmd(args []string, stdout, stderr io.Writer) error {
	fs := sweepFlags("collect", "DIR", stderr)
	pos, err := sweepParse(fs, args, 1, "a sweep folder")
	if err != nil {
		return err
	}
	res, err := sweep.Collect(pos[0])
	if err != nil {
		return err
	}
	if err := res.WriteTable(stdout); err != nil {
		return err
	}
	done := 0
	for _, r := range res.Rows {
		if r.State == sweep.StateDone {
			done++
		}
	}
	fmt.Fprintf(stdout, "%d of %d runs done\n", done, len(res.Rows))
	if res.PlotNote != "" {
		fmt.Fprintln(stdout, res.PlotNote)
	}
	for _, f := range res.Files {
		fmt.Fprintf(stdout, "wrote %s\n", f)
	}
	return nil
}
