package plot

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestMeanOver(t *testing.T) {
	// Two runs; the second stops an epoch earlier: the mean at epoch 2 is
	// the first run's value and has no s.d.
	x, m, sd := meanOver([][]float64{{0, 1, 2}, {0, 1}}, [][]float64{{10, 20, 30}, {12, 22}})
	if len(x) != 3 || x[0] != 0 || x[2] != 2 {
		t.Fatalf("x %v", x)
	}
	if m[0] != 11 || m[1] != 21 || m[2] != 30 {
		t.Errorf("means %v", m)
	}
	if math.Abs(sd[0]-math.Sqrt2) > 1e-12 || math.Abs(sd[1]-math.Sqrt2) > 1e-12 || !math.IsNaN(sd[2]) {
		t.Errorf("s.d. %v", sd)
	}
}

func TestCompareGroupsBySeedLabel(t *testing.T) {
	full := func(e ...float64) []Metric {
		var ms []Metric
		for i, v := range e {
			ms = append(ms, Metric{Kind: "full", Epoch: i + 1, Examples: float64(100 * (i + 1)), TestError: v})
		}
		return ms
	}
	runs := []Run{
		{Label: "A", Metrics: full(10, 8), FullImages: 10000},
		{Label: "B", Metrics: full(9), FullImages: 2000},
		{Label: "A", Metrics: full(12, 6, 5), FullImages: 10000},
	}
	groups, sizes := compareGroups(runs, func(m Metric) (float64, bool) { return float64(m.Epoch), isFull(m) },
		func(r Run) int { return r.FullImages })
	if len(groups) != 2 || groups[0].Label != "A" || len(groups[0].Y) != 2 || len(groups[1].Y) != 1 {
		t.Fatalf("groups %+v", groups)
	}
	if sizes[0] != 10000 || sizes[1] != 2000 {
		t.Errorf("sizes %v", sizes)
	}
	// Different test sizes go into the labels, not the title.
	if title := sizeText(groups, sizes, "tests"); title != "" || groups[0].Label != "A (10,000 images)" || groups[1].Label != "B (2,000 images)" {
		t.Errorf("title %q, labels %q %q", title, groups[0].Label, groups[1].Label)
	}
	f, err := CompareEpochs(runs)
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mean ± s.d. of 2 seeds", "(log scale)", "Test error per epoch (full tests)"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("compare_epoch lacks %q", want)
		}
	}
	// Full tests never stand in for quick tests.
	if _, err := CompareExamples(runs); !errors.Is(err, ErrNoData) {
		t.Errorf("CompareExamples without quick tests: %v", err)
	}
}

func TestLogTicksPercent(t *testing.T) {
	var labels []string
	for _, tk := range (logTicks{Percent: true}).Ticks(math.Log10(3), math.Log10(150)) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "3 5 10 20 30 50 100" {
		t.Errorf("labels %q", got)
	}
}

func TestLearningCurveWithPaper(t *testing.T) {
	ms := []Metric{
		{Kind: "initial", Epoch: 0, Examples: 0, TestError: 90, TrainError: math.NaN()},
		{Kind: "quick", Epoch: 1, Examples: 1000, TestError: 0, TrainError: 50},
		{Kind: "quick", Epoch: 1, Examples: 2000, TestError: 20, TrainError: 40},
		{Kind: "full", Epoch: 1, Examples: 2000, TestError: 12, TrainError: 30},
	}
	f, err := LearningCurveWith(ms, nil, CurveOptions{Paper: 4.1, PaperLabel: "paper (x): 4.1 %", FullImages: 10000, QuickImages: 100})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"paper (x): 4.1 %", "full test, 10,000 images", "quick test (100 images)", "(log scale)", "1 tests at 0 % not shown"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("learning curve lacks %q", want)
		}
	}
}

func TestFinalErrorsAndHistograms(t *testing.T) {
	if _, err := FinalErrors("x", "x", []Spread{{Label: "a", Paper: 4}}); !errors.Is(err, ErrNoData) {
		t.Errorf("no runs: %v", err)
	}
	f, err := FinalErrors("x", "Final", []Spread{{Label: "regular", Runs: [][]float64{{4, 4.2}}, Paper: 4.1}, {Label: "sparse", Paper: 3.7}})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil || !strings.Contains(svg.String(), "sparse") {
		t.Errorf("final errors: %v", err)
	}
	if _, err := Histograms("h", "h", "r", []string{"a"}, [][]float64{{math.NaN()}}, 0, 1, 0.1); !errors.Is(err, ErrNoData) {
		t.Errorf("histogram of NaN: %v", err)
	}
}

