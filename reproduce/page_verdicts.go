package reproduce

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/internal/stats"
)

// NotesDir is the folder (results/NotesDir) of the hand-written notes: one
// Markdown file per condition, NAME.md, which the page includes under
// "Where we differ from the paper". A note is data like the runs: it says
// what we found about a difference, from measurements, and is kept beside
// the numbers it explains.
const NotesDir = "notes"

// readNotes reads results/notes/*.md. A note whose name is not one of the
// experiments is an error (a misspelt note would otherwise vanish from the
// page), as is any other file in the folder.
func readNotes(results string, known map[string]bool) (map[string]string, error) {
	dir := filepath.Join(results, NotesDir)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	notes := map[string]string{}
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".md")
		if e.IsDir() || !ok {
			return nil, fmt.Errorf("%s: expected only NAME.md files, one per experiment", filepath.Join(dir, e.Name()))
		}
		if !known[name] {
			return nil, fmt.Errorf("%s: %q is not an experiment (dendrite reproduce --list)", filepath.Join(dir, e.Name()), name)
		}
		b, err := readStored(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		notes[name] = strings.TrimSpace(string(b))
	}
	return notes, nil
}

// verdict compares a condition's runs with the paper's number: differs when
// the mean of the seeds' final errors is further from it than the spread.
type verdict struct {
	ok            bool // the paper gives a number and there are runs
	differs       bool
	mean, d, sprd float64
	paper         float64
	text          string // the table's "vs the paper" cell
}

func (pg *page) verdictOf(name string) verdict {
	x, ok := pg.exps[name]
	rs := pg.runs[name]
	if !ok || !x.HasError || len(rs) == 0 {
		if _, has := pg.notes[name]; has && len(rs) > 0 {
			// no number to compare (angles, correlations …): the
			// note says how the run compares with the paper's figure
			return verdict{text: "see [what we found](#where-we-differ-from-the-paper)"}
		}
		return verdict{text: "–"}
	}
	var finals []float64
	for _, r := range rs {
		finals = append(finals, r.Final())
	}
	m, _, _, _ := stats.Summary(finals)
	v := verdict{ok: true, mean: m, paper: x.PaperError, d: m - x.PaperError, sprd: spreadOf(rs)}
	v.differs = math.Abs(v.d) > v.sprd
	if v.differs {
		v.text = fmt.Sprintf("**differs**: %+.2f points (spread %.2f); [what we found](#where-we-differ-from-the-paper)", v.d, v.sprd)
	} else {
		v.text = fmt.Sprintf("agrees: %+.2f points (spread %.2f)", v.d, v.sprd)
	}
	return v
}

// differences writes "Where we differ from the paper": every condition the
// table flags, with its note from results/notes/ (or a request for one),
// and the notes of conditions that are not flagged, so that no note is
// silently left off the page.
func (pg *page) differences(b *strings.Builder, conds []condition) {
	b.WriteString("## Where we differ from the paper\n\n")
	b.WriteString("Each condition the table flags as differing, with what we found about it; the notes are kept as\n" +
		"data in `results/" + NotesDir + "/NAME.md` and included here as written.\n\n")
	any := false
	for _, c := range conds {
		v := pg.verdictOf(c.name)
		note, has := pg.notes[c.name]
		if !v.differs && !has {
			continue
		}
		any = true
		switch {
		case v.differs:
			fmt.Fprintf(b, "### %s: %.2f %% against the paper's %.1f %% (%+.2f points, spread %.2f)\n\n", c.name, v.mean, v.paper, v.d, v.sprd)
		case v.ok:
			fmt.Fprintf(b, "### %s: %.2f %% against the paper's %.1f %% (agrees within the spread %.2f)\n\n", c.name, v.mean, v.paper, v.sprd)
		default:
			fmt.Fprintf(b, "### %s\n\n", c.name)
		}
		if has {
			b.WriteString(note + "\n\n")
		} else {
			fmt.Fprintf(b, "*No explanation written yet:* measure what could cause it and write results/%s/%s.md.\n\n", NotesDir, c.name)
		}
	}
	if !any {
		b.WriteString("No finished condition differs from the paper by more than its spread.\n\n")
	}
}

// bar is one of the criteria by which the reproduction is judged.
type bar struct {
	what, measured, status string
}

const (
	barMet     = "**met**"
	barNotMet  = "**not met**"
	barPending = "pending"
)

