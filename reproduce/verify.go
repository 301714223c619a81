package reproduce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/internal/iox"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

// VerifyTolerance is how far, in percentage points, a re-run first epoch may
// land from the stored one when the build or the machine differs. With the
// same build and kernels a run is deterministic, so the errors must be equal.
const VerifyTolerance = 2.0

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// DataDir is the folder of IDX files ("" = the bundled MNIST); its
	// digests must equal the stored provenance's unless AllowOtherData.
	DataDir        string
	AllowOtherData bool
	// Work is the parent folder of the temporary run folder ("" = the
	// system's temporary folder). Verify removes only the folder it made.
	Work     string
	Progress io.Writer
	// Abort, when it closes (a second interrupt), stops the re-run at once
	// (see run.Options.Abort).
	Abort <-chan struct{}
}

// VerifyFile is where Verification.Save writes the outcome, beside the
// stored result (the results page reads it).
const VerifyFile = "verify.json"

// Verification is the outcome of re-running a stored result's first epoch.
type Verification struct {
	Dir            string  `json:"-"`
	Seed           uint64  `json:"seed"`
	Stored         float64 `json:"stored_epoch1_test_error"` // %
	Rerun          float64 `json:"rerun_epoch1_test_error"`  // %
	Identical      bool    `json:"identical"`                // the two errors are the same number
	SameBuild      bool    `json:"same_build"`               // same revision (not modified) and kernels as the stored run
	StoredRevision string  `json:"stored_revision,omitempty"`
	// Program and Kernels are the build that re-ran it.
	Program rundir.Program `json:"program"`
	Kernels string         `json:"kernels"`
	Seconds float64        `json:"seconds"`
	Created string         `json:"created"`
}

// Save writes v as dir/verify.json.
func (v *Verification) Save(dir string) error {
	return rundir.WriteJSON(filepath.Join(dir, VerifyFile), v)
}

// ReadVerification reads dir/verify.json; nil, nil when there is none.
func ReadVerification(dir string) (*Verification, error) {
	b, err := readStored(filepath.Join(dir, VerifyFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &Verification{Dir: dir}
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, VerifyFile), err)
	}
	return v, nil
}

// Diff is Rerun − Stored in percentage points.
func (v *Verification) Diff() float64 { return v.Rerun - v.Stored }

// OK says whether the re-run agrees: to the bit with the same build, within
// VerifyTolerance otherwise.
func (v *Verification) OK() bool {
	if v.SameBuild {
		return v.Identical
	}
	return math.Abs(v.Diff()) <= VerifyTolerance
}

// Verify re-runs the first epoch of the stored result in dir (a
// results/NAME/seed-K folder written by Collect, or a run folder) from its own
// config.json — same seed, same quick tests, one epoch, no repeated tests —
// and compares the epoch-1 full test error with the stored metrics.csv.
func Verify(ctx context.Context, dir string, o VerifyOptions) (*Verification, error) {
	raw, err := readStored(filepath.Join(dir, rundir.ConfigFile))
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	stored, err := epochOneError(filepath.Join(dir, rundir.MetricsFile))
	if err != nil {
		return nil, err
	}
	prov, err := rundir.ReadProvenance(dir)
	if errors.Is(err, os.ErrNotExist) {
		prov = nil // an old run: no digests or build to compare
	} else if err != nil {
		return nil, err
	}
	cfg, err := config.FromJSON(raw, func(c *config.Config) error {
		c.Epochs, c.RepeatTests = 1, 1 // 1 = only the final test, which is epoch 1's
		// The result does not depend on the number of test workers.
		c.Workers = runtime.GOMAXPROCS(0)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, rundir.ConfigFile), err)
	}
	ds, err := rundir.DescribeData(o.DataDir)
	if err != nil {
		return nil, err
	}
	if err := rundir.CompareData(prov, ds); err != nil && !o.AllowOtherData {
		return nil, fmt.Errorf("%s: %w (pass --allow-other-data to compare anyway)", dir, err)
	}
	train, test, err := dataset.LoadMNIST(o.DataDir)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(o.Work, "dendrite-verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work) // made above: ours alone
	runDir := filepath.Join(work, "run")
	s, err := run.Train(ctx, cfg, runDir, run.Options{Train: train, Test: test, DataDir: o.DataDir, Data: &ds, Progress: o.Progress, LogEvery: 5000, Abort: o.Abort})
	if err != nil {
		return nil, err
	}
	rerun, err := epochOneError(filepath.Join(runDir, rundir.MetricsFile))
	if err != nil {
		return nil, err
	}
	this := rundir.ThisProgram()
	v := &Verification{Dir: dir, Seed: cfg.Seed, Stored: stored, Rerun: rerun, Identical: stored == rerun,
		Program: this, Kernels: sim.Kernels(), Seconds: s.Seconds, Created: time.Now().UTC().Format(time.RFC3339)}
	if prov != nil {
		v.StoredRevision = prov.Program.Revision
		v.SameBuild = prov.Program.Revision != "" && prov.Program.Revision == this.Revision &&
			!prov.Program.Modified && !this.Modified && prov.Kernels == sim.Kernels() &&
			prov.Program.GOARCH == this.GOARCH
	}
	return v, nil
}

// epochOneError reads the full test error at the end of epoch 1 from a
// metrics.csv.
func epochOneError(path string) (float64, error) {
	rows, err := readCSV(path)
	if err != nil {
		return 0, err
	}
	if rows == nil {
		return 0, fmt.Errorf("%s: %w", path, os.ErrNotExist)
	}
	for _, r := range rows {
		if r["kind"] == "full" && r["epoch"] == "1" {
			x, err := strconv.ParseFloat(r["test_error"], 64)
			if err != nil || math.IsNaN(x) {
				return 0, fmt.Errorf("%s: epoch 1's test_error %q is not a number", path, r["test_error"])
			}
			return x, nil
		}
	}
	return 0, fmt.Errorf("%s: %w", path, errNoEpochOne)
}

var errNoEpochOne = errors.New("no full test at the end of epoch 1 (kind full, epoch 1)")

// maxStoredFile bounds each file read from a run or results folder: they are
// small (a 60-epoch run's metrics.csv is about 300 kB), and a bound keeps a
// wrong path (a disk image, a device) from being read into memory.
const maxStoredFile = 64 << 20

// readStored reads a regular file of a run or results folder, refusing
// FIFOs, devices and folders before opening them; errors name the file, and
// a missing file wraps os.ErrNotExist.
func readStored(path string) ([]byte, error) {
	b, err := iox.ReadFile(path, "a regular file", maxStoredFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
