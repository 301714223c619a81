package plot

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/dendrite-lab/dendrite/internal/atomic"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution at which figures are rasterised to PNG. At 96 dpi
// one pixel is 0.75 pt, so an 600×375 pt figure is 800×500 px.
const DPI = 96

// px converts a length in pixels (at DPI) to a vg.Length.
func px(n float64) vg.Length { return vg.Length(n * 72 / DPI) }

// Figure is one drawn figure, ready to be written as PNG and SVG.
//
// A Figure is either vector (it draws itself on a gonum/plot canvas) or
// raster (it holds an image, written pixel for pixel to the PNG and embedded
// as a data URI in the SVG). Figures are built by the drawing functions of
// this package ([LearningCurve], [Loss], [ReceptiveFields], ...).
type Figure struct {
	// Name is the file base name used by [Figure.Save], e.g. "loss".
	Name string
	// Title describes the figure in one line (used as the SVG <title>).
	Title string
	// Width and Height are the size of a vector figure (a raster figure has
	// the size of its image, in pixels).
	Width, Height vg.Length

	draw   func(c draw.Canvas)
	raster image.Image
}

var errEmptyFigure = errors.New("plot: empty figure (make figures with the drawing functions)")

// Raster returns the image of a raster figure, or nil for a vector figure.
func (f *Figure) Raster() image.Image { return f.raster }

// WritePNG writes the figure as a PNG image.
func (f *Figure) WritePNG(w io.Writer) error {
	if f.raster != nil {
		return png.Encode(w, f.raster)
	}
	if f.draw == nil {
		return errEmptyFigure
	}
	c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(DPI),
		vgimg.UseBackgroundColor(color.White))
	f.draw(draw.New(c))
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// WriteSVG writes the figure as a standalone SVG document.
func (f *Figure) WriteSVG(w io.Writer) error {
	if f.raster != nil {
		return f.writeRasterSVG(w)
	}
	if f.draw == nil {
		return errEmptyFigure
	}
	c := vgsvg.New(f.Width, f.Height)
	dc := draw.New(c)
	// A white background, as in the PNG.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	f.draw(dc)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return err
	}
	// gonum's SVG canvas encodes embedded images as PNG but labels them
	// image/jpg; name them correctly and keep their pixels sharp.
	b := bytes.ReplaceAll(buf.Bytes(), []byte(`xlink:href="data:image/jpg;base64,`), []byte(`xlink:href="data:image/png;base64,`))
	b = bytes.ReplaceAll(b, []byte("<image x="), []byte(`<image style="image-rendering:pixelated" x=`))
	_, err := w.Write(b)
	return err
}

