// Package reproduce runs one of the paper's experiments (package
// experiments) for several seeds in parallel, each into its own run folder,
// and summarises the final test errors next to the paper's number: mean ±
// s.d. and min–max across seeds, as a table (text and Markdown), a CSV and
// overlaid learning curves.
package reproduce

import (
	"context"
	"encoding/csv"
	"fmt"
	"github.com/dendrite-lab/dendrite/internal/iox"
	"github.com/dendrite-lab/dendrite/internal/stats"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/experiments"
	"github.com/dendrite-lab/dendrite/plot"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
)

// Options tune a reproduction.
type Options struct {
	Seeds     int // number of seeds (1, 2, … Seeds)
	FirstSeed uint64
	Jobs      int    // runs in parallel (0 = min(seeds, cores))
	Out       string // parent folder; runs go to Out/<name>/seed-<s>
	// Override is applied to each run's config (flags such as --epochs).
	Override func(*config.Config) error
	DataDir  string
	Progress io.Writer
	Resume   bool // continue interrupted runs, skip complete ones
	// Abort, when it closes (a second interrupt), stops the runs at once
	// (see run.Options.Abort).
	Abort <-chan struct{}
}

// Result is a finished reproduction.
type Result struct {
	Experiment experiments.Experiment
	Config     config.Config
	Dirs       []string
	Seeds      []uint64
	Errors     []float64 // final test error per seed (%)
	Seconds    []float64
	Wall       float64
	Cores      int
}

// Stats are summary statistics of the final errors.
func (r *Result) Stats() (mean, sd, lo, hi float64) { return stats.Summary(r.Errors) }

// Run reproduces the named experiment.
func Run(ctx context.Context, name string, o Options) (*Result, error) {
	x, err := experiments.Get(name)
	if err != nil {
		return nil, err
	}
	raw, err := x.Config()
	if err != nil {
		return nil, err
	}
	cfg, err := config.FromJSON(raw, o.Override)
	if err != nil {
		return nil, fmt.Errorf("experiment %s: %w", name, err)
	}
	if o.Seeds < 1 {
		o.Seeds = 1
	}
	if o.FirstSeed == 0 {
		o.FirstSeed = 1
	}
	if o.Seeds > MaxSeeds {
		return nil, fmt.Errorf("--seeds %d: want at most %d", o.Seeds, MaxSeeds)
	}
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = min(o.Seeds, runtime.GOMAXPROCS(0))
	}
	jobs = min(jobs, o.Seeds)
	if err := checkJobs(&cfg, jobs); err != nil {
		return nil, err
	}
	train, test, err := dataset.LoadMNIST(o.DataDir)
	if err != nil {
		return nil, err
	}
	data, err := rundir.DescribeData(o.DataDir)
	if err != nil {
		return nil, err
	}
	res := &Result{Experiment: x, Config: cfg, Cores: runtime.GOMAXPROCS(0)}
	for i := 0; i < o.Seeds; i++ {
		s := o.FirstSeed + uint64(i)
		res.Seeds = append(res.Seeds, s)
		res.Dirs = append(res.Dirs, filepath.Join(o.Out, name, fmt.Sprintf("seed-%d", s)))
	}
	if !o.Resume {
		for _, d := range res.Dirs {
			if ents, err := os.ReadDir(d); err == nil && len(ents) > 0 {
				return nil, fmt.Errorf("%s already holds files; pass --resume to skip complete seeds and continue interrupted ones, or choose another --out", d)
			}
		}
	}
	res.Errors = make([]float64, o.Seeds)
	res.Seconds = make([]float64, o.Seeds)
	start := time.Now()
	var mu, progressMu sync.Mutex
	var firstErr error
	// A pool of jobs workers takes the seeds in order (not a goroutine per
	// seed).
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range res.Seeds {
			next <- i
		}
	}()
	runSeed := func(i int) {
		c := cfg
		c.Seed = res.Seeds[i]
		// Seeds run in parallel; each run tests with cores/jobs workers.
		c.Workers = max(1, runtime.GOMAXPROCS(0)/jobs)
		dir := res.Dirs[i]
		opts := run.Options{Train: train, Test: test, DataDir: o.DataDir, Data: &data, Abort: o.Abort}
		if o.Resume {
			d, err := rundir.Decide(dir)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("seed %d: %w", c.Seed, err)
				}
				mu.Unlock()
				return
			}
			switch d.Action {
			case rundir.Skip:
				mu.Lock()
				res.Errors[i], res.Seconds[i] = finalError(d.Summary), d.Summary.Seconds
				mu.Unlock()
				return
			case rundir.Resume:
				opts.Resume = true
			default:
				opts.Overwrite = d.Leftovers
			}
		}
		if o.Progress != nil {
			opts.Progress, opts.LogEvery = &iox.PrefixWriter{W: o.Progress, Prefix: fmt.Sprintf("[seed %d] ", c.Seed), Mu: &progressMu}, 5000
		}
		s, err := run.Train(ctx, c, dir, opts)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("seed %d: %w", c.Seed, err)
			}
			return
		}
		res.Errors[i], res.Seconds[i] = finalError(s), s.Seconds
	}
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for i := range next {
				runSeed(i)
			}
		})
	}
	wg.Wait()
	res.Wall = time.Since(start).Seconds()
	if firstErr != nil {
		return res, firstErr
	}
	return res, nil
}

