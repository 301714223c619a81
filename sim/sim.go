package sim

import (
	"math/rand/v2"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/neuron"
)

// Pixels is the number of input units of an MNIST network (28×28 images). A
// Sim takes its input size from its network (Net.Layers[0].In) and its class
// count from model.Network.Classes, so other sizes work too.
const Pixels = 784

// spikeSlot holds the non-zero spike counts of one population in one step.
type spikeSlot struct {
	idx []int32
	cnt []float64
}

func (s *spikeSlot) reset() { s.idx, s.cnt = s.idx[:0], s.cnt[:0] }

// pop is the spike history of a population: the last mem steps.
type pop struct {
	n    int
	ring []spikeSlot
}

// layer is the dynamic state of one layer.
type layer struct {
	ly     *network.Layer
	hidden bool
	n      int
	C, lam []float64 // soma potential and rate of the current step
	B, A   []float64 // basal and apical potentials of the current step
	y      []float64 // teaching signal (output layer)
	P, Q   [][]float64
	// qZero[d] reports that Q[d] holds +0 only (kept by feedbackSpikes,
	// Reset, recomputeQ; false when unknown), so that a step with no
	// feedback spikes leaving and none arriving skips the slot (traceStepZeroArch)
	qZero  []bool
	spikes pop
	// w32, y32 are float32 copies of W and Y (the float32 precision option;
	// nil at float64).
	w32, y32 []float32
	// x1, x2 are the exponential traces of P, y1, y2 those of Q (see
	// traceCoef); aNext is the apical potential of the next step.
	x1, x2, y1, y2, aNext []float64

	// window accumulators
	sumC, sumLam, sumA, sumPin, sumPfb []float64
	nWin                               int
	// aRing holds A of the last len(aRing) steps of the phase, every step,
	// for jittered plateaus (window plus the largest jitter); aStep counts
	// the phase's steps.
	aRing  [][]float64
	aStep  int
	jitter []int

	// end-of-phase results
	cF, lamF, aF, alphaF, pinF, pfbF []float64
	cT, lamT, aT, alphaT             []float64
	delta, dbp, eps                  []float64
	plateauF, plateauT               []float64 // absolute plateau time per neuron (last forward/target phase)
}

// Sim is the state of one running simulation of a network.
type Sim struct {
	par    model.Params
	Net    *network.Net
	kernel []float64
	mem    int
	layers []*layer
	input  pop
	// Streams drawn during training (and, for spikes, tests). Each is a
	// separate PCG so a checkpoint can store and restore them.
	SpikeSrc, PhaseSrc, JitterSrc, NoiseSrc *rand.PCG
	phaseRNG, jitterRNG, noiseRNG           *rand.Rand

	t int // step counter of the current run of steps (ring index)
	// now is the absolute simulated time in ms (see Now).
	now int64

	// input of the current example
	inIdx   []int32
	inRate  []float64
	inDense []float64 // λmax·x for all pixels (non-spiking feedforward)
	// pixelRate[p] = λmax·p/255, pixThr[p] its draw thresholds
	pixelRate [256]float64
	pixThr    [256]pixThr
	// the shown units' thresholds (setInputThresholds) and their number,
	// and the input draw's bits (inputdraw.go)
	inThr  []uint32
	inThrN int
	inBits []uint32

	kB, kD, kI                 float64
	lamMax                     float64
	gL, gB, gA, gD             float64
	eE, eI                     float64
	npc                        int
	spikingFF, spikingFB, cond bool
	// f32 says which weights the float32 precision option sums in float32.
	f32 precisionUse

	// tab, when set, tabulates λmax σ(C) for the spiking neuron loops (nil:
	// the exact sigmoid; rate mode always computes it exactly).
	tab *neuron.RateTable
	// rows is the scratch list of weight rows for addRows; draw is
	// drawSpikes' scratch, sig hiddenDelta's.
	rows rowSet
	draw drawScratch
	sig  []float64
	// ctr counts steps, spikes and synaptic events (see Counters).
	ctr Counters
	// tc holds the trace coefficients; tracesDirty asks step to rebuild the
	// traces from the rings; zeros and pnew are scratch vectors.
	tc          traceCoef
	tracesDirty bool
	// noApical skips the apical input during a test when g_A = 0 (it then
	// changes no soma, and a test reports only somatic averages and rates).
	noApical bool
	// testing is set during a test phase (Classify): the step then skips
	// what only training reads (hidden mean somata, the jittered-plateau
	// ring) and, with noApical, the output's rates and spikes.
	testing bool
	// lazyRates is set during a test that reads no hidden rate (see
	// LazyTestRates): the hidden layers then compute a unit's rate only
	// when its random bits could make it spike. lmax holds λmax per unit.
	lazyRates   bool
	lmax        []float64
	zeros, pnew []float64

	// LazyTestRates lets a spiking Classify compute the rate of a hidden
	// unit only in the steps where the unit's random bits could make it
	// spike at λmax, when nothing else reads the rates (g_A = 0, spiking
	// feedforward, the sigmoid): the same spikes and prediction for less
	// work. HiddenRates after such a Classify holds NaN. Evaluate sets it
	// on its Sims when it has no activity callback (which could read
	// HiddenRates).
	LazyTestRates bool
	// LazyTrainRates lets Train compute the rates of the hidden layers in
	// the averaging windows, too, only where a unit can spike (their mean
	// rates are not part of learning, only of HiddenRates): the same
	// spikes, weights and state, and HiddenRates after Train holds NaN. It
	// acts where the steps before the windows are lazy (no Trace hook,
	// spiking feedforward and feedback, σ); the run package sets it when
	// no hook can read HiddenRates.
	LazyTrainRates bool
	// noMeanRates makes endPhase report the hidden mean rates as NaN.
	noMeanRates bool

	// Trace, when set, is called after every training step (voltage
	// recording); in rate mode once per phase, as its step 1 (see Plateaus
	// and the views in views.go).
	Trace func(s *Sim, phase int, step int)
	eig   *eigState

	// pixels is the input size, classes the number of read-out groups;
	// setupErr says why the network cannot be simulated (nil: it can).
	pixels, classes int
	setupErr        error
	// bio selects the fast or the generic rate function and kernel.
	bio biology
}

