package plot

import (
	"math"
	"sort"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Group is one condition of a comparison figure: one series per run (seed),
// each as X and Y of equal length. With several runs the figure draws each
// run faint and the mean across runs bold with a ± s.d. band; the mean and
// s.d. at an x are taken over the runs that have a value there.
type Group struct {
	// Label names the condition in the legend.
	Label string
	// X and Y hold one series per run.
	X, Y [][]float64
	// Paper, when finite, is the paper's value, drawn at PaperX as a hollow
	// marker of the group's colour (or as a dashed line when PaperX is NaN).
	Paper, PaperX float64
}

// LineOptions configure [Lines].
type LineOptions struct {
	Name, Title, XLabel, YLabel string
	// LogY draws y on a logarithmic axis (positive values only); Percent
	// leaves out its ticks above 100.
	LogY, Percent bool
	// Ref, when finite, draws a dashed horizontal reference line labelled
	// RefLabel.
	Ref      float64
	RefLabel string
	// YMin and YMax, when finite, fix the y range (in data units).
	YMin, YMax float64
	// IntegerX labels the x axis with integers (epochs).
	IntegerX bool
	// Markers marks each group's mean line at its points with the group's
	// marker shape, so that many groups stay apart without colour.
	Markers bool
}

// Lines draws groups of series against a shared x axis, the form of the
// results page's curves (error per epoch, backprop angle, eigenvalue): for
// each group every run faint, the mean bold with a ± s.d. band over runs
// when there are several, and the paper's value as a hollow marker or a
// dashed line. Colours follow [Palette] in group order.
func Lines(groups []Group, o LineOptions) (*Figure, error) {
	p := newPlot(o.Title, o.XLabel, o.YLabel)
	tr := func(v float64) float64 { return v }
	if o.LogY {
		tr = func(v float64) float64 {
			if v <= 0 {
				return math.NaN()
			}
			return math.Log10(v)
		}
	}
	var items []legendItem
	drawn := 0
	// Bands first, then every run's faint line, then the means and the
	// paper's marks, so that no band hides another group's line.
	var bands, faintLines, top []gplot.Plotter
	for gi, g := range groups {
		col := Palette[gi%len(Palette)]
		xs, mean, sd := meanOver(g.X, g.Y)
		if len(g.Y) > 1 {
			var band plotter.XYs
			for i := range xs {
				if finite(sd[i]) {
					band = append(band, plotter.XY{X: xs[i], Y: tr(mean[i] + sd[i])})
				}
			}
			for i := len(xs) - 1; i >= 0; i-- {
				if finite(sd[i]) {
					band = append(band, plotter.XY{X: xs[i], Y: tr(math.Max(mean[i]-sd[i], 1e-9))})
				}
			}
			band = finiteXY(band)
			if len(band) >= 3 {
				poly, err := plotter.NewPolygon(band)
				if err != nil {
					return nil, err
				}
				poly.Color = tint(col, 0.18)
				poly.LineStyle.Width = 0
				bands = append(bands, poly)
			}
			for r := range g.Y {
				pts := finiteXY(xyMap(g.X[r], g.Y[r], tr))
				if len(pts) == 0 {
					continue
				}
				l, err := plotter.NewLine(pts)
				if err != nil {
					return nil, err
				}
				l.LineStyle = draw.LineStyle{Color: tint(col, 0.45), Width: vg.Points(0.8)}
				faintLines = append(faintLines, l)
			}
		}
		pts := finiteXY(xyMap(xs, mean, tr))
		if len(pts) == 0 {
			continue
		}
		drawn++
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.LineStyle = lineStyle(gi, 2)
		top = append(top, l)
		thumbs := []gplot.Thumbnailer{l}
		if o.Markers {
			s, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3.5), Shape: glyphs[gi%len(glyphs)]}
			top = append(top, s)
			thumbs = append(thumbs, s)
		}
		label := g.Label
		if len(g.Y) > 1 {
			label += " (mean ± s.d. of " + strconv.Itoa(len(g.Y)) + " seeds)"
		}
		items = append(items, legendItem{label, thumbs})
		if finite(g.Paper) {
			if finite(g.PaperX) {
				s, err := plotter.NewScatter(plotter.XYs{{X: g.PaperX, Y: tr(g.Paper)}})
				if err != nil {
					return nil, err
				}
				s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(5), Shape: shapeGlyph{shape: 'd'}}
				top = append(top, s)
				items = append(items, legendItem{"paper: " + g.Label, []gplot.Thumbnailer{s}})
			} else {
				r := &refLine{Value: tr(g.Paper), Style: draw.LineStyle{Color: col, Width: vg.Points(1.2), Dashes: dashed}}
				top = append(top, r)
				items = append(items, legendItem{"paper: " + g.Label, []gplot.Thumbnailer{r}})
			}
		}
	}
	for _, layer := range [][]gplot.Plotter{bands, faintLines, top} {
		p.Add(layer...)
	}
	if drawn == 0 {
		return nil, ErrNoData
	}
	if finite(o.Ref) {
		r := &refLine{Value: tr(o.Ref), Style: draw.LineStyle{Color: rgb(0x44, 0x44, 0x44), Width: vg.Points(1.2), Dashes: dashed}}
		p.Add(r)
		items = append(items, legendItem{o.RefLabel, []gplot.Thumbnailer{r}})
	}
	if finite(o.YMin) {
		p.Y.Min = tr(o.YMin)
	}
	if finite(o.YMax) {
		p.Y.Max = tr(o.YMax)
	}
	if o.LogY {
		p.Y.Tick.Marker = logTicks{Percent: o.Percent}
		p.Y.Label.Text += " (log scale)"
		lo, hi := p.Y.Min, p.Y.Max
		p.Y.Min, p.Y.Max = lo-0.03*(hi-lo), hi+0.03*(hi-lo)
	} else {
		p.Y.Tick.Marker = niceTicks{}
		if !finite(o.YMax) {
			p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
		}
	}
	if o.IntegerX {
		p.X.Tick.Marker = niceTicks{Integer: true}
		padX(p, 0.5)
	} else {
		p.X.Tick.Marker = niceTicks{Thousands: true}
	}
	return legendFigure(o.Name, o.Title, p, items), nil
}