func (f *Figure) writeRasterSVG(w io.Writer) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, f.raster); err != nil {
		return err
	}
	b := f.raster.Bounds()
	// Pixels map to px units; the viewBox lets the SVG scale.
	_, err := fmt.Fprintf(w, `<?xml version="1.0"?>
<svg width="%d" height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<title>%s</title>
<image x="0" y="0" width="%d" height="%d" style="image-rendering:pixelated" preserveAspectRatio="none" xlink:href="data:image/png;base64,%s"/>
</svg>
`, b.Dx(), b.Dy(), b.Dx(), b.Dy(), xmlEscape(f.Title), b.Dx(), b.Dy(),
		base64.StdEncoding.EncodeToString(buf.Bytes()))
	return err
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Save writes the figure to dir/Name.png and dir/Name.svg and returns the two
// paths. Each file is written to a temporary name first and then renamed.
func (f *Figure) Save(dir string) ([]string, error) {
	if f.Name == "" {
		return nil, fmt.Errorf("plot: figure has no name")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, ext := range []string{".png", ".svg"} {
		p := filepath.Join(dir, f.Name+ext)
		write := f.WritePNG
		if ext == ".svg" {
			write = f.WriteSVG
		}
		if err := writeAtomic(p, write); err != nil {
			return paths, fmt.Errorf("plot: writing %s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func writeAtomic(path string, write func(io.Writer) error) error {
	return atomic.WriteFile(path, write)
}

// ---------------------------------------------------------------------------
// Styles.

// Palette is the colour-blind-safe palette used for lines and for the ten
// digit classes: seven Okabe–Ito colours, a dark yellow, a wine red, a
// near-black and a grey. Figures pair the colours with marker shapes, so no
// information rests on colour alone.
var Palette = []color.Color{
	rgb(0x00, 0x72, 0xB2), // blue
	rgb(0xE6, 0x9F, 0x00), // orange
	rgb(0x00, 0x9E, 0x73), // bluish green
	rgb(0xD5, 0x5E, 0x00), // vermillion
	rgb(0xCC, 0x79, 0xA7), // reddish purple
	rgb(0x56, 0xB4, 0xE9), // sky blue
	rgb(0x99, 0x77, 0x00), // dark yellow (Tol; Okabe–Ito's is too pale on white)
	rgb(0x88, 0x22, 0x55), // wine
	rgb(0x33, 0x33, 0x33), // near black
	rgb(0x99, 0x99, 0x99), // grey
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 0xff} }

// faint returns c with reduced opacity (premultiplied).
func faint(c color.Color, alpha float64) color.Color {
	r, g, b, _ := c.RGBA()
	a := alpha
	return color.NRGBA64{R: uint16(r), G: uint16(g), B: uint16(b), A: uint16(a * 0xffff)}
}

// tint mixes c with white: f = 1 gives c, f = 0 white. The result is opaque.
func tint(c color.Color, f float64) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8(math.Round(float64(v>>8)*f + 255*(1-f))) }
	return color.RGBA{mix(r), mix(g), mix(b), 0xff}
}

// newPlot returns a plot with the package's fonts, a title and axis labels.
func newPlot(title, xlabel, ylabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.Font{Typeface: "Liberation", Variant: "Sans", Size: 14}
	p.Title.Padding = px(6)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Label.TextStyle.Font.Size = 13
	p.Y.Label.TextStyle.Font.Size = 13
	p.X.Tick.Label.Font.Size = 11
	p.Y.Tick.Label.Font.Size = 11
	p.Legend.TextStyle.Font.Size = 11
	for _, f := range []*font.Font{&p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		f.Variant = "Sans"
	}
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = px(28)
	p.Legend.Padding = px(2)
	p.Add(&grid{})
	return p
}

// vectorFigure wraps a single plot as a Figure.
func vectorFigure(name, title string, w, h vg.Length, p *gplot.Plot) *Figure {
	return stackedFigure(name, title, w, h, []*gplot.Plot{p})
}

// stackedFigure stacks plots vertically with aligned data areas.
func stackedFigure(name, title string, w, h vg.Length, ps []*gplot.Plot) *Figure {
	return stackedFigureLegend(name, title, w, h, ps, nil)
}

// stackedFigureLegend is stackedFigure with a horizontal legend strip of
// items across the top of the figure.
func stackedFigureLegend(name, title string, w, h vg.Length, ps []*gplot.Plot, items []legendItem) *Figure {
	// A single plot with a legend strip: its title goes above the strip.
	var head string
	var headStyle text.Style
	if len(items) > 0 && len(ps) == 1 && ps[0].Title.Text != "" {
		p := *ps[0]
		head, headStyle = p.Title.Text, p.Title.TextStyle
		p.Title.Text = ""
		ps = []*gplot.Plot{&p}
	}
	rows := make([][]*gplot.Plot, len(ps))
	for i, p := range ps {
		rows[i] = []*gplot.Plot{p}
	}
	return &Figure{Name: name, Title: title, Width: w, Height: h, draw: func(c draw.Canvas) {
		if head != "" {
			c.Max.Y -= px(4)
			c.FillText(headStyle, vg.Point{X: c.Center().X, Y: c.Max.Y + headStyle.FontExtents().Descent}, head)
			c.Max.Y -= headStyle.Rectangle(head).Size().Y + px(2)
		}
		if len(items) > 0 {
			lines, _ := layoutStrip(items, c.Max.X-c.Min.X)
			sh := stripLine*vg.Length(len(lines)) + px(8)
			strip := c
			strip.Min.Y = c.Max.Y - sh
			strip.Max.Y -= px(4)
			legendStrip(strip, items)
			c.Max.Y -= sh
		}
		t := draw.Tiles{Rows: len(ps), Cols: 1, PadY: px(16), PadTop: px(6), PadBottom: px(6), PadLeft: px(6), PadRight: px(16)}
		cs := gplot.Align(rows, t, c)
		for i := range ps {
			ps[i].Draw(cs[i][0])
		}
	}}
}

// legendFigure is a single-plot figure of the default size with the plot's
// title on top, then a legend strip of items, then the plot.
func legendFigure(name, title string, p *gplot.Plot, items []legendItem) *Figure {
	return stackedFigureLegend(name, title, defaultWidth, defaultHeight, []*gplot.Plot{p}, items)
}

// Default figure size: 800×500 px.
var (
	defaultWidth  = px(800)
	defaultHeight = px(500)
)

// ---------------------------------------------------------------------------
// Small plotters.

// grid draws light horizontal and vertical grid lines behind the data.
type grid struct{}

func (grid) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: rgb(0xe4, 0xe4, 0xe4), Width: vg.Points(0.6)}
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.IsMinor() {
			continue
		}
		x := trX(t.Value)
		c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
	}
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.IsMinor() {
			continue
		}
		y := trY(t.Value)
		c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
	}
}

