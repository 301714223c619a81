package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/learn"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/neuron"
	"github.com/dendrite-lab/dendrite/option"
)

// refSim is the plain dense reference stepper: the model of package model
// written for clarity, with none of Sim's machinery (no event-driven sums,
// no PSP traces, no vector kernels, no accumulated windows). Every step keeps
// dense spike-count vectors of the last mem steps and forms each PSP from
// them; each phase keeps every step's values and averages the window at its
// end. It draws the same random numbers as Sim, in the same order, so the
// two must agree to rounding (TestReferenceStepper).
type refSim struct {
	p      model.Params
	net    *network.Net
	kernel []float64

	spikeRNG, phaseRNG, jitterRNG, noiseRNG *rand.Rand

	inRate []float64   // λmax·pixel/255 of every pixel
	inHist [][]float64 // input spike counts, inHist[d] = S(t−d)
	layers []*refLayer
}

type refLayer struct {
	ly     *network.Layer
	hidden bool
	C, lam []float64
	hist   [][]float64 // spike counts, hist[d] = S(t−d)
	y      []float64   // teaching signal (output layer)
	// per phase: every step's values, and the end-of-phase results
	stepC, stepLam, stepA, stepPin, stepPfb [][]float64
	jitter                                  []int
	cF, lamF, aF, alphaF, pinF, pfbF        []float64
	cT, lamT, aT, alphaT                    []float64
	delta, dbp                              []float64
}

func newRefSim(p model.Params, net *network.Net, seed uint64) *refSim {
	r := &refSim{p: p, net: net, kernel: p.Kernel.Values()}
	// the same streams as New
	r.spikeRNG = rand.New(rand.NewPCG(seed, 0x5350494b45))
	r.phaseRNG = rand.New(rand.NewPCG(seed, 0x5048415345))
	r.jitterRNG = rand.New(rand.NewPCG(seed, 0x4a49545452))
	r.noiseRNG = rand.New(rand.NewPCG(seed, 0x4e4f495345))
	r.inHist = zeros2(p.Kernel.Mem, Pixels)
	L := len(net.Layers)
	for l, ly := range net.Layers {
		n := ly.N
		r.layers = append(r.layers, &refLayer{ly: ly, hidden: l < L-1,
			C: make([]float64, n), lam: make([]float64, n), hist: zeros2(p.Kernel.Mem, n),
			y: make([]float64, n), jitter: make([]int, n)})
	}
	return r
}

func zeros2(a, b int) [][]float64 {
	m := make([][]float64, a)
	for i := range m {
		m[i] = make([]float64, b)
	}
	return m
}

// spikeKey draws the key of one population's spikes in one step (Sim's
// SpikeSrc.Uint64()).
func (r *refSim) spikeKey() uint64 { return r.spikeRNG.Uint64() }

// refCount is the spike count of unit i (its i-th draw in a step with key):
// the inverse Poisson CDF at Sim's uniform for that unit.
func refCount(key uint64, i int, lam float64) float64 {
	b := unitBits(uint32(i), uint32(key), uint32(key>>32))
	lo := mix64(key+uint64(i+1)*golden) >> 42
	return float64(neuron.PoissonU(float64(uint64(b)<<22|lo)*0x1p-53, lam))
}

// push shifts a spike history by one step and returns the new S(t) slot.
func push(hist [][]float64) []float64 {
	last := hist[len(hist)-1]
	copy(hist[1:], hist[:len(hist)-1])
	clear(last)
	hist[0] = last
	return last
}

// psp is Σ_{d<mem} κ(d+1) S(t−lag−d) of a history (hist[d] = S(t−d)).
func (r *refSim) psp(hist [][]float64, lag int) []float64 {
	p := make([]float64, len(hist[0]))
	for d := 0; d+lag < len(hist); d++ {
		for j, s := range hist[d+lag] {
			p[j] += r.kernel[d] * s
		}
	}
	return p
}

// matVec returns W·x + b for W stored presynaptic-major (len(x)×len(b));
// b may be nil.
func matVec(w []float64, x, b []float64, n int) []float64 {
	out := make([]float64, n)
	copy(out, b)
	for j, xj := range x {
		for i := 0; i < n; i++ {
			out[i] += w[j*n+i] * xj
		}
	}
	return out
}

