package sim

import (
	"unsafe"

	"github.com/dendrite-lab/dendrite/option"
)

// The float32 precision option (model.Params.Precision): the spiking steps
// read the weight rows of each step's spikes — W for the basal input, Y for
// the apical input — from float32 copies and sum them in float32, which
// halves the bytes a step streams through the cache and doubles the width of
// the vector sums. Everything else (learning, potentials, traces, the
// projections' corrections after an update) stays float64, so the copies are
// rounded once from the float64 weights, never accumulated in float32.
//
// The Sim makes the copies in New and Restore and keeps them in step with its
// own learning (the rows an update changed; all of Y after feedback learning
// or symmetrising). Code that changes Net's weights by other means calls
// SyncWeights.

// syncRows32 sets dst's rows j (of length n) to float32(src's rows j) for
// every j with p[j] ≠ 0, or every row when p is nil: after addOuter, which
// changes exactly the rows with p[j] ≠ 0.
func syncRows32(dst []float32, src []float64, n int, p []float64) {
	if dst == nil || n == 0 {
		return
	}
	for j := range len(src) / n {
		if p != nil && p[j] == 0 {
			continue
		}
		d, s := dst[j*n:j*n+n], src[j*n:j*n+n]
		for i, v := range s {
			d[i] = float32(v)
		}
	}
}

// SyncWeights rounds the Net's current weights into the float32 copies that
// the float32 precision option sums (a no-op at float64). Train keeps them in
// step by itself; call it after changing Net's W or Y from outside.
func (s *Sim) SyncWeights() {
	for _, ls := range s.layers {
		syncRows32(ls.w32, ls.ly.W, ls.n, nil)
		syncRows32(ls.y32, ls.ly.Y, ls.n, nil)
	}
}

// newRows32 makes the float32 copies of layer ls's weights that p's
// precision asks for: W when spikes feed forward, Y when they feed back. A
// layer narrower than minRows32 units keeps float64 rows: they are a few
// cache lines long, and the float64 kernel sums them in one pass where the
// float32 one would take two.
func newRows32(ls *layer, p *precisionUse) {
	if ls.n < minRows32 {
		return
	}
	if p.w {
		ls.w32 = make([]float32, len(ls.ly.W))
	}
	if p.y && ls.hidden {
		ls.y32 = make([]float32, len(ls.ly.Y))
	}
}

// minRows32 is the narrowest layer whose rows the float32 option sums in float32.
const minRows32 = 32

// precisionUse says which weights a Sim sums in float32.
type precisionUse struct{ w, y bool }

// usePrecision: at float32, the rows that spikes reach (rate mode has none).
func usePrecision(prec option.Precision, spikingFF, spikingFB, rate bool) precisionUse {
	if prec != option.Float32 || rate {
		return precisionUse{}
	}
	return precisionUse{w: spikingFF, y: spikingFB}
}

// sumSpikeRows32 is sumSpikeRows for a float32 copy w of the weights: dst =
// Σ_q cnt[q]·w[idx[q]·n : idx[q]·n+n], summed in float32.
func (r *rowSet) sumSpikeRows32(dst []float64, w []float32, idx []int32, cnt []float64) {
	if len(dst) == 0 || len(idx) == 0 {
		clear(dst)
		return
	}
	if cap(r.coef32) < len(idx) {
		panic("sim: more spikes than the row set holds")
	}
	ptr := spikeRowPointers(r, w, len(dst), idx, cnt)
	c32 := r.coef32[:len(idx)]
	for q, c := range cnt[:len(idx)] {
		c32[q] = float32(c)
	}
	sumRows32(dst, ptr, c32)
}

// sumRows32 sets dst[i] = Σ_k coef[k]·rows[k][i] for float32 rows (each at
// least len(dst) long), summed in float32 in row order: by the vector kernel
// where there is one, else in Go.
func sumRows32(dst []float64, rows []unsafe.Pointer, coef []float32) {
	coef = coef[:len(rows)]
	if sumRows32Arch(dst, rows, coef) {
		return
	}
	for i := range dst {
		var acc float32
		for k, p := range rows {
			acc += coef[k] * *(*float32)(unsafe.Add(p, uintptr(i)*4))
		}
		dst[i] = float64(acc)
	}
}

// addOuter32 is addOuter for a w with a float32 copy w32 (nil: addOuter
// alone): each row j with p_j ≠ 0 gains scale·p_j·δ and is rounded into w32
// in the same pass, so the copy costs no second pass over the rows.
func addOuter32(w []float64, w32 []float32, scale float64, delta, p []float64) {
	if w32 == nil {
		addOuter(w, scale, delta, p)
		return
	}
	n := len(delta)
	for j, pj := range p {
		if pj != 0 {
			axpy32(w[j*n:(j+1)*n], w32[j*n:(j+1)*n], scale*pj, delta)
		}
	}
}

// axpy32 sets w += a·x and w32 = float32(w) (len(x), len(w32) ≥ len(w)).
func axpy32(w []float64, w32 []float32, a float64, x []float64) {
	x, w32 = x[:len(w)], w32[:len(w)]
	for i := axpy32Arch(w, w32, a, x); i < len(w); i++ {
		w[i] += a * x[i]
		w32[i] = float32(w[i])
	}
}
