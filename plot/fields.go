package plot

import (
	"fmt"
	"image"
	"math"
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

// ReceptiveFields returns the receptive-field grid of [ReceptiveFieldImage]
// with default options as a raster Figure named "receptive_fields"; the PNG
// holds the image pixel for pixel and the SVG embeds it.
func ReceptiveFields(w []float64, rows, cols int) (*Figure, error) {
	img, err := ReceptiveFieldImage(w, rows, cols, ReceptiveFieldOptions{})
	if err != nil {
		return nil, err
	}
	k := min(rows, 100)
	return &Figure{
		Name:   "receptive_fields",
		Title:  fmt.Sprintf("Receptive fields of the first %d hidden neurons (W_0 rows, each scaled to its own min–max)", k),
		raster: img,
	}, nil
}