// New returns a Sim of the model p for net (the weights are shared, not
// copied), with its random streams derived from seed. It starts at rest
// (everything zero).
func New(p model.Params, net *network.Net, seed uint64) *Sim {
	return newSim(p, net, seed, nil)
}

// newSim is New; a Sim made with share != nil (a Sim of the same p and net)
// reads share's float32 weight copies instead of making its own: Evaluate's
// workers only classify, so one copy serves them all.
func newSim(p model.Params, net *network.Net, seed uint64, share *Sim) *Sim {
	s := &Sim{par: p, Net: net}
	s.mem = p.Kernel.Mem
	s.kernel = p.Kernel.Values()
	so := p.Soma
	s.lamMax = so.LambdaMax
	s.gL, s.gB, s.gA, s.gD, s.eE, s.eI = so.GL, so.GB, so.GA, so.GD, so.EE, so.EI
	s.kB, s.kD, s.kI = so.KB(), so.KD(), so.KI()
	s.spikingFF, s.spikingFB, s.cond = p.SpikingFeedforward, p.SpikingFeedback, so.Conductances
	L := len(net.Layers)
	s.f32 = usePrecision(p.Precision, p.SpikingFeedforward, p.SpikingFeedback, p.Rate())
	s.classes = p.Network.NumClasses()
	s.setupErr = checkShape(net, s.classes)
	if s.setupErr == nil {
		s.npc = net.Out().N / s.classes
	}
	s.pixels = Pixels
	if len(net.Layers) > 0 {
		s.pixels = net.Layers[0].In
	}
	s.input = newPop(s.pixels, s.mem)
	s.inDense = make([]float64, s.pixels)
	// room past the pixels for the input kernel's whole groups
	s.inIdx, s.inRate = make([]int32, 0, s.pixels+inputThrGroup), make([]float64, 0, s.pixels)
	s.inThr, s.inBits = make([]uint32, 4*(s.pixels+inputThrGroup)), make([]uint32, s.pixels+inputThrGroup)
	s.inThrN = -1
	for p := range s.pixelRate {
		s.pixelRate[p] = s.lamMax * float64(p) / 255
		if p > 0 && s.spikingFF {
			s.pixThr[p] = pixThresholds(s.pixelRate[p])
		}
	}
	for l, ly := range net.Layers {
		n := ly.N
		ls := &layer{ly: ly, hidden: l < L-1, n: n}
		mk := func() []float64 { return make([]float64, n) }
		ls.C, ls.lam, ls.B, ls.A, ls.y = mk(), mk(), mk(), mk(), mk()
		ls.sumC, ls.sumLam, ls.sumA = mk(), mk(), mk()
		ls.cF, ls.lamF, ls.aF, ls.alphaF = mk(), mk(), mk(), mk()
		ls.cT, ls.lamT, ls.aT, ls.alphaT = mk(), mk(), mk(), mk()
		ls.delta, ls.dbp, ls.eps, ls.plateauF, ls.plateauT = mk(), mk(), mk(), mk(), mk()
		ls.sumPin, ls.pinF = make([]float64, ly.In), make([]float64, ly.In)
		if ls.hidden {
			ls.sumPfb, ls.pfbF = make([]float64, ly.Src), make([]float64, ly.Src)
			ls.jitter = make([]int, n)
			if p.Plateau.RandTimes {
				ls.aRing = make([][]float64, p.Phases.TrainWindow()+p.Plateau.JitterMax)
				for i := range ls.aRing {
					ls.aRing[i] = mk()
				}
			}
		}
		ls.P = make([][]float64, s.mem)
		ls.Q = make([][]float64, s.mem)
		ls.qZero = make([]bool, s.mem)
		for d := 0; d < s.mem; d++ {
			ls.P[d] = mk()
			if ls.hidden {
				ls.Q[d] = mk()
			}
		}
		ls.spikes = newPop(n, s.mem)
		if share != nil && l < len(share.layers) {
			ls.w32, ls.y32 = share.layers[l].w32, share.layers[l].y32
		} else {
			newRows32(ls, &s.f32)
		}
		ls.x1, ls.x2 = mk(), mk()
		if ls.hidden {
			ls.y1, ls.y2, ls.aNext = mk(), mk(), mk()
		}
		s.layers = append(s.layers, ls)
	}
	s.SpikeSrc = rand.NewPCG(seed, 0x5350494b45) // "SPIKE"
	s.PhaseSrc = rand.NewPCG(seed, 0x5048415345) // "PHASE"
	s.JitterSrc = rand.NewPCG(seed, 0x4a49545452)
	s.NoiseSrc = rand.NewPCG(seed, 0x4e4f495345)
	s.phaseRNG = rand.New(s.PhaseSrc)
	s.tab = defaultTable(&p)
	maxRows := s.pixels + s.mem
	for _, ly := range net.Layers {
		maxRows = max(maxRows, ly.In+s.mem, ly.Src+s.mem, ly.N+s.mem)
	}
	s.rows = newRowSet(maxRows)
	if err := s.setBiology(&p, maxRows); err != nil && s.setupErr == nil {
		s.setupErr = err
	}
	if !s.bio.ringKernel {
		s.tc = newTraceCoef(s.mem, p.Kernel.TauS, p.Kernel.TauL)
	}
	s.tracesDirty = true
	s.zeros, s.pnew = make([]float64, maxRows), make([]float64, maxRows)
	s.lmax = make([]float64, maxRows)
	for i := range s.lmax {
		s.lmax[i] = s.lamMax
	}
	s.draw, s.sig = newDrawScratch(maxRows), make([]float64, maxRows)
	s.jitterRNG, s.noiseRNG = rand.New(s.JitterSrc), rand.New(s.NoiseSrc)
	if p.RecordEigvals && L >= 2 {
		s.eig = newEigState(s)
	}
	if share == nil {
		s.SyncWeights()
	}
	return s
}

