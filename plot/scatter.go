package plot

import (
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// rasterPoints is the number of points above which [Scatter] makes a raster
// figure: thousands of vector markers would make an SVG of megabytes.
const rasterPoints = 1000

// ScatterSet is one set of points of [Scatter].
type ScatterSet struct {
	// Label names the set in the legend.
	Label string
	// X and Y are the points' coordinates (equal length; pairs with a
	// non-finite coordinate are left out).
	X, Y []float64
}

// Scatter draws sets of points, such as the per-example losses of the
// results page's Fig. 5B, as small translucent markers: thousands of points
// stay readable where they overlap. Each set has its palette colour and
// marker shape, in set order.
func Scatter(name, title, xlabel, ylabel string, sets []ScatterSet) (*Figure, error) {
	p := newPlot(title, xlabel, ylabel)
	var items []legendItem
	total := 0
	for si, s := range sets {
		pts := make(plotter.XYs, 0, len(s.X))
		for i := range s.X {
			if i < len(s.Y) && finite(s.X[i]) && finite(s.Y[i]) {
				pts = append(pts, plotter.XY{X: s.X[i], Y: s.Y[i]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		total += len(pts)
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		col := Palette[si%len(Palette)]
		sc.GlyphStyle = draw.GlyphStyle{Color: faint(col, 0.35), Radius: vg.Points(1.6), Shape: glyphs[si%len(glyphs)]}
		p.Add(sc)
		// The legend shows an opaque, larger marker of the same shape.
		key, err := plotter.NewScatter(plotter.XYs{{}})
		if err != nil {
			return nil, err
		}
		key.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3.5), Shape: glyphs[si%len(glyphs)]}
		items = append(items, legendItem{s.Label, []gplot.Thumbnailer{key}})
	}
	if len(items) == 0 {
		return nil, ErrNoData
	}
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
	f := legendFigure(name, title, p, items)
	if total > rasterPoints {
		c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
		f.draw(draw.New(c))
		f.raster, f.draw = c.Image(), nil
	}
	return f, nil
}
