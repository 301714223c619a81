package sim

import (
	"math"

	"github.com/dendrite-lab/dendrite/learn"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/neuron"
	"github.com/dendrite-lab/dendrite/option"
)

// Phase identifiers passed to Trace.
const (
	Forward = 0
	Target  = 1
	Test    = 2
)

// Result is what one training example produced.
type Result struct {
	Label, Pred int
	Loss        float64 // final-layer loss (docs/model.md#output-layer)
	// BPAngle is the angle (degrees) between hidden layer 0's update and the
	// backprop update (NaN when not recorded or undefined).
	BPAngle float64
	// MaxJacEig, MaxJacEigMeans, MaxWeightEig are the eigenvalue records of
	// docs/model.md#recorded-quantities (zero when not recorded).
	MaxJacEig, MaxJacEigMeans, MaxWeightEig float64
	LenF, LenT                              int
	// EndF and EndT are the absolute times (ms) at the end of each phase.
	EndF, EndT int64
	// Finite is false when the loss or a somatic average is NaN or infinite:
	// the weights have blown up.
	Finite bool
	// Err is set when the example was refused (wrong image length, label
	// out of range, a network the Sim cannot read out); nothing ran.
	Err error
}

// Train presents one training example (docs/model.md#phases-and-averaging-windows): forward phase, target
// phase, weight updates. The simulation is not reset between examples.
//
// An image whose length is not the network's input size or a label outside
// [0, classes) is not trained: Train returns a Result whose Err says why
// (and Pred −1), and the state is unchanged.
func (s *Sim) Train(img []uint8, label int) Result {
	if err := s.CheckExample(img, label); err != nil {
		return Result{Label: label, Pred: -1, Err: err}
	}
	if s.par.Rate() {
		return s.trainRate(img, label)
	}
	ph := s.par.Phases
	lenF, lenT := ph.Forward, ph.Target
	if ph.RandLengths {
		lenF = neuron.PhaseLength(s.phaseRNG, ph.Forward)
		lenT = neuron.PhaseLength(s.phaseRNG, ph.Target)
	}
	s.SetInput(img)
	res := Result{Label: label, LenF: lenF, LenT: lenT}
	pfb := s.par.Learning.FeedbackLearning
	// forward phase
	s.setTarget(-1)
	s.drawJitter()
	s.runPhase(phaseSpec{kind: Forward, n: lenF, win: s.trainWindow(lenF), pin: true, pfb: pfb})
	res.EndF = s.now
	s.endPhase(true, lenF)
	for _, ls := range s.layers[:len(s.layers)-1] {
		copy(ls.plateauF, ls.plateauT)
	}
	res.Pred = s.readout(s.out().cF)
	if s.eig != nil {
		s.eig.push(s)
	}
	// target phase
	s.setTarget(label)
	s.drawJitter()
	s.runPhase(phaseSpec{kind: Target, n: lenT, win: s.trainWindow(lenT)})
	res.EndT = s.now
	s.endPhase(false, lenT)
	res.Loss, res.BPAngle = s.update()
	if s.eig != nil {
		res.MaxJacEig, res.MaxJacEigMeans, res.MaxWeightEig = s.eig.values(s)
	}
	res.Finite = s.finite(res.Loss)
	return res
}

// finite reports whether the loss and every layer's forward average are finite:
// a blown-up weight shows up there within one example.
func (s *Sim) finite(loss float64) bool {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return false
	}
	for _, ls := range s.layers {
		for _, c := range ls.cF {
			if math.IsNaN(c) || math.IsInf(c, 0) {
				return false
			}
		}
	}
	return true
}

func (s *Sim) out() *layer { return s.layers[len(s.layers)-1] }

// trainWindow is the number of steps averaged at the end of a training phase of length n.
func (s *Sim) trainWindow(n int) int {
	return s.par.Phases.Averaged(n, s.par.Phases.TrainWindow())
}

func (s *Sim) drawJitter() {
	pl := s.par.Plateau
	if !pl.RandTimes {
		return
	}
	for _, ls := range s.layers[:len(s.layers)-1] {
		for i := range ls.jitter {
			ls.jitter[i] = neuron.PlateauJitter(s.jitterRNG, pl.JitterSD, pl.JitterMax)
		}
	}
}