func newPop(n, mem int) pop {
	p := pop{n: n, ring: make([]spikeSlot, mem)}
	for d := range p.ring {
		// room for every unit: steps never grow a slot (no allocation)
		// room for the whole population and the vector kernels' slack
		c := n + 8 + emitSlack
		p.ring[d] = spikeSlot{idx: make([]int32, 0, c), cnt: make([]float64, 0, c)}
	}
	return p
}

// Reset returns the simulation to rest: voltages, rates, spike histories
// (including the input's), projections and accumulators all zero (docs/model.md#test-procedure-and-read-out).
func (s *Sim) Reset() {
	for i := range s.input.ring {
		s.input.ring[i].reset()
	}
	for _, ls := range s.layers {
		for _, v := range [][]float64{ls.C, ls.lam, ls.B, ls.A} {
			clear(v)
		}
		for d := range ls.P {
			clear(ls.P[d])
			if ls.Q[d] != nil {
				clear(ls.Q[d])
				ls.qZero[d] = true
			}
			ls.spikes.ring[d].reset()
		}
		ls.clearWindow()
	}
	s.t = 0
	s.tracesDirty = true
}

func (ls *layer) clearWindow() {
	clear(ls.sumC)
	clear(ls.sumLam)
	clear(ls.sumA)
	clear(ls.sumPin)
	clear(ls.sumPfb)
	ls.nWin = 0
	ls.aStep = 0
}

