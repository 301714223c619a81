package sweep

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
)

// A sweep of real tiny runs (run.Train, the runner of the dendrite binary):
// a task interrupted after its first checkpoint resumes when the sweep runs
// again, the other starts, and status and collect read what the runs wrote.
func TestSweepOfRealRuns(t *testing.T) {
	dir, m := plan(t, `
base: {mode: rate, layers: [20, 10], epochs: 2, train_examples: 40, test_examples: 30, quick_test_examples: 0}
grid:
  etas: [[0.2, 0.2], [0.1, 0.1]]
seeds: [1]
`)
	real := func(stopAfter int, cancel func()) Runner {
		return func(ctx context.Context, cfg config.Config, runDir string) error {
			_, err := run.Train(ctx, cfg, runDir, run.Options{Resume: rundir.HasCheckpoint(runDir), StopAfter: stopAfter})
			if errors.Is(err, run.ErrInterrupted) && cancel != nil {
				cancel() // as the signal that interrupted it would have
			}
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := RunTask(ctx, dir, 0, real(50, cancel)); err == nil {
		t.Fatal("the interrupted task reported success")
	}
	st, err := Status(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st[0].State != StatePending || !rundir.HasCheckpoint(RunDir(dir, &m.Runs[0])) {
		t.Fatalf("after the interruption: %+v", st[0])
	}
	if s, err := rundir.ReadSummary(RunDir(dir, &m.Runs[0])); err != nil || s.Status != rundir.Interrupted || s.ExamplesTrained != 50 {
		t.Fatalf("interrupted summary %+v %v", s, err)
	}
	if err := RunLocal(context.Background(), dir, 1, real(0, nil), nil); err != nil {
		t.Fatal(err)
	}
	st, _ = Status(dir)
	for i, r := range st {
		s, err := rundir.ReadSummary(RunDir(dir, &m.Runs[i]))
		if err != nil {
			t.Fatal(err)
		}
		e, ok := s.TestError()
		if r.State != StateDone || !ok || r.FinalTestError != e || s.ExamplesTrained != 80 || s.Epochs != 2 {
			t.Errorf("run %d: status %+v, summary %+v", i, r, s)
		}
		if math.IsNaN(e) || e < 0 || e > 100 {
			t.Errorf("run %d: test error %v", i, e)
		}
	}
	res, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 2 || res.Groups[0].N != 1 || res.Groups[0].Mean != st[0].FinalTestError {
		t.Errorf("collect: %+v", res.Groups)
	}
}
