package sim

import "fmt"

// ValidateState checks that st has the shapes of s's network.
func (s *Sim) ValidateState(st *State) error {
	if len(st.Layers) != len(s.layers) {
		return fmt.Errorf("state has %d layers, network has %d", len(st.Layers), len(s.layers))
	}
	checkSpikes := func(what string, sp Spikes, n int) error {
		if len(sp.Idx) != s.mem || len(sp.Cnt) != s.mem {
			return fmt.Errorf("%s: spike history of %d steps, want %d", what, len(sp.Idx), s.mem)
		}
		for d := range sp.Idx {
			if len(sp.Idx[d]) != len(sp.Cnt[d]) {
				return fmt.Errorf("%s: spike slot %d has %d indices and %d counts", what, d, len(sp.Idx[d]), len(sp.Cnt[d]))
			}
			for _, j := range sp.Idx[d] {
				if j < 0 || int(j) >= n {
					return fmt.Errorf("%s: spike index %d outside [0, %d)", what, j, n)
				}
			}
		}
		return nil
	}
	if err := checkSpikes("input", st.Input, s.pixels); err != nil {
		return err
	}
	for l, ls := range s.layers {
		x := st.Layers[l]
		if len(x.C) != ls.n || len(x.Lam) != ls.n || len(x.P) != s.mem || len(x.Q) != s.mem {
			return fmt.Errorf("layer %d: state shape does not match a layer of %d neurons", l, ls.n)
		}
		for d := 0; d < s.mem; d++ {
			if len(x.P[d]) != ls.n || (ls.hidden && len(x.Q[d]) != ls.n) {
				return fmt.Errorf("layer %d: projection ring slot %d has the wrong length", l, d)
			}
		}
		if err := checkSpikes(fmt.Sprintf("layer %d", l), x.Spikes, ls.n); err != nil {
			return err
		}
	}
	for i, b := range st.Rand {
		if len(b) == 0 {
			return fmt.Errorf("random stream %d missing", i)
		}
	}
	return nil
}