// plannedEpochs is the epoch count of an experiment's file (0 if unknown).
func (pg *page) plannedEpochs(name string) int {
	x, ok := pg.exps[name]
	if !ok {
		return 0
	}
	raw, err := x.Config()
	if err != nil {
		return 0
	}
	cfg, err := config.FromJSON(raw, nil)
	if err != nil {
		return 0
	}
	return cfg.Epochs
}

// finished returns the runs of name that ran the experiment's full length,
// and a reason when there are none.
func (pg *page) finished(name string) ([]*Stored, string) {
	rs := pg.runs[name]
	if len(rs) == 0 {
		return nil, name + " not run yet"
	}
	want := pg.plannedEpochs(name)
	var out []*Stored
	for _, r := range rs {
		if r.Summary.Epochs >= want {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("%s ran %d of its %d epochs", name, rs[0].Summary.Epochs, want)
	}
	return out, ""
}

// errorBar: every finished seed's mean of repeated tests at most limit.
func (pg *page) errorBar(name string, limit float64) bar {
	br := bar{what: fmt.Sprintf("%s: mean of 20 repeated tests ≤ %.1f %%", name, limit)}
	rs, why := pg.finished(name)
	if rs == nil {
		br.measured, br.status = why, barPending
		return br
	}
	var cells []string
	met, few := true, false
	for _, r := range rs {
		f := r.Final()
		cells = append(cells, fmt.Sprintf("seed %d: %.2f %% (%d tests)", r.Seed, f, len(r.Repeats)))
		if !(f <= limit) {
			met = false
		}
		if len(r.Repeats) < 20 {
			few = true
		}
	}
	br.measured = strings.Join(cells, "; ")
	switch {
	case !met:
		br.status = barNotMet
	case few:
		br.status = barPending + " (fewer than 20 repeated tests)"
	default:
		br.status = barMet
	}
	return br
}

// fullByEpoch maps epoch → full test error of a run (epochs ≥ 1).
func fullByEpoch(r *Stored) map[int]float64 {
	m := map[int]float64{}
	for _, x := range r.Metrics {
		if x.Kind == "full" && x.Epoch >= 1 {
			m[x.Epoch] = x.TestError
		}
	}
	return m
}

// aheadBar: two hidden layers have a lower full test error than one at
// every epoch both have, for every seed both have (the same seed compared).
func (pg *page) aheadBar() bar {
	br := bar{what: "two-hidden-layers ahead of one-hidden-layer at every epoch from epoch 1 (full tests, same seed)"}
	one, two := pg.runs["one-hidden-layer"], pg.runs["two-hidden-layers"]
	bySeed := map[int]*Stored{}
	for _, r := range one {
		bySeed[r.Seed] = r
	}
	var cells []string
	pairs, met := 0, true
	for _, t := range two {
		o := bySeed[t.Seed]
		if o == nil {
			continue
		}
		fo, ft := fullByEpoch(o), fullByEpoch(t)
		var eps []int
		for e := range ft {
			if _, ok := fo[e]; ok {
				eps = append(eps, e)
			}
		}
		if len(eps) == 0 {
			continue
		}
		sort.Ints(eps)
		pairs++
		behind := 0
		first := 0
		for _, e := range eps {
			if !(ft[e] < fo[e]) {
				behind++
				if first == 0 {
					first = e
				}
			}
		}
		c := fmt.Sprintf("seed %d: epoch 1 %.2f vs %.2f %%, ahead at %d of %d epochs", t.Seed, ft[eps[0]], fo[eps[0]], len(eps)-behind, len(eps))
		if behind > 0 {
			met = false
			c += fmt.Sprintf(" (first behind or equal: epoch %d)", first)
		}
		cells = append(cells, c)
	}
	if pairs == 0 {
		br.measured, br.status = "needs one-hidden-layer and two-hidden-layers runs of the same seed", barPending
		return br
	}
	br.measured = strings.Join(cells, "; ")
	_, w1 := pg.finished("one-hidden-layer")
	_, w2 := pg.finished("two-hidden-layers")
	switch {
	case !met:
		br.status = barNotMet
	case w1 != "" || w2 != "":
		br.status = barPending + " (so far ahead; " + strings.TrimSpace(w1+" "+w2) + ")"
	default:
		br.status = barMet
	}
	return br
}

// orderBar: condition better has a lower error than worse (first seeds'
// repeated tests, two-tailed t-test p < 0.05).
func (pg *page) orderBar(what, better, worse string) bar {
	br := bar{what: what}
	rb, wb := pg.finished(better)
	rw, ww := pg.finished(worse)
	if rb == nil || rw == nil {
		var why []string
		for _, w := range []string{wb, ww} {
			if w != "" {
				why = append(why, w)
			}
		}
		br.measured, br.status = strings.Join(why, "; "), barPending
		return br
	}
	a, c := rb[0], rw[0]
	if len(a.Repeats) < 2 || len(c.Repeats) < 2 {
		br.measured, br.status = "needs repeated tests of both", barPending
		return br
	}
	ma, _, _, _ := stats.Summary(a.Repeats)
	mc, _, _, _ := stats.Summary(c.Repeats)
	t, df, p := welch(a.Repeats, c.Repeats)
	br.measured = fmt.Sprintf("%s %.2f %% vs %s %.2f %% (seed %d vs %d; t = %.2f, df = %d, p = %.2g)", better, ma, worse, mc, a.Seed, c.Seed, t, df, p)
	if ma < mc && p < 0.05 {
		br.status = barMet
	} else {
		br.status = barNotMet
		if ma < mc {
			br.status += " (right direction, not significant)"
		}
	}
	return br
}

// angleStart is how many examples the angle bar leaves out: the paper's
// curves start at ≈ 90° (the feedback is random, so the first updates are
// orthogonal to backprop's on average), and whether the first sampled mean
// is 89.9° or 90.1° says nothing about learning.
const angleStart = 1000

// angleBar: after its start, the 100-example mean of the backprop angle
// stays below 90°.
func (pg *page) angleBar() (bar, error) {
	br := bar{what: fmt.Sprintf("backprop angle (100-example mean) stays below 90° after the first %d examples, where the paper's curves start at ≈ 90° (Fig. 7A)", angleStart)}
	var cells []string
	met := true
	var missing []string
	for _, name := range []string{"bp-angle-spiking-feedback", "bp-angle-rate-feedback"} {
		rs, why := pg.finished(name)
		if rs == nil {
			missing = append(missing, why)
			continue
		}
		for _, r := range rs {
			rows, err := readCSV(filepath.Join(r.Dir, BPAngleFile))
			if err != nil {
				return br, err
			}
			if len(rows) == 0 {
				missing = append(missing, fmt.Sprintf("%s seed %d has no %s", name, r.Seed, BPAngleFile))
				continue
			}
			ex, ang := column(rows, "example"), column(rows, "angle_mean100")
			hi, at := math.Inf(-1), 0.0
			for i, v := range ang {
				if ex[i] > angleStart && v > hi {
					hi, at = v, ex[i]
				}
			}
			if math.IsInf(hi, -1) {
				missing = append(missing, fmt.Sprintf("%s seed %d has no angle after example %d", name, r.Seed, angleStart))
				continue
			}
			cells = append(cells, fmt.Sprintf("%s seed %d: at most %.1f° (example %.0f)", name, r.Seed, hi, at))
			if !(hi < 90) {
				met = false
			}
		}
	}
	br.measured = strings.Join(append(cells, missing...), "; ")
	switch {
	case !met:
		br.status = barNotMet
	case len(missing) > 0:
		br.status = barPending
	default:
		br.status = barMet
	}
	return br, nil
}

// completeBar: every condition of the paper has a run of its full length.
func (pg *page) completeBar(conds []condition) bar {
	br := bar{what: "every experiment of the paper has a finished run of its full length"}
	var missing []string
	n := 0
	for _, c := range conds {
		if c.figure == notInPaper {
			continue
		}
		n++
		if rs, why := pg.finished(c.name); rs == nil {
			missing = append(missing, why)
		}
	}
	br.count(n, missing)
	return br
}

// seedsBar: the architectures of Fig. 6B have finished runs of seeds 1–3.
func (pg *page) seedsBar() bar {
	br := bar{what: "seeds 1, 2 and 3 of no-hidden-layer, one-hidden-layer and two-hidden-layers (the spread between networks)"}
	var missing []string
	for _, name := range []string{"no-hidden-layer", "one-hidden-layer", "two-hidden-layers"} {
		rs, _ := pg.finished(name)
		have := map[int]bool{}
		for _, r := range rs {
			have[r.Seed] = true
		}
		for k := 1; k <= 3; k++ {
			if !have[k] {
				missing = append(missing, fmt.Sprintf("%s seed %d", name, k))
			}
		}
	}
	br.count(9, missing)
	return br
}

// count sets a bar that needs n things, of which missing are not there yet:
// met when none is missing, pending otherwise.
func (br *bar) count(n int, missing []string) {
	br.measured = fmt.Sprintf("%d of %d", n-len(missing), n)
	if len(missing) > 0 {
		br.measured += "; missing: " + strings.Join(missing, ", ")
		br.status = barPending
	} else {
		br.status = barMet
	}
}

// verifyBar: re-running the first epoch of each stored run from its config
// and seed (dendrite reproduce --verify --save) gives its epoch-1 error,
// equal with the same build, within VerifyTolerance otherwise.
func (pg *page) verifyBar() bar {
	br := bar{what: fmt.Sprintf("re-running epoch 1 of a stored run from its config and seed gives its epoch-1 test error (to the bit with the same build, within %g points otherwise; `dendrite reproduce --verify DIR --save`)", VerifyTolerance)}
	var checked, bad, unchecked []string
	for _, name := range sortedKeys(pg.runs) {
		for _, r := range pg.runs[name] {
			id := fmt.Sprintf("%s seed %d", name, r.Seed)
			switch v := r.Verify; {
			case v == nil:
				unchecked = append(unchecked, id)
			case !v.OK():
				bad = append(bad, fmt.Sprintf("%s: stored %.2f %%, re-run %.2f %%", id, v.Stored, v.Rerun))
			default:
				how := "identical"
				if !v.Identical {
					how = fmt.Sprintf("%+.2f points", v.Diff())
				}
				checked = append(checked, fmt.Sprintf("%s (%.2f %%, %s)", id, v.Stored, how))
			}
		}
	}
	n := len(checked) + len(bad) + len(unchecked)
	br.measured = fmt.Sprintf("%d of %d stored runs checked", len(checked)+len(bad), n)
	if len(bad) > 0 {
		br.measured += "; disagree: " + strings.Join(bad, ", ")
	}
	if len(checked) > 0 {
		br.measured += "; agree: " + strings.Join(checked, ", ")
	}
	if len(unchecked) > 0 {
		br.measured += fmt.Sprintf("; not checked yet: %d", len(unchecked))
	}
	switch {
	case len(bad) > 0:
		br.status = barNotMet
	case len(unchecked) > 0 || n == 0:
		br.status = barPending
	default:
		br.status = barMet
	}
	return br
}

// bars writes the criteria by which the reproduction is judged, each met,
// not met or pending, from results/ alone.
func (pg *page) bars(b *strings.Builder, conds []condition) error {
	b.WriteString("## The reproduction's bars\n\n")
	b.WriteString("What the reproduction must show, each judged from results/ only: **met**, **not met**, or pending (the\n" +
		"runs it needs are not finished: a run counts when it ran its experiment's full number of epochs).\n\n")
	b.WriteString("| bar | measured | status |\n|---|---|---|\n")
	bs := []bar{pg.completeBar(conds), pg.seedsBar()}
	for _, e := range []struct {
		name  string
		limit float64
	}{{"no-hidden-layer", 8.8}, {"one-hidden-layer", 4.6}, {"two-hidden-layers", 3.7}, {"sparse-feedback", 4.2}, {"symmetric-feedback", 4.1}} {
		bs = append(bs, pg.errorBar(e.name, e.limit))
	}
	bs = append(bs, pg.aheadBar(),
		pg.orderBar("sparse feedback better than regular (Fig. 8B)", "sparse-feedback", "one-hidden-layer"),
		pg.orderBar("symmetric feedback better than random (Fig. 8D)", "symmetric-feedback", "one-hidden-layer"),
		pg.orderBar("g_A = 0.6 clearly worse than g_A = 0 (Fig. 9B)", "two-hidden-layers", "apical-conductance-0.6"))
	ab, err := pg.angleBar()
	if err != nil {
		return err
	}
	bs = append(bs, ab, pg.verifyBar())
	for _, br := range bs {
		fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(br.what), mdCell(br.measured), br.status)
	}
	b.WriteString("\nThe error bars are half a point above the paper's numbers; \"better\" and \"worse\" need the direction\n" +
		"and a two-tailed t-test on the first seeds' repeated tests with p < 0.05.\n\n")
	return nil
}
