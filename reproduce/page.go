package reproduce

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/experiments"
	"github.com/dendrite-lab/dendrite/internal/stats"
	"github.com/dendrite-lab/dendrite/plot"
	"github.com/dendrite-lab/dendrite/rundir"
)

// Stored is one collected run in results/<experiment>/seed-<k>.
type Stored struct {
	Experiment string
	Seed       int
	Summary    rundir.Summary
	Config     storedConfig
	Metrics    []plot.Metric
	Repeats    []float64 // the repeated tests of the final weights (%)
	Dir        string
	// Verify is the stored re-run of its first epoch (verify.json), if any.
	Verify *Verification
}

// Final is the run's final error: the mean of its repeated tests, or its
// final test error when it has none.
func (s *Stored) Final() float64 {
	if len(s.Repeats) > 0 {
		m, _, _, _ := stats.Summary(s.Repeats)
		return m
	}
	v, ok := s.Summary.TestError()
	if !ok {
		return math.NaN()
	}
	return v
}

// LoadResults reads every results/<experiment>/seed-<k> folder, the runs of
// each experiment sorted by seed.
func LoadResults(dir string) (map[string][]*Stored, error) {
	out := map[string][]*Stored{}
	exps, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range exps {
		if !e.IsDir() || e.Name() == FieldsDir || e.Name() == NotesDir {
			continue
		}
		seeds, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		for _, s := range seeds {
			k, err := strconv.Atoi(strings.TrimPrefix(s.Name(), "seed-"))
			if !s.IsDir() || !strings.HasPrefix(s.Name(), "seed-") || err != nil {
				continue
			}
			r, err := loadStored(filepath.Join(dir, e.Name(), s.Name()))
			if err != nil {
				return nil, err
			}
			r.Experiment, r.Seed = e.Name(), k
			out[e.Name()] = append(out[e.Name()], r)
		}
		sort.Slice(out[e.Name()], func(i, j int) bool { return out[e.Name()][i].Seed < out[e.Name()][j].Seed })
	}
	return out, nil
}

func loadStored(dir string) (*Stored, error) {
	r := &Stored{Dir: dir}
	sb, err := readStored(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(sb, &r.Summary); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, rundir.SummaryFile), err)
	}
	cb, err := readStored(filepath.Join(dir, rundir.ConfigFile))
	if err != nil {
		return nil, err
	}
	if r.Config, err = readStoredConfig(cb); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, rundir.ConfigFile), err)
	}
	if r.Metrics, err = plot.ReadMetricsFile(filepath.Join(dir, metricsFile)); err != nil {
		return nil, err
	}
	if r.Verify, err = ReadVerification(dir); err != nil {
		return nil, err
	}
	rows, err := readCSV(filepath.Join(dir, RepeatedTestsFile))
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		v, err := strconv.ParseFloat(row["test_error"], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: test_error %q: %w", filepath.Join(dir, RepeatedTestsFile), row["test_error"], err)
		}
		r.Repeats = append(r.Repeats, v)
	}
	return r, nil
}

