// Package record keeps what a training run records (docs/model.md#recorded-quantities) and writes it
// as files that Python opens directly: .npy arrays under records/, tidy CSVs
// (losses.csv, voltages.csv) and metrics.csv, one row per test (rows of
// rundir.Metric). The layout is
// described in docs/run-folder.md. A Log can be stored in and restored from a
// checkpoint, so a resumed run's records are those of an uninterrupted one.
package record

import (
	"encoding/csv"
	"fmt"
	"github.com/dendrite-lab/dendrite/internal/atomic"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dendrite-lab/dendrite/checkpoint"
	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/rundir"
)

// HiddenLossFile is the record (under records/) of every hidden layer's
// per-example loss, examples × hidden layers (docs/model.md#recorded-quantities).
const HiddenLossFile = "hidden_layer_loss.npy"

// VoltCols is the number of columns of a voltage row:
// example, phase (0 forward, 1 target), step, time_ms, layer, neuron, A, B, C.
const VoltCols = 9

// Log is the in-memory record of a run.
type Log struct {
	Loss, BPAngle, JacEig, JacEigMeans, WeightEig []float64
	// HiddenLoss holds, per example, one loss per hidden layer (row-major,
	// len(PlateauN) columns).
	HiddenLoss    []float64
	Labels, Preds []int64
	PhaseTimes    []float64
	// Plateau[m] holds rows of PlateauN[m] plateau times of hidden layer m.
	Plateau  [][]float64
	PlateauN []int
	// TrainErrors per epoch; FullTests and QuickTests in percent; QuickAt the
	// examples seen at each quick test.
	TrainErrors, FullTests, QuickTests []float64
	QuickAt                            []int64
	Volt                               []float64
	Metrics                            []rundir.Metric
}

// NewLog returns an empty Log for a network with the given hidden sizes.
func NewLog(hidden []int) *Log {
	l := &Log{PlateauN: append([]int(nil), hidden...)}
	l.Plateau = make([][]float64, len(hidden))
	return l
}

// Checkpoint stores the log in w.
func (l *Log) Checkpoint(w *checkpoint.Writer) {
	f := map[string][]float64{"loss": l.Loss, "bp": l.BPAngle, "jac": l.JacEig, "jacm": l.JacEigMeans, "weig": l.WeightEig,
		"phase": l.PhaseTimes, "trainerr": l.TrainErrors, "full": l.FullTests, "quick": l.QuickTests, "volt": l.Volt}
	for _, k := range sortedKeys(f) {
		w.Float64s("rec/"+k, f[k])
	}
	// Written only when recorded, so a run without it checkpoints as the
	// builds before it did.
	if len(l.HiddenLoss) > 0 {
		w.Float64s("rec/hloss", l.HiddenLoss)
	}
	w.Int64s("rec/labels", l.Labels)
	w.Int64s("rec/preds", l.Preds)
	w.Int64s("rec/quickat", l.QuickAt)
	for m, p := range l.Plateau {
		w.Float64s(fmt.Sprintf("rec/plateau%d", m), p)
	}
	mt := make([]float64, 0, 7*len(l.Metrics))
	for _, m := range l.Metrics {
		k := 0
		for i, s := range rundir.MetricKinds {
			if s == m.Kind {
				k = i
			}
		}
		mt = append(mt, float64(k), float64(m.Epoch), m.Examples, m.TestError, m.TrainError, m.LossMean, m.Seconds)
	}
	w.Float64s("rec/metrics", mt)
}

// Restore reads the log stored by Checkpoint.
func (l *Log) Restore(r *checkpoint.Reader) error {
	var err error
	get := func(k string) []float64 {
		if err != nil {
			return nil
		}
		var v []float64
		v, err = r.Float64s("rec/"+k, -1)
		return v
	}
	geti := func(k string) []int64 {
		if err != nil {
			return nil
		}
		var v []int64
		v, err = r.Int64s("rec/"+k, -1)
		return v
	}
	l.Loss, l.BPAngle, l.JacEig, l.JacEigMeans, l.WeightEig = get("loss"), get("bp"), get("jac"), get("jacm"), get("weig")
	// Checkpoints of builds before the hidden-loss record have no section.
	l.HiddenLoss = nil
	if r.Has("rec/hloss") {
		l.HiddenLoss = get("hloss")
	}
	l.PhaseTimes, l.TrainErrors, l.FullTests, l.QuickTests, l.Volt = get("phase"), get("trainerr"), get("full"), get("quick"), get("volt")
	l.Labels, l.Preds, l.QuickAt = geti("labels"), geti("preds"), geti("quickat")
	for m := range l.Plateau {
		l.Plateau[m] = get(fmt.Sprintf("plateau%d", m))
	}
	mt := get("metrics")
	if err != nil {
		return err
	}
	if len(mt)%7 != 0 {
		return fmt.Errorf("checkpoint: metrics section of %d values is not a multiple of 7", len(mt))
	}
	l.Metrics = l.Metrics[:0]
	for i := 0; i < len(mt); i += 7 {
		k := int(mt[i])
		if k < 0 || k >= len(rundir.MetricKinds) {
			return fmt.Errorf("checkpoint: metric kind %d unknown", k)
		}
		l.Metrics = append(l.Metrics, rundir.Metric{Kind: rundir.MetricKinds[k], Epoch: int(mt[i+1]), Examples: mt[i+2], TestError: mt[i+3], TrainError: mt[i+4], LossMean: mt[i+5], Seconds: mt[i+6]})
	}
	return nil
}

