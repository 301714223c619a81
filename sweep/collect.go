package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dendrite-lab/dendrite/internal/stats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Output files of Collect.
const (
	ResultsCSV = "results.csv"
	SummaryCSV = "summary.csv"
	PlotName   = "sweep" // sweep.png and sweep.svg
)

// ResultRow is one run in results.csv.
type ResultRow struct {
	Index int
	ID    string
	// Params are the swept keys (without the seed).
	Params Params
	Seed   uint64
	// FinalTestError is in percent (NaN unless the run is done).
	FinalTestError float64
	Epochs         int
	Seconds        float64
	// State is done, running, failed or pending (see Status).
	State string
}

// Group is one grid point (the swept values except the seed) with the
// statistics of the final test error over its done runs.
type Group struct {
	Params Params
	// Runs is the number of runs (seeds) planned, N the number done.
	Runs, N int
	// Mean, SD (sample standard deviation, NaN when N < 2), Min and Max of
	// the final test error in percent (NaN when N = 0).
	Mean, SD, Min, Max float64
}

// Results is what Collect gathered and wrote.
type Results struct {
	// Keys are the swept config keys (without "seed").
	Keys   []string
	Rows   []ResultRow
	Groups []Group
	// Files are the files written, PlotNote says why no plot was drawn (if
	// none was).
	Files    []string
	PlotNote string
}

