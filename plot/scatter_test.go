package plot

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestScatter(t *testing.T) {
	nan := math.NaN()
	// A set whose every point has a non-finite coordinate draws nothing and
	// has no legend entry.
	if _, err := Scatter("s", "t", "x", "y", []ScatterSet{{Label: "empty", X: []float64{nan, 1}, Y: []float64{1, math.Inf(1)}}}); !errors.Is(err, ErrNoData) {
		t.Fatalf("only non-finite points: %v, want ErrNoData", err)
	}
	f, err := Scatter("fig5b", "Losses", "output loss", "hidden loss", []ScatterSet{
		{Label: "images of a 2 (r = 0.61)", X: []float64{0.1, 0.2, 0.3}, Y: []float64{0.01, 0.03, 0.02}},
		{Label: "gone", X: []float64{nan}, Y: []float64{1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	s := svg.String()
	for _, want := range []string{"Losses", "images of a 2 (r = 0.61)", "output loss", "hidden loss"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(s, "gone") {
		t.Error("a set without finite points is in the legend")
	}
}

// Thousands of points make a raster figure (an SVG of a few hundred kB,
// not megabytes of markers); a few stay vector.
func TestScatterRaster(t *testing.T) {
	n := rasterPoints + 1
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i] = float64(i), math.Sin(float64(i))
	}
	f, err := Scatter("big", "t", "x", "y", []ScatterSet{{Label: "many", X: x, Y: y}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Raster() == nil {
		t.Errorf("%d points: vector figure", n)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil || !strings.Contains(svg.String(), "data:image/png;base64,") {
		t.Errorf("raster SVG: %v", err)
	}
	f, err = Scatter("small", "t", "x", "y", []ScatterSet{{Label: "few", X: x[:rasterPoints], Y: y[:rasterPoints]}})
	if err != nil || f.Raster() != nil {
		t.Errorf("%d points: raster %v, err %v", rasterPoints, f.Raster() != nil, err)
	}
}
