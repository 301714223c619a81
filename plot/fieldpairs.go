package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// FieldRow is one row of [FieldRows]: a few receptive fields (each a
// side×side image flattened row-major) with their neuron indices.
type FieldRow struct {
	Label   string
	Neurons []int
	Fields  [][]float64
}

// FieldRows draws rows of receptive fields one above the other (the paper's
// Fig. 7B: the segregated-dendrite network's fields above the best-matching
// fields of backprop), each field titled with its neuron index and drawn
// on a grey scale symmetric about zero (black = −max|w|, white = +max|w| of
// that field), with the colour scale drawn on the right (file name).
func FieldRows(name, title string, rows []FieldRow) (*Figure, error) {
	cols := 0
	for _, r := range rows {
		if len(r.Fields) != len(r.Neurons) {
			return nil, fmt.Errorf("plot: field row %q: %d fields, %d neuron indices", r.Label, len(r.Fields), len(r.Neurons))
		}
		cols = max(cols, len(r.Fields))
	}
	if cols == 0 {
		return nil, ErrNoData
	}
	imgs := make([][]image.Image, len(rows))
	for i, r := range rows {
		for _, f := range r.Fields {
			side := int(math.Round(math.Sqrt(float64(len(f)))))
			if side*side != len(f) || side == 0 {
				return nil, fmt.Errorf("plot: field row %q: %d values is not a square image", r.Label, len(f))
			}
			imgs[i] = append(imgs[i], symmetricGrey(f, side, 4))
		}
	}
	tile, gap, labelW, scaleW := px(84), px(10), px(180), px(100)
	head, rowHead := px(40), px(22)
	w := labelW + vg.Length(cols)*(tile+gap) + scaleW
	h := head + vg.Length(len(rows))*(tile+rowHead+gap) + px(10)
	titleSty, labelSty, idxSty := fieldText(14, draw.XCenter), fieldText(12, draw.XLeft), fieldText(10, draw.XCenter)
	return &Figure{Name: name, Title: title, Width: w, Height: h, draw: func(c draw.Canvas) {
		top := c.Max.Y
		c.FillText(titleSty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top - head/2}, title)
		y := top - head
		for i, r := range rows {
			c.FillText(labelSty, vg.Point{X: c.Min.X + px(8), Y: y - rowHead - tile/2}, r.Label)
			for j := range r.Fields {
				x := c.Min.X + labelW + vg.Length(j)*(tile+gap)
				c.FillText(idxSty, vg.Point{X: x + tile/2, Y: y - rowHead/2}, fmt.Sprintf("neuron %d", r.Neurons[j]))
				c.DrawImage(vg.Rectangle{Min: vg.Point{X: x, Y: y - rowHead - tile}, Max: vg.Point{X: x + tile, Y: y - rowHead}}, imgs[i][j])
			}
			y -= tile + rowHead + gap
		}
		greyScale(c, c.Max.X-scaleW+px(14), c.Min.Y+px(30), top-head-rowHead, "per field")
	}}, nil
}

// symmetricGrey renders a side×side field scaled by scale (nearest
// neighbour), grey = 0.5 + w/(2·max|w|).
func symmetricGrey(f []float64, side, scale int) *image.Gray {
	m := 0.0
	for _, v := range f {
		if finite(v) {
			m = math.Max(m, math.Abs(v))
		}
	}
	img := image.NewGray(image.Rect(0, 0, side*scale, side*scale))
	for r := 0; r < side; r++ {
		for q := 0; q < side; q++ {
			g := 0.5
			if v := f[r*side+q]; m > 0 && finite(v) {
				g = 0.5 + v/(2*m)
			}
			px := uint8(math.Round(255 * g))
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetGray(q*scale+dx, r*scale+dy, color.Gray{Y: px})
				}
			}
		}
	}
	return img
}

// greyScaleBar is a vertical bar from black (bottom) to white (top).
func greyScaleBar(n int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 1, n))
	for i := 0; i < n; i++ {
		img.SetGray(0, i, color.Gray{Y: uint8(math.Round(255 * float64(n-1-i) / float64(n-1)))})
	}
	return img
}