// Save writes metrics.csv into dir and the records into dir/records.
func (l *Log) Save(dir string) error {
	if err := l.SaveMetrics(rundir.Path(dir, rundir.MetricsFile)); err != nil {
		return err
	}
	rd := rundir.Path(dir, rundir.RecordsDir)
	if err := os.MkdirAll(rd, 0o755); err != nil {
		return err
	}
	vec := func(name string, v []float64) error {
		if len(v) == 0 {
			return nil
		}
		return npy.WriteFile(filepath.Join(rd, name), []int{len(v)}, v)
	}
	ivec := func(name string, v []int64) error {
		if len(v) == 0 {
			return nil
		}
		return npy.WriteInt64File(filepath.Join(rd, name), []int{len(v)}, v)
	}
	for _, e := range []error{
		vec("final_layer_loss.npy", l.Loss), vec("bp_angles.npy", l.BPAngle),
		vec("max_jacobian_eigvals.npy", l.JacEig), vec("max_jacobian_eigvals_prodmean.npy", l.JacEigMeans),
		vec("max_weight_eigvals.npy", l.WeightEig), vec("phase_times.npy", l.PhaseTimes),
		vec("training_errors.npy", l.TrainErrors), vec("full_test_errors.npy", l.FullTests),
		vec("quick_test_errors.npy", l.QuickTests),
		ivec("training_labels.npy", l.Labels), ivec("train_predictions.npy", l.Preds),
		ivec("quick_test_examples.npy", l.QuickAt),
	} {
		if e != nil {
			return e
		}
	}
	if h := len(l.PlateauN); h > 0 && len(l.HiddenLoss) > 0 {
		if err := npy.WriteFile(filepath.Join(rd, HiddenLossFile), []int{len(l.HiddenLoss) / h, h}, l.HiddenLoss); err != nil {
			return err
		}
	}
	for m, p := range l.Plateau {
		if len(p) == 0 {
			continue
		}
		n := l.PlateauN[m]
		if err := npy.WriteFile(filepath.Join(rd, fmt.Sprintf("plateau_times_%d.npy", m)), []int{len(p) / n, n}, p); err != nil {
			return err
		}
	}
	if err := l.saveLosses(filepath.Join(rd, "losses.csv")); err != nil {
		return err
	}
	if len(l.Volt) > 0 {
		if err := l.saveVoltages(filepath.Join(rd, "voltages.csv")); err != nil {
			return err
		}
	}
	return nil
}

func ff(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}

// SaveMetrics writes metrics.csv atomically.
func (l *Log) SaveMetrics(path string) error { return rundir.WriteMetrics(path, l.Metrics) }

func (l *Log) saveLosses(path string) error {
	n := len(l.Labels)
	if len(l.Loss) > n {
		n = len(l.Loss)
	}
	nh := len(l.PlateauN)
	if len(l.HiddenLoss) == 0 {
		nh = 0
	}
	if nh > 0 && len(l.HiddenLoss)/nh > n {
		n = len(l.HiddenLoss) / nh
	}
	if n == 0 {
		return nil
	}
	return writeCSV(path, func(w *csv.Writer) {
		h := []string{"example", "label", "prediction", "loss"}
		if len(l.BPAngle) > 0 {
			h = append(h, "bp_angle")
		}
		if len(l.JacEig) > 0 {
			h = append(h, "max_jacobian_eigval")
		}
		for m := 0; m < nh; m++ {
			h = append(h, fmt.Sprintf("hidden_loss_%d", m))
		}
		w.Write(h)
		at := func(v []float64, i int) string {
			if i < len(v) {
				return ff(v[i])
			}
			return ""
		}
		ati := func(v []int64, i int) string {
			if i < len(v) {
				return strconv.FormatInt(v[i], 10)
			}
			return ""
		}
		for i := 0; i < n; i++ {
			row := []string{strconv.Itoa(i), ati(l.Labels, i), ati(l.Preds, i), at(l.Loss, i)}
			if len(l.BPAngle) > 0 {
				row = append(row, at(l.BPAngle, i))
			}
			if len(l.JacEig) > 0 {
				row = append(row, at(l.JacEig, i))
			}
			for m := 0; m < nh; m++ {
				row = append(row, at(l.HiddenLoss, i*nh+m))
			}
			w.Write(row)
		}
	})
}

func (l *Log) saveVoltages(path string) error {
	return writeCSV(path, func(w *csv.Writer) {
		w.Write([]string{"example", "phase", "step", "time_ms", "layer", "neuron", "A", "B", "C"})
		for i := 0; i+VoltCols <= len(l.Volt); i += VoltCols {
			r := l.Volt[i : i+VoltCols]
			ph := "forward"
			if r[1] == 1 {
				ph = "target"
			}
			w.Write([]string{ff(r[0]), ph, ff(r[2]), ff(r[3]), ff(r[4]), ff(r[5]), ff(r[6]), ff(r[7]), ff(r[8])})
		}
	})
}

// writeCSV writes a CSV file atomically.
func writeCSV(path string, fill func(*csv.Writer)) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomic.WriteFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		fill(cw)
		cw.Flush()
		return cw.Error()
	})
}

func sortedKeys(m map[string][]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