// phaseSpec is one phase to run: its kind, its length n, the number win of
// its last steps that are averaged, and whether the window also averages
// the presynaptic PSPs (pin) and the apical ones (pfb).
type phaseSpec struct {
	kind     int // Forward, Target (the output is taught) or Test
	n, win   int
	pin, pfb bool
}

// runPhase runs the steps of phase ps.
func (s *Sim) runPhase(ps phaseSpec) {
	n, win, pin, pfb, phase := ps.n, ps.win, ps.pin, ps.pfb, ps.kind
	teach := phase == Target
	for _, ls := range s.layers {
		ls.clearWindow()
	}
	// Spike-driven PSP averages are added once per spike (addWindowSpikes)
	// when the window lies mem steps inside the phase, instead of per step.
	fastPin := pin && s.spikingFF && n-win >= s.mem-1
	fastPfb := pfb && s.spikingFB && n-win >= s.mem
	lazy := phase != Test && win >= 1 && s.lazySteps()
	// with LazyTrainRates the window's hidden rates are lazy too, but for
	// the phase's last step, so that the rates it ends with stay exact
	lazyWin := lazy && s.LazyTrainRates
	s.noMeanRates = lazyWin
	for t := 0; t < n; t++ {
		s.step(stepOpts{teach: teach, acc: t >= n-win, pin: pin && !fastPin, pfb: pfb && !fastPfb,
			lazy: lazy && t < n-win, lazyHidden: lazyWin && t >= n-win && t < n-1})
		if fastPin || fastPfb {
			s.addWindowSpikes(t, n, win, fastPin, fastPfb)
		}
		if phase != Test {
			s.now++
			if s.Trace != nil {
				s.Trace(s, phase, t)
			}
		}
	}
}

// lazySteps reports whether a training step before the averaging window
// may compute the rates only where a unit can spike (drawSpikesFromSoma):
// its rates then reach nothing but the spike draws, as long as the inputs
// between layers are spikes (spiking feedforward and feedback), no Trace
// hook reads them, and they come from σ, so bounded by λmax, and not from
// the table. The window's steps, which end every phase, compute all rates,
// so the rates a phase ends with (Rates, State) are the same either way.
func (s *Sim) lazySteps() bool {
	return s.Trace == nil && s.spikingFF && s.spikingFB && s.bio.rf == nil && s.tab == nil
}

// endPhase turns the window sums into the end-of-phase averages and plateaus.
func (s *Sim) endPhase(forward bool, n int) {
	for _, ls := range s.layers {
		w := float64(ls.nWin)
		cD, lD, aD, alD := ls.cT, ls.lamT, ls.aT, ls.alphaT
		if forward {
			cD, lD, aD, alD = ls.cF, ls.lamF, ls.aF, ls.alphaF
			divTo(ls.pinF, ls.sumPin, w)
			if ls.hidden {
				divTo(ls.pfbF, ls.sumPfb, w)
			}
		}
		divTo(cD, ls.sumC, w)
		divTo(lD, ls.sumLam, w)
		if !ls.hidden {
			continue
		}
		if s.noMeanRates {
			for i := range lD {
				lD[i] = nan // not summed (LazyTrainRates)
			}
		}
		divTo(aD, ls.sumA, w)
		for i := range aD {
			ls.plateauT[i] = float64(s.now - 1)
		}
		sigmoids(alD, aD, 1) // α = σ(Ā): model.PlateauPotential, vectorised
		if ls.aRing != nil {
			// Jittered plateau: mean of A over the tw steps up to step
			// n−1−d_i of the phase (its last step is aStep−1).
			R := len(ls.aRing)
			tw := s.par.Phases.TrainWindow()
			for i := range aD {
				d := ls.jitter[i]
				sum := 0.0
				for q := 0; q < tw; q++ {
					sum += ls.aRing[((ls.aStep-1-d-q)%R+R)%R][i]
				}
				alD[i] = model.PlateauPotential(sum / float64(tw))
				ls.plateauT[i] = float64(s.now - 1 - int64(d))
			}
		}
	}
}