func xyMap(x, y []float64, tr func(float64) float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(y))
	for i := range y {
		pts = append(pts, plotter.XY{X: x[i], Y: tr(y[i])})
	}
	return pts
}

func finiteXY(pts plotter.XYs) plotter.XYs {
	out := pts[:0:0]
	for _, q := range pts {
		if finite(q.X) && finite(q.Y) {
			out = append(out, q)
		}
	}
	return out
}

// meanOver returns the sorted union of the runs' x values and, at each, the
// mean and sample s.d. (NaN for fewer than two values) of the runs' y there.
func meanOver(xs, ys [][]float64) (x, mean, sd []float64) {
	vals := map[float64][]float64{}
	for r := range ys {
		for i, v := range ys[r] {
			if finite(v) && finite(xs[r][i]) {
				vals[xs[r][i]] = append(vals[xs[r][i]], v)
			}
		}
	}
	for k := range vals {
		x = append(x, k)
	}
	sort.Float64s(x)
	for _, k := range x {
		v := vals[k]
		m := 0.0
		for _, a := range v {
			m += a
		}
		m /= float64(len(v))
		s := math.NaN()
		if len(v) > 1 {
			s = 0
			for _, a := range v {
				s += (a - m) * (a - m)
			}
			s = math.Sqrt(s / float64(len(v)-1))
		}
		mean, sd = append(mean, m), append(sd, s)
	}
	return x, mean, sd
}

// logTicks labels a log10-mapped axis at 1, 2, 3, 5 × powers of ten (and
// minor ticks at the other integers), which suits error rates between a few
// and a hundred percent better than powers of ten alone.
type logTicks struct {
	// Percent leaves out ticks above 100 (an error rate's axis padded
	// upwards for a legend).
	Percent bool
}

