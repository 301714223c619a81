package plot

import (
	"errors"
	"fmt"
	"github.com/dendrite-lab/dendrite/rundir"
	"math"
	"sort"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ErrNoData is returned by a drawing function whose input holds nothing to
// draw (for example no finite value). [All] skips such figures.
var ErrNoData = errors.New("plot: nothing to draw")

// Metric is one row of metrics.csv (the type is package rundir's, which
// owns the run folder's files).
type Metric = rundir.Metric

func isFull(m Metric) bool { return m.IsFull() }

// lineStyle returns a solid line of palette colour i.
func lineStyle(i int, width float64) draw.LineStyle {
	return draw.LineStyle{Color: Palette[i%len(Palette)], Width: vg.Points(width)}
}

func addLine(p *gplot.Plot, name string, pts plotter.XYs, sty draw.LineStyle, glyph draw.GlyphDrawer) error {
	if len(pts) == 0 {
		return nil
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.LineStyle = sty
	p.Add(l)
	var thumbs []gplot.Thumbnailer
	thumbs = append(thumbs, l)
	if glyph != nil {
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: sty.Color, Radius: vg.Points(2.6), Shape: glyph}
		p.Add(s)
		thumbs = append(thumbs, s)
	}
	if name != "" {
		p.Legend.Add(name, thumbs...)
	}
	return nil
}

// CurveOptions add context to a run's learning curve.
type CurveOptions struct {
	// Paper, when > 0, is the paper's final test error for this experiment
	// (%), drawn as a dashed reference line labelled PaperLabel.
	Paper      float64
	PaperLabel string
	// PaperEpochs is the number of epochs after which the paper reports
	// Paper (0 = not stated).
	PaperEpochs int
	// FullImages and QuickImages are the sizes of the full and the quick
	// tests (0 = unknown), stated in the legend.
	FullImages, QuickImages int
}

// LearningCurve draws the learning curves of one run (file "learning_curve"):
// the full tests (kinds "initial" and "full") and the training error per
// epoch against the epoch, and, in a second panel when there are quick
// tests, the quick-test error against the number of training examples.
// Error axes are logarithmic.
//
// trainingErrors, when not nil, gives the training error of each epoch
// (records/training_errors.npy, epoch i+1 at index i); otherwise the
// train_error of each "full" row is used.
func LearningCurve(metrics []Metric, trainingErrors []float64) (*Figure, error) {
	return LearningCurveWith(metrics, trainingErrors, CurveOptions{})
}

// LearningCurveWith is [LearningCurve] with the paper's number and the test
// sizes of opt.
func LearningCurveWith(metrics []Metric, trainingErrors []float64, opt CurveOptions) (*Figure, error) {
	var full, quick, fullEx, train plotter.XYs
	for _, m := range metrics {
		if !finite(m.TestError) {
			continue
		}
		switch {
		case isFull(m):
			full = append(full, plotter.XY{X: float64(m.Epoch), Y: m.TestError})
			if finite(m.Examples) {
				fullEx = append(fullEx, plotter.XY{X: m.Examples, Y: m.TestError})
			}
			if trainingErrors == nil && m.Kind == "full" && finite(m.TrainError) {
				train = append(train, plotter.XY{X: float64(m.Epoch), Y: m.TrainError})
			}
		case m.Kind == "quick" && finite(m.Examples):
			quick = append(quick, plotter.XY{X: m.Examples, Y: m.TestError})
		}
	}
	if trainingErrors != nil {
		train = xyFinite(nil, trainingErrors, 1)
	}
	if len(full) == 0 && len(quick) == 0 && len(train) == 0 {
		return nil, ErrNoData
	}
	fullName, quickName := "test error (full test)", "quick test"
	if opt.FullImages > 0 {
		fullName = fmt.Sprintf("test error (full test, %s images)", thousands(opt.FullImages))
	}
	if opt.QuickImages > 0 {
		quickName = fmt.Sprintf("quick test (%s images)", thousands(opt.QuickImages))
	}
	var panels []*gplot.Plot
	if len(full) > 0 || len(train) > 0 {
		p := newPlot("Error per epoch", "epoch", "error (%)")
		sortXY(full)
		sortXY(train)
		full, z1 := logXY(full)
		train, z2 := logXY(train)
		zeros := z1 + z2
		if err := addLine(p, fullName, full, lineStyle(0, 2), draw.CircleGlyph{}); err != nil {
			return nil, err
		}
		if err := addLine(p, "training error (forward phase)", train, dashedStyle(1, 1.6), draw.BoxGlyph{}); err != nil {
			return nil, err
		}
		paperLine(p, opt)
		logErrorAxis(p, zeros, legendRows(opt, len(full) > 0, len(train) > 0))
		p.X.Tick.Marker = niceTicks{Integer: true}
		padX(p, 0.5)
		p.Legend.Top = true
		panels = append(panels, p)
	}
	if len(quick) > 0 {
		p := newPlot("Test error during training", "training examples", "test error (%)")
		sortXY(quick)
		sortXY(fullEx)
		quick, z1 := logXY(quick)
		fullEx, z2 := logXY(fullEx)
		zeros := z1 + z2
		if err := addLine(p, quickName, quick, lineStyle(2, 1.4), nil); err != nil {
			return nil, err
		}
		// Full tests as markers only (zero line width), in the test colour.
		fullMarks := "full test"
		if opt.FullImages > 0 {
			fullMarks = fmt.Sprintf("full test (%s images)", thousands(opt.FullImages))
		}
		if err := addLine(p, fullMarks, fullEx, draw.LineStyle{Color: Palette[0]}, draw.CircleGlyph{}); err != nil {
			return nil, err
		}
		paperLine(p, opt)
		logErrorAxis(p, zeros, legendRows(opt, true, len(fullEx) > 0))
		p.X.Tick.Marker = niceTicks{Thousands: true}
		padLeft(p)
		panels = append(panels, p)
	}
	h := defaultHeight
	if len(panels) == 2 {
		h = px(880)
	}
	return stackedFigure("learning_curve", "Learning curves", defaultWidth, h, panels), nil
}

// legendRows counts the legend entries of a learning-curve panel with
// lines a and b (each present or not) and the paper's line.
func legendRows(opt CurveOptions, a, b bool) int {
	n := 0
	for _, x := range []bool{a, b, opt.Paper > 0} {
		if x {
			n++
		}
	}
	return n
}

// thousands writes n with comma thousands separators (10,000).
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// logXY returns the points of pts with y mapped to log10, leaving out those
// at or below 0 (a log axis cannot show them), and how many it left out.
func logXY(pts plotter.XYs) (plotter.XYs, int) {
	out := make(plotter.XYs, 0, len(pts))
	for _, q := range pts {
		if q.Y > 0 {
			out = append(out, plotter.XY{X: q.X, Y: math.Log10(q.Y)})
		}
	}
	return out, len(pts) - len(out)
}

// paperLine draws the paper's number as a dashed line on a log10 error axis.
func paperLine(p *gplot.Plot, opt CurveOptions) {
	if !(opt.Paper > 0) {
		return
	}
	r := &refLine{Value: math.Log10(opt.Paper), Style: draw.LineStyle{Color: rgb(0x44, 0x44, 0x44), Width: vg.Points(1.2), Dashes: dashed}}
	p.Add(r)
	label := opt.PaperLabel
	if label == "" {
		label = fmt.Sprintf("paper: %g %%", opt.Paper)
	}
	p.Legend.Add(label, r)
}

// logErrorAxis labels a log10-mapped error axis in percent, with a little
// room above and below; zeros, the number of 0 % points left out, is said
// in the axis label; legendRows entries of a top legend get room above the
// data.
func logErrorAxis(p *gplot.Plot, zeros, legendRows int) {
	p.Y.Tick.Marker = logTicks{Percent: true}
	p.Y.Label.Text += " (log scale)"
	if zeros > 0 {
		p.Y.Label.Text += fmt.Sprintf("; %d tests at 0 %% not shown", zeros)
	}
	lo, hi := p.Y.Min, p.Y.Max
	if !(hi > lo) {
		lo, hi = lo-0.1, hi+0.1
	}
	p.Y.Min, p.Y.Max = lo-0.04*(hi-lo), hi+0.04*(hi-lo)
	legendRoom(p, legendRows)
}

func dashedStyle(i int, width float64) draw.LineStyle {
	s := lineStyle(i, width)
	s.Dashes = dashed
	return s
}

func sortXY(pts plotter.XYs) {
	sort.SliceStable(pts, func(a, b int) bool { return pts[a].X < pts[b].X })
}

// padX widens the x range by units on both sides.
func padX(p *gplot.Plot, units float64) {
	p.X.Min -= units
	p.X.Max += units
}

// padLeft starts a count axis slightly before 0 so that markers at 0 clear
// the y axis.
func padLeft(p *gplot.Plot) {
	p.X.Min = math.Min(p.X.Min, 0)
	p.X.Min -= (p.X.Max - p.X.Min) * 0.015
}

// Series is one named per-example series, e.g. a record over training
// examples.
type Series struct {
	// Label names the series in the legend.
	Label string
	// Y holds one value per training example (index = example).
	Y []float64
}

// rawAndMean adds each series to p as a faint raw line (an opaque tint, so
// that overlapping segments do not darken in any renderer) and then, on top
// of all raw lines, each series' bold sliding mean. It returns the legend
// entries (none when nothing was drawn): two for a single unlabelled series,
// else one per series (its bold line). colours gives the palette index of
// each series.
func rawAndMean(p *gplot.Plot, series []Series, colours []int, window int) ([]legendItem, error) {
	var items []legendItem
	var means []*plotter.Line
	var labels []string
	for i, s := range series {
		raw := xyFinite(nil, s.Y, 0)
		if len(raw) == 0 {
			continue
		}
		w := window
		if w <= 0 {
			w = DefaultWindow(len(s.Y))
		}
		// The raw line is drawn in chunks: the PNG rasteriser slows down
		// sharply on one long, dense path.
		env := envelope(raw, maxDrawnPoints/2)
		var l *plotter.Line
		for start := 0; start < len(env); start += rawChunk {
			end := min(start+rawChunk+1, len(env))
			c, err := plotter.NewLine(env[start:end])
			if err != nil {
				return nil, err
			}
			c.LineStyle = draw.LineStyle{Color: tint(Palette[colours[i]], 0.35), Width: vg.Points(0.6)}
			p.Add(c)
			if l == nil {
				l = c
			}
		}
		m, err := plotter.NewLine(thin(xyFinite(nil, SlidingMean(s.Y, w), 0), maxDrawnPoints))
		if err != nil {
			return nil, err
		}
		m.LineStyle = lineStyle(colours[i], 2.2)
		means = append(means, m)
		if s.Label == "" {
			items = append(items, legendItem{"per example", []gplot.Thumbnailer{l}})
			labels = append(labels, fmt.Sprintf("sliding mean (%d examples)", w))
		} else {
			labels = append(labels, s.Label)
		}
	}
	for i, m := range means {
		p.Add(m)
		items = append(items, legendItem{labels[i], []gplot.Thumbnailer{m}})
	}
	return items, nil
}

// rawChunk is the number of segments per path of a faint raw line.
const rawChunk = 64

// legendRoom raises the top of the y axis so that a legend of rows entries
// at the top of the plot clears the data.
func legendRoom(p *gplot.Plot, rows int) {
	frac := math.Min(0.6, 0.02+0.05*float64(rows))
	p.Y.Max = p.Y.Min + (p.Y.Max-p.Y.Min)/(1-frac)
}

// Loss draws the per-example final-layer loss (records/final_layer_loss.npy)
// faint, with its sliding mean over window examples bold (file "loss").
// window ≤ 0 selects [DefaultWindow].
func Loss(loss []float64, window int) (*Figure, error) {
	p := newPlot("Output-layer loss during training", "training example", "output loss")
	items, err := rawAndMean(p, []Series{{Y: loss}}, []int{0}, window)
	if err != nil || len(items) == 0 {
		return nil, orNoData(err)
	}
	p.X.Tick.Marker = niceTicks{Thousands: true}
	p.Y.Tick.Marker = niceTicks{}
	if p.Y.Min > 0 {
		p.Y.Min = 0
	}
	// A few huge losses (typically the first examples) would flatten the
	// rest: clip the axis at the 99.5th percentile of the values or the
	// highest sliding mean after the first window, whichever is higher.
	if top := robustMax(loss, window); top < p.Y.Max {
		p.Y.Max = top
		p.Title.Text += " (y axis clipped at the 99.5th percentile)"
	}
	return legendFigure("loss", "Output-layer loss", p, items), nil
}

// robustMax returns 1.05 × max(99.5th percentile of y, max of the sliding
// mean after its first window).
func robustMax(y []float64, window int) float64 {
	if window <= 0 {
		window = DefaultWindow(len(y))
	}
	var v []float64
	for _, x := range y {
		if finite(x) {
			v = append(v, x)
		}
	}
	if len(v) < 200 {
		return math.Inf(1)
	}
	sort.Float64s(v)
	top := v[int(0.995*float64(len(v)-1))]
	m := SlidingMean(y, window)
	for i := window; i < len(m); i++ {
		if finite(m[i]) {
			top = math.Max(top, m[i])
		}
	}
	return top * 1.05
}

func orNoData(err error) error {
	if err != nil {
		return err
	}
	return ErrNoData
}

// BPAngle draws the angle between the hidden-layer update and the backprop
// update (records/bp_angles.npy, degrees) faint, with its sliding mean over
// window examples bold and a dashed line at 90° (file "bp_angle").
// window ≤ 0 selects [DefaultWindow].
func BPAngle(angles []float64, window int) (*Figure, error) {
	p := newPlot("Hidden-layer update vs backpropagation", "training example", "angle to backprop update (°)")
	items, err := rawAndMean(p, []Series{{Y: angles}}, []int{0}, window)
	if err != nil || len(items) == 0 {
		return nil, orNoData(err)
	}
	ref := &refLine{Value: 90, Style: draw.LineStyle{Color: rgb(0x44, 0x44, 0x44), Width: vg.Points(1.2), Dashes: dashed}}
	p.Add(ref)
	items = append(items, legendItem{"90° (orthogonal)", []gplot.Thumbnailer{ref}})
	p.X.Tick.Marker = niceTicks{Thousands: true}
	p.Y.Tick.Marker = niceTicks{}
	p.Y.Min = math.Max(0, math.Min(p.Y.Min, 90)-5)
	p.Y.Max = math.Max(p.Y.Max, 90) + 5
	return legendFigure("bp_angle", "Angle to the backprop update", p, items), nil
}

// Eigvals draws per-example maximum eigenvalues of (I−U)ᵀ(I−U)
// (records/max_jacobian_eigvals.npy and the optional _prodmean and
// max_weight_eigvals variants), each faint with a bold sliding mean, and a
// dashed line at 1: Theorem 1 of the paper asks for values below 1 (file
// "eigvals"). The y axis is logarithmic when no value is negative and the
// positive values span more than three decades (zeros are then left out).
func Eigvals(series []Series, window int) (*Figure, error) {
	p := newPlot("Theorem 1 condition (max eigenvalue < 1)", "training example", "max eigenvalue of (I−U)ᵀ(I−U)")
	// lo and hi are the extreme positive values; neg counts negative ones.
	lo, hi, neg := math.Inf(1), math.Inf(-1), 0
	colours := make([]int, len(series))
	for i, s := range series {
		colours[i] = i * 2 % len(Palette)
		for _, v := range s.Y {
			switch {
			case finite(v) && v > 0:
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			case v < 0:
				neg++
			}
		}
	}
	// A wide positive range is drawn on a log axis. The values are mapped
	// to log10 and drawn on a linear axis with power-of-ten labels (the
	// sliding mean is then a geometric mean); gonum's LogScale misplaces
	// the y-axis label's extent, which shrinks the plot.
	logY := neg == 0 && hi/lo > 1000
	ref := 1.0
	if logY {
		ls := make([]Series, len(series))
		for i, s := range series {
			ls[i] = Series{Label: s.Label, Y: make([]float64, len(s.Y))}
			for j, v := range s.Y {
				ls[i].Y[j] = math.Log10(v)
			}
		}
		series, ref = ls, 0
	}
	items, err := rawAndMean(p, series, colours, window)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, ErrNoData
	}
	if len(series) > 1 {
		w := window
		if w <= 0 {
			w = DefaultWindow(len(series[0].Y))
		}
		items = append(items, legendItem{Text: fmt.Sprintf("(bold: %d-example sliding mean; faint: per example)", w)})
	}
	line := &refLine{Value: ref, Style: draw.LineStyle{Color: rgb(0x44, 0x44, 0x44), Width: vg.Points(1.2), Dashes: dashed}}
	p.Add(line)
	items = append(items, legendItem{"1 (Theorem 1 bound)", []gplot.Thumbnailer{line}})
	p.X.Tick.Marker = niceTicks{Thousands: true}
	if logY {
		p.Y.Tick.Marker = log10Ticks{}
		p.Y.Label.Text += " (log scale)"
		p.Y.Min -= 0.15
		p.Y.Max += 0.15
	} else {
		p.Y.Tick.Marker = niceTicks{}
		if p.Y.Min > 0 {
			p.Y.Min = 0
		}
		p.Y.Max += (p.Y.Max - p.Y.Min) * 0.04
	}
	return legendFigure("eigvals", "Theorem 1 eigenvalue condition", p, items), nil
}

