package rundir

import (
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dendrite-lab/dendrite/internal/atomic"
)

// Metric kinds: the test a row of metrics.csv reports.
const (
	KindInitial = "initial" // full test before training
	KindQuick   = "quick"   // quick test during an epoch
	KindFull    = "full"    // full test at the end of an epoch
	KindRepeat  = "repeat"  // a repeated test of the final weights
)

// MetricKinds lists the kinds in a fixed order (checkpoints store the index).
var MetricKinds = []string{KindInitial, KindQuick, KindFull, KindRepeat}

// MetricsHeader is the header line of metrics.csv.
var MetricsHeader = []string{"kind", "epoch", "examples", "test_error", "train_error", "loss_mean", "seconds"}

// Metric is one row of metrics.csv. NaN fields are written empty.
type Metric struct {
	// Kind is one of MetricKinds.
	Kind string
	// Epoch is the 1-based epoch in progress (0 for the initial test).
	Epoch int
	// Examples is the number of training examples seen so far in the run
	// (NaN when unknown, as in rows rebuilt from records/).
	Examples float64
	// TestError is the test error in percent.
	TestError float64
	// TrainError is the percentage of forward-phase mistakes so far in this
	// epoch; NaN when not recorded.
	TrainError float64
	// LossMean is the mean final-layer loss since the previous row; NaN if
	// none.
	LossMean float64
	// Seconds is the wall-clock time since the run started.
	Seconds float64
}

// IsFull reports whether m is a test of the whole test set before or after
// an epoch (kind initial or full).
func (m Metric) IsFull() bool { return m.Kind == KindFull || m.Kind == KindInitial }

func ff(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}

// WriteMetrics writes rows as metrics.csv to path, atomically.
func WriteMetrics(path string, rows []Metric) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomic.WriteFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(MetricsHeader)
		for _, m := range rows {
			ex := ""
			if !math.IsNaN(m.Examples) {
				ex = strconv.FormatInt(int64(m.Examples), 10)
			}
			cw.Write([]string{m.Kind, strconv.Itoa(m.Epoch), ex, ff(m.TestError), ff(m.TrainError), ff(m.LossMean), strconv.FormatFloat(m.Seconds, 'f', 3, 64)})
		}
		cw.Flush()
		return cw.Error()
	})
}

func dirOf(path string) string { return filepath.Dir(path) }
