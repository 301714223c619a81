package sim

// Read-only views of the state of the current step, for recording from a
// Trace function (run.Hooks.Step). Each returns a slice into the running
// simulation: valid until the next step, overwritten by it; copy what you
// keep and do not modify it.

// Rates returns layer l's firing rates λ = λmax σ(C) of the current step
// (expected spike counts per step), one per neuron.
func (s *Sim) Rates(l int) []float64 { return s.layers[l].lam[:s.layers[l].n] }

// Spikes returns layer l's spikes of the last step: the indices of the
// neurons that spiked and their spike counts (usually 1), in no particular
// order. Before the first step they are empty.
func (s *Sim) Spikes(l int) (idx []int32, count []float64) {
	return s.lastSlot(&s.layers[l].spikes)
}

// InputSpikes returns the input units' spikes of the last step, like
// Spikes. In rate mode and without spiking feedforward input they are empty.
func (s *Sim) InputSpikes() (idx []int32, count []float64) {
	return s.lastSlot(&s.input)
}

func (s *Sim) lastSlot(p *pop) (idx []int32, count []float64) {
	if s.t == 0 {
		return nil, nil
	}
	sl := &p.ring[(s.t-1)%s.mem]
	return sl.idx, sl.cnt
}
