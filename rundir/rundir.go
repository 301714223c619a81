// Package rundir owns the run folder: the names of the files in it, the
// summary (summary.json) and metric rows (metrics.csv) and how they are read
// and written, the set of statuses a run ends in, the marker that says a
// folder was made by dendrite, the lock held while a process writes, and the
// decision whether a folder is started, resumed or skipped. The layout is
// described in docs/run-folder.md; every other package names run-folder
// files through this one.
package rundir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Names of the files and folders inside a run folder.
const (
	ConfigFile     = "config.json"          // the resolved config
	DefaultsFile   = "config.defaults.json" // the profile's defaults, for "what changed"
	SummaryFile    = "summary.json"         // how the run ended (Summary)
	MetricsFile    = "metrics.csv"          // one row per test (Metric)
	ProvenanceFile = "provenance.json"      // what the run ran on (Provenance)
	MarkerFile     = ".dendrite-run"        // written first: this folder is a dendrite run
	LockFile       = "run.lock"             // present while a process writes the folder
	CheckpointDir  = "checkpoint"
	CheckpointFile = CheckpointDir + "/state.ckpt" // latest checkpoint
	WeightsDir     = "weights"
	RecordsDir     = "records"
	PlotsDir       = "plots"
	ReportFile     = "report.html"
)

// Path joins dir and one of the names above (slash-separated names are
// converted to the OS separator).
func Path(dir, name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }

// Weights returns the folder of one set of weights: "initial", "final" or
// "epoch_E".
func Weights(dir, which string) string { return filepath.Join(dir, WeightsDir, which) }

// EpochWeights returns the weights folder written after epoch e.
func EpochWeights(dir string, e int) string { return Weights(dir, fmt.Sprintf("epoch_%d", e)) }

// Record returns the path of a file under records/.
func Record(dir, name string) string { return filepath.Join(dir, RecordsDir, name) }

// ErrNotRun is wrapped by the errors of functions given a folder that is not
// a run folder.
var ErrNotRun = errors.New("not a run folder")

// IsRun reports whether dir was created by dendrite as a run folder: it
// holds the marker file, or (runs written before the marker existed) both
// config.json and summary.json or a checkpoint.
func IsRun(dir string) bool {
	if regular(Path(dir, MarkerFile)) {
		return true
	}
	return regular(Path(dir, ConfigFile)) && (regular(Path(dir, SummaryFile)) || regular(Path(dir, CheckpointFile)))
}

// CheckRun returns an error wrapping ErrNotRun that names dir and what is
// missing when dir is not a run folder.
func CheckRun(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%s: %w (%v)", dir, ErrNotRun, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("%s: %w (it is a file)", dir, ErrNotRun)
	}
	if !IsRun(dir) {
		return fmt.Errorf("%s: %w (no %s or %s; dendrite train --out writes one)", dir, ErrNotRun, MarkerFile, ConfigFile)
	}
	return nil
}

// HasCheckpoint reports whether dir holds a checkpoint to resume from.
func HasCheckpoint(dir string) bool { return regular(Path(dir, CheckpointFile)) }

// Create makes dir (and its parents) and writes the marker file, the first
// file of every run folder. dir must be absent or empty.
func Create(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(Path(dir, MarkerFile), []byte("dendrite run folder; see docs/run-folder.md\n"), 0o644)
}

// Clear removes everything in dir, which must be a run folder written by
// dendrite (it holds the marker file), and keeps dir itself. It refuses any
// other folder, so that a mistyped --out never deletes a user's files.
func Clear(dir string) error {
	if !regular(Path(dir, MarkerFile)) {
		return fmt.Errorf("%s: refusing to delete: %w written by this program (no %s marker file)", dir, ErrNotRun, MarkerFile)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	// The marker goes last, so a Clear that stops half-way leaves a folder
	// that is still recognisably ours.
	for _, e := range ents {
		if e.Name() == MarkerFile {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return os.Remove(Path(dir, MarkerFile))
}

func regular(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
