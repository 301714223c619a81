package plot

import (
	"math"

	"gonum.org/v1/plot/plotter"
)

// maxDrawnPoints bounds the number of vertices of a line drawn from a long
// per-example series; longer series are reduced to a min/max envelope so the
// SVG files stay small and the faint raw data keeps its visual extent.
const maxDrawnPoints = 3000

// SlidingMean returns the trailing sliding mean of y over window values:
// out[i] is the mean of the finite values among y[max(0,i-window+1)..i]
// (NaN when there are none). A window < 1 is treated as 1.
func SlidingMean(y []float64, window int) []float64 {
	if window < 1 {
		window = 1
	}
	out := make([]float64, len(y))
	sum, cnt := 0.0, 0
	for i, v := range y {
		if finite(v) {
			sum += v
			cnt++
		}
		if j := i - window; j >= 0 && finite(y[j]) {
			sum -= y[j]
			cnt--
		}
		if cnt > 0 {
			out[i] = sum / float64(cnt)
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// DefaultWindow is the sliding-mean window used for a per-example series of
// n values when none is given: 100, or 1000 for long runs (n ≥ 50 000).
func DefaultWindow(n int) int {
	if n >= 50000 {
		return 1000
	}
	return 100
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// xyFinite returns the points (x[i], y[i]) whose coordinates are finite.
// x may be nil, meaning x[i] = i+offset.
func xyFinite(x, y []float64, offset float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(y))
	for i, v := range y {
		xi := float64(i) + offset
		if x != nil {
			xi = x[i]
		}
		if finite(v) && finite(xi) {
			pts = append(pts, plotter.XY{X: xi, Y: v})
		}
	}
	return pts
}

// envelope reduces pts (sorted by X) to at most ~2*bins points: the minimum
// and maximum of each bin, in their original order. Short inputs are
// returned unchanged.
func envelope(pts plotter.XYs, bins int) plotter.XYs {
	if len(pts) <= 2*bins || len(pts) < 2 {
		return pts
	}
	x0, x1 := pts[0].X, pts[len(pts)-1].X
	if x1 <= x0 {
		return pts
	}
	out := make(plotter.XYs, 0, 2*bins+2)
	width := (x1 - x0) / float64(bins)
	start := 0
	for start < len(pts) {
		b := int((pts[start].X - x0) / width)
		end := start + 1
		for end < len(pts) && int((pts[end].X-x0)/width) == b {
			end++
		}
		lo, hi := start, start
		for i := start; i < end; i++ {
			if pts[i].Y < pts[lo].Y {
				lo = i
			}
			if pts[i].Y > pts[hi].Y {
				hi = i
			}
		}
		if lo == hi {
			out = append(out, pts[lo])
		} else if lo < hi {
			out = append(out, pts[lo], pts[hi])
		} else {
			out = append(out, pts[hi], pts[lo])
		}
		start = end
	}
	return out
}

// thin keeps about n evenly spaced points of pts (always the last one); used
// for already smooth lines.
func thin(pts plotter.XYs, n int) plotter.XYs {
	if len(pts) <= n || n < 2 {
		return pts
	}
	step := float64(len(pts)-1) / float64(n-1)
	out := make(plotter.XYs, 0, n)
	for k := 0; k < n; k++ {
		out = append(out, pts[int(math.Round(float64(k)*step))])
	}
	return out
}
