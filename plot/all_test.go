package plot_test

import (
	"bytes"
	"encoding/xml"
	"image"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/plot"
	"github.com/dendrite-lab/dendrite/plot/plottest"
)

// outDir returns where figures go: $DENDRITE_PLOT_OUT/name when set (to look
// at them), else a temporary directory.
func outDir(t *testing.T, name string) string {
	if d := os.Getenv("DENDRITE_PLOT_OUT"); d != "" {
		return filepath.Join(d, name)
	}
	return t.TempDir()
}

func fakeRun(t *testing.T, o plottest.Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run-a")
	if err := plottest.WriteRun(dir, o); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkFigures asserts that paths are exactly base.{png,svg} for each base,
// that every PNG decodes with a sensible size and every SVG parses as XML.
func checkFigures(t *testing.T, paths []string, bases ...string) {
	t.Helper()
	var want []string
	for _, b := range bases {
		want = append(want, b+".png", b+".svg")
	}
	var got []string
	for _, p := range paths {
		got = append(got, filepath.Base(p))
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files written:\n got %v\nwant %v", got, want)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(p) {
		case ".png":
			img, format, err := image.Decode(bytes.NewReader(b))
			if err != nil || format != "png" {
				t.Fatalf("%s: not a PNG: %v", p, err)
			}
			sz := img.Bounds().Size()
			if sz.X < 400 || sz.Y < 300 || sz.X > 3000 || sz.Y > 3000 {
				t.Errorf("%s: size %v", p, sz)
			}
		case ".svg":
			checkSVG(t, p, b)
		}
	}
}

func checkSVG(t *testing.T, p string, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: invalid XML: %v", p, err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Fatalf("%s: root element %q, want svg", p, root)
	}
}

func TestAll(t *testing.T) {
	run := fakeRun(t, plottest.Options{})
	out := outDir(t, "all")
	paths, err := plot.All(run, out)
	if err != nil {
		t.Fatal(err)
	}
	// The fake run records the voltages of training examples 0 and 1: one
	// figure each.
	checkFigures(t, paths, "learning_curve", "loss", "receptive_fields", "bp_angle", "eigvals", "voltages", "voltages_example_1", "embedding_0")
	for _, p := range paths {
		if filepath.Dir(p) != out {
			t.Errorf("%s not in %s", p, out)
		}
	}
}

func TestAllEmptyRun(t *testing.T) {
	paths, err := plot.All(t.TempDir(), t.TempDir())
	if err != nil || len(paths) != 0 {
		t.Fatalf("empty run: paths %v, err %v", paths, err)
	}
}

func TestAllMissingRun(t *testing.T) {
	if _, err := plot.All(filepath.Join(t.TempDir(), "nope"), t.TempDir()); err == nil {
		t.Fatal("no error for a missing run folder")
	}
}