// Run is the learning-curve data of one run, for [CompareEpochs] and
// [CompareExamples].
type Run struct {
	// Label names the run in the legend; runs with the same label (the
	// seeds of one condition) form one group, drawn as their mean ± s.d.
	Label string
	// Metrics are the rows of its metrics.csv.
	Metrics []Metric
	// FullImages and QuickImages are its full and quick test sizes (0 =
	// unknown).
	FullImages, QuickImages int
	// Paper, when > 0, is the paper's final test error (%) of the
	// experiment the run is one of, reported after PaperEpochs epochs (0 =
	// not stated): CompareEpochs marks it at that epoch with the run's
	// group (as a dashed line when the epoch is not stated).
	Paper       float64
	PaperEpochs int
}

// compareGroups groups runs by label (in order of first appearance) and
// takes from each run the points keep selects, as x and y.
func compareGroups(runs []Run, keep func(m Metric) (x float64, ok bool), size func(r Run) int) ([]Group, []int) {
	var groups []Group
	var sizes [][]int
	index := map[string]int{}
	for _, r := range runs {
		var x, y []float64
		for _, m := range r.Metrics {
			if xv, ok := keep(m); ok && finite(m.TestError) && finite(xv) {
				x, y = append(x, xv), append(y, m.TestError)
			}
		}
		if len(x) == 0 {
			continue
		}
		i, ok := index[r.Label]
		if !ok {
			i = len(groups)
			index[r.Label] = i
			g := Group{Label: r.Label, Paper: math.NaN(), PaperX: math.NaN()}
			if r.Paper > 0 {
				g.Paper = r.Paper
				if r.PaperEpochs > 0 {
					g.PaperX = float64(r.PaperEpochs)
				}
			}
			groups = append(groups, g)
			sizes = append(sizes, nil)
		}
		groups[i].X, groups[i].Y = append(groups[i].X, x), append(groups[i].Y, y)
		sizes[i] = append(sizes[i], size(r))
	}
	// One size per group when its runs agree (0 when unknown or mixed).
	one := make([]int, len(groups))
	for i, s := range sizes {
		one[i] = s[0]
		for _, v := range s {
			if v != s[0] {
				one[i] = 0
			}
		}
	}
	return groups, one
}

