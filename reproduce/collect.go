package reproduce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dendrite-lab/dendrite/experiments"
	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/plot"
	"github.com/dendrite-lab/dendrite/record"
	"github.com/dendrite-lab/dendrite/rundir"
)

// Names of the records collecting reads (docs/run-folder.md); the run
// folder's own file names come from package rundir.
const (
	metricsFile    = rundir.MetricsFile
	bpAnglesRecord = "bp_angles.npy"
	eigvalsRecord  = "max_jacobian_eigvals.npy"
	lossRecord     = "final_layer_loss.npy"
	hiddenLossRec  = record.HiddenLossFile
	labelsRecord   = "training_labels.npy"
)

// Names of the files collecting writes into results/<experiment>/seed-<k>/,
// besides the run's own config.json, summary.json and metrics.csv.
const (
	// RepeatedTestsFile has one row per repeated test of the final weights:
	// repetition,test_error,test_examples.
	RepeatedTestsFile = "repeated_tests.csv"
	// BPAngleFile is the 100-example trailing mean of the backprop angle,
	// every BPAngleStep examples: example,angle_mean100.
	BPAngleFile = "bp_angle.csv"
	// EigvalsFile is the largest eigenvalue during the first epoch, every
	// EigvalStep examples: example,max_eigval,mean100,fraction_below_1.
	EigvalsFile = "eigvals_first_epoch.csv"
	// LossCorrelationFile is the Pearson correlation of each hidden layer's
	// loss with the output loss per epoch and label: layer,epoch,label,n,r
	// (label -1 = all images).
	LossCorrelationFile = "loss_correlation.csv"
	// LossPairsFile holds the per-example losses of the images of
	// LossPairsLabel in the run's last epoch, for the scatter of Fig. 5B:
	// epoch,example,output_loss,hidden_loss_0[,hidden_loss_1,…].
	LossPairsFile = "loss_pairs.csv"
	// FieldsDir is the folder (results/FieldsDir) of the receptive-field
	// comparison of Fig. 7B/C.
	FieldsDir = "receptive-fields"
)

// Sampling steps of the derived series; they keep each file far below 1 MB.
const (
	BPAngleStep = 500
	EigvalStep  = 100
	slideWindow = 100
	// LossPairsLabel is the digit whose losses Fig. 5B plots (the paper's 2s).
	LossPairsLabel = 2
)

// The two experiments whose hidden-layer receptive fields Fig. 7B/C compares.
const (
	fieldsExperiment   = "one-hidden-layer"
	backpropExperiment = "backprop-receptive-fields"
)

// CollectReport says what [Collect] did with each run folder.
type CollectReport struct {
	Written   []string // results/<experiment>/seed-<k> written (new or refreshed derived files)
	Unchanged []string // already in results/ with the same summary.json
	Refused   []string // run folders not collected, each with the reason
}