// readCSV reads a CSV file with a header into one map per row; nil, nil when
// the file does not exist.
func readCSV(path string) ([]map[string]string, error) {
	b, err := readStored(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no header", path)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// column returns the named column of rows as numbers (NaN where unparsable).
func column(rows []map[string]string, name string) []float64 {
	v := make([]float64, len(rows))
	for i, r := range rows {
		x, err := strconv.ParseFloat(r[name], 64)
		if err != nil {
			x = math.NaN()
		}
		v[i] = x
	}
	return v
}

// condition is one row of the paper's results table.
type condition struct {
	name, figure string
}

// conditions are the paper's conditions in the order of its results table;
// experiments not listed here follow in name order.
var conditions = []condition{
	{"no-hidden-layer", "Fig. 6B"},
	{"one-hidden-layer", "Fig. 6B; baseline of Fig. 8"},
	{"two-hidden-layers", "Fig. 6B; g_A = 0 of Fig. 9B"},
	{"three-hidden-layers", "Results text (no number)"},
	{"stochastic-plateau-times", "Fig. 6—S1"},
	{"sparse-feedback", "Fig. 8B"},
	{"sparse-feedback-no-amplify", "Fig. 8—S1"},
	{"symmetric-feedback", "Fig. 8D"},
	{"noisy-symmetric-feedback", "Fig. 8D"},
	{"apical-conductance-0.05", "Fig. 9B"},
	{"apical-conductance-0.6", "Fig. 9B"},
	{"backprop-receptive-fields", "Fig. 7B/C"},
	{"bp-angle-spiking-feedback", "Fig. 7A"},
	{"bp-angle-rate-feedback", "Fig. 7A"},
	{"eigenvalues-first-epoch", "Fig. 5—S1"},
	{"loss-correlation", "Fig. 5B/C"},
	{"rate-mode-one-hidden-layer", notInPaper},
}

// notInPaper is the figure of a condition the paper does not report.
const notInPaper = "not in the paper"

// tTest is one of the paper's two-tailed t-tests, t = (mean A − mean B) / se.
type tTest struct {
	a, b    string
	paper   float64
	figure  string
	comment string
}

// tTests are the paper's comparisons with its t values (df = 38, n = 20
// repeated tests each), oriented so that the paper's sign is reproduced.
var tTests = []tTest{
	// The paper's "1-layer / 2-layer / 3-layer" networks count weight
	// layers: 0, 1 and 2 hidden layers. Its t values bear this out: with its
	// means (8.3, 4.1, 3.2 %) all three imply the same repeated-test s.d.,
	// (difference / t)·√10 = 0.067, 0.068 and 0.066.
	{"no-hidden-layer", "one-hidden-layer", 197.11, "Fig. 6B", "the paper's \"1-layer vs 2-layer\""},
	{"no-hidden-layer", "two-hidden-layers", 238.26, "Fig. 6B", "the paper's \"1-layer vs 3-layer\""},
	{"one-hidden-layer", "two-hidden-layers", 42.99, "Fig. 6B", "the paper's \"2-layer vs 3-layer\""},
	{"one-hidden-layer", "sparse-feedback", 16.43, "Fig. 8B", ""},
	{"one-hidden-layer", "sparse-feedback-no-amplify", -51.30, "Fig. 8—S1", "the paper compares 20-epoch networks; ours are 60 vs 20 epochs"},
	{"sparse-feedback-no-amplify", "sparse-feedback", 44.96, "Fig. 8—S1", "as above"},
	{"one-hidden-layer", "symmetric-feedback", 18.46, "Fig. 8D", ""},
	{"one-hidden-layer", "noisy-symmetric-feedback", -71.54, "Fig. 8D", ""},
	{"symmetric-feedback", "noisy-symmetric-feedback", -80.35, "Fig. 8D", ""},
	{"two-hidden-layers", "apical-conductance-0.05", -4.00, "Fig. 9B", ""},
	{"two-hidden-layers", "apical-conductance-0.6", -95.24, "Fig. 9B", ""},
	{"apical-conductance-0.05", "apical-conductance-0.6", -92.51, "Fig. 9B", ""},
}

// welch returns t = (mean a − mean b)/√(s²a/na + s²b/nb), its degrees of
// freedom na+nb−2 (the paper's df = 38 for 20 + 20; equal to Student's t
// with pooled variance when na = nb) and the two-tailed p.
func welch(a, b []float64) (t float64, df int, p float64) {
	ma, sa, _, _ := stats.Summary(a)
	mb, sb, _, _ := stats.Summary(b)
	se := math.Sqrt(sa*sa/float64(len(a)) + sb*sb/float64(len(b)))
	t = (ma - mb) / se
	df = len(a) + len(b) - 2
	p = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Survival(math.Abs(t))
	return t, df, p
}

// Page writes the results page generated from results/ only: out/results.md
// and its figures in out/results/. Running it twice on the same results
// writes the same bytes.
func Page(results, out string) error {
	runs, err := LoadResults(results)
	if err != nil {
		return err
	}
	all, err := experiments.List()
	if err != nil {
		return err
	}
	byName := map[string]experiments.Experiment{}
	for _, x := range all {
		byName[x.Name] = x
	}
	conds := append([]condition(nil), conditions...)
	listed := map[string]bool{}
	for _, c := range conditions {
		listed[c.name] = true
	}
	for _, x := range all {
		if !listed[x.Name] {
			conds = append(conds, condition{x.Name, ""})
		}
	}
	figDir := filepath.Join(out, "results")
	if err := os.MkdirAll(figDir, 0o755); err != nil {
		return err
	}
	known := map[string]bool{}
	for _, c := range conds {
		known[c.name] = true
	}
	notes, err := readNotes(results, known)
	if err != nil {
		return err
	}
	pg := &page{runs: runs, exps: byName, figDir: figDir, results: results, notes: notes, written: map[string]bool{}}
	var b strings.Builder
	pg.header(&b)
	pg.table(&b, conds)
	if err := pg.bars(&b, conds); err != nil {
		return err
	}
	pg.differences(&b, conds)
	pg.tTests(&b)
	if err := pg.figures(&b); err != nil {
		return err
	}
	if err := pg.removeStale(); err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(out, "results.md"), []byte(b.String()))
}

type page struct {
	runs    map[string][]*Stored
	exps    map[string]experiments.Experiment
	figDir  string
	results string
	notes   map[string]string // results/notes/NAME.md by condition
	written map[string]bool
}

func writeIfChanged(path string, b []byte) error {
	if old, err := readStored(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	return os.WriteFile(path, b, 0o644)
}

func (pg *page) header(b *strings.Builder) {
	b.WriteString(`<!-- Generated by "dendrite reproduce --table" from results/; do not edit by hand. -->
# Results: the paper's experiments, reproduced

Every number and figure on this page is computed from the files in ` + "`results/`" + ` (one folder per
finished run: its config.json, summary.json, metrics.csv and repeated tests), which
` + "`dendrite reproduce --collect RUNS`" + ` copies from the run folders. The paper (Guerguiev, Lillicrap &
Richards, eLife 2017) reports for each condition one trained network and the mean of 20 repeated
tests of its final weights on the 10,000 test images; "ours" is the same for each of our seeds.
Regenerate with ` + "`dendrite reproduce --table`" + ` (it reads only results/ and writes this page and
docs/results/).

Hand-written notes: [feedback bias](feedback-bias.md) ·
[findings of the earlier runs](findings-2026-12-01.md) · [rate mode, the stuck seed](rate-mode-seed-5.md).

`)
}

// spreadOf returns the spread against which a difference from the paper is
// judged: the s.d. of the repeated tests for one seed, the range of the seed
// means for several (at least 0.05, the rounding of the paper's numbers).
func spreadOf(rs []*Stored) float64 {
	var finals []float64
	sd := 0.0
	for _, r := range rs {
		finals = append(finals, r.Final())
		_, s, _, _ := stats.Summary(r.Repeats)
		if len(r.Repeats) > 1 {
			sd = math.Max(sd, s)
		}
	}
	_, _, lo, hi := stats.Summary(finals)
	spread := sd
	if len(finals) > 1 {
		spread = math.Max(spread, hi-lo)
	}
	return math.Max(spread, 0.05)
}

func (pg *page) table(b *strings.Builder, conds []condition) {
	b.WriteString("## The paper's conditions\n\n")
	b.WriteString("| condition | figure | network | paper | ours: final test error (%) | epochs run | wall time of one run | vs the paper |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, c := range conds {
		x, ok := pg.exps[c.name]
		rs := pg.runs[c.name]
		if !ok && len(rs) == 0 {
			continue
		}
		paper := x.Paper
		if x.HasError {
			paper = fmt.Sprintf("**%.1f %%**", x.PaperError)
		}
		network, epochs := "", ""
		if raw, err := x.Config(); err == nil {
			if cfg, err := config.FromJSON(raw, nil); err == nil {
				network = networkName(cfg.Layers)
				epochs = strconv.Itoa(cfg.Epochs)
			}
		}
		if len(rs) == 0 {
			fmt.Fprintf(b, "| %s | %s | %s | %s | not run yet | – (%s planned) | – | – |\n", c.name, c.figure, network, mdCell(paper), epochs)
			continue
		}
		network = networkName(rs[0].Config.Layers)
		var cells, secs []string
		var finals, seconds []float64
		ep := map[int]bool{}
		for _, r := range rs {
			finals = append(finals, r.Final())
			seconds = append(seconds, r.Summary.Seconds)
			ep[r.Summary.Epochs] = true
			if len(r.Repeats) > 0 {
				m, sd, _, _ := stats.Summary(r.Repeats)
				cells = append(cells, fmt.Sprintf("seed %d: %.2f ± %.2f (%d tests)", r.Seed, m, sd, len(r.Repeats)))
			} else {
				cells = append(cells, fmt.Sprintf("seed %d: %.2f (one test)", r.Seed, r.Final()))
			}
		}
		ours := strings.Join(cells, "; ")
		if len(rs) > 1 {
			m, sd, lo, hi := stats.Summary(finals)
			ours = fmt.Sprintf("**%.2f** ± %.2f across %d seeds, range %.2f–%.2f, median %.2f", m, sd, len(rs), lo, hi, median(finals))
			if len(rs) <= 3 {
				ours += " (" + strings.Join(cells, "; ") + ")"
			}
		} else {
			ours = "**" + strings.Replace(ours, ": ", ": ", 1) + "**"
		}
		var eps []string
		for _, k := range sortedInts(ep) {
			eps = append(eps, strconv.Itoa(k))
		}
		ms, _, _, _ := stats.Summary(seconds)
		secs = append(secs, durationText(ms))
		if len(rs) > 1 {
			secs[0] += " (mean)"
		}
		procs := map[int]bool{}
		for _, r := range rs {
			procs[r.Summary.GOMAXPROCS] = true
		}
		if p := sortedInts(procs); len(p) == 1 && p[0] > 0 {
			secs[0] += fmt.Sprintf(", GOMAXPROCS=%d", p[0])
		}
		verdict := pg.verdictOf(c.name).text
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", c.name, c.figure, network, mdCell(paper), ours, strings.Join(eps, ", "), strings.Join(secs, ""), verdict)
	}
	b.WriteString(`
"ours": for one seed, the mean ± s.d. of the repeated tests of the final weights (they differ only by
the spikes of the test); for several seeds, the mean, s.d., range and median of the seeds' final
errors. "vs the paper": our mean minus the paper's number, against the spread (the repeated tests' s.d.
for one seed, the range across seeds for several, at least 0.05 for the paper's rounding). Wall time:
summary.json's seconds for one run and the GOMAXPROCS it ran with (the runs of this page were made on
this project's 2-core machine, sharing it with other runs).

`)
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func networkName(layers []int) string {
	s := "784"
	for _, n := range layers {
		s += "-" + strconv.Itoa(n)
	}
	return s
}

func sortedInts(m map[int]bool) []int {
	var k []int
	for v := range m {
		k = append(k, v)
	}
	sort.Ints(k)
	return k
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func durationText(sec float64) string {
	switch {
	case sec < 120:
		return fmt.Sprintf("%.0f s", sec)
	case sec < 2*3600:
		return fmt.Sprintf("%.0f min", sec/60)
	default:
		return fmt.Sprintf("%.1f h", sec/3600)
	}
}

// first returns the first seed's run of an experiment (the paper trained one
// network per condition), or nil.
func (pg *page) first(name string) *Stored {
	if rs := pg.runs[name]; len(rs) > 0 {
		return rs[0]
	}
	return nil
}

func (pg *page) tTests(b *strings.Builder) {
	b.WriteString("## The paper's t-tests, recomputed\n\n")
	b.WriteString("Two-tailed t-tests on the repeated tests of the first seed of each condition, as the paper did (df = 38 for 20 + 20\n")
	b.WriteString("tests), t = (mean A − mean B) / √(s²A/nA + s²B/nB), so a positive t means A has the higher error.\n")
	b.WriteString("The paper's \"1-, 2- and 3-layer\" networks have 0, 1 and 2 hidden layers: with its means (8.3, 4.1 and\n")
	b.WriteString("3.2 %) its three t values all imply the same s.d. of the repeated tests, (difference / t)·√10 ≈ 0.067.\n\n")
	b.WriteString("| A | B | figure | paper's t | our t | df | p | our means A / B (%) | same direction as the paper |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, t := range tTests {
		a, c := pg.first(t.a), pg.first(t.b)
		note := ""
		if t.comment != "" {
			note = " (" + t.comment + ")"
		}
		if a == nil || c == nil || len(a.Repeats) < 2 || len(c.Repeats) < 2 {
			var miss []string
			for _, n := range []string{t.a, t.b} {
				if r := pg.first(n); r == nil || len(r.Repeats) < 2 {
					miss = append(miss, n)
				}
			}
			fmt.Fprintf(b, "| %s | %s | %s%s | %.2f | not run yet (%s) | | | | |\n", t.a, t.b, t.figure, note, t.paper, strings.Join(miss, ", "))
			continue
		}
		tv, df, p := welch(a.Repeats, c.Repeats)
		ma, _, _, _ := stats.Summary(a.Repeats)
		mc, _, _, _ := stats.Summary(c.Repeats)
		same := "yes"
		if (tv > 0) != (t.paper > 0) {
			same = "**no**"
		}
		if p >= 0.05 {
			same += fmt.Sprintf(" (not significant, p = %.2g)", p)
		}
		fmt.Fprintf(b, "| %s | %s | %s%s | %.2f | %.2f | %d | %.2g | %.2f / %.2f | %s |\n", t.a, t.b, t.figure, note, t.paper, tv, df, p, ma, mc, same)
	}
	b.WriteString("\nThe repeated tests measure the test's own noise on one set of weights, not the variation between\n")
	b.WriteString("trained networks; where the table has several seeds, compare a difference with the spread across\n")
	b.WriteString("seeds as well.\n\n")
}
