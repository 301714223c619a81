package reproduce

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/rundir"
)

// section returns the page's section that starts with heading.
func section(t *testing.T, md, heading string) string {
	t.Helper()
	i := strings.Index(md, heading+"\n")
	if i < 0 {
		t.Fatalf("no %q section:\n%s", heading, md)
	}
	s := md[i:]
	if j := strings.Index(s[len(heading):], "\n## "); j >= 0 {
		s = s[:len(heading)+j+1]
	}
	return s
}

// A note in results/notes/ appears under its condition; a flagged
// condition without one asks for it; a misspelt note is an error.
func TestNotes(t *testing.T) {
	results := collectFake(t)
	out := t.TempDir()
	if err := Page(results, out); err != nil {
		t.Fatal(err)
	}
	sec := section(t, read(t, filepath.Join(out, "results.md")), "## Where we differ from the paper")
	for _, want := range []string{
		// collectFake: two seeds of two-hidden-layers at 6.5 and 6.1 %, the paper 3.2 %.
		"### two-hidden-layers: 6.30 % against the paper's 3.2 % (+3.10 points, spread 0.40)\n\n*No explanation written yet:* measure what could cause it and write results/notes/two-hidden-layers.md.",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("lacks %q:\n%s", want, sec)
		}
	}
	if strings.Contains(sec, "### one-hidden-layer") {
		t.Errorf("a condition that agrees and has no note is listed:\n%s", sec)
	}
	writeFile(t, filepath.Join(results, NotesDir, "two-hidden-layers.md"), "We measured X.\n\nAnd Y.\n")
	writeFile(t, filepath.Join(results, NotesDir, "one-hidden-layer.md"), "Within the spread.\n")
	if err := Page(results, out); err != nil {
		t.Fatal(err)
	}
	md := read(t, filepath.Join(out, "results.md"))
	sec = section(t, md, "## Where we differ from the paper")
	for _, want := range []string{
		"### two-hidden-layers: 6.30 % against the paper's 3.2 % (+3.10 points, spread 0.40)\n\nWe measured X.\n\nAnd Y.\n\n",
		"### one-hidden-layer: 4.10 % against the paper's 4.1 % (agrees within the spread 0.08)\n\nWithin the spread.\n\n",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("lacks %q:\n%s", want, sec)
		}
	}
	if strings.Index(sec, "### one-hidden-layer") > strings.Index(sec, "### two-hidden-layers") {
		t.Error("notes not in the table's order")
	}
	if !strings.Contains(md, "**differs**: +3.10 points (spread 0.40); [what we found](#where-we-differ-from-the-paper)") {
		t.Error("the table's flag does not link to the notes")
	}
	// The notes folder is not an experiment.
	if strings.Contains(md, "| notes |") {
		t.Error("notes/ taken for an experiment")
	}
	// A condition without a paper number (loss-correlation) links its
	// note from the table instead of "–".
	runs2 := t.TempDir()
	fakeRun{status: "complete", repeats: []float64{9.1, 9.2, 9.0, 9.1}, want: 4, epochs: []float64{90, 12, 10, 9}}.write(t, filepath.Join(runs2, "loss-correlation", "seed-1"))
	if _, err := Collect(runs2, results); err != nil {
		t.Fatal(err)
	}
	lossRow := func() string {
		if err := Page(results, out); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(read(t, filepath.Join(out, "results.md")), "\n") {
			if strings.HasPrefix(l, "| loss-correlation |") {
				return l
			}
		}
		t.Fatal("no loss-correlation row")
		return ""
	}
	if row := lossRow(); !strings.HasSuffix(row, "| – |") {
		t.Errorf("without a note: %s", row)
	}
	writeFile(t, filepath.Join(results, NotesDir, "loss-correlation.md"), "r is positive.\n")
	if row := lossRow(); !strings.HasSuffix(row, "| see [what we found](#where-we-differ-from-the-paper) |") {
		t.Errorf("with a note: %s", row)
	}
	writeFile(t, filepath.Join(results, NotesDir, "two-hidden-layer.md"), "typo")
	if err := Page(results, out); err == nil || !strings.Contains(err.Error(), "two-hidden-layer.md") || !strings.Contains(err.Error(), "not an experiment") {
		t.Errorf("misspelt note: %v", err)
	}
	os.Remove(filepath.Join(results, NotesDir, "two-hidden-layer.md"))
	writeFile(t, filepath.Join(results, NotesDir, "README.txt"), "x")
	if err := Page(results, out); err == nil || !strings.Contains(err.Error(), "README.txt") {
		t.Errorf("non-.md file in notes: %v", err)
	}
}

