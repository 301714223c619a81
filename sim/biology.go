package sim

import (
	"fmt"
	"math"

	"github.com/dendrite-lab/dendrite/model"
)

// The model's free functional choices, the rate function f and the PSP
// kernel κ, are pluggable (model.RateFunc, model.Kernel.Weights). The fast
// kernels serve the paper's choices: σ through the vector sigmoid (or the
// rate table) and the difference of exponentials through two exponential
// traces. A sigmoid with another slope or offset is still σ of an affine
// map of C and keeps the vector sigmoid; any other rate function is called
// through the interface, and any other kernel is summed over the last mem
// ring slots each step (ringSum). TestGenericMatchesFast checks the generic
// paths against the fast ones with the paper's functions.

// biology holds how a Sim evaluates the rate function and the kernel.
type biology struct {
	// rf is the rate function when it is not a sigmoid (nil: σ, possibly
	// affine); slope and offset map C to σ's argument when affine.
	rf            model.RateFunc
	affine        bool
	slope, offset float64
	// ringKernel sums the kernel over the ring instead of the traces.
	ringKernel bool
	// rfx is scratch for the affine arguments and the generic slopes.
	rfx []float64
}

// setBiology selects the paths for p and returns why p's rate function or
// kernel cannot be simulated (nil: they can).
func (s *Sim) setBiology(p *model.Params, scratch int) error {
	return s.bio.set(p, scratch)
}

// checkBiology reports why p's rate function or kernel cannot be simulated.
func checkBiology(p *model.Params) error {
	var b biology
	return b.set(p, 0)
}

// set selects the paths for p, with scratch room for scratch neurons.
func (b *biology) set(p *model.Params, scratch int) error {
	b.rfx = make([]float64, scratch)
	b.ringKernel = !p.Kernel.Exponential()
	if err := p.Kernel.Check(); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	switch f := p.Soma.RateFunc.(type) {
	case nil:
	case model.Sigmoid:
		if !(f.Slope > 0) || math.IsInf(f.Slope, 0) || math.IsNaN(f.Offset) || math.IsInf(f.Offset, 0) {
			return fmt.Errorf("sim: rate function σ(slope·(C − offset)) with slope %g and offset %g, want a finite slope > 0 and a finite offset", f.Slope, f.Offset)
		}
		if !f.Paper() {
			b.affine, b.slope, b.offset = true, f.Slope, f.Offset
		}
	default:
		if err := model.CheckRateFunc(f); err != nil {
			return fmt.Errorf("sim: %w", err)
		}
		b.rf = f
	}
	return nil
}

// somaRates sets lam = λmax f(C): the fast rates for σ (with an affine
// argument in scratch when the sigmoid has a slope or offset), the
// interface otherwise.
func (s *Sim) somaRates(lam, C []float64) {
	b := &s.bio
	switch {
	case b.rf != nil:
		C = C[:len(lam)]
		for i, c := range C {
			lam[i] = s.lamMax * b.rf.At(c)
		}
	case b.affine:
		u := b.rfx[:len(lam)]
		for i, c := range C[:len(lam)] {
			u[i] = b.slope * (c - b.offset)
		}
		rates(lam, u, s.tab, s.lamMax)
	default:
		rates(lam, C, s.tab, s.lamMax)
	}
}

// rateModeRates is somaRates for rate mode, which always uses the exact
// sigmoid (never the table).
func (s *Sim) rateModeRates(lam, C []float64) {
	tab := s.tab
	s.tab = nil
	s.somaRates(lam, C)
	s.tab = tab
}

// hiddenDeltaF is hiddenDelta for a rate function other than σ:
// model.Soma.HiddenErrorsF with the slopes f'(C̄f).
func (s *Sim) hiddenDeltaF(delta, cf, alphaT, alphaF []float64) {
	so := &s.par.Soma
	f := so.F()
	d := s.bio.rfx[:len(delta)]
	for i, c := range cf[:len(delta)] {
		d[i] = f.Deriv(c)
	}
	so.HiddenErrorsF(delta, d, alphaT, alphaF)
}

// ringSum stores pnew into ring[slot] (the step's projection replaces the
// one mem steps old) and sets dst = base + Σ_{d<mem} κ(d+1) ring[slot−d]:
// the PSP-filtered input for any kernel, the generic twin of traceStep.
func (s *Sim) ringSum(dst, base, pnew []float64, ring [][]float64, slot int) {
	n := len(dst)
	copy(ring[slot][:n], pnew[:n])
	rs := &s.rows
	rs.begin(n)
	for d, sd := 0, slot; d < s.mem; d++ {
		if k := s.kernel[d]; k != 0 {
			rs.add(ring[sd], k)
		}
		if sd--; sd < 0 {
			sd = s.mem - 1
		}
	}
	rs.sumTo(dst, base)
}

// rebuildRing is rebuildTraces for the ring kernel: the basal input is
// summed afresh every step, so only the apical input of the next step,
// aNext = c + Σ_{d<mem} κ(d+1) Q(t−1−d), is rebuilt.
func (s *Sim) rebuildRing() {
	s.tracesDirty = false
	if !s.spikingFB {
		return
	}
	mem := s.mem
	prev := ((s.t-1)%mem + mem) % mem
	rs := &s.rows
	for _, ls := range s.layers {
		if !ls.hidden {
			continue
		}
		rs.begin(ls.n)
		for d, sd := 0, prev; d < mem; d++ {
			if k := s.kernel[d]; k != 0 {
				rs.add(ls.Q[sd], k)
			}
			if sd--; sd < 0 {
				sd = mem - 1
			}
		}
		rs.sumTo(ls.aNext, ls.apicalBias(s.zeros))
	}
}