func (r *refSim) fbSource(l int) int {
	if r.net.Broadcast {
		return len(r.layers) - 1
	}
	return l + 1
}

func (r *refSim) reset() {
	for _, h := range r.inHist {
		clear(h)
	}
	for _, ls := range r.layers {
		clear(ls.C)
		clear(ls.lam)
		for _, h := range ls.hist {
			clear(h)
		}
	}
}

func (r *refSim) setInput(img []uint8) {
	r.inRate = make([]float64, len(img))
	for j, px := range img {
		r.inRate[j] = r.p.Soma.LambdaMax * float64(px) / 255
	}
}

// step is one 1-ms step, bottom to top; it records each layer's values.
func (r *refSim) step(teach bool) {
	so := r.p.Soma
	var pinBelow []float64 // what the layer above receives
	if r.p.SpikingFeedforward {
		key := r.spikeKey()
		s := push(r.inHist)
		q := 0
		for j, lam := range r.inRate {
			if lam != 0 { // only the non-zero pixels draw, in order
				s[j] = refCount(key, q, lam)
				q++
			}
		}
	}
	for l, ls := range r.layers {
		n := ls.ly.N
		// basal input: filtered spikes (this step's included) or rates
		switch {
		case r.p.SpikingFeedforward && l == 0:
			pinBelow = r.psp(r.inHist, 0)
		case r.p.SpikingFeedforward:
			pinBelow = r.psp(r.layers[l-1].hist, 0)
		case l == 0:
			pinBelow = append([]float64(nil), r.inRate...)
		default:
			pinBelow = append([]float64(nil), r.layers[l-1].lam...)
		}
		B := matVec(ls.ly.W, pinBelow, ls.ly.B, n)
		var A, pfb []float64
		if ls.hidden {
			// apical input: the source's previous step (it is updated later)
			src := r.layers[r.fbSource(l)]
			if r.p.SpikingFeedback {
				pfb = r.psp(src.hist, 0) // src.hist[0] is still S(t−1)
			} else {
				pfb = append([]float64(nil), src.lam...)
			}
			A = matVec(ls.ly.Y, pfb, ls.ly.FeedbackBias, n)
			if so.Conductances {
				for i := range ls.C {
					ls.C[i] = so.HiddenStep(ls.C[i], B[i], A[i])
				}
			} else {
				so.HiddenSteady(ls.C, B)
			}
		} else {
			for i := range ls.C {
				switch {
				case so.Conductances && teach:
					ls.C[i] = so.OutputStep(ls.C[i], B[i], so.TeachingCurrent(ls.C[i], ls.y[i]))
				case so.Conductances:
					ls.C[i] = so.OutputStep(ls.C[i], B[i], 0)
				case teach:
					ls.C[i] = so.OutputTaught(B[i], ls.y[i], r.p.Teaching)
				default:
					ls.C[i] = so.KD() * B[i]
				}
			}
		}
		for i, c := range ls.C {
			ls.lam[i] = so.Rate(c)
		}
		key := r.spikeKey()
		s := push(ls.hist)
		for i, lam := range ls.lam {
			s[i] = refCount(key, i, lam)
		}
		ls.stepC = append(ls.stepC, append([]float64(nil), ls.C...))
		ls.stepLam = append(ls.stepLam, append([]float64(nil), ls.lam...))
		ls.stepA = append(ls.stepA, A)
		ls.stepPin = append(ls.stepPin, pinBelow)
		ls.stepPfb = append(ls.stepPfb, pfb)
	}
}

// mean returns the mean of rows[from:to].
func mean(rows [][]float64, from, to int) []float64 {
	m := make([]float64, len(rows[from]))
	for _, row := range rows[from:to] {
		for i, v := range row {
			m[i] += v
		}
	}
	for i := range m {
		m[i] /= float64(to - from)
	}
	return m
}