// alternate returns n values alternating a, b, a, b, …
func alternate(n int, a, b float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = a
		if i%2 == 1 {
			v[i] = b
		}
	}
	return v
}

func TestBars(t *testing.T) {
	runs, results, out := t.TempDir(), t.TempDir(), t.TempDir()
	one, two := make([]float64, 60), make([]float64, 60)
	for k := range one {
		one[k] = 4.3 + 8/float64(k+1)
		two[k] = one[k] - 0.5
	}
	two[4] = one[4] // epoch 5: level, not ahead
	seed1 := func(exp string) string { return filepath.Join(runs, exp, "seed-1") }
	fakeRun{status: "complete", repeats: alternate(20, 8.4, 8.6), want: 20, epochs: make([]float64, 60), layers: []int{10}}.write(t, seed1("no-hidden-layer"))
	fakeRun{status: "complete", repeats: alternate(20, 4.2, 4.4), want: 20, epochs: one}.write(t, seed1("one-hidden-layer"))
	fakeRun{status: "complete", repeats: alternate(20, 3.8, 4.0), want: 20, epochs: two, layers: []int{500, 100, 10}}.write(t, seed1("two-hidden-layers"))
	fakeRun{status: "complete", repeats: alternate(20, 3.9, 4.1), want: 20, epochs: one}.write(t, seed1("sparse-feedback"))
	fakeRun{status: "complete", repeats: alternate(20, 5, 5), want: 20, epochs: make([]float64, 10), layers: []int{500, 100, 10}}.write(t, seed1("apical-conductance-0.6"))
	// Backprop angles, constant over blocks of BPAngleStep examples: spiking
	// feedback starts at 95° (left out: the first angleStart examples) and
	// is at most 89° after; rate feedback reaches 95° in the last block.
	for _, a := range []struct {
		exp    string
		blocks []float64
	}{{"bp-angle-spiking-feedback", []float64{95, 60, 89, 60}}, {"bp-angle-rate-feedback", []float64{60, 60, 60, 95}}} {
		writeAngleRun(t, seed1(a.exp), a.blocks)
	}
	if _, err := Collect(runs, results); err != nil {
		t.Fatal(err)
	}
	if err := Page(results, out); err != nil {
		t.Fatal(err)
	}
	sec := section(t, read(t, filepath.Join(out, "results.md")), "## The reproduction's bars")
	for _, want := range []string{
		// 16 experiments of the paper (rate mode is not one); 6 finished.
		"| every experiment of the paper has a finished run of its full length | 6 of 16; missing: three-hidden-layers not run yet, stochastic-plateau-times not run yet, " +
			"sparse-feedback-no-amplify not run yet, symmetric-feedback not run yet, noisy-symmetric-feedback not run yet, apical-conductance-0.05 not run yet, " +
			"apical-conductance-0.6 ran 10 of its 60 epochs, backprop-receptive-fields not run yet, eigenvalues-first-epoch not run yet, loss-correlation not run yet | pending |",
		"| 3 of 9; missing: no-hidden-layer seed 2, no-hidden-layer seed 3, one-hidden-layer seed 2, one-hidden-layer seed 3, two-hidden-layers seed 2, two-hidden-layers seed 3 | pending |",
		"| no-hidden-layer: mean of 20 repeated tests ≤ 8.8 % | seed 1: 8.50 % (20 tests) | **met** |",
		"| one-hidden-layer: mean of 20 repeated tests ≤ 4.6 % | seed 1: 4.30 % (20 tests) | **met** |",
		"| two-hidden-layers: mean of 20 repeated tests ≤ 3.7 % | seed 1: 3.90 % (20 tests) | **not met** |",
		"| sparse-feedback: mean of 20 repeated tests ≤ 4.2 % | seed 1: 4.00 % (20 tests) | **met** |",
		"| symmetric-feedback: mean of 20 repeated tests ≤ 4.1 % | symmetric-feedback not run yet | pending |",
		// one[0] = 12.3, two[0] = 11.8; epoch 5 level.
		"| seed 1: epoch 1 11.80 vs 12.30 %, ahead at 59 of 60 epochs (first behind or equal: epoch 5) | **not met** |",
		// Means 4.0 and 4.3, s.d. 0.1026 each, n = 20: t = −0.3/√(2·0.010526/20) = −9.25.
		"| sparse feedback better than regular (Fig. 8B) | sparse-feedback 4.00 % vs one-hidden-layer 4.30 % (seed 1 vs 1; t = -9.25, df = 38, p = ",
		"| symmetric feedback better than random (Fig. 8D) | symmetric-feedback not run yet | pending |",
		"| g_A = 0.6 clearly worse than g_A = 0 (Fig. 9B) | apical-conductance-0.6 ran 10 of its 60 epochs | pending |",
		"| backprop angle (100-example mean) stays below 90° after the first 1000 examples, where the paper's curves start at ≈ 90° (Fig. 7A) | bp-angle-spiking-feedback seed 1: at most 89.0° (example 1500); bp-angle-rate-feedback seed 1: at most 95.0° (example 2000) | **not met** |",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("lacks %q:\n%s", want, sec)
		}
	}
	if !strings.Contains(sec, "(seed 1 vs 1; t = -9.25, df = 38, p = ") || !strings.Contains(sec[strings.Index(sec, "sparse feedback better"):], ") | **met** |") {
		t.Errorf("sparse ordering not met:\n%s", sec)
	}
}

