package plot

import (
	"bytes"
	"errors"
	"image"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPCALine(t *testing.T) {
	// Points on the line (1, 2, -1)·s plus tiny noise: PC 1 explains ~all.
	n := 20
	x := mat.NewDense(n, 3, nil)
	for i := 0; i < n; i++ {
		s := float64(i) - 7
		x.SetRow(i, []float64{1*s + 3, 2*s - 1 + 1e-3*math.Sin(float64(i)), -1*s + 0.5})
	}
	proj, frac, err := PCA(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := proj.Dims(); r != n || c != 2 {
		t.Fatalf("projection %d×%d", r, c)
	}
	if frac[0] < 0.9999 || frac[1] > 1e-4 {
		t.Fatalf("explained variance %v", frac)
	}
	// The projection on PC 1 is s·|(1,2,−1)| up to a shift and sign.
	norm := math.Sqrt(6)
	for i := 1; i < n; i++ {
		d := proj.At(i, 0) - proj.At(i-1, 0)
		if math.Abs(math.Abs(d)-norm) > 1e-3 {
			t.Fatalf("step %d on PC 1 is %g, want ±%g", i, d, norm)
		}
	}
	// Centred: the projections have zero mean.
	var m float64
	for i := 0; i < n; i++ {
		m += proj.At(i, 0)
	}
	if math.Abs(m) > 1e-9 {
		t.Fatalf("projection mean %g", m)
	}
	// Fewer observations than variables takes the SVD path; same answer.
	wide := mat.NewDense(3, 5, []float64{
		0, 0, 0, 0, 0,
		1, 2, 0, 0, 0,
		2, 4, 0, 0, 0,
	})
	p2, f2, err := PCA(wide, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f2[0]-1) > 1e-12 || math.Abs(math.Abs(p2.At(2, 0)-p2.At(0, 0))-2*math.Sqrt(5)) > 1e-9 {
		t.Fatalf("wide PCA: frac %v, proj %v", f2, mat.Formatted(p2))
	}
	// Sign convention: the largest loading is positive, so the point with
	// the largest x projects highest.
	if proj.At(n-1, 0) < proj.At(0, 0) {
		t.Fatal("PC 1 sign not fixed")
	}
}

func TestPCAConstantAndErrors(t *testing.T) {
	x := mat.NewDense(4, 2, []float64{1, 1, 1, 1, 1, 1, 1, 1})
	_, frac, err := PCA(x, 2)
	if err != nil || frac[0] != 0 {
		t.Fatalf("constant data: %v %v", frac, err)
	}
	if _, _, err := PCA(mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 0}), 1); err == nil {
		t.Fatal("no error for NaN")
	}
	if _, _, err := PCA(x, 0); err == nil {
		t.Fatal("no error for k = 0")
	}
}

func TestSlidingMean(t *testing.T) {
	got := SlidingMean([]float64{1, 2, 3, math.NaN(), 5}, 2)
	want := []float64{1, 1.5, 2.5, 3, 5}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if DefaultWindow(1000) != 100 || DefaultWindow(600000) != 1000 {
		t.Fatal("DefaultWindow")
	}
}

func TestEnvelopeKeepsExtremes(t *testing.T) {
	y := make([]float64, 100000)
	for i := range y {
		y[i] = math.Sin(float64(i))
	}
	y[54321] = 7
	pts := envelope(xyFinite(nil, y, 0), 500)
	if len(pts) > 1002 {
		t.Fatalf("%d points", len(pts))
	}
	hi := math.Inf(-1)
	for _, p := range pts {
		hi = math.Max(hi, p.Y)
	}
	if hi != 7 {
		t.Fatalf("spike lost: max %g", hi)
	}
}