// finalError is a summary's final test error, NaN when it has none.
func finalError(s *rundir.Summary) float64 {
	if e, ok := s.TestError(); ok {
		return e
	}
	return math.NaN()
}

// Table writes a human-readable summary: labelled lines, and one row per
// seed, both aligned by tabwriter.
func (r *Result) Table(w io.Writer) {
	m, sd, lo, hi := r.Stats()
	c := r.Config
	// Labels pad to 13 columns in every block, so the blocks before and after
	// the seed rows line up with each other.
	lw := tabwriter.NewWriter(w, 13, 0, 1, ' ', 0)
	fmt.Fprintf(lw, "experiment\t%s — %s\n", r.Experiment.Name, r.Experiment.Description)
	fmt.Fprintf(lw, "config\t%s mode, %s profile, layers %v, etas %v, %d epoch(s)", c.Mode, c.Profile, c.Layers, c.Etas, c.Epochs)
	if c.TrainExamples > 0 {
		fmt.Fprintf(lw, " of %d examples", c.TrainExamples)
	}
	fmt.Fprintf(lw, ", %d test images\n", c.TestExamples)
	fmt.Fprintf(lw, "seeds\t%v\n", r.Seeds)
	lw.Flush()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for i, s := range r.Seeds {
		fmt.Fprintf(tw, "  seed\t%d\t%.2f %%\t(%.0f s)\t  %s\n", s, r.Errors[i], r.Seconds[i], r.Dirs[i])
	}
	tw.Flush()
	fmt.Fprintf(lw, "ours\t%.2f %% ± %s (s.d.), min–max %.2f–%.2f %%, n = %d\n", m, stats.SDText(sd), lo, hi, len(r.Errors))
	fmt.Fprintf(lw, "paper\t%s\n", r.Experiment.Paper)
	if r.Experiment.Reference != "" {
		fmt.Fprintf(lw, "reference\t%s\n", r.Experiment.Reference)
	}
	fmt.Fprintf(lw, "wall time\t%.0f s on %d cores\n", r.Wall, r.Cores)
	lw.Flush()
}

// MarkdownRow returns one row of docs/results.md's table.
func (r *Result) MarkdownRow(command string) string {
	m, sd, lo, hi := r.Stats()
	paper := r.Experiment.Paper
	if r.Experiment.HasError {
		paper = fmt.Sprintf("%.1f %%", r.Experiment.PaperError)
	}
	return fmt.Sprintf("| %s | %d | %v | %.2f ± %s (%.2f–%.2f) | %s | %.0f s, %d cores | `%s` |",
		r.Experiment.Name, r.Config.Epochs, r.Seeds, m, stats.SDText(sd), lo, hi, paper, r.Wall, r.Cores, command)
}

// Write saves results.csv, results.md and the overlaid learning curves into Out/<name>.
func (r *Result) Write(dir, command string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "results.csv"))
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.Write([]string{"experiment", "seed", "epochs", "final_test_error", "seconds", "paper_error", "run"})
	for i, s := range r.Seeds {
		pe := ""
		if r.Experiment.HasError {
			pe = strconv.FormatFloat(r.Experiment.PaperError, 'g', -1, 64)
		}
		cw.Write([]string{r.Experiment.Name, strconv.FormatUint(s, 10), strconv.Itoa(r.Config.Epochs),
			strconv.FormatFloat(r.Errors[i], 'f', 4, 64), strconv.FormatFloat(r.Seconds[i], 'f', 1, 64), pe, r.Dirs[i]})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	var b strings.Builder
	r.Table(&b)
	md := "```\n" + b.String() + "```\n\n| experiment | epochs | seeds | ours: final test error % mean ± s.d. (min–max) | paper | wall | command |\n|---|---|---|---|---|---|---|\n" + r.MarkdownRow(command) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(md), 0o644); err != nil {
		return err
	}
	// One label for every seed: the comparison draws them as one condition,
	// each seed faint and their mean ± s.d. bold.
	labels := make([]string, len(r.Seeds))
	for i := range r.Seeds {
		labels[i] = r.Experiment.Name
	}
	_, err = plot.Compare(r.Dirs, labels, filepath.Join(dir, "plots"))
	return err
}

// Bounds on what reproduce runs at once.
const (
	// MaxSeeds is the most seeds one reproduction runs.
	MaxSeeds = 1000
	// MaxJobs is the most seeds run at once.
	MaxJobs = 1024
)

// checkJobs refuses jobs parallel runs of cfg that exceed MaxJobs or, by the
// up-front memory estimate, the memory limit (max_memory or the machine's).
func checkJobs(cfg *config.Config, jobs int) error {
	if jobs > MaxJobs {
		return fmt.Errorf("--jobs %d: want at most %d", jobs, MaxJobs)
	}
	limit, from, err := cfg.MemoryLimit()
	if err != nil || limit <= 0 || jobs <= 1 {
		return nil
	}
	need := cfg.MemoryEstimate().Total
	if need > limit/int64(jobs) {
		return fmt.Errorf("--jobs %d: %d runs of about %s each need more than the %s of %s; use --jobs %d or fewer",
			jobs, jobs, iox.Bytes(need), iox.Bytes(limit), from, max(1, limit/need))
	}
	return nil
}
