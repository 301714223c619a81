package sim

import "math/rand/v2"

// Reseed restarts the spike stream from (a, b). Tests call it before every
// image with a seed derived from the image's position, so that a test's
// result does not depend on how images are split across workers.
func (s *Sim) Reseed(a, b uint64) { s.SpikeSrc.Seed(a, b) }

// State is the dynamic state of a Sim between two examples: everything a
// checkpoint needs, besides the weights, to continue bit-identically.
type State struct {
	T      int
	Time   int64
	Rand   [4][]byte // spike, phase, jitter, noise PCG states
	Input  Spikes
	Layers []LayerState
	// Eigenvalue FIFO (empty unless eigenvalues are recorded).
	EigJB, EigJG [][]float64
	EigCount     int
}

// LayerState is one layer's part of State.
type LayerState struct {
	C, Lam []float64
	P, Q   [][]float64
	Spikes Spikes
}

// Spikes is a spike history: per ring slot the indices and counts that spiked.
type Spikes struct {
	Idx [][]int32
	Cnt [][]float64
}

func (p *pop) export() Spikes {
	var s Spikes
	for _, sl := range p.ring {
		s.Idx = append(s.Idx, append([]int32(nil), sl.idx...))
		s.Cnt = append(s.Cnt, append([]float64(nil), sl.cnt...))
	}
	return s
}

func (p *pop) restore(s Spikes) {
	for d := range p.ring {
		p.ring[d].idx = append(p.ring[d].idx[:0], s.Idx[d]...)
		p.ring[d].cnt = append(p.ring[d].cnt[:0], s.Cnt[d]...)
	}
}

func copyRows(a [][]float64) [][]float64 {
	out := make([][]float64, len(a))
	for i, r := range a {
		if r != nil {
			out[i] = append([]float64(nil), r...)
		}
	}
	return out
}

// State returns a deep copy of the dynamic state.
func (s *Sim) State() *State {
	st := &State{T: s.t, Time: s.now, Input: s.input.export()}
	for i, src := range []*rand.PCG{s.SpikeSrc, s.PhaseSrc, s.JitterSrc, s.NoiseSrc} {
		b, _ := src.MarshalBinary()
		st.Rand[i] = b
	}
	for _, ls := range s.layers {
		st.Layers = append(st.Layers, LayerState{
			C: append([]float64(nil), ls.C...), Lam: append([]float64(nil), ls.lam...),
			P: copyRows(ls.P), Q: copyRows(ls.Q), Spikes: ls.spikes.export(),
		})
	}
	if s.eig != nil {
		st.EigJB, st.EigJG, st.EigCount = copyRows(s.eig.jb), copyRows(s.eig.jg), s.eig.count
	}
	return st
}

// Restore sets the dynamic state from st, which must come from a Sim of the
// same configuration (ValidateState checks shapes).
func (s *Sim) Restore(st *State) error {
	if err := s.ValidateState(st); err != nil {
		return err
	}
	s.t, s.now = st.T, st.Time
	for i, src := range []*rand.PCG{s.SpikeSrc, s.PhaseSrc, s.JitterSrc, s.NoiseSrc} {
		if err := src.UnmarshalBinary(st.Rand[i]); err != nil {
			return err
		}
	}
	s.input.restore(st.Input)
	for l, ls := range s.layers {
		x := st.Layers[l]
		copy(ls.C, x.C)
		copy(ls.lam, x.Lam)
		for d := range ls.P {
			copy(ls.P[d], x.P[d])
			if ls.Q[d] != nil {
				copy(ls.Q[d], x.Q[d])
				ls.qZero[d] = false // whatever the state holds
			}
		}
		ls.spikes.restore(x.Spikes)
	}
	s.tracesDirty = true // the PSP traces are rebuilt from the restored rings
	s.SyncWeights()      // the weights may have been loaded since New
	if s.eig != nil && len(st.EigJB) == len(s.eig.jb) {
		for i := range s.eig.jb {
			copy(s.eig.jb[i], st.EigJB[i])
			copy(s.eig.jg[i], st.EigJG[i])
		}
		s.eig.count = st.EigCount
	}
	return nil
}