// Collect copies every finished run under runs (runs/<experiment>/seed-<k>)
// into results/<experiment>/seed-<k>: config.json, summary.json and
// metrics.csv as the run wrote them, repeated_tests.csv (one row per repeated
// test), and the small derived series the results page draws (see the File
// constants). Unfinished runs are refused and named in the report. A result
// already in results/ is replaced only by the same run (equal summary.json);
// a different finished run in its place is an error, never overwritten.
func Collect(runs, results string) (*CollectReport, error) {
	exps, err := os.ReadDir(runs)
	if err != nil {
		return nil, err
	}
	rep := &CollectReport{}
	for _, e := range exps {
		if !e.IsDir() {
			continue
		}
		if _, err := experiments.Get(e.Name()); err != nil {
			continue // not an experiment folder (e.g. the pinned binaries)
		}
		seeds, err := os.ReadDir(filepath.Join(runs, e.Name()))
		if err != nil {
			return rep, err
		}
		for _, s := range seeds {
			if !s.IsDir() || !strings.HasPrefix(s.Name(), "seed-") {
				continue
			}
			src := filepath.Join(runs, e.Name(), s.Name())
			dst := filepath.Join(results, e.Name(), s.Name())
			files, why, err := collectRun(src)
			if err != nil {
				return rep, err
			}
			if why != "" {
				rep.Refused = append(rep.Refused, src+": "+why)
				continue
			}
			same, err := sameRun(dst, files[rundir.SummaryFile])
			if err != nil {
				return rep, err
			}
			changed, err := writeFiles(dst, files)
			if err != nil {
				return rep, err
			}
			if same && !changed {
				rep.Unchanged = append(rep.Unchanged, dst)
			} else {
				rep.Written = append(rep.Written, dst)
			}
		}
	}
	if err := collectFields(runs, results, rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// sameRun reports whether dst holds the run whose summary.json is summary.
// It is false when dst has no result yet, and an error when dst holds a
// different finished run.
func sameRun(dst string, summary []byte) (bool, error) {
	old, err := readStored(filepath.Join(dst, rundir.SummaryFile))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !bytes.Equal(old, summary) {
		return false, fmt.Errorf("%s already holds a different finished run (its %s differs); remove that folder first to replace it", dst, rundir.SummaryFile)
	}
	return true, nil
}

// writeFiles writes files into dir, touching only files whose content
// differs, and reports whether any did.
func writeFiles(dir string, files map[string][]byte) (bool, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	changed := false
	for _, name := range sortedKeys(files) {
		p := filepath.Join(dir, name)
		if old, err := readStored(p); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

// collectRun returns the files to store for the run folder dir, or a reason
// (why) not to collect it.
func collectRun(dir string) (files map[string][]byte, why string, err error) {
	sb, err := readStored(filepath.Join(dir, rundir.SummaryFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, "not finished (no " + rundir.SummaryFile + ")", nil
	}
	if err != nil {
		return nil, "", err
	}
	var s rundir.Summary
	if err := json.Unmarshal(sb, &s); err != nil {
		return nil, "", fmt.Errorf("%s: %w", filepath.Join(dir, rundir.SummaryFile), err)
	}
	if s.Status != rundir.Complete {
		return nil, fmt.Sprintf("not finished (status %q)", s.Status), nil
	}
	cb, err := readStored(filepath.Join(dir, rundir.ConfigFile))
	if err != nil {
		return nil, "", err
	}
	cfg, err := readStoredConfig(cb)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", filepath.Join(dir, rundir.ConfigFile), err)
	}
	mb, err := readStored(filepath.Join(dir, metricsFile))
	if err != nil {
		return nil, "", err
	}
	metrics, err := plot.ReadMetrics(bytes.NewReader(mb))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", filepath.Join(dir, metricsFile), err)
	}
	files = map[string][]byte{rundir.SummaryFile: sb, rundir.ConfigFile: cb, metricsFile: mb}
	// What the run ran on (data digests, build, kernels), so that a stored
	// result can be re-run and checked from its own files. Runs of builds
	// older than the provenance record have none.
	if pb, err := readStored(filepath.Join(dir, rundir.ProvenanceFile)); err == nil {
		files[rundir.ProvenanceFile] = pb
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, "", err
	}
	// The repeated tests are in summary.json; runs of older builds have
	// them only as metrics.csv rows of kind "repeat".
	reps := s.RepeatTestErrors
	if len(reps) == 0 {
		for _, m := range metrics {
			if m.Kind == "repeat" {
				reps = append(reps, m.TestError)
			}
		}
	}
	if cfg.RepeatTests > 1 && len(reps) < cfg.RepeatTests {
		return nil, fmt.Sprintf("has %d of its %d repeated tests", len(reps), cfg.RepeatTests), nil
	}
	if len(reps) > 0 {
		var b strings.Builder
		b.WriteString("repetition,test_error,test_examples\n")
		for i, v := range reps {
			fmt.Fprintf(&b, "%d,%s,%d\n", i+1, fmtG(v), s.TestExamples)
		}
		files[RepeatedTestsFile] = []byte(b.String())
	}
	rec := func(name string) string { return rundir.Record(dir, name) }
	if a, err := readVec(rec(bpAnglesRecord)); err != nil {
		return nil, "", err
	} else if a != nil {
		files[BPAngleFile] = bpAngleCSV(a)
	}
	if a, err := readVec(rec(eigvalsRecord)); err != nil {
		return nil, "", err
	} else if a != nil {
		perEpoch := len(a)
		if s.Epochs > 0 && s.ExamplesTrained > 0 {
			perEpoch = int(s.ExamplesTrained) / s.Epochs
		}
		files[EigvalsFile] = eigvalsCSV(a[:min(len(a), perEpoch)])
	}
	hl, err := readColumns(rec(hiddenLossRec))
	if err != nil {
		return nil, "", err
	}
	ol, err := readVec(rec(lossRecord))
	if err != nil {
		return nil, "", err
	}
	lab, err := readVec(rec(labelsRecord))
	if err != nil {
		return nil, "", err
	}
	if hl != nil && ol != nil && lab != nil && s.Epochs > 0 {
		perEpoch := int(s.ExamplesTrained) / s.Epochs
		files[LossCorrelationFile] = lossCorrelationCSV(hl, ol, lab, perEpoch)
		files[LossPairsFile] = lossPairsCSV(hl, ol, lab, perEpoch, LossPairsLabel)
	}
	for name, b := range files {
		if len(b) > 1<<20 {
			return nil, "", fmt.Errorf("%s: derived file %s would be %d bytes (limit 1 MiB)", dir, name, len(b))
		}
	}
	return files, "", nil
}

// readVec reads a 1-D (or any) .npy file as a flat vector; nil, nil when it
// does not exist.
func readVec(path string) ([]float64, error) {
	a, err := npy.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a.Data, nil
}

// readColumns reads an (examples, columns) .npy record as one slice per
// column (the hidden-loss record has one column per hidden layer; a 1-D
// record is one column); nil, nil when it does not exist.
func readColumns(path string) ([][]float64, error) {
	a, err := npy.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(a.Shape) != 2 || a.Shape[1] <= 1 {
		return [][]float64{a.Data}, nil
	}
	cols := make([][]float64, a.Shape[1])
	for c := range cols {
		cols[c] = make([]float64, a.Shape[0])
		for i := range cols[c] {
			cols[c][i] = a.Data[i*a.Shape[1]+c]
		}
	}
	return cols, nil
}

// fmtG formats v with at most 6 significant digits, deterministically.
func fmtG(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// bpAngleCSV samples the trailing 100-example mean of the angles every
// BPAngleStep examples (and at the last one).
func bpAngleCSV(a []float64) []byte {
	m := plot.SlidingMean(a, slideWindow)
	var b strings.Builder
	b.WriteString("example,angle_mean100\n")
	for i := range m {
		if (i+1)%BPAngleStep == 0 || i == len(m)-1 {
			fmt.Fprintf(&b, "%d,%s\n", i+1, fmtG(m[i]))
		}
	}
	return []byte(b.String())
}

// eigvalsCSV samples the largest eigenvalue, its trailing 100-example mean
// and the fraction of the last EigvalStep values below 1, every EigvalStep
// examples.
func eigvalsCSV(a []float64) []byte {
	m := plot.SlidingMean(a, slideWindow)
	var b strings.Builder
	b.WriteString("example,max_eigval,mean100,fraction_below_1\n")
	below := 0
	for i, v := range a {
		if v < 1 {
			below++
		}
		if (i+1)%EigvalStep == 0 || i == len(a)-1 {
			n := (i % EigvalStep) + 1
			fmt.Fprintf(&b, "%d,%s,%s,%s\n", i+1, fmtG(v), fmtG(m[i]), fmtG(float64(below)/float64(n)))
			below = 0
		}
	}
	return []byte(b.String())
}

// lossCorrelationCSV is the Pearson correlation of each hidden layer's loss
// with the output loss, per epoch (perEpoch examples each) and label (-1 =
// all labels). The paper's Fig. 5B/C is a one-hidden-layer network (layer 0
// only); deeper networks get one block of rows per hidden layer.
func lossCorrelationCSV(hidden [][]float64, out, labels []float64, perEpoch int) []byte {
	var b strings.Builder
	b.WriteString("layer,epoch,label,n,r\n")
	if perEpoch <= 0 {
		return []byte(b.String())
	}
	for l, h := range hidden {
		n := min(len(h), len(out), len(labels))
		for e := 0; e*perEpoch < n; e++ {
			lo, hi := e*perEpoch, min(n, (e+1)*perEpoch)
			for label := -1; label < 10; label++ {
				var x, y []float64
				for i := lo; i < hi; i++ {
					if label < 0 || int(labels[i]) == label {
						x, y = append(x, h[i]), append(y, out[i])
					}
				}
				fmt.Fprintf(&b, "%d,%d,%d,%d,%s\n", l, e+1, label, len(x), fmtG(pearson(x, y)))
			}
		}
	}
	return []byte(b.String())
}

// lossPairsCSV lists, for every example of the given label in the last
// epoch the records cover in full (or the only, partial one), its output
// loss and every hidden layer's loss: the points of Fig. 5B. Four
// significant digits keep a 60,000-example epoch's ≈ 6,000 rows near 200 kB.
func lossPairsCSV(hidden [][]float64, out, labels []float64, perEpoch, label int) []byte {
	var b strings.Builder
	b.WriteString("epoch,example,output_loss")
	n := min(len(out), len(labels))
	for l, h := range hidden {
		fmt.Fprintf(&b, ",hidden_loss_%d", l)
		n = min(n, len(h))
	}
	b.WriteString("\n")
	if perEpoch <= 0 || n == 0 {
		return []byte(b.String())
	}
	e := max(n/perEpoch, 1) - 1 // the last complete epoch, 0-based
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	for i := e * perEpoch; i < min(n, (e+1)*perEpoch); i++ {
		if int(labels[i]) != label {
			continue
		}
		fmt.Fprintf(&b, "%d,%d,%s", e+1, i, g(out[i]))
		for _, h := range hidden {
			b.WriteString("," + g(h[i]))
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// pearson is the Pearson correlation of x and y (NaN for fewer than two
// pairs or a constant series).
func pearson(x, y []float64) float64 {
	n := float64(len(x))
	if len(x) < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// collectFields compares the hidden receptive fields (rows of W_0) of every
// finished one-hidden-layer run with those of every finished backprop run in
// the same network, for Fig. 7B/C: results/receptive-fields/<pair>/max_correlations.csv
// (for every neuron the largest Pearson correlation with any backprop field,
// and the same against pixel-shuffled backprop fields as the control) and
// fields.csv (the first fieldsShown fields and their best-matching backprop
// fields, for the picture).
func collectFields(runs, results string, rep *CollectReport) error {
	seedsOf := func(exp string) ([]string, error) {
		ents, err := os.ReadDir(filepath.Join(runs, exp))
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		var out []string
		for _, e := range ents {
			if e.IsDir() && strings.HasPrefix(e.Name(), "seed-") && complete(filepath.Join(runs, exp, e.Name())) {
				out = append(out, e.Name())
			}
		}
		return out, nil
	}
	segs, err := seedsOf(fieldsExperiment)
	if err != nil {
		return err
	}
	bps, err := seedsOf(backpropExperiment)
	if err != nil {
		return err
	}
	// Every pair: the same seed shares its initial weights with backprop
	// (a match can be inherited from the start); different seeds do not.
	for _, sa := range segs {
		for _, sb := range bps {
			a := filepath.Join(runs, fieldsExperiment, sa)
			b := filepath.Join(runs, backpropExperiment, sb)
			wa, err := npy.ReadFile(filepath.Join(rundir.Weights(a, "final"), "W_0.npy"))
			if err != nil {
				return err
			}
			wb, err := npy.ReadFile(filepath.Join(rundir.Weights(b, "final"), "W_0.npy"))
			if err != nil {
				return err
			}
			if len(wa.Shape) != 2 || len(wb.Shape) != 2 || wa.Shape[1] != wb.Shape[1] {
				return fmt.Errorf("%s and %s: W_0 shapes %v and %v cannot be compared", a, b, wa.Shape, wb.Shape)
			}
			files := fieldFiles(wa, wb)
			dst := filepath.Join(results, FieldsDir, fieldsPair(sa, sb))
			changed, err := writeFiles(dst, files)
			if err != nil {
				return err
			}
			if changed {
				rep.Written = append(rep.Written, dst)
			} else {
				rep.Unchanged = append(rep.Unchanged, dst)
			}
		}
	}
	return nil
}

// fieldsPair names the folder of one receptive-field comparison:
// "seed-K" when both runs have seed K, else "seed-K-vs-backprop-seed-L".
func fieldsPair(seg, bp string) string {
	if seg == bp {
		return seg
	}
	return seg + "-vs-backprop-" + bp
}

func complete(dir string) bool {
	s, err := rundir.ReadSummary(dir)
	return err == nil && s.Status == rundir.Complete
}

// fieldsShown is the number of receptive fields stored for the picture.
const fieldsShown = 8

// fieldFiles computes the files of the receptive-field comparison.
func fieldFiles(wa, wb *npy.Array) map[string][]byte {
	na, nb, d := wa.Shape[0], wb.Shape[0], wa.Shape[1]
	za, zb := standardise(wa.Data, na, d), standardise(wb.Data, nb, d)
	// The control shuffles the pixels of every backprop field with one fixed
	// permutation per field (a deterministic generator, so collecting twice
	// gives the same file).
	zs := make([]float64, len(zb))
	g := newLCG(1)
	for j := 0; j < nb; j++ {
		perm := g.perm(d)
		for k, p := range perm {
			zs[j*d+k] = zb[j*d+p]
		}
	}
	best, maxR := maxCorr(za, zb, na, nb, d)
	_, maxS := maxCorr(za, zs, na, nb, d)
	var b strings.Builder
	b.WriteString("neuron,best_backprop_neuron,max_r,max_r_shuffled\n")
	for i := 0; i < na; i++ {
		fmt.Fprintf(&b, "%d,%d,%s,%s\n", i, best[i], fmtG(maxR[i]), fmtG(maxS[i]))
	}
	var f strings.Builder
	f.WriteString("network,neuron")
	for k := 0; k < d; k++ {
		fmt.Fprintf(&f, ",p%d", k)
	}
	f.WriteString("\n")
	row := func(net string, i int, w []float64) {
		fmt.Fprintf(&f, "%s,%d", net, i)
		for _, v := range w[i*d : (i+1)*d] {
			f.WriteString("," + strconv.FormatFloat(v, 'g', 4, 64))
		}
		f.WriteString("\n")
	}
	for i := 0; i < min(fieldsShown, na); i++ {
		row(fieldsExperiment, i, wa.Data)
		row(backpropExperiment, best[i], wb.Data)
	}
	return map[string][]byte{"max_correlations.csv": []byte(b.String()), "fields.csv": []byte(f.String())}
}

// standardise returns each row of the n×d matrix w minus its mean, divided
// by its norm, so that a dot product of two rows is their Pearson r.
func standardise(w []float64, n, d int) []float64 {
	z := make([]float64, n*d)
	for i := 0; i < n; i++ {
		r := w[i*d : (i+1)*d]
		m := 0.0
		for _, v := range r {
			m += v
		}
		m /= float64(d)
		ss := 0.0
		for _, v := range r {
			ss += (v - m) * (v - m)
		}
		s := math.Sqrt(ss)
		for k, v := range r {
			if s > 0 {
				z[i*d+k] = (v - m) / s
			}
		}
	}
	return z
}

// maxCorr returns, for each row of za, the index of the row of zb with the
// largest correlation and that correlation.
func maxCorr(za, zb []float64, na, nb, d int) ([]int, []float64) {
	best, max := make([]int, na), make([]float64, na)
	for i := 0; i < na; i++ {
		a := za[i*d : (i+1)*d]
		max[i] = math.Inf(-1)
		for j := 0; j < nb; j++ {
			bj := zb[j*d : (j+1)*d]
			r := 0.0
			for k := range a {
				r += a[k] * bj[k]
			}
			if r > max[i] {
				best[i], max[i] = j, r
			}
		}
	}
	return best, max
}

// lcg is a small deterministic generator (Knuth's MMIX constants): the
// shuffled control must not change between Go releases, which math/rand's
// generators do not promise for Perm.
type lcg struct{ s uint64 }

func newLCG(seed uint64) *lcg { return &lcg{s: seed} }

func (g *lcg) next() uint64 {
	g.s = g.s*6364136223846793005 + 1442695040888963407
	return g.s >> 11
}

// perm is a Fisher–Yates permutation of 0..n-1.
func (g *lcg) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := int(g.next() % uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// storedConfig is the part of a run's config.json that collecting and the
// page read. It is decoded leniently (unknown keys ignored), so that results
// stored by older builds stay readable when config keys change.
type storedConfig struct {
	Layers      []int  `json:"layers"`
	Epochs      int    `json:"epochs"`
	RepeatTests int    `json:"repeat_tests"`
	Mode        string `json:"mode"`
	Profile     string `json:"profile"`
}

func readStoredConfig(b []byte) (storedConfig, error) {
	var c storedConfig
	err := json.Unmarshal(b, &c)
	return c, err
}