func (lt logTicks) Ticks(min, max float64) []gplot.Tick {
	if !(max > min) || math.IsInf(min, 0) || math.IsInf(max, 0) {
		return niceTicks{}.Ticks(min, max)
	}
	var ticks []gplot.Tick
	for e := int(math.Floor(min)); e <= int(math.Ceil(max)); e++ {
		for m := 1; m <= 9; m++ {
			v := float64(e) + math.Log10(float64(m))
			if v < min || v > max || (lt.Percent && v > 2+1e-9) {
				continue
			}
			t := gplot.Tick{Value: v}
			if m == 1 || m == 2 || m == 3 || m == 5 || (max-min < 0.6) {
				t.Label = strconv.FormatFloat(float64(m)*math.Pow(10, float64(e)), 'g', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// Spread is one condition of [FinalErrors]: the repeated tests of each run.
type Spread struct {
	// Label names the condition on the x axis.
	Label string
	// Runs holds the repeated test errors of each run (seed).
	Runs [][]float64
	// Paper is the paper's value, NaN when it gives none.
	Paper float64
}

// FinalErrors draws the final test errors of several conditions side by
// side, as the right panels of the paper's Fig. 8 and 9: for every run the
// mean of its repeated tests as a filled marker with a bar over their
// min–max range, and the paper's value as a hollow diamond. Conditions
// without a run show only the paper's value.
func FinalErrors(name, title string, conds []Spread) (*Figure, error) {
	p := newPlot(title, "", "test error (%)")
	var items []legendItem
	n := 0
	var ours, paper gplot.Thumbnailer
	for ci, c := range conds {
		x := float64(ci)
		for r, v := range c.Runs {
			if len(v) == 0 {
				continue
			}
			lo, hi, m := math.Inf(1), math.Inf(-1), 0.0
			for _, a := range v {
				lo, hi, m = math.Min(lo, a), math.Max(hi, a), m+a
			}
			m /= float64(len(v))
			dx := 0.0
			if len(c.Runs) > 1 {
				dx = 0.12 * (float64(r) - float64(len(c.Runs)-1)/2)
			}
			bar, err := plotter.NewLine(plotter.XYs{{X: x + dx, Y: lo}, {X: x + dx, Y: hi}})
			if err != nil {
				return nil, err
			}
			bar.LineStyle = lineStyle(0, 1.6)
			p.Add(bar)
			s, err := plotter.NewScatter(plotter.XYs{{X: x + dx, Y: m}})
			if err != nil {
				return nil, err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: Palette[0], Radius: vg.Points(3.5), Shape: shapeGlyph{shape: 'o', filled: true}}
			p.Add(s)
			ours = s
			n++
		}
		if finite(c.Paper) {
			s, err := plotter.NewScatter(plotter.XYs{{X: x + 0.3, Y: c.Paper}})
			if err != nil {
				return nil, err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: Palette[1], Radius: vg.Points(5), Shape: shapeGlyph{shape: 'd'}}
			p.Add(s)
			paper = s
		}
	}
	if n == 0 {
		return nil, ErrNoData
	}
	items = append(items, legendItem{"ours: mean of the repeated tests, bar = min–max (one per seed)", []gplot.Thumbnailer{ours}})
	if paper != nil {
		items = append(items, legendItem{"paper", []gplot.Thumbnailer{paper}})
	}
	names := make([]string, len(conds))
	for i, c := range conds {
		names[i] = c.Label
		if len(c.Runs) == 0 {
			names[i] += "\n(not run yet)"
		}
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(conds))-0.4
	lo, hi := p.Y.Min, p.Y.Max
	pad := math.Max(0.1, 0.12*(hi-lo))
	p.Y.Min, p.Y.Max = math.Max(0, lo-pad), hi+pad
	p.Y.Tick.Marker = niceTicks{}
	return legendFigure(name, title, p, items), nil
}

// Histograms draws the distributions of several samples as step outlines
// over shared bins of width binWidth between lo and hi (file name).
func Histograms(name, title, xlabel string, labels []string, samples [][]float64, lo, hi, binWidth float64) (*Figure, error) {
	p := newPlot(title, xlabel, "neurons")
	nb := int(math.Round((hi - lo) / binWidth))
	if nb < 1 {
		return nil, ErrNoData
	}
	var items []legendItem
	total := 0
	for si, s := range samples {
		counts := make([]float64, nb)
		for _, v := range s {
			if !finite(v) {
				continue
			}
			b := int(math.Floor((v - lo) / binWidth))
			b = max(0, min(nb-1, b))
			counts[b]++
			total++
		}
		var pts plotter.XYs
		for b, c := range counts {
			x0 := lo + float64(b)*binWidth
			pts = append(pts, plotter.XY{X: x0, Y: c}, plotter.XY{X: x0 + binWidth, Y: c})
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.LineStyle = lineStyle(si, 2)
		l.FillColor = faint(Palette[si%len(Palette)], 0.15)
		p.Add(l)
		items = append(items, legendItem{labels[si], []gplot.Thumbnailer{l}})
	}
	if total == 0 {
		return nil, ErrNoData
	}
	p.Y.Min = 0
	p.Y.Max *= 1.05
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{Integer: true}
	return legendFigure(name, title, p, items), nil
}