// Collect gathers the results of the sweep in dir: it writes
// DIR/results.csv (one row per run: id, each swept param, seed,
// final_test_error, epochs, seconds, status), DIR/summary.csv (per grid
// point: the swept params except the seed, runs, n, mean, sd, min, max of
// final_test_error over the done runs) and, when some run is done, the plot
// DIR/sweep.png and DIR/sweep.svg (mean ± sd of the final test error against
// the swept values).
func Collect(dir string) (*Results, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	res := &Results{Keys: m.Keys}
	for i := range m.Runs {
		run := &m.Runs[i]
		st := runStatus(dir, run)
		res.Rows = append(res.Rows, ResultRow{
			Index: run.Index, ID: run.ID, Params: withoutSeed(run.Params), Seed: run.Config.Seed,
			FinalTestError: st.FinalTestError, Epochs: st.Epochs, Seconds: st.Seconds, State: st.State,
		})
	}
	res.Groups = group(res.Rows)

	write := func(name string, data []byte) error {
		p := filepath.Join(dir, name)
		if err := writeAtomic(p, data); err != nil {
			return err
		}
		res.Files = append(res.Files, p)
		return nil
	}
	if err := write(ResultsCSV, res.resultsCSV()); err != nil {
		return nil, err
	}
	if err := write(SummaryCSV, res.summaryCSV()); err != nil {
		return nil, err
	}
	p, note, err := res.plot(filepath.Base(absOr(dir)))
	if err != nil {
		return nil, fmt.Errorf("sweep: plot: %w", err)
	}
	res.PlotNote = note
	if p != nil {
		w, h := vg.Length(16)*vg.Centimeter, vg.Length(10)*vg.Centimeter
		if n := len(res.Groups); note == "" && !numericAny(res) && n > 6 {
			w = vg.Length(min(40, 6+1.6*float64(n))) * vg.Centimeter
		}
		for _, ext := range []string{"png", "svg"} {
			wt, err := p.WriterTo(w, h, ext)
			if err != nil {
				return nil, fmt.Errorf("sweep: plot: %w", err)
			}
			var b bytes.Buffer
			if _, err := wt.WriteTo(&b); err != nil {
				return nil, fmt.Errorf("sweep: plot: %w", err)
			}
			if err := write(PlotName+"."+ext, b.Bytes()); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

func absOr(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}

func withoutSeed(p Params) Params {
	out := make(Params, 0, len(p))
	for _, kv := range p {
		if kv.Key != "seed" {
			out = append(out, kv)
		}
	}
	return out
}

func paramsKey(p Params) string {
	b, _ := p.MarshalJSON()
	return string(b)
}

// group collects the rows by their params (in order of first appearance)
// and computes the statistics of the done runs' final test errors.
func group(rows []ResultRow) []Group {
	var groups []Group
	var vals [][]float64
	idx := map[string]int{}
	for _, r := range rows {
		k := paramsKey(r.Params)
		i, ok := idx[k]
		if !ok {
			i = len(groups)
			idx[k] = i
			groups = append(groups, Group{Params: r.Params})
			vals = append(vals, nil)
		}
		groups[i].Runs++
		if r.State == StateDone && !math.IsNaN(r.FinalTestError) && !math.IsInf(r.FinalTestError, 0) {
			vals[i] = append(vals[i], r.FinalTestError)
		}
	}
	for i := range groups {
		g := &groups[i]
		g.N = len(vals[i])
		g.Mean, g.SD, g.Min, g.Max = stats.Summary(vals[i])
	}
	return groups
}

// ParamText formats a param value for a table or CSV cell: strings without
// quotes, everything else as compact JSON (lists like [0.1,0.1]).
func ParamText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return string(v)
	}
	return b.String()
}

func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func (res *Results) resultsCSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := append([]string{"id"}, res.Keys...)
	head = append(head, "seed", "final_test_error", "epochs", "seconds", "status")
	w.Write(head)
	for _, r := range res.Rows {
		rec := []string{r.ID}
		for _, k := range res.Keys {
			rec = append(rec, ParamText(r.Params.Get(k)))
		}
		epochs, secs := "", ""
		if r.State == StateDone {
			epochs = strconv.Itoa(r.Epochs)
			secs = strconv.FormatFloat(r.Seconds, 'f', 3, 64)
		}
		rec = append(rec, strconv.FormatUint(r.Seed, 10), num(r.FinalTestError), epochs, secs, r.State)
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

func (res *Results) summaryCSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := append(slices.Clone(res.Keys), "runs", "n", "mean", "sd", "min", "max")
	w.Write(head)
	for _, g := range res.Groups {
		var rec []string
		for _, k := range res.Keys {
			rec = append(rec, ParamText(g.Params.Get(k)))
		}
		rec = append(rec, strconv.Itoa(g.Runs), strconv.Itoa(g.N), num(g.Mean), num(g.SD), num(g.Min), num(g.Max))
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// WriteTable prints the grouped results as an aligned table: the swept
// values, the runs done out of those planned, and the mean ± sd, min and max
// of the final test error (percent).
func (res *Results) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := append(slices.Clone(res.Keys), "done", "mean %", "sd", "min %", "max %")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	f := func(x float64) string {
		if math.IsNaN(x) {
			return "-"
		}
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	for _, g := range res.Groups {
		var rec []string
		for _, k := range res.Keys {
			rec = append(rec, ParamText(g.Params.Get(k)))
		}
		rec = append(rec, fmt.Sprintf("%d/%d", g.N, g.Runs), f(g.Mean), f(g.SD), f(g.Min), f(g.Max))
		fmt.Fprintln(tw, strings.Join(rec, "\t"))
	}
	return tw.Flush()
}

// numericKeys are the swept keys whose values are all plain numbers.
func numericKeys(res *Results) []string {
	var out []string
	for _, k := range res.Keys {
		ok := true
		for _, g := range res.Groups {
			var x float64
			if json.Unmarshal(g.Params.Get(k), &x) != nil {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, k)
		}
	}
	return out
}

func numericAny(res *Results) bool { return len(numericKeys(res)) > 0 }

// units gives the unit shown in the x-axis label of some config keys.
var units = map[string]string{
	"forward_phase": "steps", "target_phase": "steps", "test_phase": "steps",
	"settle_time": "steps", "plateau_jitter_sd": "steps", "plateau_jitter_max": "steps",
	"train_examples": "examples", "test_examples": "images", "epochs": "epochs",
	"sparse_fraction": "fraction of weights", "quick_test_every": "examples",
}

func axisLabel(key string) string {
	if u, ok := units[key]; ok {
		return key + " (" + u + ")"
	}
	return key
}

// errPoints are (x, mean) points with ± sd error bars.
type errPoints struct {
	plotter.XYs
	sd []float64
}

func (e errPoints) YError(i int) (float64, float64) { return e.sd[i], e.sd[i] }

// plot draws the mean ± sd of the final test error against the swept
// values: against the numeric key with the most distinct values, one line
// per combination of the other keys; a bar chart per grid point when no key
// is numeric. It returns a nil plot and a note when no run is done.
func (res *Results) plot(name string) (*plot.Plot, string, error) {
	done := 0
	for _, g := range res.Groups {
		done += g.N
	}
	if done == 0 {
		return nil, "no run is done yet, so no plot", nil
	}
	p := plot.New()
	p.Title.Text = "sweep " + name + ": final test error, mean ± sd over seeds"
	p.Y.Label.Text = "final test error (%)"
	p.Y.Min = 0
	p.Legend.Top = true
	sd := func(g Group) float64 {
		if math.IsNaN(g.SD) {
			return 0
		}
		return g.SD
	}
	nk := numericKeys(res)
	if len(nk) == 0 {
		// One bar per grid point.
		var vals plotter.Values
		var names []string
		var ep errPoints
		for i, g := range res.Groups {
			if g.N == 0 {
				continue
			}
			vals = append(vals, g.Mean)
			var parts []string
			for _, kv := range g.Params {
				if len(g.Params) == 1 {
					parts = append(parts, ParamText(kv.Value)) // the axis label names the key
				} else {
					parts = append(parts, kv.Key+"="+ParamText(kv.Value))
				}
			}
			if len(parts) == 0 {
				parts = []string{"all runs"}
			}
			names = append(names, strings.Join(parts, ", "))
			ep.XYs = append(ep.XYs, plotter.XY{X: float64(len(vals) - 1), Y: g.Mean})
			ep.sd = append(ep.sd, sd(res.Groups[i]))
		}
		width := vg.Length(min(60, 0.6*12/float64(len(vals))*float64(vg.Centimeter)))
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, "", err
		}
		bars.Color = plotutil.Color(0)
		bars.LineStyle.Width = 0
		eb, err := plotter.NewYErrorBars(ep)
		if err != nil {
			return nil, "", err
		}
		p.Add(bars, eb)
		p.NominalX(names...)
		p.X.Min, p.X.Max = -0.5, float64(len(vals))-0.5
		if len(names) > 3 {
			p.X.Tick.Label.Rotation = math.Pi / 6
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YCenter
		}
		p.X.Label.Text = strings.Join(res.Keys, ", ")
		if p.X.Label.Text == "" {
			p.X.Label.Text = "seeds only"
		}
		return p, "", nil
	}
	// The numeric key with the most distinct values goes on the x axis.
	xKey, best := "", -1
	for _, k := range nk {
		seen := map[string]bool{}
		for _, g := range res.Groups {
			seen[string(g.Params.Get(k))] = true
		}
		if len(seen) > best {
			xKey, best = k, len(seen)
		}
	}
	type line struct {
		label string
		ep    errPoints
	}
	var lines []*line
	byLabel := map[string]*line{}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, g := range res.Groups {
		if g.N == 0 {
			continue
		}
		var x float64
		_ = json.Unmarshal(g.Params.Get(xKey), &x)
		xmin, xmax = min(xmin, x), max(xmax, x)
		var parts []string
		for _, kv := range g.Params {
			if kv.Key != xKey {
				parts = append(parts, kv.Key+"="+ParamText(kv.Value))
			}
		}
		label := strings.Join(parts, ", ")
		l := byLabel[label]
		if l == nil {
			l = &line{label: label}
			byLabel[label] = l
			lines = append(lines, l)
		}
		l.ep.XYs = append(l.ep.XYs, plotter.XY{X: x, Y: g.Mean})
		l.ep.sd = append(l.ep.sd, sd(g))
	}
	logX := xmin > 0 && xmax/xmin >= 100
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	for i, l := range lines {
		// Sort the points of a line by x.
		ord := make([]int, len(l.ep.XYs))
		for j := range ord {
			ord[j] = j
		}
		slices.SortStableFunc(ord, func(a, b int) int { return cmpFloat(l.ep.XYs[a].X, l.ep.XYs[b].X) })
		var ep errPoints
		for _, j := range ord {
			ep.XYs = append(ep.XYs, l.ep.XYs[j])
			ep.sd = append(ep.sd, l.ep.sd[j])
		}
		ln, pts, err := plotter.NewLinePoints(ep)
		if err != nil {
			return nil, "", err
		}
		ln.Color = plotutil.Color(i)
		ln.Width = vg.Points(1.5)
		pts.Color = plotutil.Color(i)
		pts.Shape = plotutil.Shape(i)
		eb, err := plotter.NewYErrorBars(ep)
		if err != nil {
			return nil, "", err
		}
		eb.Color = plotutil.Color(i)
		p.Add(ln, pts, eb)
		if len(lines) > 1 {
			p.Legend.Add(l.label, ln, pts)
		}
	}
	p.X.Label.Text = axisLabel(xKey)
	if logX {
		p.X.Label.Text += ", log scale"
		p.X.Min, p.X.Max = xmin/1.2, xmax*1.2
	} else if xmax > xmin {
		pad := 0.05 * (xmax - xmin)
		p.X.Min, p.X.Max = xmin-pad, xmax+pad
	}
	// Leave room above the data for the legend.
	top := 0.0
	for _, g := range res.Groups {
		if g.N > 0 {
			top = max(top, g.Mean+sd(g))
		}
	}
	if len(lines) > 1 && top > 0 {
		p.Y.Max = top * (1.1 + 0.07*float64(len(lines)))
	}
	p.Add(plotter.NewGrid())
	return p, "", nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