func TestTicks(t *testing.T) {
	var labels []string
	for _, tk := range (niceTicks{Thousands: true}).Ticks(0, 60000) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "0 10k 20k 30k 40k 50k 60k" {
		t.Fatalf("labels %q", got)
	}
	labels = nil
	for _, tk := range (niceTicks{Integer: true}).Ticks(-0.5, 3.5) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "0 1 2 3" {
		t.Fatalf("labels %q", got)
	}
}

func TestNoData(t *testing.T) {
	nan := math.NaN()
	if _, err := Loss([]float64{nan, nan}, 0); !errors.Is(err, ErrNoData) {
		t.Fatalf("Loss of NaNs: %v", err)
	}
	if _, err := LearningCurve(nil, nil); !errors.Is(err, ErrNoData) {
		t.Fatalf("LearningCurve: %v", err)
	}
	if _, err := Voltages(nil, -1, VoltageOptions{}); !errors.Is(err, ErrNoData) {
		t.Fatalf("Voltages: %v", err)
	}
	if _, err := Eigvals([]Series{{Label: "a"}}, 0); !errors.Is(err, ErrNoData) {
		t.Fatalf("Eigvals: %v", err)
	}
}

func TestReceptiveFieldImage(t *testing.T) {
	// Two neurons of 2×2 inputs: a ramp and a constant field.
	img, err := ReceptiveFieldImage([]float64{0, 1, 2, 3, 5, 5, 5, 5}, 2, 4, ReceptiveFieldOptions{Scale: 1, Gap: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Grid 2×1 tiles of 2×2 px with 1 px gaps: 7×4 px.
	if b := img.Bounds(); b.Dx() != 7 || b.Dy() != 4 {
		t.Fatalf("bounds %v", b)
	}
	// Row-major: pixel (row 0, col 1) is w[1]; (row 1, col 0) is w[2].
	if img.GrayAt(1, 1).Y != 0 || img.GrayAt(2, 1).Y != 85 || img.GrayAt(1, 2).Y != 170 || img.GrayAt(2, 2).Y != 255 {
		t.Fatalf("ramp pixels %v", img.Pix)
	}
	if img.GrayAt(4, 1).Y != 128 || img.GrayAt(0, 0).Y != 255 {
		t.Fatalf("constant field or gap %v", img.Pix)
	}
	if _, err := ReceptiveFieldImage(make([]float64, 10), 2, 5, ReceptiveFieldOptions{}); err == nil {
		t.Fatal("no error for 5 inputs")
	}
	f, err := ReceptiveFields(make([]float64, 3*784), 3, 784)
	if err != nil {
		t.Fatal(err)
	}
	var png, svg bytes.Buffer
	if err := f.WritePNG(&png); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	if _, _, err := image.Decode(&png); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), "data:image/png;base64,") {
		t.Fatal("SVG does not embed the PNG")
	}
}

func TestLongSeriesSVGSize(t *testing.T) {
	y := make([]float64, 600000)
	for i := range y {
		y[i] = math.Mod(float64(i)*0.618, 1)
	}
	f, err := BPAngle(y, 0)
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	if svg.Len() > 600000 {
		t.Fatalf("SVG of a 600 000-example record is %d bytes", svg.Len())
	}
	if !strings.Contains(svg.String(), "1000 examples") {
		t.Fatal("long runs should use a 1000-example window")
	}
}

func TestEigvalsLogScale(t *testing.T) {
	a := make([]float64, 500)
	b := make([]float64, 500)
	for i := range a {
		a[i] = 0.5 + 0.001*float64(i)
		b[i] = 1000 * math.Exp(float64(i)/100)
	}
	b[3] = 0 // not drawable on a log axis: skipped
	f, err := Eigvals([]Series{{Label: "jacobian", Y: a}, {Label: "weights", Y: b}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"log scale", "10⁵", "1000", "Theorem 1 bound"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if powerLabel(-3) != "10⁻³" || powerLabel(2) != "100" || powerLabel(12) != "10¹²" {
		t.Fatal("powerLabel")
	}
}