// refLine is a horizontal (or vertical) reference line spanning the whole data
// area. It widens the axis range to include its value.
type refLine struct {
	Value    float64
	Vertical bool
	Style    draw.LineStyle
}

func (r *refLine) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := r.Style
	if r.Vertical {
		x := trX(r.Value)
		c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		return
	}
	y := trY(r.Value)
	c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
}

func (r *refLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	if r.Vertical {
		return r.Value, r.Value, math.Inf(1), math.Inf(-1)
	}
	return math.Inf(1), math.Inf(-1), r.Value, r.Value
}

func (r *refLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	sty := r.Style
	c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
}

var dashed = []vg.Length{vg.Points(5), vg.Points(3)}

// legendItem is one entry of a horizontal legend strip.
type legendItem struct {
	Text   string
	Thumbs []gplot.Thumbnailer
}

var (
	stripStyle = text.Style{Color: color.Black, Font: font.Font{Typeface: "Liberation", Variant: "Sans", Size: 11},
		XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: gplot.DefaultTextHandler}
	stripThumb, stripGap, stripPad, stripLine = px(28), px(6), px(22), px(20)
)

// layoutStrip splits items into lines no wider than avail and returns the
// lines and their widths.
func layoutStrip(items []legendItem, avail vg.Length) (lines [][]legendItem, widths []vg.Length) {
	var cur []legendItem
	var w vg.Length
	for _, it := range items {
		iw := stripStyle.Width(it.Text)
		if len(it.Thumbs) > 0 {
			iw += stripThumb + stripGap
		}
		if len(cur) > 0 && w+stripPad+iw > avail {
			lines, widths = append(lines, cur), append(widths, w)
			cur, w = nil, 0
		}
		if len(cur) > 0 {
			w += stripPad
		}
		cur = append(cur, it)
		w += iw
	}
	if len(cur) > 0 {
		lines, widths = append(lines, cur), append(widths, w)
	}
	return lines, widths
}

// legendStrip draws items left to right in centred lines from the top of c.
func legendStrip(c draw.Canvas, items []legendItem) {
	avail := c.Max.X - c.Min.X
	lines, widths := layoutStrip(items, avail)
	y := c.Max.Y - stripLine/2
	for li, line := range lines {
		x := c.Min.X + (avail-widths[li])/2
		for _, it := range line {
			tc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - px(7)}, Max: vg.Point{X: x + stripThumb, Y: y + px(7)}}}
			for _, th := range it.Thumbs {
				th.Thumbnail(&tc)
			}
			if len(it.Thumbs) > 0 {
				x += stripThumb + stripGap
			}
			c.FillText(stripStyle, vg.Point{X: x, Y: y}, it.Text)
			x += stripStyle.Width(it.Text) + stripPad
		}
		y -= stripLine
	}
}
