package run

import (
	"fmt"
	"math"

	"github.com/dendrite-lab/dendrite/checkpoint"
	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
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
	for l, ly := range t.net.Layers {
		p := fmt.Sprintf("net/%d/", l)
		w.Float64s(p+"W", ly.W)
		w.Float64s(p+"b", ly.B)
		w.Float64s(p+"Y", ly.Y)
		w.Float64s(p+"c", ly.FeedbackBias)
		z := make([]int64, len(ly.Zero))
		for i, v := range ly.Zero {
			z[i] = int64(v)
		}
		w.Int64s(p+"zero", z)
		w.Float64s(p+"gain", []float64{ly.Gain})
	}
	st := t.sim.State()
	w.Int64s("sim/pos", []int64{int64(st.T), st.Time, int64(st.EigCount)})
	for i, b := range st.Rand {
		w.Bytes(fmt.Sprintf("sim/rand%d", i), b)
	}
	putSpikes(w, "sim/in", st.Input)
	for l, ls := range st.Layers {
		p := fmt.Sprintf("sim/%d/", l)
		w.Float64s(p+"C", ls.C)
		w.Float64s(p+"lam", ls.Lam)
		putRows(w, p+"P", ls.P)
		putRows(w, p+"Q", ls.Q)
		putSpikes(w, p+"s", ls.Spikes)
	}
	putRows(w, "sim/eigjb", st.EigJB)
	putRows(w, "sim/eigjg", st.EigJG)
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

func putRows(w *checkpoint.Writer, name string, rows [][]float64) {
	w.Int(name+"/n", int64(len(rows)))
	for i, r := range rows {
		w.Float64s(fmt.Sprintf("%s/%d", name, i), r)
	}
}

func getRows(r *checkpoint.Reader, name string) ([][]float64, error) {
	n, err := r.Int(name + "/n")
	if err != nil {
		return nil, err
	}
	if n < 0 || n > 1<<20 {
		return nil, fmt.Errorf("checkpoint: %s: %d rows", name, n)
	}
	rows := make([][]float64, n)
	for i := range rows {
		if rows[i], err = r.Float64s(fmt.Sprintf("%s/%d", name, i), -1); err != nil {
			return nil, err
		}
		if len(rows[i]) == 0 {
			rows[i] = nil
		}
	}
	return rows, nil
}

func putSpikes(w *checkpoint.Writer, name string, s sim.Spikes) {
	w.Int(name+"/n", int64(len(s.Idx)))
	for d := range s.Idx {
		idx := make([]int64, len(s.Idx[d]))
		for i, v := range s.Idx[d] {
			idx[i] = int64(v)
		}
		w.Int64s(fmt.Sprintf("%s/i%d", name, d), idx)
		w.Float64s(fmt.Sprintf("%s/c%d", name, d), s.Cnt[d])
	}
}

func getSpikes(r *checkpoint.Reader, name string) (sim.Spikes, error) {
	var s sim.Spikes
	n, err := r.Int(name + "/n")
	if err != nil {
		return s, err
	}
	if n < 0 || n > 1<<16 {
		return s, fmt.Errorf("checkpoint: %s: %d slots", name, n)
	}
	for d := 0; d < int(n); d++ {
		idx, err := r.Int64s(fmt.Sprintf("%s/i%d", name, d), -1)
		if err != nil {
			return s, err
		}
		cnt, err := r.Float64s(fmt.Sprintf("%s/c%d", name, d), len(idx))
		if err != nil {
			return s, err
		}
		ii := make([]int32, len(idx))
		for i, v := range idx {
			if v < 0 || v > math.MaxInt32 {
				return s, fmt.Errorf("checkpoint: %s: spike index %d", name, v)
			}
			ii[i] = int32(v)
		}
		s.Idx = append(s.Idx, ii)
		s.Cnt = append(s.Cnt, cnt)
	}
	return s, nil
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
	for l, ly := range t.net.Layers {
		p := fmt.Sprintf("net/%d/", l)
		for _, x := range []struct {
			name string
			dst  []float64
		}{{"W", ly.W}, {"b", ly.B}, {"Y", ly.Y}, {"c", ly.FeedbackBias}} {
			v, err := r.Float64s(p+x.name, len(x.dst))
			if err != nil {
				return err
			}
			copy(x.dst, v)
		}
		z, err := r.Int64s(p+"zero", -1)
		if err != nil {
			return err
		}
		ly.Zero = ly.Zero[:0]
		for _, v := range z {
			if v < 0 || int(v) >= len(ly.Y) {
				return fmt.Errorf("%s: sparse mask index %d out of range", path, v)
			}
			ly.Zero = append(ly.Zero, int(v))
		}
		g, err := r.Float64s(p+"gain", 1)
		if err != nil {
			return err
		}
		ly.Gain = g[0]
	}
	var st sim.State
	sp, err := r.Int64s("sim/pos", 3)
	if err != nil {
		return err
	}
	st.T, st.Time, st.EigCount = int(sp[0]), sp[1], int(sp[2])
	for i := range st.Rand {
		if st.Rand[i], err = r.Bytes(fmt.Sprintf("sim/rand%d", i)); err != nil {
			return err
		}
	}
	if st.Input, err = getSpikes(r, "sim/in"); err != nil {
		return err
	}
	for l := range t.net.Layers {
		p := fmt.Sprintf("sim/%d/", l)
		var ls sim.LayerState
		if ls.C, err = r.Float64s(p+"C", -1); err != nil {
			return err
		}
		if ls.Lam, err = r.Float64s(p+"lam", -1); err != nil {
			return err
		}
		if ls.P, err = getRows(r, p+"P"); err != nil {
			return err
		}
		if ls.Q, err = getRows(r, p+"Q"); err != nil {
			return err
		}
		if ls.Spikes, err = getSpikes(r, p+"s"); err != nil {
			return err
		}
		st.Layers = append(st.Layers, ls)
	}
	if st.EigJB, err = getRows(r, "sim/eigjb"); err != nil {
		return err
	}
	if st.EigJG, err = getRows(r, "sim/eigjg"); err != nil {
		return err
	}
	if err := t.sim.Restore(&st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := t.log.Restore(r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return t.net.CheckFinite()
}