// A backprop-angle run whose samples end before angleStart has no angle the
// bar can judge: the bar names it and stays pending (not met, not met by
// default), while the other run's angles still count.
func TestAngleBarShortRun(t *testing.T) {
	runs, results, out := t.TempDir(), t.TempDir(), t.TempDir()
	writeAngleRun(t, filepath.Join(runs, "bp-angle-spiking-feedback", "seed-1"), []float64{70})
	writeAngleRun(t, filepath.Join(runs, "bp-angle-rate-feedback", "seed-1"), []float64{70, 70, 70, 70})
	if _, err := Collect(runs, results); err != nil {
		t.Fatal(err)
	}
	if err := Page(results, out); err != nil {
		t.Fatal(err)
	}
	sec := section(t, read(t, filepath.Join(out, "results.md")), "## The reproduction's bars")
	var row string
	for _, l := range strings.Split(sec, "\n") {
		if strings.Contains(l, "backprop angle") {
			row = l
		}
	}
	for _, want := range []string{
		fmt.Sprintf("bp-angle-spiking-feedback seed 1 has no angle after example %d", angleStart),
		"bp-angle-rate-feedback seed 1: at most 70.0°",
		"| pending |",
	} {
		if !strings.Contains(row, want) {
			t.Errorf("angle bar lacks %q:\n%s", want, row)
		}
	}
}

// writeAngleRun writes a finished 10-epoch fake run to dir whose recorded
// backprop angle is blocks[b] for the b-th block of BPAngleStep examples.
func writeAngleRun(t *testing.T, dir string, blocks []float64) {
	t.Helper()
	fakeRun{status: "complete", epochs: make([]float64, 10)}.write(t, dir)
	angles := make([]float64, len(blocks)*BPAngleStep)
	for i := range angles {
		angles[i] = blocks[i/BPAngleStep]
	}
	p := rundir.Record(dir, bpAnglesRecord)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteFile(p, []int{len(angles)}, angles); err != nil {
		t.Fatal(err)
	}
}
