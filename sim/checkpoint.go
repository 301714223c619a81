package sim

import (
	"fmt"
	"math"

	"github.com/dendrite-lab/dendrite/checkpoint"
)

// stateVersion is the format version of the sections SaveState writes.
const stateVersion = 1

// SaveState writes the dynamic state (State) into w as named sections
// sim/...: the step counter and clock, the random streams, the spike
// histories and projections of every layer and the eigenvalue FIFO.
func (s *Sim) SaveState(w *checkpoint.Writer) {
	st := s.State()
	w.PartVersion("sim", stateVersion)
	w.Int("sim/step", int64(st.T))
	w.Int("sim/time", st.Time)
	for i, name := range randNames {
		w.Bytes("sim/rand/"+name, st.Rand[i])
	}
	putSpikes(w, "sim/input/spikes", st.Input)
	for l, ls := range st.Layers {
		p := fmt.Sprintf("sim/layer/%d/", l)
		w.Float64s(p+"C", ls.C)
		w.Float64s(p+"lambda", ls.Lam)
		putRows(w, p+"P", ls.P)
		putRows(w, p+"Q", ls.Q)
		putSpikes(w, p+"spikes", ls.Spikes)
	}
	w.Int("sim/eig/count", int64(st.EigCount))
	putRows(w, "sim/eig/jb", st.EigJB)
	putRows(w, "sim/eig/jg", st.EigJG)
}

// randNames name the random streams in State.Rand's order.
var randNames = [4]string{"spike", "phase", "jitter", "noise"}

// LoadState reads what SaveState wrote and restores it (Restore checks it
// against this Sim's shapes).
func (s *Sim) LoadState(r *checkpoint.Reader) error {
	if err := r.CheckPartVersion("sim", stateVersion); err != nil {
		return err
	}
	var st State
	t, err := r.Int("sim/step")
	if err != nil {
		return err
	}
	if st.Time, err = r.Int("sim/time"); err != nil {
		return err
	}
	st.T = int(t)
	for i, name := range randNames {
		if st.Rand[i], err = r.Bytes("sim/rand/" + name); err != nil {
			return err
		}
	}
	if st.Input, err = getSpikes(r, "sim/input/spikes"); err != nil {
		return err
	}
	for l := range s.layers {
		p := fmt.Sprintf("sim/layer/%d/", l)
		var ls LayerState
		if ls.C, err = r.Float64s(p+"C", -1); err != nil {
			return err
		}
		if ls.Lam, err = r.Float64s(p+"lambda", -1); err != nil {
			return err
		}
		if ls.P, err = getRows(r, p+"P"); err != nil {
			return err
		}
		if ls.Q, err = getRows(r, p+"Q"); err != nil {
			return err
		}
		if ls.Spikes, err = getSpikes(r, p+"spikes"); err != nil {
			return err
		}
		st.Layers = append(st.Layers, ls)
	}
	n, err := r.Int("sim/eig/count")
	if err != nil {
		return err
	}
	st.EigCount = int(n)
	if st.EigJB, err = getRows(r, "sim/eig/jb"); err != nil {
		return err
	}
	if st.EigJG, err = getRows(r, "sim/eig/jg"); err != nil {
		return err
	}
	if err := s.Restore(&st); err != nil {
		return fmt.Errorf("%s: %w", r.Name(), err)
	}
	return nil
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

func putSpikes(w *checkpoint.Writer, name string, s Spikes) {
	w.Int(name+"/n", int64(len(s.Idx)))
	for d := range s.Idx {
		idx := make([]int64, len(s.Idx[d]))
		for i, v := range s.Idx[d] {
			idx[i] = int64(v)
		}
		w.Int64s(fmt.Sprintf("%s/index/%d", name, d), idx)
		w.Float64s(fmt.Sprintf("%s/count/%d", name, d), s.Cnt[d])
	}
}

func getSpikes(r *checkpoint.Reader, name string) (Spikes, error) {
	var s Spikes
	n, err := r.Int(name + "/n")
	if err != nil {
		return s, err
	}
	if n < 0 || n > 1<<16 {
		return s, fmt.Errorf("checkpoint: %s: %d slots", name, n)
	}
	for d := 0; d < int(n); d++ {
		idx, err := r.Int64s(fmt.Sprintf("%s/index/%d", name, d), -1)
		if err != nil {
			return s, err
		}
		cnt, err := r.Float64s(fmt.Sprintf("%s/count/%d", name, d), len(idx))
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