// phase runs n steps and returns the end-of-phase averages over the last win.
func (r *refSim) phase(n, win int, teach, forward, training bool) {
	for _, ls := range r.layers {
		ls.stepC, ls.stepLam, ls.stepA, ls.stepPin, ls.stepPfb = nil, nil, nil, nil, nil
	}
	for t := 0; t < n; t++ {
		r.step(teach)
	}
	for _, ls := range r.layers {
		c, lam := mean(ls.stepC, n-win, n), mean(ls.stepLam, n-win, n)
		if forward {
			ls.cF, ls.lamF = c, lam
			ls.pinF = mean(ls.stepPin, n-win, n)
		} else {
			ls.cT, ls.lamT = c, lam
		}
		if !ls.hidden {
			continue
		}
		a := mean(ls.stepA, n-win, n)
		alpha := make([]float64, len(a))
		for i := range a {
			alpha[i] = model.PlateauPotential(a[i])
			if training && r.p.Plateau.RandTimes {
				// the plateau of step n−1−d: mean A of the 20 steps up to it
				d, tw := ls.jitter[i], r.p.Phases.TrainWindow()
				sum := 0.0
				for k := n - d - tw; k < n-d; k++ {
					sum += ls.stepA[k][i]
				}
				alpha[i] = model.PlateauPotential(sum / float64(tw))
			}
		}
		if forward {
			ls.aF, ls.alphaF = a, alpha
			if ls.stepPfb[0] != nil && r.p.Learning.FeedbackLearning {
				ls.pfbF = mean(ls.stepPfb, n-win, n)
			}
		} else {
			ls.aT, ls.alphaT = a, alpha
		}
	}
}

func (r *refSim) drawJitter() {
	if !r.p.Plateau.RandTimes {
		return
	}
	for _, ls := range r.layers[:len(r.layers)-1] {
		for i := range ls.jitter {
			ls.jitter[i] = neuron.PlateauJitter(r.jitterRNG, r.p.Plateau.JitterSD, r.p.Plateau.JitterMax)
		}
	}
}

func (r *refSim) setTarget(label int) {
	out := r.layers[len(r.layers)-1]
	npc := len(out.y) / 10
	for i := range out.y {
		out.y[i] = 0
		if label >= 0 && i/npc == label {
			out.y[i] = 1
		}
	}
}

// train presents one example and returns the forward-phase prediction.
func (r *refSim) train(img []uint8, label int) int {
	if r.p.Rate() {
		return r.trainRate(img, label)
	}
	ph := r.p.Phases
	lenF, lenT := ph.Forward, ph.Target
	if ph.RandLengths {
		lenF = neuron.PhaseLength(r.phaseRNG, ph.Forward)
		lenT = neuron.PhaseLength(r.phaseRNG, ph.Target)
	}
	r.setInput(img)
	r.setTarget(-1)
	r.drawJitter()
	r.phase(lenF, ph.Averaged(lenF, ph.TrainWindow()), false, true, true)
	pred := readout10(r.layers[len(r.layers)-1].cF)
	r.setTarget(label)
	r.drawJitter()
	r.phase(lenT, ph.Averaged(lenT, ph.TrainWindow()), true, false, true)
	r.update()
	return pred
}

// trainRate is one rate-mode example: steady states instead of steps.
func (r *refSim) trainRate(img []uint8, label int) int {
	r.setInput(img)
	so := r.p.Soma
	in := r.inRate
	for _, ls := range r.layers {
		B := matVec(ls.ly.W, in, ls.ly.B, ls.ly.N)
		if ls.hidden {
			so.HiddenSteady(ls.C, B)
		} else {
			so.OutputSteady(ls.C, B)
		}
		for i, c := range ls.C {
			ls.lam[i] = so.Rate(c)
		}
		ls.pinF = append([]float64(nil), in...)
		ls.cF, ls.lamF = append([]float64(nil), ls.C...), append([]float64(nil), ls.lam...)
		in = ls.lam
	}
	apical := func(l int) (a, alpha []float64) {
		ls := r.layers[l]
		a = matVec(ls.ly.Y, r.layers[r.fbSource(l)].lam, ls.ly.FeedbackBias, ls.ly.N)
		alpha = make([]float64, len(a))
		for i := range a {
			alpha[i] = model.PlateauPotential(a[i])
		}
		return a, alpha
	}
	for l, ls := range r.layers[:len(r.layers)-1] {
		ls.aF, ls.alphaF = apical(l)
		ls.pfbF = append([]float64(nil), r.layers[r.fbSource(l)].lam...)
	}
	out := r.layers[len(r.layers)-1]
	pred := readout10(out.cF)
	r.setTarget(label)
	below := r.inRate
	if len(r.layers) > 1 {
		below = r.layers[len(r.layers)-2].lam
	}
	B := matVec(out.ly.W, below, out.ly.B, out.ly.N)
	for i := range out.C {
		out.C[i] = so.OutputTaught(B[i], out.y[i], r.p.Teaching)
		out.lam[i] = so.Rate(out.C[i])
	}
	out.cT, out.lamT = append([]float64(nil), out.C...), append([]float64(nil), out.lam...)
	for l, ls := range r.layers[:len(r.layers)-1] {
		ls.aT, ls.alphaT = apical(l)
	}
	r.update()
	return pred
}