// SetInput sets the image presented from now on (pixels 0…255, row-major).
func (s *Sim) SetInput(img []uint8) {
	s.inIdx, s.inRate = s.inIdx[:0], s.inRate[:0]
	dense := s.inDense[:len(img)]
	for j, p := range img {
		r := s.pixelRate[p] // λmax·p/255
		dense[j] = r
		if p != 0 {
			s.inIdx = append(s.inIdx, int32(j))
			s.inRate = append(s.inRate, r)
		}
	}
	if s.spikingFF {
		s.setInputThresholds(img)
	}
}

// setTarget sets the teaching signal of the output layer (label < 0: none).
func (s *Sim) setTarget(label int) {
	y := s.layers[len(s.layers)-1].y
	for i := range y {
		if label >= 0 && i/s.npc == label {
			y[i] = 1
		} else {
			y[i] = 0
		}
	}
}

// belowPop returns the spike history feeding layer l.
func (s *Sim) belowPop(l int) *pop {
	if l == 0 {
		return &s.input
	}
	return &s.layers[l-1].spikes
}

// belowRate returns the rate vector feeding layer l (non-spiking feedforward).
func (s *Sim) belowRate(l int) []float64 {
	if l == 0 {
		return s.inDense
	}
	return s.layers[l-1].lam
}

// fbSource returns the index of the layer that feeds layer l's apical dendrites.
func (s *Sim) fbSource(l int) int {
	if s.Net.Broadcast {
		return len(s.layers) - 1
	}
	return l + 1
}

// stepOpts says what a step does besides advancing the dynamics.
type stepOpts struct {
	teach bool // the output's teaching conductances are on (target phase)
	acc   bool // the step is in the averaging window
	pin   bool // the window also averages the presynaptic PSPs (forward phase)
	pfb   bool // and the apical ones (forward phase with feedback learning)
	// lazy: nothing reads this step's rates but the spike draws (see
	// Sim.lazySteps), so they are computed only where a unit can spike;
	// lazyHidden: the same for the hidden layers only, in a window step
	// whose hidden mean rates nobody reads (Sim.LazyTrainRates)
	lazy, lazyHidden bool
}

