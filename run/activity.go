package run

import (
	"context"
	"fmt"

	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

// recordActivity tests the first n test images with the final weights and
// writes each hidden layer's mean rates (images × n_m) and the labels, for
// embeddings of the hidden representations (paper Fig. 6C).
// It returns ok = false, having written nothing, when ctx is cancelled.
func (t *trainer) recordActivity(ctx context.Context, n int) (ok bool, err error) {
	if t.dir == "" { // in memory: the recording only writes files
		return true, nil
	}
	if n > t.test.Len() {
		n = t.test.Len()
	}
	hidden := t.cfg.Layers[:len(t.cfg.Layers)-1]
	acts := make([][]float64, len(hidden))
	for m, h := range hidden {
		acts[m] = make([]float64, n*h)
	}
	idx := identity(n)
	_, err = sim.EvaluateContext(ctx, t.par, t.net, t.test, idx, testSeed(t.cfg.Seed, -2), t.workers, func(k int, s *sim.Sim) {
		for m, h := range hidden {
			copy(acts[m][k*h:(k+1)*h], s.HiddenRates(m))
		}
	})
	if err != nil {
		return false, nil
	}
	for m, h := range hidden {
		if err := npy.WriteFile(rundir.Record(t.dir, fmt.Sprintf("hidden_activity_%d.npy", m)), []int{n, h}, acts[m]); err != nil {
			return false, err
		}
	}
	labels := make([]int64, n)
	for i := range labels {
		labels[i] = int64(t.test.Label(i))
	}
	return true, npy.WriteInt64File(rundir.Record(t.dir, "hidden_activity_labels.npy"), []int{n}, labels)
}
