package rundir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/dendrite-lab/dendrite/internal/atomic"
)

// Status is how a run ended, as summary.json records it.
type Status string

// The statuses a run folder can be in (docs/run-folder.md says what each
// file means in each).
const (
	// Complete: every epoch and the final test ran; weights/final exists and
	// final_test_error is the final test's error.
	Complete Status = "complete"
	// Interrupted: stopped by a signal; the checkpoint holds the last finished
	// example and `dendrite train --resume DIR` continues bit-identically.
	Interrupted Status = "interrupted"
	// Failed: stopped by an error (a numerical blow-up, a write error); the
	// last good checkpoint, if any, is left as it was.
	Failed Status = "failed"
	// Aborted: stopped by a second interrupt before a consistent checkpoint
	// could be written; the folder cannot be resumed (train it again with
	// --overwrite).
	Aborted Status = "aborted"
)

// Statuses lists every Status in the order docs/run-folder.md gives them.
var Statuses = []Status{Complete, Interrupted, Failed, Aborted}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Summary is summary.json.
type Summary struct {
	Status Status `json:"status"`
	Error  string `json:"error,omitempty"`
	// FinalTestError is the error of the final test in percent (the mean of
	// the repeated tests when repeat_tests > 1); absent unless that test ran,
	// that is unless Status is Complete.
	FinalTestError    *float64  `json:"final_test_error,omitempty"`
	TestExamples      int       `json:"test_examples"`
	TestSet           string    `json:"test_set"`
	Epochs            int       `json:"epochs"`
	ExamplesTrained   int64     `json:"examples_trained"`
	Seconds           float64   `json:"seconds"`
	TrainSeconds      float64   `json:"train_seconds"`
	ExamplesPerSecond float64   `json:"examples_per_second"`
	FullTestErrors    []float64 `json:"full_test_errors"`
	TrainingErrors    []float64 `json:"training_errors"`
	RepeatTestErrors  []float64 `json:"repeat_test_errors,omitempty"`
	RepeatTestMean    float64   `json:"repeat_test_mean,omitempty"`
	RepeatTestSD      float64   `json:"repeat_test_sd,omitempty"`
	Mode              string    `json:"mode"`
	Profile           string    `json:"profile"`
	Layers            []int     `json:"layers"`
	Seed              uint64    `json:"seed"`
	Workers           int       `json:"workers"`
	GOMAXPROCS        int       `json:"gomaxprocs"`
	Version           string    `json:"version"`
	Finished          string    `json:"finished"`
}

// TestError returns the final test error and whether it is known.
func (s *Summary) TestError() (float64, bool) {
	if s == nil || s.FinalTestError == nil {
		return 0, false
	}
	return *s.FinalTestError, true
}

// MaxSummarySize bounds the summary.json this package reads.
const MaxSummarySize = 16 << 20

// ReadSummary reads dir/summary.json. A missing file is an error wrapping
// os.ErrNotExist; a status outside Statuses is an error naming the file.
func ReadSummary(dir string) (*Summary, error) {
	path := Path(dir, SummaryFile)
	b, err := readCapped(path, MaxSummarySize)
	if err != nil {
		return nil, err
	}
	var s Summary
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !s.Status.Valid() {
		return nil, fmt.Errorf("%s: status %q is not one of %v", path, s.Status, Statuses)
	}
	return &s, nil
}

// WriteSummary writes dir/summary.json atomically.
func WriteSummary(dir string, s *Summary) error {
	if !s.Status.Valid() {
		return fmt.Errorf("summary: status %q is not one of %v", s.Status, Statuses)
	}
	return WriteJSON(Path(dir, SummaryFile), s)
}

// WriteJSON writes v as indented JSON atomically, making path's folder.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFile(path, append(b, '\n'))
}

// WriteFile writes b to path atomically, making path's folder.
func WriteFile(path string, b []byte) error {
	if err := os.MkdirAll(dirOf(path), 0o755); err != nil {
		return err
	}
	return atomic.WriteBytes(path, b)
}

func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than the %d bytes this program reads", path, max)
	}
	return b, nil
}