// step advances the spiking simulation by one 1-ms step, bottom to top
// (docs/model.md#one-time-step): input spikes, then for each layer its basal
// potential, its apical potential (hidden layers), its soma, its rate and its
// spikes; o says whether the output is taught and what the step averages.
func (s *Sim) step(o stepOpts) {
	teach, acc, pin, pfb := o.teach, o.acc, o.pin, o.pfb
	slot := s.t % s.mem
	if s.tracesDirty {
		if s.bio.ringKernel {
			s.rebuildRing()
		} else {
			s.rebuildTraces()
		}
	}
	if s.spikingFF {
		in := &s.input.ring[slot]
		in.reset()
		s.drawInput(in, s.SpikeSrc.Uint64())
		s.ctr.Spikes += int64(len(in.idx))
	}
	for l, ls := range s.layers {
		s.basal(l, ls, slot)
		n := ls.n
		C, lam := ls.C[:n], ls.lam[:n]
		if ls.hidden {
			s.apical(l, ls, slot, acc && pfb)
			if ls.aRing != nil && !s.testing {
				// every step, not only the window's: a plateau d steps
				// early averages A over steps before the window
				copy(ls.aRing[ls.aStep%len(ls.aRing)], ls.A)
				ls.aStep++
			}
			s.hiddenSoma(ls)
		} else {
			s.outputSoma(ls, teach)
			if s.testing && s.noApical {
				// A test reads the output's mean soma only, and its
				// spikes would reach only the apical input, which is
				// off: no rates and no draws, but the draw's key is
				// still taken so the stream stays that of every step.
				s.SpikeSrc.Uint64()
				ls.spikes.ring[slot].reset()
				if acc {
					addTo(ls.sumC[:n], C)
				}
				continue
			}
		}
		cur := &ls.spikes.ring[slot]
		cur.reset()
		lazy := o.lazy || (ls.hidden && (s.lazyRates || o.lazyHidden))
		if lazy {
			// the rates feed only the draws: computed for the units
			// that can spike (drawSpikesFromSoma)
			b := &s.bio
			drawSpikesFromSoma(cur, C, s.lmax, s.SpikeSrc.Uint64(), &s.draw, s.lamMax, b.affine, b.slope, b.offset)
		} else {
			s.somaRates(lam, C)
			drawSpikes(cur, lam, nil, s.SpikeSrc.Uint64(), &s.draw)
		}
		s.ctr.Spikes += int64(len(cur.idx))
		if acc {
			if !s.testing || !ls.hidden {
				// a test reports hidden layers' mean rates
				// (HiddenRates), not their mean somata
				addTo(ls.sumC[:n], C)
			}
			if !lazy {
				addTo(ls.sumLam[:n], lam)
			}
			if ls.hidden && !s.noApical {
				addTo(ls.sumA, ls.A[:n])
			}
		}
		if s.spikingFB && !s.noApical {
			s.feedbackSpikes(l, cur, slot)
		}
	}
	if acc {
		s.accumulate(slot, pin)
	}
	s.t++
	s.ctr.Steps++
}

// basal sets layer l's basal (output: dendritic) potential B = W p_in + b
// from the spikes (or, without spiking feedforward, the rates) below.
func (s *Sim) basal(l int, ls *layer, slot int) {
	ly, n, rs := ls.ly, ls.n, &s.rows
	if !s.spikingFF {
		rs.begin(n)
		for j, rj := range s.belowRate(l) {
			if rj != 0 {
				rs.add(ly.W[j*n:j*n+n], rj)
			}
		}
		rs.sumTo(ls.B, ly.B)
		return
	}
	// P(t) = W S(t): one weight row per spike; it replaces P(t−mem) in the
	// ring, and B = b + Σ_d κ(d+1) P(t−d) follows from the traces (see
	// traceCoef).
	sl := &s.belowPop(l).ring[slot]
	pn := s.zeros[:n]
	if len(sl.idx) != 0 {
		pn = s.pnew[:n]
		if ls.w32 != nil {
			rs.sumSpikeRows32(pn, ls.w32, sl.idx, sl.cnt)
		} else {
			rs.sumSpikeRows(pn, ly.W, sl.idx, sl.cnt)
		}
		s.ctr.SynEvents += int64(len(sl.idx) * n)
	}
	if s.bio.ringKernel {
		s.ringSum(ls.B[:n], ly.B, pn, ls.P, slot)
		return
	}
	traceStep(&s.tc, ls.x1, ls.x2, ls.B, ly.B, pn, ls.P[slot])
}

// apical sets hidden layer l's apical potential A = Y p_fb (+ c) from the
// feedback source's previous step; accFb adds the source's feedback input
// to the window's average.
func (s *Sim) apical(l int, ls *layer, slot int, accFb bool) {
	A := ls.A[:ls.n]
	switch {
	case s.noApical:
		// a test with g_A = 0: A reaches nothing a test reports
	case s.spikingFB:
		if accFb {
			// read now: later in this step the source overwrites the oldest slot
			addFiltered(ls.sumPfb, &s.layers[s.fbSource(l)].spikes, slot, 1, s.mem, s.kernel)
		}
		// A = c + Σ_d κ(d+1) Q(t−1−d), formed when the source spiked:
		// the buffers trade places instead of copying, since the
		// source's feedbackSpikes rewrites all of aNext later in every
		// step (Voltages' views are of the current step)
		ls.A, ls.aNext = ls.aNext, ls.A
	default:
		n, rs := ls.n, &s.rows
		rs.begin(n)
		src := s.layers[s.fbSource(l)].lam // still the previous step's rates
		if accFb {
			addTo(ls.sumPfb, src)
		}
		for q, rq := range src {
			if rq != 0 {
				rs.add(ls.ly.Y[q*n:q*n+n], rq)
			}
		}
		rs.sumTo(A, ls.ly.FeedbackBias)
	}
}