// sizeText says the test size of the groups: in the title when they all
// agree, else in each group's label.
func sizeText(groups []Group, sizes []int, what string) string {
	all := len(sizes) > 0 && sizes[0] > 0
	for _, s := range sizes {
		all = all && s == sizes[0]
	}
	if all {
		return fmt.Sprintf(", %s of %s images", what, thousands(sizes[0]))
	}
	for i := range groups {
		if sizes[i] > 0 {
			groups[i].Label += fmt.Sprintf(" (%s images)", thousands(sizes[i]))
		}
	}
	return ""
}

// CompareEpochs overlays the full-test error against the epoch of several
// runs on a log error axis (file "compare_epoch"). Runs with the same label
// are the seeds of one condition: each is drawn faint and their mean bold
// with a ± s.d. band; the mean at an epoch is over the runs that reached it.
// A group whose runs are one of the paper's experiments (Run.Paper) has the
// paper's number marked at its epoch.
// Quick tests are not drawn here (see [CompareExamples]).
func CompareEpochs(runs []Run) (*Figure, error) {
	groups, sizes := compareGroups(runs, func(m Metric) (float64, bool) { return float64(m.Epoch), isFull(m) },
		func(r Run) int { return r.FullImages })
	if len(groups) == 0 {
		return nil, ErrNoData
	}
	title := "Test error per epoch (full tests" + sizeText(groups, sizes, "tests") + ")"
	f, err := Lines(groups, LineOptions{Name: "compare_epoch", Title: title, XLabel: "epoch", YLabel: "test error (%)",
		LogY: true, Percent: true, IntegerX: true, Ref: math.NaN(), YMin: math.NaN(), YMax: math.NaN()})
	return f, err
}

