package plot

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/dendrite-lab/dendrite/rundir"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/dendrite-lab/dendrite/experiments"
	"github.com/dendrite-lab/dendrite/npy"
)

// figureSource builds one figure of a run folder; it returns a nil Figure
// (and nil error) when the records it needs are absent or empty.
type figureSource func(runDir string) ([]*Figure, error)

// sources are the figures All draws, in order.
var sources = []figureSource{
	learningCurveFromRun,
	lossFromRun,
	receptiveFieldsFromRun,
	bpAngleFromRun,
	eigvalsFromRun,
	voltagesFromRun,
	embeddingsFromRun,
}

// All draws every figure whose records exist in the run folder runDir into
// outDir (created if needed) as PNG and SVG, and returns the paths written,
// in a stable order. Figures whose records are missing (or empty) are
// skipped without error, so an empty run folder gives no figures and no
// error. A record that cannot be read or has the wrong shape is an error
// that names the file; the other figures are still drawn and their paths
// returned alongside the (joined) errors.
//
// The files are learning_curve, loss, receptive_fields, bp_angle, eigvals,
// voltages (and voltages_example_<k> for each further recorded example k)
// and embedding_<m> (one per hidden layer m with recorded
// activity), each with the extensions .png and .svg.
func All(runDir, outDir string) ([]string, error) {
	if err := checkDir(runDir); err != nil {
		return nil, err
	}
	var paths []string
	var errs []error
	for _, src := range sources {
		figs, err := src(runDir)
		if err != nil {
			errs = append(errs, err)
		}
		for _, f := range figs {
			if f == nil {
				continue
			}
			ps, err := f.Save(outDir)
			paths = append(paths, ps...)
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	return paths, errors.Join(errs...)
}

// Compare overlays the learning curves of several runs: the full-test error
// against the epoch (compare_epoch) and the quick-test error against the
// number of training examples (compare_examples), written to outDir as PNG
// and SVG. labels name the runs in the legends; when labels is empty each
// run is named by its folder's base name (by its parent's for a seed-K
// folder, so that the seeds of one experiment form one condition),
// otherwise it must have one label per run. Runs sharing a label are drawn
// as one condition: each seed faint, their mean ± s.d. bold. A run folder
// without test results is left out of the figures; if none has any, no
// figure is written and the error is nil.
func Compare(runDirs, labels []string, outDir string) ([]string, error) {
	if len(labels) != 0 && len(labels) != len(runDirs) {
		return nil, fmt.Errorf("plot: compare: %d labels for %d runs", len(labels), len(runDirs))
	}
	var runs []Run
	for i, dir := range runDirs {
		if err := checkDir(dir); err != nil {
			return nil, err
		}
		label := filepath.Base(filepath.Clean(dir))
		if strings.HasPrefix(label, "seed-") {
			// DIR/<experiment>/seed-K: the seeds of one condition share a label.
			if abs, err := filepath.Abs(dir); err == nil {
				label = filepath.Base(filepath.Dir(abs))
			}
		}
		if len(labels) != 0 {
			label = labels[i]
		}
		m, _, err := runMetrics(dir)
		if err != nil {
			return nil, err
		}
		if len(m) > 0 {
			o := curveOptions(dir)
			runs = append(runs, Run{Label: label, Metrics: m, FullImages: o.FullImages, QuickImages: o.QuickImages,
				Paper: o.Paper, PaperEpochs: o.PaperEpochs})
		}
	}
	var paths []string
	for _, draw := range []func([]Run) (*Figure, error){CompareEpochs, CompareExamples} {
		f, err := draw(runs)
		if errors.Is(err, ErrNoData) {
			continue
		}
		if err != nil {
			return paths, err
		}
		ps, err := f.Save(outDir)
		paths = append(paths, ps...)
		if err != nil {
			return paths, err
		}
	}
	return paths, nil
}

func checkDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("plot: run folder: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("plot: run folder %s is not a directory", dir)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// readNpy reads path if it exists (nil, nil otherwise) and checks its
// dimensionality; errors name the file.
func readNpy(path string, dims int) (*npy.Array, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	a, err := npy.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	if dims > 0 && len(a.Shape) != dims {
		return nil, fmt.Errorf("plot: %s: shape %v, want %d dimensions", path, a.Shape, dims)
	}
	return a, nil
}

// read1D reads a 1-D record; nil when absent.
func read1D(path string) ([]float64, error) {
	a, err := readNpy(path, 1)
	if a == nil || err != nil {
		return nil, err
	}
	return a.Data, nil
}

func records(runDir, name string) string { return rundir.Record(runDir, name) }

// skipEmpty turns ErrNoData into "no figure".
func skipEmpty(f *Figure, err error) ([]*Figure, error) {
	if errors.Is(err, ErrNoData) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []*Figure{f}, nil
}

// runMetrics returns the learning-curve rows of a run: metrics.csv when
// present, else rows rebuilt from records/*_test_errors.npy. It also returns
// records/training_errors.npy (nil when absent).
func runMetrics(runDir string) ([]Metric, []float64, error) {
	train, err := read1D(records(runDir, "training_errors.npy"))
	if err != nil {
		return nil, nil, err
	}
	path := rundir.Path(runDir, rundir.MetricsFile)
	if exists(path) {
		m, err := ReadMetricsFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("plot: %w", err)
		}
		if len(m) > 0 {
			return m, train, nil
		}
	}
	full, err := read1D(records(runDir, "full_test_errors.npy"))
	if err != nil {
		return nil, nil, err
	}
	quick, err := read1D(records(runDir, "quick_test_errors.npy"))
	if err != nil {
		return nil, nil, err
	}
	quickEx, err := read1D(records(runDir, "quick_test_examples.npy"))
	if err != nil {
		return nil, nil, err
	}
	var m []Metric
	initial := initialTest(runDir, len(full), len(train))
	for i, e := range full {
		epoch := i + 1
		kind := "full"
		if initial {
			epoch = i
			if i == 0 {
				kind = "initial"
			}
		}
		m = append(m, Metric{Kind: kind, Epoch: epoch, Examples: math.NaN(), TestError: e, TrainError: math.NaN(), LossMean: math.NaN(), Seconds: math.NaN()})
	}
	if len(quickEx) != len(quick) {
		quickEx = nil
	}
	for i, e := range quick {
		ex := math.NaN()
		if quickEx != nil {
			ex = quickEx[i]
		}
		m = append(m, Metric{Kind: "quick", Examples: ex, TestError: e, TrainError: math.NaN(), LossMean: math.NaN(), Seconds: math.NaN()})
	}
	return m, train, nil
}

// initialTest reports whether records/full_test_errors.npy starts with the
// initial test: config.json's initial_test when readable, else whether
// there is one more full test than training epochs, else true (the default).
func initialTest(runDir string, nFull, nTrain int) bool {
	if b, err := os.ReadFile(rundir.Path(runDir, rundir.ConfigFile)); err == nil {
		var c struct {
			InitialTest *bool `json:"initial_test"`
		}
		if json.Unmarshal(b, &c) == nil && c.InitialTest != nil {
			return *c.InitialTest
		}
	}
	if nTrain > 0 {
		return nFull == nTrain+1
	}
	return true
}

func learningCurveFromRun(runDir string) ([]*Figure, error) {
	m, train, err := runMetrics(runDir)
	if err != nil {
		return nil, err
	}
	return skipEmpty(LearningCurveWith(m, train, curveOptions(runDir)))
}

// curveOptions reads the test sizes from the run's config.json and, when
// the run folder is DIR/<experiment>/seed-K (as dendrite reproduce writes
// it) of one of the paper's experiments with a number, the paper's number.
func curveOptions(runDir string) CurveOptions {
	var o CurveOptions
	if b, err := os.ReadFile(rundir.Path(runDir, rundir.ConfigFile)); err == nil {
		var c struct {
			Test  int `json:"test_examples"`
			Quick int `json:"quick_test_examples"`
		}
		if json.Unmarshal(b, &c) == nil {
			o.FullImages, o.QuickImages = c.Test, c.Quick
		}
	}
	abs, err := filepath.Abs(runDir)
	if err != nil || !strings.HasPrefix(filepath.Base(abs), "seed-") {
		return o
	}
	if x, err := experiments.Get(filepath.Base(filepath.Dir(abs))); err == nil && x.HasError {
		o.Paper = x.PaperError
		o.PaperLabel = fmt.Sprintf("paper (%s): %.1f %%", x.Name, x.PaperError)
		if raw, err := x.Config(); err == nil {
			var c struct {
				Epochs int `json:"epochs"`
			}
			if json.Unmarshal(raw, &c) == nil && c.Epochs > 0 {
				o.PaperEpochs = c.Epochs
				o.PaperLabel = fmt.Sprintf("paper (%s, after %d epochs): %.1f %%", x.Name, c.Epochs, x.PaperError)
			}
		}
	}
	return o
}

func lossFromRun(runDir string) ([]*Figure, error) {
	loss, err := read1D(records(runDir, "final_layer_loss.npy"))
	if err != nil || loss == nil {
		return nil, err
	}
	return skipEmpty(Loss(loss, 0))
}

func bpAngleFromRun(runDir string) ([]*Figure, error) {
	a, err := read1D(records(runDir, "bp_angles.npy"))
	if err != nil || a == nil {
		return nil, err
	}
	return skipEmpty(BPAngle(a, 0))
}

func eigvalsFromRun(runDir string) ([]*Figure, error) {
	var series []Series
	for _, r := range []struct{ file, label string }{
		{"max_jacobian_eigvals.npy", "U = mean of products"},
		{"max_jacobian_eigvals_prodmean.npy", "U = product of means"},
		{"max_weight_eigvals.npy", "weight products"},
	} {
		y, err := read1D(records(runDir, r.file))
		if err != nil {
			return nil, err
		}
		if y != nil {
			series = append(series, Series{Label: r.label, Y: y})
		}
	}
	if len(series) == 0 {
		return nil, nil
	}
	if len(series) == 1 {
		series[0].Label = ""
	}
	return skipEmpty(Eigvals(series, 0))
}

// WeightsDir returns the weights folder of a run to show: weights/final,
// else the newest weights/epoch_E, else weights/initial; "" if none exists.
func WeightsDir(runDir string) string {
	w := rundir.Path(runDir, rundir.WeightsDir)
	if exists(rundir.Weights(runDir, "final")) {
		return rundir.Weights(runDir, "final")
	}
	entries, _ := os.ReadDir(w)
	best := -1
	for _, e := range entries {
		var n int
		if _, err := fmt.Sscanf(e.Name(), "epoch_%d", &n); err == nil && e.IsDir() && e.Name() == "epoch_"+strconv.Itoa(n) && n > best {
			best = n
		}
	}
	if best >= 0 {
		return filepath.Join(w, "epoch_"+strconv.Itoa(best))
	}
	if exists(filepath.Join(w, "initial")) {
		return filepath.Join(w, "initial")
	}
	return ""
}

func receptiveFieldsFromRun(runDir string) ([]*Figure, error) {
	dir := WeightsDir(runDir)
	if dir == "" {
		return nil, nil
	}
	path := filepath.Join(dir, "W_0.npy")
	a, err := readNpy(path, 2)
	if err != nil || a == nil {
		return nil, err
	}
	if a.Shape[0] == 0 {
		return nil, nil
	}
	f, err := ReceptiveFields(a.Data, a.Shape[0], a.Shape[1])
	if err != nil {
		return nil, fmt.Errorf("plot: %s: %w", path, err)
	}
	f.Title += ", weights/" + filepath.Base(dir)
	return []*Figure{f}, nil
}

func voltagesFromRun(runDir string) ([]*Figure, error) {
	path := records(runDir, "voltages.csv")
	if !exists(path) {
		return nil, nil
	}
	samples, err := ReadVoltagesFile(path)
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	if len(samples) == 0 {
		return nil, nil
	}
	opt := VoltageOptions{PlateauTimes: map[int][][]float64{}}
	if opt.PhaseTimes, err = read1D(records(runDir, "phase_times.npy")); err != nil {
		return nil, err
	}
	layers := map[int]bool{}
	for _, s := range samples {
		layers[s.Layer] = true
	}
	for l := range layers {
		a, err := readNpy(records(runDir, fmt.Sprintf("plateau_times_%d.npy", l)), 2)
		if err != nil {
			return nil, err
		}
		if a == nil {
			continue
		}
		rows := make([][]float64, a.Shape[0])
		for r := range rows {
			rows[r] = a.Data[r*a.Shape[1] : (r+1)*a.Shape[1]]
		}
		opt.PlateauTimes[l] = rows
	}
	// One figure per recorded example, in training order.
	seen := map[int]bool{}
	var examples []int
	for _, s := range samples {
		if !seen[s.Example] {
			seen[s.Example] = true
			examples = append(examples, s.Example)
		}
	}
	sort.Ints(examples)
	var figs []*Figure
	for _, ex := range examples {
		f, err := Voltages(samples, ex, opt)
		if errors.Is(err, ErrNoData) {
			continue
		}
		if err != nil {
			return figs, err
		}
		figs = append(figs, f)
	}
	return figs, nil
}

var activityFile = regexp.MustCompile(`^hidden_activity_(\d+)\.npy$`)

func embeddingsFromRun(runDir string) ([]*Figure, error) {
	entries, err := os.ReadDir(rundir.Path(runDir, rundir.RecordsDir))
	if err != nil {
		return nil, nil
	}
	var layers []int
	for _, e := range entries {
		if m := activityFile.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			layers = append(layers, n)
		}
	}
	if len(layers) == 0 {
		return nil, nil
	}
	sort.Ints(layers)
	labelPath := records(runDir, "hidden_activity_labels.npy")
	lab, err := read1D(labelPath)
	if err != nil {
		return nil, err
	}
	var labels []int
	for _, v := range lab {
		labels = append(labels, int(v))
	}
	var figs []*Figure
	for _, l := range layers {
		path := records(runDir, fmt.Sprintf("hidden_activity_%d.npy", l))
		a, err := readNpy(path, 2)
		if err != nil {
			return figs, err
		}
		if a.Shape[0] < 2 || a.Shape[1] < 1 {
			continue
		}
		ls := labels
		if ls != nil && len(ls) != a.Shape[0] {
			return figs, fmt.Errorf("plot: %s has %d labels but %s has %d rows", labelPath, len(ls), path, a.Shape[0])
		}
		f, err := Embedding(mat.NewDense(a.Shape[0], a.Shape[1], a.Data), ls, l)
		if errors.Is(err, ErrNoData) {
			continue
		}
		if err != nil {
			return figs, fmt.Errorf("plot: %s: %w", path, err)
		}
		figs = append(figs, f)
	}
	return figs, nil
}