// hiddenSoma advances the hidden somata by one step: model.Soma.HiddenStep
// (vectorised in somaHidden), or the steady state model.Soma.HiddenSteady
// without conductances.
func (s *Sim) hiddenSoma(ls *layer) {
	n := ls.n
	C, B := ls.C[:n], ls.B[:n]
	if s.cond {
		somaHidden(C, B, ls.A[:n], &s.par.Soma)
		return
	}
	s.par.Soma.HiddenSteady(C, B)
}

// outputSoma advances the output somata by one step: with conductances
// model.Soma.OutputStep with the teaching current when teach; without them
// the forward steady state, or the taught one of the Teaching option.
func (s *Sim) outputSoma(ls *layer, teach bool) {
	n := ls.n
	C, B, y := ls.C[:n], ls.B[:n], ls.y[:n]
	so := &s.par.Soma
	if !s.cond && !teach {
		so.OutputSteady(C, B)
		return
	}
	for i, b := range B {
		c := C[i]
		switch {
		case s.cond && teach:
			c = so.OutputStep(c, b, so.TeachingCurrent(c, y[i]))
		case s.cond:
			c = so.OutputStep(c, b, 0)
		default:
			c = so.OutputTaught(b, y[i], s.par.Teaching)
		}
		C[i] = c
	}
}

// feedbackSpikes passes layer l's spikes of this step, cur, to the apical
// projections Q(t) = Y S(t) of the layers it is the feedback source of;
// their aNext becomes their A of the next step.
func (s *Sim) feedbackSpikes(l int, cur *spikeSlot, slot int) {
	rs := &s.rows
	for h := 0; h < len(s.layers)-1; h++ {
		if s.fbSource(h) != l {
			continue
		}
		hs := s.layers[h]
		hn := hs.n
		qn := s.zeros[:hn]
		if len(cur.idx) != 0 {
			qn = s.pnew[:hn]
			if hs.y32 != nil {
				rs.sumSpikeRows32(qn, hs.y32, cur.idx, cur.cnt)
			} else {
				rs.sumSpikeRows(qn, hs.ly.Y, cur.idx, cur.cnt)
			}
			s.ctr.SynEvents += int64(len(cur.idx) * hn)
		}
		if s.bio.ringKernel {
			s.ringSum(hs.aNext[:hn], hs.apicalBias(s.zeros), qn, hs.Q, slot)
			hs.qZero[slot] = false
			continue
		}
		// most steps of the few output units bring no spike, and the
		// slot leaving the window often held none either
		zero := len(cur.idx) == 0
		if !zero || !hs.qZero[slot] || !traceStepZeroArch(&s.tc, hs.y1, hs.y2, hs.aNext[:hn], hs.apicalBias(s.zeros)) {
			traceStep(&s.tc, hs.y1, hs.y2, hs.aNext, hs.apicalBias(s.zeros), qn, hs.Q[slot])
		}
		hs.qZero[slot] = zero
	}
}

// accumulate adds the current step's spike-history parts to the averaging
// windows (the neuron loops of step add the somatic, rate and apical sums).
func (s *Sim) accumulate(slot int, pin bool) {
	mem := s.mem
	for l, ls := range s.layers {
		ls.nWin++
		if pin {
			if s.spikingFF {
				addFiltered(ls.sumPin, s.belowPop(l), slot, 0, mem, s.kernel)
			} else {
				for j, r := range s.belowRate(l) {
					ls.sumPin[j] += r
				}
			}
		}
	}
}

// addFiltered adds the PSP vector p = Σ_d κ(d+1) S(t−lag−d) of population pp to dst.
func addFiltered(dst []float64, pp *pop, slot, lag, mem int, k []float64) {
	for d := 0; d < mem; d++ {
		sl := &pp.ring[(slot-lag-d+2*mem)%mem]
		kd := k[d]
		for q, j := range sl.idx {
			dst[j] += kd * sl.cnt[q]
		}
	}
}