// update applies the four learning rules, top down (paper Methods).
func (r *refSim) update() {
	lr, so := r.p.Learning, r.p.Soma
	L := len(r.layers)
	out := r.layers[L-1]
	out.delta = make([]float64, out.ly.N)
	learn.OutputDelta(out.delta, out.cF, out.lamT, so)
	needBP := lr.Backprop || r.p.RecordBPAngle
	backprop := func(l int) {
		ls := r.layers[l]
		ls.dbp = make([]float64, ls.ly.N)
		learn.BackpropDelta(ls.dbp, ls.cF, r.layers[l+1].ly.W, r.upDelta(l), so)
	}
	if needBP && lr.BackpropOrder == option.OrderPreUpdate {
		for l := L - 2; l >= 0; l-- {
			backprop(l)
		}
	}
	addOuterPlain(out.ly.W, out.ly.B, lr.Etas[L-1]*r.p.POut(), out.delta, out.pinF)
	for l := L - 2; l >= 0; l-- {
		ls := r.layers[l]
		if lr.FeedbackLearning {
			eps := make([]float64, ls.ly.N)
			learn.FeedbackError(eps, ls.cF, ls.alphaF, ls.aF, so)
			var bias []float64
			if lr.FeedbackBias == option.BiasLearned {
				bias = ls.ly.FeedbackBias
			}
			addOuterPlain(ls.ly.Y, bias, lr.FeedbackEtas[l], eps, ls.pfbF)
			ls.ly.ApplyMask(false)
		}
		ls.delta = make([]float64, ls.ly.N)
		sig := make([]float64, ls.ly.N)
		if so.PaperRate() {
			for i, c := range ls.cF {
				sig[i] = neuron.Sigmoid(c)
			}
			so.HiddenErrors(ls.delta, sig, ls.alphaT, ls.alphaF)
		} else {
			for i, c := range ls.cF {
				sig[i] = so.F().Deriv(c)
			}
			so.HiddenErrorsF(ls.delta, sig, ls.alphaT, ls.alphaF)
		}
		if needBP && lr.BackpropOrder == option.OrderReference {
			backprop(l)
		}
		d := ls.delta
		if lr.Backprop {
			d = ls.dbp
		}
		addOuterPlain(ls.ly.W, ls.ly.B, lr.Etas[l]*r.p.PHidden(), d, ls.pinF)
	}
	if lr.Symmetric {
		r.net.Symmetrize(lr.NoisySymmetric, lr.SymmetricNoiseSD, r.noiseRNG)
	}
}

// upDelta is the error that hidden layer l's backprop error comes from.
func (r *refSim) upDelta(l int) []float64 {
	if l == len(r.layers)-2 {
		return r.layers[l+1].delta
	}
	return r.layers[l+1].dbp
}

// addOuterPlain adds scale·δ pᵀ to w (presynaptic-major) and scale·δ to b
// (b may be nil).
func addOuterPlain(w, b []float64, scale float64, delta, p []float64) {
	n := len(delta)
	for j, pj := range p {
		for i, d := range delta {
			w[j*n+i] += scale * pj * d
		}
	}
	for i, d := range delta {
		if b != nil {
			b[i] += scale * d
		}
	}
}