// CompareExamples overlays the quick-test error against the number of
// training examples of several runs, grouped as in [CompareEpochs] (file
// "compare_examples"). Only quick tests are drawn; runs without any are
// left out, and with no quick test at all the figure is ErrNoData.
func CompareExamples(runs []Run) (*Figure, error) {
	groups, sizes := compareGroups(runs, func(m Metric) (float64, bool) { return m.Examples, m.Kind == "quick" },
		func(r Run) int { return r.QuickImages })
	if len(groups) == 0 {
		return nil, ErrNoData
	}
	for i := range groups {
		// the paper's end points are marked in CompareEpochs; here they
		// would be lines hidden under the noisy quick tests
		groups[i].Paper = math.NaN()
	}
	title := "Test error during training (quick tests" + sizeText(groups, sizes, "tests") + ")"
	return Lines(groups, LineOptions{Name: "compare_examples", Title: title, XLabel: "training examples", YLabel: "test error (%)",
		LogY: true, Percent: true, Ref: math.NaN(), YMin: math.NaN(), YMax: math.NaN()})
}

// glyphs are the marker shapes paired with palette colours, so classes and
// runs stay distinguishable without colour: five filled shapes, then five
// outlined ones drawn with a thick stroke.
var glyphs = []draw.GlyphDrawer{
	shapeGlyph{shape: 'o', filled: true}, shapeGlyph{shape: 's', filled: true},
	shapeGlyph{shape: '^', filled: true}, shapeGlyph{shape: 'd', filled: true},
	shapeGlyph{shape: 'v', filled: true}, shapeGlyph{shape: 'o'},
	shapeGlyph{shape: '+'}, shapeGlyph{shape: 's'}, shapeGlyph{shape: 'x'},
	shapeGlyph{shape: '^'},
}