// readout returns the class whose output group has the largest mean of v.
func (s *Sim) readout(v []float64) int {
	best, bestV := 0, 0.0
	for k := 0; k < s.classes; k++ {
		m := 0.0
		for i := k * s.npc; i < (k+1)*s.npc; i++ {
			m += v[i]
		}
		if k == 0 || m > bestV {
			best, bestV = k, m
		}
	}
	return best
}

// update applies the learning rules top-down (docs/model.md#learning-rules) and returns
// the output loss and the backprop angle of hidden layer 0.
func (s *Sim) update() (loss, angle float64) {
	lr := &s.par.Learning
	L := len(s.layers)
	out := s.out()
	angle = nan
	loss = learn.OutputDelta(out.delta, out.cF, out.lamT, s.par.Soma)
	needBP := lr.Backprop || s.par.RecordBPAngle
	if needBP && lr.BackpropOrder == option.OrderPreUpdate {
		up := out.delta
		for l := L - 2; l >= 0; l-- {
			ls := s.layers[l]
			learn.BackpropDelta(ls.dbp, ls.cF, s.layers[l+1].ly.W, up, s.par.Soma)
			up = ls.dbp
		}
	}
	s.applyW(L-1, out.delta, lr.Etas[L-1]*s.par.POut())
	for l := L - 2; l >= 0; l-- {
		ls := s.layers[l]
		if lr.FeedbackLearning {
			learn.FeedbackError(ls.eps, ls.cF, ls.alphaF, ls.aF, s.par.Soma)
			eta := lr.FeedbackEtas[l]
			addOuter(ls.ly.Y, eta, ls.eps, ls.pfbF)
			if lr.FeedbackBias == option.BiasLearned {
				learn.AddScaled(ls.ly.FeedbackBias, eta, ls.eps)
			}
			ls.ly.ApplyMask(false)
			syncRows32(ls.y32, ls.ly.Y, ls.n, nil)
			s.recomputeQ(l)
		}
		if s.par.Soma.PaperRate() {
			hiddenDelta(ls.delta, ls.cF, ls.alphaT, ls.alphaF, s.sig, &s.par.Soma)
		} else {
			s.hiddenDeltaF(ls.delta, ls.cF, ls.alphaT, ls.alphaF)
		}
		if needBP && lr.BackpropOrder == option.OrderReference {
			up := out.delta
			if l < L-2 {
				up = s.layers[l+1].dbp
			}
			learn.BackpropDelta(ls.dbp, ls.cF, s.layers[l+1].ly.W, up, s.par.Soma)
		}
		if s.par.RecordBPAngle && l == 0 {
			angle = learn.AngleDeg(ls.delta, ls.dbp)
		}
		d := ls.delta
		if lr.Backprop {
			d = ls.dbp
		}
		s.applyW(l, d, lr.Etas[l]*s.par.PHidden())
	}
	if lr.Symmetric {
		s.Net.Symmetrize(lr.NoisySymmetric, lr.SymmetricNoiseSD, s.noiseRNG)
		for l := 0; l < L-1; l++ {
			syncRows32(s.layers[l].y32, s.layers[l].ly.Y, s.layers[l].n, nil)
			s.recomputeQ(l)
		}
	}
	s.tracesDirty = true // the rings changed: the next step rebuilds the traces
	return loss, angle
}

// applyW adds scale·δ p̄ᵀ to W_l and scale·δ to b_l, and corrects the stored
// projections so the event-driven input equals W_new·p from now on.
func (s *Sim) applyW(l int, delta []float64, scale float64) {
	ls := s.layers[l]
	addOuter32(ls.ly.W, ls.w32, scale, delta, ls.pinF)
	learn.AddScaled(ls.ly.B, scale, delta)
	if !s.spikingFF || s.par.Rate() {
		return
	}
	below := s.belowPop(l)
	for d := 0; d < s.mem; d++ {
		sl := &below.ring[d]
		dot := 0.0
		for q, j := range sl.idx {
			dot += ls.pinF[j] * sl.cnt[q]
		}
		if dot == 0 {
			continue
		}
		axpy(ls.P[d], scale*dot, delta)
	}
}