func TestAllPartial(t *testing.T) {
	// Only a loss record and a metrics file without quick tests.
	run := t.TempDir()
	if err := os.MkdirAll(filepath.Join(run, "records"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteFile(filepath.Join(run, "records", "final_layer_loss.npy"), []int{5}, []float64{1, 0.8, 0.7, 0.5, 0.6}); err != nil {
		t.Fatal(err)
	}
	csv := "kind,epoch,examples,test_error,train_error,loss_mean,seconds\ninitial,0,0,90,,,1\nfull,1,60000,5.1,6.2,0.2,100\n"
	if err := os.WriteFile(filepath.Join(run, "metrics.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	// An empty record is skipped, not an error.
	if err := npy.WriteFile(filepath.Join(run, "records", "bp_angles.npy"), []int{0}, nil); err != nil {
		t.Fatal(err)
	}
	paths, err := plot.All(run, outDir(t, "partial"))
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, paths, "learning_curve", "loss")
}

func TestAllRecordsWithoutMetrics(t *testing.T) {
	run := fakeRun(t, plottest.Options{Epochs: 2, ExamplesPerEpoch: 500, Hidden: 20})
	if err := os.Remove(filepath.Join(run, "metrics.csv")); err != nil {
		t.Fatal(err)
	}
	paths, err := plot.All(run, outDir(t, "nometrics"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range paths {
		found = found || filepath.Base(p) == "learning_curve.png"
	}
	if !found {
		t.Fatalf("no learning curve from records: %v", paths)
	}
}

func TestAllCorrupt(t *testing.T) {
	for _, name := range []string{"records/bp_angles.npy", "weights/final/W_0.npy", "metrics.csv", "records/voltages.csv", "records/hidden_activity_0.npy"} {
		t.Run(name, func(t *testing.T) {
			run := fakeRun(t, plottest.Options{Epochs: 1, ExamplesPerEpoch: 500, Hidden: 16})
			p := filepath.Join(run, filepath.FromSlash(name))
			if err := os.WriteFile(p, []byte("\x93NUMPY garbage\n\"a,b\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			paths, err := plot.All(run, t.TempDir())
			if err == nil {
				t.Fatalf("no error for corrupt %s", name)
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error does not name %s: %v", p, err)
			}
			if len(paths) == 0 {
				t.Errorf("the other figures were not drawn")
			}
		})
	}
}

func TestAllWrongShape(t *testing.T) {
	run := t.TempDir()
	p := filepath.Join(run, "records", "final_layer_loss.npy")
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := npy.WriteFile(p, []int{2, 2}, []float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	_, err := plot.All(run, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("want an error naming %s, got %v", p, err)
	}
}

func TestWeightsDir(t *testing.T) {
	run := t.TempDir()
	if got := plot.WeightsDir(run); got != "" {
		t.Fatalf("no weights: got %q", got)
	}
	for _, d := range []string{"initial", "epoch_2", "epoch_10", "epoch_x"} {
		os.MkdirAll(filepath.Join(run, "weights", d), 0o755)
	}
	if got := plot.WeightsDir(run); filepath.Base(got) != "epoch_10" {
		t.Fatalf("got %q, want epoch_10", got)
	}
	os.MkdirAll(filepath.Join(run, "weights", "final"), 0o755)
	if got := plot.WeightsDir(run); filepath.Base(got) != "final" {
		t.Fatalf("got %q, want final", got)
	}
}

func TestCompare(t *testing.T) {
	a := fakeRun(t, plottest.Options{})
	b := filepath.Join(t.TempDir(), "run-b")
	if err := plottest.WriteRun(b, plottest.Options{Seed: 2}); err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(t.TempDir(), "run-c")
	if err := plottest.WriteRun(c, plottest.Options{Seed: 3, Epochs: 5}); err != nil {
		t.Fatal(err)
	}
	paths, err := plot.Compare([]string{a, b, c}, []string{"g_A = 0.05", "g_A = 0", "5 epochs"}, outDir(t, "compare"))
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, paths, "compare_epoch", "compare_examples")

	// Default labels; an empty run folder is left out.
	paths, err = plot.Compare([]string{a, t.TempDir()}, nil, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, paths, "compare_epoch", "compare_examples")

	if _, err := plot.Compare([]string{a, b}, []string{"x"}, t.TempDir()); err == nil {
		t.Fatal("no error for a label count mismatch")
	}
	paths, err = plot.Compare([]string{t.TempDir()}, nil, t.TempDir())
	if err != nil || len(paths) != 0 {
		t.Fatalf("no data: paths %v, err %v", paths, err)
	}
}

// Compare finds the paper's number of a run folder named like the paper's
// experiments (EXPERIMENT/seed-K) and marks it in compare_epoch.
func TestComparePaperExperiment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "one-hidden-layer", "seed-1")
	if err := plottest.WriteRun(dir, plottest.Options{}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := plot.Compare([]string{dir}, nil, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "compare_epoch.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "paper: one-hidden-layer") {
		t.Error("compare_epoch.svg has no paper mark for one-hidden-layer")
	}
}
