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
	"github.com/dendrite-lab/dendrite/internal/stats"
	"io"
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
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = min(o.Seeds, runtime.NumCPU())
	}
	train, test, err := dataset.LoadMNIST(o.DataDir)
	if err != nil {
		return nil, err
	}
	res := &Result{Experiment: x, Config: cfg, Cores: runtime.NumCPU()}
	for i := 0; i < o.Seeds; i++ {
		s := o.FirstSeed + uint64(i)
		res.Seeds = append(res.Seeds, s)
		res.Dirs = append(res.Dirs, filepath.Join(o.Out, name, fmt.Sprintf("seed-%d", s)))
	}
	res.Errors = make([]float64, o.Seeds)
	res.Seconds = make([]float64, o.Seeds)
	start := time.Now()
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i := range res.Seeds {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := cfg
			c.Seed = res.Seeds[i]
			// Seeds run in parallel; each run tests with cores/jobs workers.
			c.Workers = max(1, runtime.GOMAXPROCS(0)/jobs)
			dir := res.Dirs[i]
			opts := run.Options{Train: train, Test: test}
			if o.Resume {
				if s, err := run.ReadSummary(dir); err == nil && s.Status == "complete" {
					mu.Lock()
					res.Errors[i], res.Seconds[i] = s.FinalTestError, s.Seconds
					mu.Unlock()
					return
				}
				if _, err := os.Stat(filepath.Join(dir, run.CheckpointFile)); err == nil {
					opts.Resume = true
				} else {
					opts.Overwrite = true
				}
			}
			if o.Progress != nil {
				opts.Progress, opts.LogEvery = &prefixed{w: o.Progress, prefix: fmt.Sprintf("[seed %d] ", c.Seed), mu: &mu}, 5000
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
			res.Errors[i], res.Seconds[i] = s.FinalTestError, s.Seconds
		}(i)
	}
	wg.Wait()
	res.Wall = time.Since(start).Seconds()
	if firstErr != nil {
		return res, firstErr
	}
	return res, nil
}

type prefixed struct {
	w      io.Writer
	prefix string
	mu     *sync.Mutex
}

func (p *prefixed) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if l != "" {
			io.WriteString(p.w, p.prefix+l)
		}
	}
	return len(b), nil
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