func TestFieldRows(t *testing.T) {
	field := make([]float64, 16)
	for i := range field {
		field[i] = float64(i) - 8
	}
	if _, err := FieldRows("f", "t", []FieldRow{{Label: "a", Neurons: []int{1, 2}, Fields: [][]float64{field}}}); err == nil {
		t.Error("no error for 2 indices and 1 field")
	}
	if _, err := FieldRows("f", "t", []FieldRow{{Label: "a", Neurons: []int{1}, Fields: [][]float64{field[:15]}}}); err == nil {
		t.Error("no error for a non-square field")
	}
	f, err := FieldRows("f", "Fields", []FieldRow{{Label: "ours", Neurons: []int{5}, Fields: [][]float64{field}}})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"neuron 5", "ours", "data:image/png;base64,", "+max|w|"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("field rows lack %q", want)
		}
	}
	// Symmetric grey: −8 (the field's max |w|) is black, 0 mid-grey, 7 light.
	img := symmetricGrey(field, 4, 1)
	if img.GrayAt(0, 0).Y != 0 || img.GrayAt(0, 2).Y != 128 || img.GrayAt(3, 3).Y != 239 {
		t.Errorf("grey levels %v", img.Pix)
	}
}

func TestVoltagesTimeWithinExample(t *testing.T) {
	// Example 7 starts at 5000 ms; its forward phase ends at 5050 and its
	// target phase at 5100. Drawn within the example, the target phase ends
	// at 100 ms, and the figure of a later example has its own name.
	var ss []VoltageSample
	for ex, t0 := range map[int]float64{7: 5000, 9: 6000} {
		for step := 0; step < 100; step++ {
			phase := "forward"
			if step >= 50 {
				phase = "target"
			}
			ss = append(ss, VoltageSample{Example: ex, Phase: phase, Step: step % 50, TimeMs: t0 + float64(step+1), Layer: 0, Neuron: 0, A: 0.1, B: 1, C: 0.8})
		}
	}
	f, err := Voltages(ss, 7, VoltageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "voltages" {
		t.Errorf("first example's figure is %q", f.Name)
	}
	var svg bytes.Buffer
	if err := f.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), "time within the example (ms)") || !strings.Contains(svg.String(), ">100</text>") || strings.Contains(svg.String(), ">5000</text>") {
		t.Error("time axis is not the time within the example")
	}
	if g, err := Voltages(ss, 9, VoltageOptions{}); err != nil || g.Name != "voltages_example_9" {
		t.Errorf("second example: %v %v", g, err)
	}
}

// A group of one of the paper's experiments has the paper's number marked in
// CompareEpochs (and only there: the quick-test figure leaves it out).
func TestComparePaperMark(t *testing.T) {
	var ms []Metric
	for i, v := range []float64{10, 8, 6} {
		ms = append(ms, Metric{Kind: "full", Epoch: i + 1, Examples: float64(100 * (i + 1)), TestError: v},
			Metric{Kind: "quick", Epoch: i + 1, Examples: float64(100*(i+1) - 50), TestError: v + 1})
	}
	svgOf := func(f *Figure, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.WriteSVG(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	runs := []Run{{Label: "one-hidden-layer", Metrics: ms, Paper: 4.1, PaperEpochs: 3}, {Label: "mine", Metrics: ms}}
	groups, _ := compareGroups(runs, func(m Metric) (float64, bool) { return float64(m.Epoch), isFull(m) }, func(Run) int { return 0 })
	if groups[0].Paper != 4.1 || groups[0].PaperX != 3 || !math.IsNaN(groups[1].Paper) {
		t.Errorf("groups' paper marks: %+v", groups)
	}
	ep := svgOf(CompareEpochs(runs))
	if !strings.Contains(ep, "paper: one-hidden-layer") || strings.Contains(ep, "paper: mine") {
		t.Errorf("compare_epoch legend: want the paper mark of one-hidden-layer only")
	}
	if ex := svgOf(CompareExamples(runs)); strings.Contains(ex, "paper:") {
		t.Errorf("compare_examples has a paper mark")
	}
}
