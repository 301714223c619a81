package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/dendrite-lab/dendrite/option"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/neuron"
)

// Layer is one layer's parameters. The output layer has no feedback.
type Layer struct {
	In, N int       // fan-in and size
	W     []float64 // In×N, presynaptic-major (see package doc)
	B     []float64 // N
	// Src is the size of the feedback source (n_out in broadcast mode, the
	// next layer's size otherwise); 0 for the output layer.
	Src int
	Y   []float64 // Src×N, source-major; nil for the output layer
	// FeedbackBias is the apical bias c (N), nil when the network has none.
	FeedbackBias []float64
	// Zero lists the indices of Y forced to zero by sparse feedback (sorted);
	// Gain is the amplification re-applied with it in symmetric mode.
	Zero []int
	Gain float64
}

// Net is a stack of layers, bottom to top; the last is the output layer.
type Net struct {
	Layers    []*Layer
	Broadcast bool
}

// Out returns the output layer.
func (n *Net) Out() *Layer { return n.Layers[len(n.Layers)-1] }

// NewShape allocates a zero network of the given shape (input size, sizes)
// with feedback wiring but no values; feedback bias allocated when bias.
func NewShape(input int, sizes []int, broadcast, bias bool) *Net {
	net := &Net{Broadcast: broadcast}
	in := input
	L := len(sizes)
	for l, n := range sizes {
		ly := &Layer{In: in, N: n, W: make([]float64, in*n), B: make([]float64, n), Gain: 1}
		if l < L-1 {
			ly.Src = sizes[L-1]
			if !broadcast {
				ly.Src = sizes[l+1]
			}
			ly.Y = make([]float64, ly.Src*n)
			if bias {
				ly.FeedbackBias = make([]float64, n)
			}
		}
		net.Layers = append(net.Layers, ly)
		in = n
	}
	return net
}

// New builds and initialises the network of the model p, drawing from r (docs/model.md#weight-initialisation, #feedback-wiring, #feedback-bias).
func New(p model.Params, input int, r *rand.Rand) *Net {
	cfg := &p.Network
	bias := p.Learning.FeedbackBias != option.BiasNone
	net := NewShape(input, cfg.Layers, cfg.Broadcast, bias)
	st := neuron.DefaultInitStats(p.Soma.LambdaMax)
	paper := p.Profile == option.Paper
	// u is the profile's centred uniform: u−0.5 ∈ (−½,½) (paper) or u' ∈ (−1,1) (head).
	u := func() float64 {
		if paper {
			return r.Float64() - 0.5
		}
		return 2*r.Float64() - 1
	}
	L := len(net.Layers)
	// Generation order as in the reference: top layer first; for each layer W,
	// b, then the feedback matrix of the layer below.
	// paper broadcast: R_ℓ factors for lower layers (math layout n_ℓ×n_{ℓ+1})
	chainR := make([][]float64, L)
	for l := L - 1; l >= 0; l-- {
		ly := net.Layers[l]
		mean, sd := st.Weights(ly.In)
		for j := 0; j < ly.In; j++ {
			for i := 0; i < ly.N; i++ {
				if cfg.WeightOptimization {
					ly.W[j*ly.N+i] = mean + 3.465*sd*u()
				} else {
					ly.W[j*ly.N+i] = 0.1 * u()
				}
			}
		}
		for i := range ly.B {
			if cfg.WeightOptimization {
				ly.B[i] = st.BMean + 3.465*st.BSD*u()
			} else {
				ly.B[i] = u()
			}
		}
		if l == 0 {
			break
		}
		below := net.Layers[l-1]
		// Statistics "of layer l" (fan-in n_{l−1}) set the feedback spread of layer l−1.
		fm, fsd := st.Weights(below.N)
		switch {
		case !cfg.WeightOptimization:
			fillT(below.Y, below.Src, below.N, func() float64 { return u() })
		case paper && cfg.Broadcast && l == L-1:
			fillT(below.Y, below.Src, below.N, func() float64 { return 3.465 * fsd * u() })
		case paper && cfg.Broadcast:
			// R_{l−1} (n_{l−1}×n_l); Y_{l−1} = R_{l−1}·Y_l is formed below, once Y_l exists.
			R := make([]float64, below.N*ly.N)
			for k := range R {
				R[k] = 3.465 * fsd * u()
			}
			chainR[l-1] = R
		default:
			fillT(below.Y, below.Src, below.N, func() float64 { return fm + 3.465*fsd*u() })
		}
	}
	if paper && cfg.Broadcast && cfg.WeightOptimization {
		for l := L - 3; l >= 0; l-- {
			// Y_l (math n_l×n_out) = R_l (n_l×n_{l+1}) · Y_{l+1} (n_{l+1}×n_out).
			chainProduct(net.Layers[l], chainR[l], net.Layers[l+1])
		}
	}
	// Feedback bias (docs/model.md#feedback-bias), from the dense Y before sparsification.
	initBias(&p, net, st, r)
	if cfg.SparseFeedback {
		for _, ly := range net.Layers[:L-1] {
			ly.sparsify(cfg, r)
		}
	}
	if lr := p.Learning; lr.Symmetric {
		net.Symmetrize(lr.NoisySymmetric, lr.SymmetricNoiseSD, r)
	}
	return net
}

