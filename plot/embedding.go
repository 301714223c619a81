package plot

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PCA projects the rows of x (observations × variables) on their first k
// principal components. It returns the n×k projection of the centred data
// and, for each component, the fraction of the total variance it explains
// (all zero when the data are constant). Each component's sign is fixed so
// that its largest loading is positive, which makes the result
// deterministic. k is capped at the number of variables.
func PCA(x mat.Matrix, k int) (*mat.Dense, []float64, error) {
	n, d := x.Dims()
	if n < 1 || d < 1 {
		return nil, nil, fmt.Errorf("plot: PCA of an empty %d×%d matrix", n, d)
	}
	if k < 1 {
		return nil, nil, fmt.Errorf("plot: PCA with %d components", k)
	}
	k = min(k, d)
	xc := mat.DenseCopyOf(x)
	for j := 0; j < d; j++ {
		s := 0.0
		for i := 0; i < n; i++ {
			v := xc.At(i, j)
			if !finite(v) {
				return nil, nil, fmt.Errorf("plot: PCA: non-finite value at row %d, column %d", i, j)
			}
			s += v
		}
		m := s / float64(n)
		for i := 0; i < n; i++ {
			xc.Set(i, j, xc.At(i, j)-m)
		}
	}

	// Component directions V (d×d or d×min(n,d)) and their variances, largest first.
	var vecs *mat.Dense
	var vars []float64
	if n >= d {
		// Eigen-decomposition of the d×d scatter matrix: cheap for many images.
		var c mat.SymDense
		c.SymOuterK(1, xc.T())
		var eig mat.EigenSym
		if !eig.Factorize(&c, true) {
			return nil, nil, fmt.Errorf("plot: PCA: eigendecomposition failed")
		}
		vals := eig.Values(nil)
		var ev mat.Dense
		eig.VectorsTo(&ev)
		order := make([]int, d)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
		vecs = mat.NewDense(d, d, nil)
		vars = make([]float64, d)
		for jj, j := range order {
			vars[jj] = math.Max(vals[j], 0)
			for i := 0; i < d; i++ {
				vecs.Set(i, jj, ev.At(i, j))
			}
		}
	} else {
		var svd mat.SVD
		if !svd.Factorize(xc, mat.SVDThinV) {
			return nil, nil, fmt.Errorf("plot: PCA: SVD failed")
		}
		s := svd.Values(nil)
		vecs = new(mat.Dense)
		svd.VTo(vecs)
		vars = make([]float64, len(s))
		for i, v := range s {
			vars[i] = v * v
		}
	}
	total := 0.0
	for _, v := range vars {
		total += v
	}
	_, nv := vecs.Dims()
	k = min(k, nv)
	frac := make([]float64, k)
	basis := mat.NewDense(d, k, nil)
	for j := 0; j < k; j++ {
		if total > 0 {
			frac[j] = vars[j] / total
		}
		big := 0
		for i := 0; i < d; i++ {
			if math.Abs(vecs.At(i, j)) > math.Abs(vecs.At(big, j)) {
				big = i
			}
		}
		sign := 1.0
		if vecs.At(big, j) < 0 {
			sign = -1
		}
		for i := 0; i < d; i++ {
			basis.Set(i, j, sign*vecs.At(i, j))
		}
	}
	proj := mat.NewDense(n, k, nil)
	proj.Mul(xc, basis)
	return proj, frac, nil
}

// maxScatterPoints bounds the points drawn by [Embedding] (evenly
// subsampled), to keep the SVG small.
const maxScatterPoints = 4000

// Embedding draws a 2-D PCA projection of hidden-layer activity (the paper's
// Fig. 6C, with PCA instead of t-SNE): x holds one row of mean somatic rates
// per test image (records/hidden_activity_m.npy), labels the image classes
// (records/hidden_activity_labels.npy; nil draws every point alike). Points
// are coloured and shaped by class with a legend. The figure is named
// "embedding_<layer>".
func Embedding(x mat.Matrix, labels []int, layer int) (*Figure, error) {
	n, _ := x.Dims()
	if labels != nil && len(labels) != n {
		return nil, fmt.Errorf("plot: embedding: %d labels for %d rows", len(labels), n)
	}
	if n < 2 {
		return nil, ErrNoData
	}
	proj, frac, err := PCA(x, 2)
	if err != nil {
		return nil, err
	}
	_, k := proj.Dims()
	at := func(i, j int) float64 {
		if j >= k {
			return 0
		}
		return proj.At(i, j)
	}
	pct := func(j int) float64 {
		if j >= len(frac) {
			return 0
		}
		return 100 * frac[j]
	}
	p := newPlot(fmt.Sprintf("Hidden layer %d activity on test images (PCA)", layer),
		fmt.Sprintf("PC 1 (a.u.; %.1f%% of variance)", pct(0)),
		fmt.Sprintf("PC 2 (a.u.; %.1f%% of variance)", pct(1)))
	step := 1
	if n > maxScatterPoints {
		step = (n + maxScatterPoints - 1) / maxScatterPoints
	}
	groups := map[int]plotter.XYs{}
	for i := 0; i < n; i += step {
		c := -1
		if labels != nil {
			c = labels[i]
		}
		groups[c] = append(groups[c], plotter.XY{X: at(i, 0), Y: at(i, 1)})
	}
	classes := make([]int, 0, len(groups))
	for c := range groups {
		classes = append(classes, c)
	}
	sort.Ints(classes)
	for _, c := range classes {
		ci := ((c % 10) + 10) % 10
		s, err := plotter.NewScatter(groups[c])
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: faint(Palette[ci], 0.8), Radius: vg.Points(2.4), Shape: glyphs[ci]}
		p.Add(s)
		name := fmt.Sprint(c)
		if c == -1 {
			name = "test images (no labels)"
		}
		p.Legend.Add(name, &bigThumb{s.GlyphStyle})
	}
	// Room on the right for the legend.
	p.X.Max += (p.X.Max - p.X.Min) * 0.14
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	p.Legend.Top = true
	p.Legend.Padding = px(1)
	p.Legend.ThumbnailWidth = px(14)
	return vectorFigure(fmt.Sprintf("embedding_%d", layer), p.Title.Text, px(800), px(640), p), nil
}

// bigThumb is a legend thumbnail showing one opaque, slightly larger glyph.
type bigThumb struct{ sty draw.GlyphStyle }

func (b *bigThumb) Thumbnail(c *draw.Canvas) {
	s := b.sty
	r, g, bb, a := s.Color.RGBA()
	if a > 0 {
		s.Color = rgb(uint8(r*0xffff/a>>8), uint8(g*0xffff/a>>8), uint8(bb*0xffff/a>>8))
	}
	s.Radius = vg.Points(3.4)
	c.DrawGlyphNoClip(s, c.Center())
}
