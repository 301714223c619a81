package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ReceptiveFieldOptions controls [ReceptiveFieldImage].
type ReceptiveFieldOptions struct {
	// MaxNeurons is how many neurons (rows of W, from the first) are drawn;
	// 0 means 100.
	MaxNeurons int
	// Scale is the number of image pixels per input pixel; 0 means 3.
	Scale int
	// Gap is the width in image pixels of the white gap between tiles and
	// around the grid; 0 means 2.
	Gap int
	// Symmetric scales each field symmetrically about zero (black =
	// −max|w|, mid-grey = 0, white = +max|w|) instead of min–max.
	Symmetric bool
}

// ReceptiveFieldImage draws the first neurons' input weights as a grid of
// grey images (the paper's Fig. 7B): w is the rows×cols weight matrix W_0 in
// row-major order, cols must be a square (784 = 28×28 for MNIST), and row i
// reshaped row-major to side×side is neuron i's receptive field. Each field
// is normalised to its own min–max range (black = minimum, white = maximum);
// a constant field is mid-grey. The grid is as square as possible (10×10 for
// 100 neurons).
func ReceptiveFieldImage(w []float64, rows, cols int, opt ReceptiveFieldOptions) (*image.Gray, error) {
	if rows <= 0 || cols <= 0 || len(w) != rows*cols {
		return nil, fmt.Errorf("plot: receptive fields: weights have %d values, want %d×%d", len(w), rows, cols)
	}
	side := int(math.Round(math.Sqrt(float64(cols))))
	if side*side != cols {
		return nil, fmt.Errorf("plot: receptive fields: %d inputs is not a square image", cols)
	}
	if opt.MaxNeurons <= 0 {
		opt.MaxNeurons = 100
	}
	if opt.Scale <= 0 {
		opt.Scale = 3
	}
	if opt.Gap <= 0 {
		opt.Gap = 2
	}
	k := min(rows, opt.MaxNeurons)
	gc := int(math.Ceil(math.Sqrt(float64(k))))
	gr := (k + gc - 1) / gc
	tile := side * opt.Scale
	W := gc*tile + (gc+1)*opt.Gap
	H := gr*tile + (gr+1)*opt.Gap
	img := image.NewGray(image.Rect(0, 0, W, H))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for n := 0; n < k; n++ {
		field := w[n*cols : (n+1)*cols]
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range field {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if opt.Symmetric {
			m := math.Max(math.Abs(lo), math.Abs(hi))
			lo, hi = -m, m
		}
		x0 := opt.Gap + (n%gc)*(tile+opt.Gap)
		y0 := opt.Gap + (n/gc)*(tile+opt.Gap)
		for p, v := range field {
			g := uint8(128)
			switch {
			case !finite(v):
				g = 128
			case hi > lo:
				g = uint8(math.Round(255 * (v - lo) / (hi - lo)))
			}
			r, c := p/side, p%side
			for dy := 0; dy < opt.Scale; dy++ {
				row := (y0+r*opt.Scale+dy)*img.Stride + x0 + c*opt.Scale
				for dx := 0; dx < opt.Scale; dx++ {
					img.Pix[row+dx] = g
				}
			}
		}
	}
	return img, nil
}

// ReceptiveFields draws the first (up to 100) rows of W_0 as 28×28 fields
// in a grid (file "receptive_fields"): a title, each field's neuron index
// above it, and the grey scale on the right; each field is scaled
// symmetrically about zero (black = −max|w|, mid-grey = 0, white =
// +max|w| of that field).
func ReceptiveFields(w []float64, rows, cols int) (*Figure, error) {
	const scale, gap = 3, 16
	img, err := ReceptiveFieldImage(w, rows, cols, ReceptiveFieldOptions{Scale: scale, Gap: gap, Symmetric: true})
	if err != nil {
		return nil, err
	}
	k := min(rows, 100)
	gc := int(math.Ceil(math.Sqrt(float64(k))))
	side := int(math.Round(math.Sqrt(float64(cols))))
	tile := side * scale
	title := fmt.Sprintf("Receptive fields of hidden neurons 0–%d (rows of W_0)", k-1)
	b := img.Bounds()
	head, scaleW := px(44), px(96)
	W, H := px(float64(b.Dx()))+scaleW, px(float64(b.Dy()))+head
	f := &Figure{Name: "receptive_fields", Title: title, Width: W, Height: H}
	f.draw = func(c draw.Canvas) {
		top := c.Max.Y
		// The title is read when drawing, so that a caller may extend it
		// (e.g. with the weights' folder).
		c.FillText(fieldText(14, draw.XCenter), vg.Point{X: c.Min.X + px(float64(b.Dx()))/2, Y: top - head/2}, f.Title)
		gridTop := top - head
		c.DrawImage(vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: gridTop - px(float64(b.Dy()))}, Max: vg.Point{X: c.Min.X + px(float64(b.Dx())), Y: gridTop}}, img)
		idx := fieldText(9, draw.XCenter)
		for n := 0; n < k; n++ {
			x := gap + (n%gc)*(tile+gap) + tile/2
			y := (n / gc) * (tile + gap)
			c.FillText(idx, vg.Point{X: c.Min.X + px(float64(x)), Y: gridTop - px(float64(y)+gap/2)}, strconv.Itoa(n))
		}
		greyScale(c, c.Max.X-scaleW+px(16), c.Min.Y+px(40), gridTop-px(gap), "per field")
	}
	return f, nil
}

func fieldText(size vg.Length, xa draw.XAlignment) text.Style {
	return text.Style{Color: color.Black, Font: font.Font{Typeface: "Liberation", Variant: "Sans", Size: size},
		XAlign: xa, YAlign: draw.YCenter, Handler: gplot.DefaultTextHandler}
}

// greyScale draws the symmetric grey scale of the field figures as a
// vertical bar from y0 to y1 at x, labelled −max|w|, 0 and +max|w|, with a
// note below.
func greyScale(c draw.Canvas, x, y0, y1 vg.Length, note string) {
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: x, Y: y0}, Max: vg.Point{X: x + px(14), Y: y1}}, greyScaleBar(64))
	ls := fieldText(10, draw.XLeft)
	c.FillText(ls, vg.Point{X: x + px(18), Y: y1 - px(4)}, "+max|w|")
	c.FillText(ls, vg.Point{X: x + px(18), Y: (y0 + y1) / 2}, "0")
	c.FillText(ls, vg.Point{X: x + px(18), Y: y0 + px(4)}, "−max|w|")
	c.FillText(fieldText(9, draw.XCenter), vg.Point{X: x + px(22), Y: y0 - px(14)}, "("+note+")")
}
