package sim

import (
	"math"
)

var nan = math.NaN()

// forwardRate computes the rate-mode feedforward pass (docs/model.md#rate-mode): for every
// layer B = W r_below + b, the steady state C = k B (model.Soma.HiddenSteady,
// OutputSteady), r = λmax σ(C). The input
// is sparse, so layer 0 touches only the rows of non-zero pixels; all rows of
// a layer go through one addRows call.
func (s *Sim) forwardRate() {
	rs := &s.rows
	for l, ls := range s.layers {
		ly := ls.ly
		n := ls.n
		B := ls.B
		rs.begin(n)
		if l == 0 {
			for q, j := range s.inIdx {
				rs.add(ly.W[int(j)*n:int(j)*n+n], s.inRate[q])
			}
		} else {
			for j, rj := range s.layers[l-1].lam {
				if rj != 0 {
					rs.add(ly.W[j*n:j*n+n], rj)
				}
			}
		}
		rs.sumTo(B, ly.B)
		C := ls.C[:len(B)]
		if ls.hidden {
			s.par.Soma.HiddenSteady(C, B)
		} else {
			s.par.Soma.OutputSteady(C, B)
		}
		if s.bio.rf != nil || s.bio.affine {
			s.rateModeRates(ls.lam, C)
		} else {
			sigmoids(ls.lam, C, s.lamMax)
		}
	}
}

// apicalRate sets layer l's A = Y r_src + c and α = σ(A).
func (s *Sim) apicalRate(l int, A, alpha []float64) {
	ls := s.layers[l]
	n := ls.n
	rs := &s.rows
	rs.begin(n)
	for q, r := range s.layers[s.fbSource(l)].lam {
		if r != 0 {
			rs.add(ls.ly.Y[q*n:q*n+n], r)
		}
	}
	rs.sumTo(A, ls.ly.FeedbackBias)
	sigmoids(alpha, A, 1)
}

// trainRate is one rate-mode example: the 2-step phases reduce to one forward
// pass, the apical values of its second step, the taught output and the
// apical values of the target phase's second step (docs/model.md#rate-mode).
func (s *Sim) trainRate(img []uint8, label int) Result {
	s.SetInput(img)
	res := Result{Label: label, LenF: 2, LenT: 2}
	s.forwardRate()
	L := len(s.layers)
	out := s.out()
	for l, ls := range s.layers {
		copy(ls.cF, ls.C)
		copy(ls.lamF, ls.lam)
		if l == 0 {
			clear(ls.pinF)
			for q, j := range s.inIdx {
				ls.pinF[j] = s.inRate[q]
			}
		} else {
			copy(ls.pinF, s.layers[l-1].lam)
		}
	}
	for l := 0; l < L-1; l++ {
		ls := s.layers[l]
		s.apicalRate(l, ls.aF, ls.alphaF)
		copy(ls.pfbF, s.layers[s.fbSource(l)].lam)
	}
	res.Pred = s.readout(out.cF)
	if s.eig != nil {
		s.eig.push(s)
	}
	s.traceRate(Forward, func(ls *layer) []float64 { return ls.aF })
	// target phase: only the output changes (hidden somata ignore the apical input)
	s.setTarget(label)
	so := &s.par.Soma
	for i, b := range out.B {
		c := so.OutputTaught(b, out.y[i], s.par.Teaching)
		out.C[i] = c
		out.lam[i] = so.Rate(c)
	}
	copy(out.cT, out.C)
	copy(out.lamT, out.lam)
	for l := 0; l < L-1; l++ {
		ls := s.layers[l]
		s.apicalRate(l, ls.aT, ls.alphaT)
	}
	s.traceRate(Target, func(ls *layer) []float64 { return ls.aT })
	s.now += 4
	res.EndF, res.EndT = s.now-2, s.now
	res.Loss, res.BPAngle = s.update()
	if s.eig != nil {
		res.MaxJacEig, res.MaxJacEigMeans, res.MaxWeightEig = s.eig.values(s)
	}
	res.Finite = s.finite(res.Loss)
	return res
}

// traceRate calls Trace for a rate-mode phase: once, as its second step
// (the one rate mode computes), with the views set as a spiking step sets
// them (A from the phase's apical values; B, C and the rates are current).
func (s *Sim) traceRate(phase int, apical func(*layer) []float64) {
	if s.Trace == nil {
		return
	}
	for _, ls := range s.layers[:len(s.layers)-1] {
		copy(ls.A, apical(ls))
	}
	s.Trace(s, phase, 1)
}
