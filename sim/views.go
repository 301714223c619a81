package sim

// Read-only views of the state of the current step, for recording from a
// Trace function (run.Hooks.Step). Each returns a slice into the running
// simulation: valid until the next step, overwritten by it; copy what you
// keep and do not modify it. In rate mode Trace is called once per phase,
// as the phase's second step (step 1), the only one that mode computes;
// its spikes are empty.

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

// Plateaus returns hidden layer l's plateau potentials α = σ(Ā) of the
// last forward and target phases, one per neuron (nil, nil for the output
// layer). A plateau exists once per phase, not per step: in spiking mode it
// is set at the end of the phase from the apical average (so a Trace
// function sees the previous phase's values until the last step of a phase
// has run; Hooks.Example sees both of the example), in rate mode with the
// phase's step. The views are overwritten by the same phase of the next
// example: copy what you keep.
func (s *Sim) Plateaus(l int) (forward, target []float64) {
	ls := s.layers[l]
	if !ls.hidden {
		return nil, nil
	}
	return ls.alphaF, ls.alphaT
}