// fillT fills a source-major Y (src×n) from f, drawing in the mathematical
// row-major order (neuron by neuron) so the draw order matches Y's n×src shape.
func fillT(y []float64, src, n int, f func() float64) {
	for i := 0; i < n; i++ {
		for k := 0; k < src; k++ {
			y[k*n+i] = f()
		}
	}
}

// chainProduct sets lo.Y = R·hi.Y in mathematical layout, where R is n_lo×n_hi
// (row-major) and hi.Y is stored source-major (n_out×n_hi).
func chainProduct(lo *Layer, R []float64, hi *Layer) {
	nlo, nhi, src := lo.N, hi.N, hi.Src
	for i := 0; i < nlo; i++ {
		for k := 0; k < src; k++ {
			s := 0.0
			for j := 0; j < nhi; j++ {
				s += R[i*nhi+j] * hi.Y[k*nhi+j]
			}
			lo.Y[k*nlo+i] = s
		}
	}
}

func initBias(p *model.Params, net *Net, st neuron.InitStats, r *rand.Rand) {
	cfg := &p.Network
	for _, ly := range net.Layers[:len(net.Layers)-1] {
		if ly.FeedbackBias == nil {
			continue
		}
		switch {
		case p.Learning.FeedbackBias == option.BiasFixed && cfg.WeightOptimization:
			// c = Y·r with r zero-mean, spread of "layer ℓ+1" (fan-in n_ℓ).
			_, fsd := st.Weights(ly.N)
			rv := make([]float64, ly.Src)
			for k := range rv {
				rv[k] = 3.465 * fsd * (r.Float64() - 0.5)
			}
			for i := 0; i < ly.N; i++ {
				s := 0.0
				for k := 0; k < ly.Src; k++ {
					s += ly.Y[k*ly.N+i] * rv[k]
				}
				ly.FeedbackBias[i] = s
			}
		case p.Learning.FeedbackBias == option.BiasFixed:
			for i := range ly.FeedbackBias {
				ly.FeedbackBias[i] = r.Float64() - 0.5
			}
		case cfg.WeightOptimization: // learned, head form
			for i := range ly.FeedbackBias {
				ly.FeedbackBias[i] = st.BMean + 3.465*st.BSD*(2*r.Float64()-1)
			}
		default:
			for i := range ly.FeedbackBias {
				ly.FeedbackBias[i] = 2*r.Float64() - 1
			}
		}
	}
}

