package run

import (
	"fmt"

	"github.com/dendrite-lab/dendrite/checkpoint"
	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/rundir"
)

// checkpoint writes the complete state atomically to dir/checkpoint/state.ckpt.
func (t *trainer) checkpoint() error {
	if err := t.net.CheckFinite(); err != nil {
		_, err2 := t.blowUp()
		return err2
	}
	w := checkpoint.NewWriter()
	w.Bytes("config", t.cfg.JSON())
	w.Int64s("pos", []int64{int64(t.epoch), int64(t.index), t.examples, t.tests, int64(t.wrong), int64(t.lossN), b2i(t.initialDone)})
	w.Float64s("posf", []float64{t.lossSum, t.elapsed(), t.priorTrn + t.trainTime.Seconds(), t.lastQuick})
	t.net.SaveState(w)
	t.sim.SaveState(w)
	t.log.Checkpoint(w)
	if err := w.WriteFile(rundir.Path(t.dir, rundir.CheckpointFile)); err != nil {
		return err
	}
	t.snap.Store(t.summary(rundir.Interrupted))
	// Records are re-saved with every checkpoint so a killed run's folder
	// shows what it had done until then.
	return t.log.Save(t.dir)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// restore loads the checkpoint into a freshly built trainer.
func (t *trainer) restore() error {
	path := rundir.Path(t.dir, rundir.CheckpointFile)
	r, err := checkpoint.ReadFile(path)
	if err != nil {
		return err
	}
	raw, err := r.Bytes("config")
	if err != nil {
		return err
	}
	saved, err := config.FromJSON(raw, nil)
	if err != nil {
		return fmt.Errorf("%s: stored config: %w", path, err)
	}
	// Extending a run is allowed, and the number of workers does not change
	// the results.
	savedEpochs := saved.Epochs
	saved.Epochs, saved.Workers = t.cfg.Epochs, t.cfg.Workers
	if string(saved.JSON()) != string(t.cfg.JSON()) {
		return fmt.Errorf("%s: the checkpoint was written with a different config than %s (only epochs and workers may change on resume)", path, rundir.Path(t.dir, rundir.ConfigFile))
	}
	pos, err := r.Int64s("pos", 7)
	if err != nil {
		return err
	}
	posf, err := r.Float64s("posf", 4)
	if err != nil {
		return err
	}
	t.epoch, t.index, t.examples, t.tests, t.wrong, t.lossN, t.initialDone = int(pos[0]), int(pos[1]), pos[2], pos[3], int(pos[4]), int(pos[5]), pos[6] == 1
	t.lossSum, t.priorWall, t.priorTrn, t.lastQuick = posf[0], posf[1], posf[2], posf[3]
	if t.epoch < 1 || t.index < 0 || t.index > t.nTrain || t.examples < 0 {
		return fmt.Errorf("%s: position epoch %d example %d is not valid for this run", path, t.epoch, t.index)
	}
	if err := t.updateEpochs(savedEpochs); err != nil {
		return err
	}
	if err := t.net.LoadState(r); err != nil {
		return err
	}
	if err := t.sim.LoadState(r); err != nil {
		return err
	}
	if err := t.log.Restore(r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return t.net.CheckFinite()
}