// shapeGlyph draws a circle 'o', square 's', triangle up '^' or down 'v',
// diamond 'd', plus '+' or cross 'x', filled or outlined with a 1.3 pt
// stroke.
type shapeGlyph struct {
	shape  byte
	filled bool
}

func (g shapeGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var p vg.Path
	poly := func(pts ...[2]float64) {
		for i, q := range pts {
			v := vg.Point{X: pt.X + vg.Length(q[0])*r, Y: pt.Y + vg.Length(q[1])*r}
			if i == 0 {
				p.Move(v)
			} else {
				p.Line(v)
			}
		}
		p.Close()
	}
	stroke := draw.LineStyle{Color: sty.Color, Width: vg.Points(1.3)}
	switch g.shape {
	case 's':
		poly([2]float64{-0.9, -0.9}, [2]float64{0.9, -0.9}, [2]float64{0.9, 0.9}, [2]float64{-0.9, 0.9})
	case '^':
		poly([2]float64{0, 1.25}, [2]float64{1.1, -0.7}, [2]float64{-1.1, -0.7})
	case 'v':
		poly([2]float64{0, -1.25}, [2]float64{1.1, 0.7}, [2]float64{-1.1, 0.7})
	case 'd':
		poly([2]float64{0, 1.3}, [2]float64{1.1, 0}, [2]float64{0, -1.3}, [2]float64{-1.1, 0})
	case '+', 'x':
		d := 1.2 * r
		a, b := vg.Point{X: d}, vg.Point{Y: d}
		if g.shape == 'x' {
			d = 0.9 * r
			a, b = vg.Point{X: d, Y: d}, vg.Point{X: d, Y: -d}
		}
		c.StrokeLine2(stroke, pt.X-a.X, pt.Y-a.Y, pt.X+a.X, pt.Y+a.Y)
		c.StrokeLine2(stroke, pt.X-b.X, pt.Y-b.Y, pt.X+b.X, pt.Y+b.Y)
		return
	default:
		p.Move(vg.Point{X: pt.X + r, Y: pt.Y})
		p.Arc(pt, r, 0, 2*math.Pi)
		p.Close()
	}
	if g.filled {
		c.SetColor(sty.Color)
		c.Fill(p)
		return
	}
	c.SetLineStyle(stroke)
	c.Stroke(p)
}
