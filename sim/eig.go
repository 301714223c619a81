package sim

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/dendrite-lab/dendrite/neuron"
	"github.com/dendrite-lab/dendrite/option"
)

// eigFIFO is the number of recent examples the Jacobian average covers.
const eigFIFO = 100

// eigState keeps the last eigFIFO Jacobians J_β (n_out×n_h) and J_γ
// (n_h×n_out) of the last hidden layer and the output (docs/model.md#recorded-quantities).
type eigState struct {
	nOut, nH int
	jb, jg   [][]float64 // ring of row-major matrices
	count    int
	withC    bool
}

func newEigState(s *Sim) *eigState {
	out := s.out()
	h := s.layers[len(s.layers)-2]
	e := &eigState{nOut: out.n, nH: h.n, withC: s.par.Profile == option.Paper}
	for i := 0; i < eigFIFO; i++ {
		e.jb = append(e.jb, make([]float64, out.n*h.n))
		e.jg = append(e.jg, make([]float64, out.n*h.n))
	}
	return e
}

// push appends the Jacobians at the end of a forward phase.
func (e *eigState) push(s *Sim) {
	out := s.out()
	h := s.layers[len(s.layers)-2]
	jb, jg := e.jb[e.count%eigFIFO], e.jg[e.count%eigFIFO]
	no, nh := e.nOut, e.nH
	rOut := make([]float64, no)
	f := s.par.Soma.F() // σ(x) and σ'(x) bit for bit by default
	for a := 0; a < no; a++ {
		c := out.cF[a]
		rOut[a] = s.lamMax * f.At(c)
		g := s.lamMax * f.Deriv(c) * s.kD
		for j := 0; j < nh; j++ {
			jb[a*nh+j] = g * out.ly.W[j*no+a]
		}
	}
	for j := 0; j < nh; j++ {
		x := 0.0
		for k := 0; k < no; k++ {
			x += h.ly.Y[k*nh+j] * rOut[k]
		}
		if e.withC && h.ly.FeedbackBias != nil {
			x += h.ly.FeedbackBias[j]
		}
		g := neuron.SigmoidPrime(x)
		for k := 0; k < no; k++ {
			jg[j*no+k] = g * h.ly.Y[k*nh+j]
		}
	}
	e.count++
}

// values returns max eig of (I−U)ᵀ(I−U) for U = mean of products, for U =
// product of means, and for the weight product U_w = k_D W_out Y_h.
func (e *eigState) values(s *Sim) (prod, means, weight float64) {
	no, nh := e.nOut, e.nH
	k := e.count
	if k > eigFIFO {
		k = eigFIFO
	}
	if k == 0 {
		return nan, nan, nan
	}
	U := make([]float64, no*no)
	mb := make([]float64, no*nh)
	mg := make([]float64, no*nh)
	for q := 0; q < k; q++ {
		jb, jg := e.jb[q], e.jg[q]
		for a := 0; a < no; a++ {
			for j := 0; j < nh; j++ {
				x := jb[a*nh+j]
				if x == 0 {
					continue
				}
				for b := 0; b < no; b++ {
					U[a*no+b] += x * jg[j*no+b]
				}
			}
		}
		for i := range mb {
			mb[i] += jb[i]
			mg[i] += jg[i]
		}
	}
	for i := range U {
		U[i] /= float64(k)
	}
	prod = maxEigIminusU(U, no)
	for i := range mb {
		mb[i] /= float64(k)
		mg[i] /= float64(k)
	}
	means = maxEigIminusU(matMul(mb, mg, no, nh, no), no)
	out := s.out()
	h := s.layers[len(s.layers)-2]
	W := make([]float64, no*nh)
	Y := make([]float64, nh*no)
	for a := 0; a < no; a++ {
		for j := 0; j < nh; j++ {
			W[a*nh+j] = s.kD * out.ly.W[j*no+a]
			Y[j*no+a] = h.ly.Y[a*nh+j]
		}
	}
	weight = maxEigIminusU(matMul(W, Y, no, nh, no), no)
	return prod, means, weight
}

func matMul(a, b []float64, r, inner, c int) []float64 {
	m := make([]float64, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < inner; j++ {
			x := a[i*inner+j]
			for k := 0; k < c; k++ {
				m[i*c+k] += x * b[j*c+k]
			}
		}
	}
	return m
}

// maxEigIminusU returns the largest eigenvalue of (I−U)ᵀ(I−U) for an n×n U.
func maxEigIminusU(U []float64, n int) float64 {
	M := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := -U[i*n+j]
			if i == j {
				v++
			}
			M.Set(i, j, v)
		}
	}
	var S mat.SymDense
	S.SymOuterK(1, M.T())
	var es mat.EigenSym
	if !es.Factorize(&S, false) {
		return math.NaN()
	}
	v := es.Values(nil)
	return v[len(v)-1]
}
