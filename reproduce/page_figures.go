package reproduce

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dendrite-lab/dendrite/internal/stats"
	"github.com/dendrite-lab/dendrite/plot"
)

// figures writes the page's figure sections.
func (pg *page) figures(b *strings.Builder) error {
	for _, f := range []func(*strings.Builder) error{
		pg.fig6B, pg.finalErrorFigures, pg.fig7A, pg.fig7BC, pg.fig5BC, pg.fig5S1, pg.rateMode,
	} {
		if err := f(b); err != nil {
			return err
		}
	}
	return nil
}

// save writes fig into the figure folder and links it from the page.
func (pg *page) save(b *strings.Builder, fig *plot.Figure, caption string) error {
	if _, err := fig.Save(pg.figDir); err != nil {
		return err
	}
	pg.written[fig.Name+".png"], pg.written[fig.Name+".svg"] = true, true
	fmt.Fprintf(b, "![%s](results/%s.png)\n\n%s ([SVG](results/%s.svg))\n\n", fig.Title, fig.Name, caption, fig.Name)
	return nil
}

// removeStale deletes figures of an earlier generation that this one did
// not draw (a condition's data removed from results/).
func (pg *page) removeStale() error {
	ents, err := os.ReadDir(pg.figDir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		n := e.Name()
		if (strings.HasSuffix(n, ".png") || strings.HasSuffix(n, ".svg")) && !pg.written[n] {
			if err := os.Remove(filepath.Join(pg.figDir, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

func notRun(b *strings.Builder, what string) {
	fmt.Fprintf(b, "*Not run yet:* %s\n\n", what)
}

func (pg *page) paperError(name string) float64 {
	if x, ok := pg.exps[name]; ok && x.HasError {
		return x.PaperError
	}
	return math.NaN()
}

func (pg *page) fig6B(b *strings.Builder) error {
	b.WriteString("## Fig. 6B: test error per epoch for 1, 2 and 3 hidden layers\n\n")
	var groups []plot.Group
	var have []string
	for _, c := range []struct{ name, label string }{
		{"no-hidden-layer", "no hidden layer"}, {"one-hidden-layer", "one hidden layer"},
		{"two-hidden-layers", "two hidden layers"}, {"three-hidden-layers", "three hidden layers"},
	} {
		g := plot.Group{Label: c.label, Paper: pg.paperError(c.name), PaperX: 60}
		for _, r := range pg.runs[c.name] {
			var x, y []float64
			for _, m := range r.Metrics {
				if m.Kind == "full" || m.Kind == "initial" {
					x, y = append(x, float64(m.Epoch)), append(y, m.TestError)
				}
			}
			g.X, g.Y = append(g.X, x), append(g.Y, y)
		}
		if len(g.Y) > 0 {
			have = append(have, c.name)
		}
		groups = append(groups, g)
	}
	if len(have) == 0 {
		notRun(b, "no finished run of no-hidden-layer, one-hidden-layer, two-hidden-layers or three-hidden-layers.")
		return nil
	}
	fig, err := plot.Lines(groups, plot.LineOptions{Name: "fig6b_error_per_epoch", Title: "Test error per epoch (Fig. 6B)",
		XLabel: "epoch", YLabel: "test error, 10,000 images (%)", LogY: true, Percent: true, IntegerX: true, Ref: math.NaN(), YMin: math.NaN(), YMax: math.NaN()})
	if err != nil {
		return err
	}
	return pg.save(b, fig, "Full test after every epoch (epoch 0: before training); diamonds: the paper's 60-epoch numbers. "+
		"Drawn from: "+strings.Join(have, ", ")+".")
}

// finalErrorFigures draws the right panels of Fig. 6—S1, 8B, 8—S1, 8D and 9B.
func (pg *page) finalErrorFigures(b *strings.Builder) error {
	type cond struct{ name, label string }
	for _, f := range []struct {
		name, title string
		conds       []cond
	}{
		{"fig6s1_plateau_times", "Synchronous vs stochastic plateau times (Fig. 6—S1)", []cond{{"one-hidden-layer", "synchronous"}, {"stochastic-plateau-times", "stochastic"}}},
		{"fig8b_sparse_feedback", "Sparse feedback (Fig. 8B)", []cond{{"one-hidden-layer", "regular"}, {"sparse-feedback", "sparse (×5)"}}},
		{"fig8s1_sparse_no_amplify", "Sparse feedback without ×5 (Fig. 8—S1)", []cond{{"one-hidden-layer", "regular"}, {"sparse-feedback", "sparse (×5)"}, {"sparse-feedback-no-amplify", "sparse, no ×5 (20 epochs)"}}},
		{"fig8d_symmetric_feedback", "Symmetric feedback (Fig. 8D)", []cond{{"one-hidden-layer", "random"}, {"symmetric-feedback", "symmetric"}, {"noisy-symmetric-feedback", "noisy symmetric"}}},
		{"fig9b_apical_conductance", "Apical attenuation (Fig. 9B)", []cond{{"two-hidden-layers", "g_A = 0"}, {"apical-conductance-0.05", "g_A = 0.05"}, {"apical-conductance-0.6", "g_A = 0.6"}}},
	} {
		fmt.Fprintf(b, "## %s\n\n", f.title)
		var sp []plot.Spread
		var missing []string
		for _, c := range f.conds {
			s := plot.Spread{Label: c.label, Paper: pg.paperError(c.name)}
			for _, r := range pg.runs[c.name] {
				v := r.Repeats
				if len(v) == 0 {
					v = []float64{r.Final()}
				}
				s.Runs = append(s.Runs, v)
			}
			if len(s.Runs) == 0 {
				missing = append(missing, c.name)
			}
			sp = append(sp, s)
		}
		if len(missing) == len(f.conds) {
			notRun(b, "no finished run of "+strings.Join(missing, ", ")+".")
			continue
		}
		fig, err := plot.FinalErrors(f.name, f.title, sp)
		if err != nil {
			return err
		}
		caption := "Final test error: mean of each run's repeated tests, bar from their minimum to their maximum; hollow diamonds: the paper's numbers where it gives one."
		if len(missing) > 0 {
			caption += " Not run yet: " + strings.Join(missing, ", ") + "."
		}
		if err := pg.save(b, fig, caption); err != nil {
			return err
		}
	}
	return nil
}

// series reads two columns of a derived CSV of every run of an experiment.
func (pg *page) series(name, file, xcol, ycol string) (xs, ys [][]float64, err error) {
	for _, r := range pg.runs[name] {
		rows, err := readCSV(filepath.Join(r.Dir, file))
		if err != nil {
			return nil, nil, err
		}
		if rows == nil {
			continue
		}
		xs, ys = append(xs, column(rows, xcol)), append(ys, column(rows, ycol))
	}
	return xs, ys, nil
}

func (pg *page) fig7A(b *strings.Builder) error {
	b.WriteString("## Fig. 7A: angle between the hidden-layer update and backprop's\n\n")
	var groups []plot.Group
	for _, c := range []struct{ name, label string }{
		{"bp-angle-spiking-feedback", "spiking feedback"}, {"bp-angle-rate-feedback", "rate feedback"},
	} {
		xs, ys, err := pg.series(c.name, BPAngleFile, "example", "angle_mean100")
		if err != nil {
			return err
		}
		if len(ys) > 0 {
			groups = append(groups, plot.Group{Label: c.label, X: xs, Y: ys, Paper: math.NaN()})
		}
	}
	if len(groups) == 0 {
		notRun(b, "bp-angle-spiking-feedback and bp-angle-rate-feedback (10 epochs each, `record_bp_angle`).")
		return nil
	}
	fig, err := plot.Lines(groups, plot.LineOptions{Name: "fig7a_bp_angle", Title: "Angle to the backprop update (Fig. 7A)",
		XLabel: "training example", YLabel: "angle, 100-example mean (°)", Ref: 90, RefLabel: "90°", YMin: 0, YMax: math.NaN()})
	if err != nil {
		return err
	}
	return pg.save(b, fig, fmt.Sprintf("100-example trailing mean of the angle, sampled every %d examples. The paper: spiking feedback falls from ≈ 90° to ≈ 65° then ≈ 70°; rate feedback to ≈ 35° then ≈ 40°.", BPAngleStep))
}

func (pg *page) fig7BC(b *strings.Builder) error {
	b.WriteString("## Fig. 7B/C: receptive fields against backprop's\n\n")
	dir := filepath.Join(pg.results, FieldsDir)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(ents) == 0) {
		notRun(b, "needs a finished one-hidden-layer run and a finished backprop-receptive-fields run.")
		return nil
	}
	if err != nil {
		return err
	}
	var pairs []string
	for _, e := range ents {
		if e.IsDir() {
			pairs = append(pairs, e.Name())
		}
	}
	sort.Strings(pairs)
	b.WriteString("| one-hidden-layer vs backprop-receptive-fields | mean of the neurons' max r | same against pixel-shuffled fields | neurons whose best match has the same index |\n|---|---|---|---|\n")
	for _, pr := range pairs {
		mc, err := readCSV(filepath.Join(dir, pr, "max_correlations.csv"))
		if err != nil {
			return err
		}
		same := 0
		for _, row := range mc {
			if row["neuron"] == row["best_backprop_neuron"] {
				same++
			}
		}
		mr, _, _, _ := stats.Summary(column(mc, "max_r"))
		ms, _, _, _ := stats.Summary(column(mc, "max_r_shuffled"))
		fmt.Fprintf(b, "| %s | %.3f | %.3f | %d of %d |\n", pr, mr, ms, same, len(mc))
	}
	b.WriteString("\nWith the same seed both networks start from the same weights, so a field can match its backprop\n" +
		"twin because both kept what they started with; the pairs of different seeds do not share initial weights.\n\n")
	s := pairs[0]
	rows, err := readCSV(filepath.Join(dir, s, "fields.csv"))
	if err != nil {
		return err
	}
	var fr [2]plot.FieldRow
	fr[0].Label, fr[1].Label = "segregated dendrites", "backprop, best match"
	for _, row := range rows {
		i := 0
		if row["network"] == backpropExperiment {
			i = 1
		}
		n, _ := strconv.Atoi(row["neuron"])
		var f []float64
		for k := 0; ; k++ {
			v, ok := row["p"+strconv.Itoa(k)]
			if !ok {
				break
			}
			x, _ := strconv.ParseFloat(v, 64)
			f = append(f, x)
		}
		fr[i].Neurons, fr[i].Fields = append(fr[i].Neurons, n), append(fr[i].Fields, f)
	}
	fig, err := plot.FieldRows("fig7b_receptive_fields", "Hidden-layer receptive fields, "+s+" (Fig. 7B)", fr[:])
	if err != nil {
		return err
	}
	if err := pg.save(b, fig, "Top: the first hidden neurons of one-hidden-layer; bottom: for each, the backprop network's field that correlates best with it ("+s+")."); err != nil {
		return err
	}
	mc, err := readCSV(filepath.Join(dir, s, "max_correlations.csv"))
	if err != nil {
		return err
	}
	r, sh := column(mc, "max_r"), column(mc, "max_r_shuffled")
	fig, err = plot.Histograms("fig7c_max_correlation", "Maximum correlation with backprop's fields, "+s+" (Fig. 7C)", "maximum Pearson r over the backprop network's fields",
		[]string{"segregated dendrites vs backprop", "vs pixel-shuffled backprop fields (control)"}, [][]float64{r, sh}, -0.2, 1, 0.025)
	if err != nil {
		return err
	}
	return pg.save(b, fig, fmt.Sprintf("For each of the %d hidden neurons, its largest Pearson correlation with any of the backprop network's fields, and the same against fields whose pixels were shuffled (%s; the table above has every pair).", len(r), s))
}

// lossCorrRow is one row of a run's loss_correlation.csv.
type lossCorrRow struct {
	layer, epoch, label, n int
	r                      float64
}

// lossCorrRows reads a run's loss_correlation.csv (nil when it has none).
// Files written before the layer column hold hidden layer 0 only.
func lossCorrRows(dir string) ([]lossCorrRow, error) {
	path := filepath.Join(dir, LossCorrelationFile)
	rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	var out []lossCorrRow
	for i, row := range rows {
		var c lossCorrRow
		if row["layer"] == "" {
			row["layer"] = "0"
		}
		for _, f := range []struct {
			name string
			v    *int
		}{{"layer", &c.layer}, {"epoch", &c.epoch}, {"label", &c.label}, {"n", &c.n}} {
			v, err := strconv.Atoi(row[f.name])
			if err != nil {
				return nil, fmt.Errorf("%s: row %d: %s %q is not an integer", path, i+2, f.name, row[f.name])
			}
			*f.v = v
		}
		v, err := strconv.ParseFloat(row["r"], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: row %d: r %q is not a number", path, i+2, row["r"])
		}
		c.r = v
		out = append(out, c)
	}
	return out, nil
}

func (pg *page) fig5BC(b *strings.Builder) error {
	b.WriteString("## Fig. 5B/C: correlation of the hidden-layer and output losses\n\n")
	runs := pg.runs["loss-correlation"]
	type runRows struct {
		r    *Stored
		rows []lossCorrRow
	}
	var have []runRows
	for _, r := range runs {
		rows, err := lossCorrRows(r.Dir)
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			have = append(have, runRows{r, rows})
		}
	}
	if len(have) == 0 {
		notRun(b, "not recorded yet: needs a one-hidden-layer run with `record_hidden_loss`, `record_loss` and `record_training_labels` (experiment loss-correlation).")
		return nil
	}
	if err := pg.fig5B(b, have[0].r, have[0].rows); err != nil {
		return err
	}
	// Fig. 5C: r per epoch for each digit, hidden layer 0 (the paper's
	// network has one hidden layer); several seeds give a mean ± s.d. band.
	var groups []plot.Group
	for label := 0; label < 10; label++ {
		g := plot.Group{Label: fmt.Sprintf("images of a %d", label), Paper: math.NaN()}
		for _, h := range have {
			var x, y []float64
			for _, c := range h.rows {
				if c.layer == 0 && c.label == label {
					x, y = append(x, float64(c.epoch)), append(y, c.r)
				}
			}
			if len(x) > 0 {
				g.X, g.Y = append(g.X, x), append(g.Y, y)
			}
		}
		if len(g.Y) > 0 {
			groups = append(groups, g)
		}
	}
	if len(groups) > 0 {
		fig, err := plot.Lines(groups, plot.LineOptions{Name: "fig5c_loss_correlation", Title: "Hidden vs output loss correlation per digit (Fig. 5C)",
			XLabel: "epoch", YLabel: "Pearson r", IntegerX: true, Markers: true, Ref: 0, RefLabel: "r = 0", YMin: math.NaN(), YMax: math.NaN()})
		if err != nil && !errors.Is(err, plot.ErrNoData) {
			return err
		}
		if err == nil {
			if err := pg.save(b, fig, "Pearson correlation of the per-example losses of hidden layer 0 and of the output layer, for the training images of each digit within each epoch. "+
				"The paper: positive for every digit, r = 0.2–0.6 across epochs, lower in epoch 1."); err != nil {
				return err
			}
		}
	}
	b.WriteString("| seed | hidden layer | epoch | r, all images (n) | r, images of a 2 (n) | r over the ten digits: min–max | digits with r ≤ 0 |\n|---|---|---|---|---|---|---|\n")
	for _, h := range have {
		type key struct{ layer, epoch int }
		cells := map[key][]lossCorrRow{}
		var keys []key
		for _, c := range h.rows {
			k := key{c.layer, c.epoch}
			if cells[k] == nil {
				keys = append(keys, k)
			}
			cells[k] = append(cells[k], c)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].layer != keys[j].layer {
				return keys[i].layer < keys[j].layer
			}
			return keys[i].epoch < keys[j].epoch
		})
		for _, k := range keys {
			all, two := "–", "–"
			lo, hi := math.Inf(1), math.Inf(-1)
			nonPos := 0
			for _, c := range cells[k] {
				switch {
				case c.label == -1:
					all = fmt.Sprintf("%.2f (%d)", c.r, c.n)
				case c.label >= 0 && !math.IsNaN(c.r):
					lo, hi = math.Min(lo, c.r), math.Max(hi, c.r)
					if c.r <= 0 {
						nonPos++
					}
				}
				if c.label == 2 {
					two = fmt.Sprintf("%.2f (%d)", c.r, c.n)
				}
			}
			rng := "–"
			if hi >= lo {
				rng = fmt.Sprintf("%.2f–%.2f", lo, hi)
			}
			fmt.Fprintf(b, "| %d | %d | %d | %s | %s | %s | %d |\n", h.r.Seed, k.layer, k.epoch, all, two, rng, nonPos)
		}
	}
	b.WriteString("\n")
	return nil
}

// fig5B draws the paper's Fig. 5B from one run's loss_pairs.csv: every
// image of a 2 in the run's last epoch, its output loss against hidden
// layer 0's loss.
func (pg *page) fig5B(b *strings.Builder, r *Stored, rows []lossCorrRow) error {
	pairs, err := readCSV(filepath.Join(r.Dir, LossPairsFile))
	if err != nil {
		return err
	}
	if len(pairs) == 0 {
		notRun(b, fmt.Sprintf("Fig. 5B: seed %d has no %s (collected before it was derived; collect its run folder again).", r.Seed, LossPairsFile))
		return nil
	}
	x, y := column(pairs, "output_loss"), column(pairs, "hidden_loss_0")
	epoch := pairs[0]["epoch"]
	rv := math.NaN()
	for _, c := range rows {
		if c.layer == 0 && c.label == LossPairsLabel && strconv.Itoa(c.epoch) == epoch {
			rv = c.r
		}
	}
	label := fmt.Sprintf("images of a %d, epoch %s (n = %d, r = %.2f)", LossPairsLabel, epoch, len(x), rv)
	fig, err := plot.Scatter("fig5b_loss_scatter", fmt.Sprintf("Hidden vs output loss, images of a %d (Fig. 5B)", LossPairsLabel),
		"output loss (L1)", "hidden-layer loss (L0)", []plot.ScatterSet{{Label: label, X: x, Y: y}})
	if err != nil {
		return err
	}
	return pg.save(b, fig, fmt.Sprintf("Every training image of a %d in epoch %s of loss-correlation seed %d (the run's last epoch): its output-layer loss and its hidden-layer loss. The paper: r = 0.61.", LossPairsLabel, epoch, r.Seed))
}

func (pg *page) fig5S1(b *strings.Builder) error {
	b.WriteString("## Fig. 5—S1: the largest eigenvalue in the first epoch\n\n")
	xs, ys, err := pg.series("eigenvalues-first-epoch", EigvalsFile, "example", "mean100")
	if err != nil {
		return err
	}
	if len(ys) == 0 {
		notRun(b, "a one-epoch run with `record_eigvals` (experiment eigenvalues-first-epoch).")
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, y := range ys {
		for _, v := range y {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	fig, err := plot.Lines([]plot.Group{{Label: "max eigenvalue of (I−U)ᵀ(I−U), 100-example mean", X: xs, Y: ys, Paper: math.NaN()}},
		plot.LineOptions{Name: "fig5s1_eigenvalue", Title: "Theorem 1 condition during the first epoch (Fig. 5—S1)", XLabel: "training example",
			YLabel: "max eigenvalue", LogY: hi/lo > 100, Ref: 1, RefLabel: "1 (Theorem 1 bound)", YMin: math.NaN(), YMax: math.NaN()})
	if err != nil {
		return err
	}
	return pg.save(b, fig, fmt.Sprintf("Sampled every %d examples. The paper: the value falls below 1 during the first epoch.", EigvalStep))
}

func (pg *page) rateMode(b *strings.Builder) error {
	rs := pg.runs["rate-mode-one-hidden-layer"]
	b.WriteString("## Rate mode, one epoch (not in the paper)\n\n")
	if len(rs) == 0 {
		notRun(b, "rate-mode-one-hidden-layer, seeds 1–20.")
		return nil
	}
	b.WriteString("The authors' later rate mode, head profile, 784-500-10, one epoch, full test (see [the stuck seed](rate-mode-seed-5.md)):\n\n| seed | test error (%) |\n|---|---|\n")
	var v []float64
	for _, r := range rs {
		fmt.Fprintf(b, "| %d | %.2f |\n", r.Seed, r.Final())
		v = append(v, r.Final())
	}
	m, sd, lo, hi := stats.Summary(v)
	fmt.Fprintf(b, "\n%d seeds: median %.2f %%, mean %.2f ± %.2f %%, range %.2f–%.2f %%.", len(v), median(v), m, sd, lo, hi)
	if x, ok := pg.exps["rate-mode-one-hidden-layer"]; ok && x.Reference != "" {
		fmt.Fprintf(b, " Reference: %s.", strings.TrimSuffix(x.Reference, "."))
	}
	b.WriteString("\n\n")
	return nil
}