// sparsify chooses ⌊fraction·size⌋ entries of Y uniformly without
// replacement, stores them and applies the mask (docs/model.md#feedback-wiring).
func (ly *Layer) sparsify(cfg *model.Network, r *rand.Rand) {
	size := len(ly.Y)
	k := int(math.Floor(cfg.SparseFraction * float64(size)))
	perm := r.Perm(size)
	ly.Zero = append([]int(nil), perm[:k]...)
	sort.Ints(ly.Zero)
	ly.Gain = 1
	if cfg.SparseAmplify {
		ly.Gain = 1 / (1 - cfg.SparseFraction)
	}
	ly.ApplyMask(true)
}

// ApplyMask zeroes the stored sparse entries of Y and, when amplify, multiplies
// Y by the layer's gain.
func (ly *Layer) ApplyMask(amplify bool) {
	for _, z := range ly.Zero {
		ly.Y[z] = 0
	}
	if amplify && ly.Gain != 1 {
		for i := range ly.Y {
			ly.Y[i] *= ly.Gain
		}
	}
}

// Symmetrize regenerates Y from the current W (docs/model.md#feedback-wiring): broadcast
// Y_{L−2} = W_{L−1}ᵀ and Y_ℓ = W_{ℓ+1}ᵀ Y_{ℓ+1} below it; layer-wise
// Y_ℓ = W_{ℓ+1}ᵀ. With noisy symmetric weights, fresh N(0, sd²) noise is added
// elementwise to every W_{ℓ+1}ᵀ factor when noisy. Sparse masks (and ×gain) are re-applied.
func (n *Net) Symmetrize(noisy bool, noiseSD float64, r *rand.Rand) {
	L := len(n.Layers)
	noise := func() float64 { return 0 }
	if noisy {
		noise = func() float64 { return noiseSD * r.NormFloat64() }
	}
	for l := L - 2; l >= 0; l-- {
		ly, up := n.Layers[l], n.Layers[l+1]
		// Factor F = W_{l+1}ᵀ (+noise), math layout n_l×n_{l+1}; up.W is stored
		// n_l×n_{l+1} presynaptic-major, i.e. exactly F's row-major layout.
		nl, nu := ly.N, up.N
		if !n.Broadcast || l == L-2 {
			// Y_l (math n_l×n_{l+1}) = F; stored source-major: Y[k*nl+i] = F[i][k].
			for i := 0; i < nl; i++ {
				for k := 0; k < nu; k++ {
					ly.Y[k*nl+i] = up.W[i*nu+k] + noise()
				}
			}
		} else {
			// Y_l = F · Y_{l+1}, F n_l×n_{l+1}, Y_{l+1} math n_{l+1}×n_out.
			F := make([]float64, nl*nu)
			for i := range F {
				F[i] = up.W[i] + noise()
			}
			chainProduct(ly, F, up)
		}
		ly.ApplyMask(true)
	}
}

// CheckFinite returns an error naming the first non-finite parameter.
func (n *Net) CheckFinite() error {
	for l, ly := range n.Layers {
		for name, v := range map[string][]float64{"W": ly.W, "b": ly.B, "Y": ly.Y, "c": ly.FeedbackBias} {
			for i, x := range v {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return fmt.Errorf("%s_%d has a non-finite value %v at flat index %d", name, l, x, i)
				}
			}
		}
	}
	return nil
}

// Clone returns a deep copy.
func (n *Net) Clone() *Net {
	c := &Net{Broadcast: n.Broadcast}
	cp := func(a []float64) []float64 {
		if a == nil {
			return nil
		}
		return append([]float64(nil), a...)
	}
	for _, ly := range n.Layers {
		c.Layers = append(c.Layers, &Layer{In: ly.In, N: ly.N, W: cp(ly.W), B: cp(ly.B), Src: ly.Src, Y: cp(ly.Y), FeedbackBias: cp(ly.FeedbackBias),
			Zero: append([]int(nil), ly.Zero...), Gain: ly.Gain})
	}
	return c
}