// classify runs a test phase from rest with the spike stream (seed, k).
func (r *refSim) classify(img []uint8, seed, k uint64) int {
	r.spikeRNG = rand.New(rand.NewPCG(seed, k))
	r.reset()
	r.setInput(img)
	r.setTarget(-1)
	out := r.layers[len(r.layers)-1]
	if r.p.Rate() {
		in := r.inRate
		for _, ls := range r.layers {
			B := matVec(ls.ly.W, in, ls.ly.B, ls.ly.N)
			if ls.hidden {
				r.p.Soma.HiddenSteady(ls.C, B)
			} else {
				r.p.Soma.OutputSteady(ls.C, B)
			}
			for i, c := range ls.C {
				ls.lam[i] = r.p.Soma.Rate(c)
			}
			in = ls.lam
		}
		p := readout10(out.C)
		r.reset()
		return p
	}
	ph := r.p.Phases
	r.phase(ph.Test, ph.Averaged(ph.Test, ph.TestWindow()), false, true, false)
	p := readout10(out.cF)
	r.reset()
	return p
}

// readout10 is the class whose group of output neurons has the largest mean.
func readout10(v []float64) int {
	npc := len(v) / 10
	best, bestV := 0, 0.0
	for k := 0; k < 10; k++ {
		m := 0.0
		for _, x := range v[k*npc : (k+1)*npc] {
			m += x
		}
		if k == 0 || m > bestV {
			best, bestV = k, m
		}
	}
	return best
}

// The fast Sim and the dense reference stepper, started from the same
// weights and seeds, agree to rounding for every option in both modes:
// predictions of training examples and of tests (which reset the state),
// and every weight after five examples.
func TestReferenceStepper(t *testing.T) {
	if testing.Short() {
		t.Skip("every option in both modes: skipped with -short (the plain go test runs it)")
	}
	train, test := loadMNIST(t)
	opts := everyOption()
	opts["paper-profile"] = func(*config.Config) {}
	opts["fixed-bias"] = func(c *config.Config) { c.FeedbackBias = option.BiasFixed }
	opts["timestepped-rates"] = func(c *config.Config) {
		c.SpikingFeedforward, c.SpikingFeedback, c.RandPhaseLengths, c.FeedbackBias = false, false, false, option.BiasFixed
	}
	for name, mut := range opts {
		for _, mode := range []option.Mode{option.Spiking, option.Rate} {
			t.Run(name+"/"+string(mode), func(t *testing.T) {
				c := smallConfig(t, mut, mode, true)
				net := network.New(c.Model(), Pixels, randFor(3))
				fast, ref := New(c.Model(), net.Clone(), 4), newRefSim(c.Model(), net.Clone(), 4)
				fast.tab = nil // the exact rate function (see TestGoldenPaperTimestepped)
				for i := 0; i < 5; i++ {
					if i == 3 {
						for k := uint64(0); k < 2; k++ {
							fast.Reseed(77, k)
							pf, pr := fast.Classify(test.Image(int(k))), ref.classify(test.Image(int(k)), 77, k)
							if pf != pr {
								t.Fatalf("test image %d: fast predicts %d, reference %d", k, pf, pr)
							}
						}
					}
					res := fast.Train(train.Image(i), int(train.Labels[i]))
					if pr := ref.train(train.Image(i), int(train.Labels[i])); res.Pred != pr {
						t.Fatalf("example %d: fast predicts %d, reference %d", i, res.Pred, pr)
					}
				}
				compareNets(t, fast.Net, ref.net, 1e-9)
			})
		}
	}
}

// compareNets fails when a parameter of a and b differs by more than
// tol·(1+|b|).
func compareNets(t *testing.T, a, b *network.Net, tol float64) {
	t.Helper()
	for l := range a.Layers {
		la, lb := a.Layers[l], b.Layers[l]
		for _, p := range []struct {
			name string
			x, y []float64
		}{{"W", la.W, lb.W}, {"b", la.B, lb.B}, {"Y", la.Y, lb.Y}, {"c", la.FeedbackBias, lb.FeedbackBias}} {
			for i := range p.x {
				if d := math.Abs(p.x[i] - p.y[i]); !(d <= tol*(1+math.Abs(p.y[i]))) {
					t.Fatalf("layer %d %s[%d]: fast %.17g, reference %.17g", l, p.name, i, p.x[i], p.y[i])
				}
			}
		}
	}
}