// recomputeQ rebuilds layer l's apical projections from the source's spike history.
func (s *Sim) recomputeQ(l int) {
	if !s.spikingFB || s.par.Rate() {
		return
	}
	ls := s.layers[l]
	src := &s.layers[s.fbSource(l)].spikes
	n := ls.n
	for d := 0; d < s.mem; d++ {
		Q := ls.Q[d]
		clear(Q)
		sl := &src.ring[d]
		ls.qZero[d] = len(sl.idx) == 0
		for q, j := range sl.idx {
			c := sl.cnt[q]
			row := ls.ly.Y[int(j)*n : int(j)*n+n]
			for i := range Q {
				Q[i] += c * row[i]
			}
		}
	}
}

// Classify presents one test image from rest for the test phase (docs/model.md#test-procedure-and-read-out)
// and returns the predicted class. The state is reset before and after. It
// returns −1, without simulating, for an image whose length is not the
// network's input size (see CheckExample).
func (s *Sim) Classify(img []uint8) int {
	if s.setupErr != nil || len(img) != s.pixels {
		return -1
	}
	s.Reset()
	if s.par.Rate() {
		s.SetInput(img)
		s.forwardRate()
		return s.readout(s.out().C)
	}
	s.SetInput(img)
	s.setTarget(-1)
	n := s.par.Phases.Test
	win := s.par.Phases.Averaged(n, s.par.Phases.TestWindow())
	s.noApical = s.gA == 0 // the apical input cannot reach the somata
	s.testing = true
	// Without the apical input the hidden rates reach only the spike draws
	// (spiking feedforward) and HiddenRates: when the caller does not read
	// them, compute them for the units that can spike. This needs rates
	// bounded by λmax: the vector (or scalar) σ, not the table or another
	// rate function.
	s.lazyRates = s.LazyTestRates && s.noApical && s.spikingFF && s.bio.rf == nil && s.tab == nil
	s.runPhase(phaseSpec{kind: Test, n: n, win: win})
	s.noApical, s.testing = false, false
	s.endPhase(true, n)
	s.lazyRates = false
	if s.LazyTestRates {
		// not computed, or not on every machine (see LazyTestRates)
		for _, ls := range s.layers {
			if ls.hidden {
				for i := range ls.lamF {
					ls.lamF[i] = nan
				}
			}
		}
	}
	p := s.readout(s.out().cF)
	s.Reset()
	return p
}

// HiddenRates returns the end-of-phase mean rates of hidden layer l after the
// last Classify or Train call (a view; copy it to keep it); NaN after a
// spiking Classify with LazyTestRates set.
func (s *Sim) HiddenRates(l int) []float64 {
	if s.par.Rate() {
		return s.layers[l].lam
	}
	return s.layers[l].lamF
}

// PlateauTimes returns views of hidden layer l's plateau times (absolute ms)
// in the last forward and target phases.
func (s *Sim) PlateauTimes(l int) (forward, target []float64) {
	return s.layers[l].plateauF, s.layers[l].plateauT
}

// HiddenLoss returns hidden layer l's loss for the example just trained,
// model.HiddenLoss of its target- and forward-phase plateaus (the difference
// its learning rule uses; docs/model.md#hidden-layers), and NaN when l is
// not a hidden layer. It is computed only when called, so the training step
// pays nothing unless a run records it.
func (s *Sim) HiddenLoss(l int) float64 {
	if l < 0 || l >= len(s.layers) || !s.layers[l].hidden {
		return nan
	}
	ls := s.layers[l]
	return model.HiddenLoss(ls.alphaT, ls.alphaF)
}

// Voltages returns views of layer l's apical, basal and somatic potentials of
// the current step (A is nil for the output layer).
func (s *Sim) Voltages(l int) (A, B, C []float64) {
	ls := s.layers[l]
	if ls.hidden {
		A = ls.A
	}
	return A, ls.B, ls.C
}

// Now returns the absolute simulated time in ms: every training step, plus
// the test phases that TestsShown counted.
func (s *Sim) Now() int64 { return s.now }

// TestsShown advances the simulated time by n test phases: time runs on
// through tests as if their images had been shown one after the other (the
// tests themselves run on other Sims, from rest).
func (s *Sim) TestsShown(n int) { s.now += int64(n) * int64(s.par.Phases.Test) }

// RewindTests sets the clock back to now, an earlier Now() after which only
// TestsShown advanced it: the tests counted since were abandoned.
func (s *Sim) RewindTests(now int64) {
	if now <= s.now {
		s.now = now
	}
}
