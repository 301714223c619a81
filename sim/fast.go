package sim

import (
	"math"
	"math/bits"
	"sync"
	"unsafe"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/neuron"
)

// Vector kernels of the hot loops. addRows is the one product of the model:
// dst += Σ_k c_k·row_k over a list of weight rows, used for spike rows
// (P = Σ_spikes count·W_j), the PSP-kernel sum B = b + Σ_d κ_d P_d, the
// apical sum and the rate-mode forward pass. On amd64 with AVX2 and FMA3 it
// runs in assembly (fast_amd64.s), elsewhere in the Go loop addRowsGo.

// rowSet is a reusable list of rows (each at least n long) and their coefficients.
type rowSet struct {
	n      int
	ptr    []unsafe.Pointer
	coef   []float64
	coef32 []float32 // the coefficients of sumSpikeRows32
}

func newRowSet(capacity int) rowSet {
	return rowSet{ptr: make([]unsafe.Pointer, 0, capacity), coef: make([]float64, 0, capacity),
		coef32: make([]float32, 0, capacity)}
}

// begin empties the list for rows of length n.
func (r *rowSet) begin(n int) {
	r.n = n
	r.ptr, r.coef = r.ptr[:0], r.coef[:0]
}

// add appends row (len ≥ n) with coefficient c.
func (r *rowSet) add(row []float64, c float64) {
	if len(row) < r.n {
		panic("sim: row shorter than the row set")
	}
	if r.n == 0 {
		return
	}
	r.ptr = append(r.ptr, unsafe.Pointer(&row[0]))
	r.coef = append(r.coef, c)
}

// addTo adds the rows' weighted sum to dst (len(dst) must be the set's n).
func (r *rowSet) addTo(dst []float64) {
	if len(dst) != r.n {
		panic("sim: destination length differs from the row set")
	}
	addRows(dst, r.ptr, r.coef)
}

// sumTo sets dst = base + Σ rows (base nil: 0; len(dst) must be the set's n).
// Unlike copy-then-addTo it passes over dst once.
func (r *rowSet) sumTo(dst, base []float64) {
	if len(dst) != r.n || (base != nil && len(base) < r.n) {
		panic("sim: destination length differs from the row set")
	}
	sumRowsTo(dst, base, r.ptr, r.coef[:len(r.ptr)])
}

// sumSpikeRows sets dst = Σ_q cnt[q]·w[idx[q]·n : idx[q]·n+n] with n =
// len(dst): the projection of one step's spikes, added in the order of idx
// like rowSet.add and sumTo would, but with the row addresses computed in
// one tight loop and the counts used in place as the coefficients.
func (r *rowSet) sumSpikeRows(dst, w []float64, idx []int32, cnt []float64) {
	if len(dst) == 0 || len(idx) == 0 {
		clear(dst)
		return
	}
	ptr := spikeRowPointers(r, w, len(dst), idx, cnt)
	sumRowsFirst(dst, nil, ptr, cnt[:len(idx)], spikeRowsFirst)
}

// spikeRowsFirst is how many of a step's spike rows one pass of the row-sum
// kernel adds while it holds a chunk of dst in registers. A step has a few
// dozen (23 input spikes of an MNIST image, 65 hidden ones): all in one pass,
// which is 10 % faster for the input rows than passing over dst twice.
const spikeRowsFirst = 64

// spikeRowPointers sets r's row list to the rows idx[q] of w (rows of n) and
// returns it, for sumSpikeRows and sumSpikeRows32.
func spikeRowPointers[T float32 | float64](r *rowSet, w []T, n int, idx []int32, cnt []float64) []unsafe.Pointer {
	nr := uint(len(w) / n)
	if cap(r.ptr) < len(idx) || len(cnt) < len(idx) {
		panic("sim: more spikes than the row set holds")
	}
	ptr := r.ptr[:len(idx)]
	base := unsafe.Pointer(unsafe.SliceData(w))
	stride := uintptr(n) * unsafe.Sizeof(w[0])
	if max, ok := rowPointersArch(ptr, base, stride, idx); ok {
		if len(idx) > 0 && uint(max) >= nr {
			panic("sim: spike index outside the weight matrix")
		}
		r.n, r.ptr, r.coef = n, ptr, r.coef[:0]
		return ptr
	}
	for q, j := range idx {
		if uint(j) >= nr {
			panic("sim: spike index outside the weight matrix")
		}
		ptr[q] = unsafe.Add(base, uintptr(j)*stride)
	}
	r.n, r.ptr, r.coef = n, ptr, r.coef[:0]
	return ptr
}

// sumRowsTo sets dst = base + Σ_k coef[k]·rows[k] (base nil: 0); every row
// holds at least len(dst) values.
func sumRowsTo(dst, base []float64, rows []unsafe.Pointer, coef []float64) {
	// The one-pass kernel keeps a chunk of dst in registers while it visits
	// every row: best for few rows. Many rows (rate mode's hundreds) stream
	// better row by row, so rows past the first sumFirst are added by addRows
	// — except into a dst that fits in registers whole (the output layer's
	// 10 units), which then takes one pass over the rows instead of two.
	const sumFirst = 12
	sumRowsFirst(dst, base, rows, coef, sumFirst)
}

// sumRowsFirst is sumRowsTo with the first `first` rows in one pass.
func sumRowsFirst(dst, base []float64, rows []unsafe.Pointer, coef []float64, first int) {
	const sumAll = 16
	k := min(len(rows), first)
	if len(dst) <= sumAll {
		k = len(rows)
	}
	if sumRowsArch(dst, base, rows[:k], coef[:k]) {
		addRows(dst, rows[k:], coef[k:])
		return
	}
	if base != nil {
		copy(dst, base)
	} else {
		clear(dst)
	}
	if len(rows) > 0 {
		addRowsGo(dst, rows, coef)
	}
}

// addRows sets dst[i] += Σ_k coef[k]·rows[k][i]; every row must hold at least
// len(dst) values (rowSet.add checks that).
func addRows(dst []float64, rows []unsafe.Pointer, coef []float64) {
	if len(rows) == 0 || len(dst) == 0 {
		return
	}
	coef = coef[:len(rows)]
	if addRowsArch(dst, rows, coef) {
		return
	}
	addRowsGo(dst, rows, coef)
}

func addRowsGo(dst []float64, rows []unsafe.Pointer, coef []float64) {
	n := len(dst)
	for k, p := range rows {
		row := unsafe.Slice((*float64)(p), n)
		c := coef[k]
		for i := range dst {
			dst[i] += c * row[i]
		}
	}
}

// axpy sets dst += a·x (len(x) ≥ len(dst)).
func axpy(dst []float64, a float64, x []float64) {
	if len(dst) == 0 {
		return
	}
	x = x[:len(dst)]
	p := [1]unsafe.Pointer{unsafe.Pointer(&x[0])}
	c := [1]float64{a}
	addRows(dst, p[:], c[:])
}

// Spike randomness. Each population draws one 64-bit key per step from
// SpikeSrc; the uniform of unit i in that step is SplitMix64's output for the
// state key + (i+1)·γ, i.e. the i-th value of a SplitMix64 stream seeded with
// the key. Draws are independent of each other (no serial generator state), so
// they pipeline, and everything between steps stays in SpikeSrc, which State
// and Restore already carry.

const golden = 0x9e3779b97f4a7c15

// mix64 is SplitMix64's output function.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// rateTables shares one read-only rate table per λmax between Sims.
var rateTables sync.Map // float64 → *neuron.RateTable

func rateTable(lamMax float64) *neuron.RateTable {
	if t, ok := rateTables.Load(lamMax); ok {
		return t.(*neuron.RateTable)
	}
	t, _ := rateTables.LoadOrStore(lamMax, neuron.NewRateTable(lamMax))
	return t.(*neuron.RateTable)
}

// defaultTable returns the rate table the spiking loops use by default: none
// where the vector sigmoid runs (it is exact to rounding and as fast), the
// table on machines without it (3.6 instead of 15 ns per neuron).
func defaultTable(p *model.Params) *neuron.RateTable {
	if useAVX || p.Rate() {
		return nil
	}
	return rateTable(p.Soma.LambdaMax)
}

// somaHidden advances hidden somata by one Euler step of the conductance
// model, model.Soma.HiddenStep; the vector kernel computes the same sum.
func somaHidden(C, B, A []float64, so *model.Soma) {
	if somaArch(C, B, A, so.GL, so.GB, so.GA) {
		return
	}
	B, A = B[:len(C)], A[:len(C)]
	for i, c := range C {
		C[i] = so.HiddenStep(c, B[i], A[i])
	}
}

// rates sets lam = λmax σ(C), from the table when tab is non-nil.
func rates(lam, C []float64, tab *neuron.RateTable, lamMax float64) {
	if tab != nil {
		tab.Rates(lam, C)
		return
	}
	sigmoids(lam, C, lamMax)
}

// drawScratch holds drawSpikes' scratch buffers, each for up to n units.
type drawScratch struct {
	u31  []uint32
	mask []uint64
	// the candidates packed: unit, rate and bits (n+16 each: the packing
	// kernel stores whole vectors past the last candidate), and the
	// settled masks
	ci         []int32
	cl         []float64
	cb         []uint32
	keep, hard []uint64
	// oneByOne settles every candidate by itself (the reference path the
	// tests compare the packed one with; always so without AVX2).
	oneByOne bool
}

func newDrawScratch(n int) drawScratch {
	w := n/64 + 1
	return drawScratch{u31: make([]uint32, n), mask: make([]uint64, w),
		ci: make([]int32, n+16), cl: make([]float64, n+16), cb: make([]uint32, n+16),
		keep: make([]uint64, w+1), hard: make([]uint64, w+1)}
}

// drawSpikes appends to sl the units of lam that spike in this step; unit i
// is reported as i, or as ids[i] when ids is non-nil. Unit i's uniform is the
// 53-bit u = (b·2^22 + r)·2^−53 with b = unitBits(i, key) (31 bits) and r the
// top 22 bits of SplitMix64's value at i for key. b alone decides that most
// units stay silent: u < (b+1)·2^−31 ≤ 1−λ means no spike; only the other
// units (about λ of them, the candidates) need r and the Poisson inversion.
// spikeCand marks the candidates in mask (eight at a time in assembly with
// AVX2). With AVX2 the candidates are then packed and settled eight at a
// time too (spikeSettle); the counts and their order are the same either way.
func drawSpikes(sl *spikeSlot, lam []float64, ids []int32, key uint64, d *drawScratch) {
	if useAVX && !d.oneByOne {
		// pack the candidates, settle them in bulk, then append
		settlePacked(sl, ids, key, d, spikeCandPack(lam, lam, key, d))
		return
	}
	n := len(lam)
	mask := d.mask[:(n+63)/64]
	u31 := d.u31[:n]
	spikeCand(lam, u31, mask, key)
	idx, cnt := sl.idx, sl.cnt // locals: the appends need not go through sl
	for w, m := range mask {
		for m != 0 {
			i := w*64 + bits.TrailingZeros64(m)
			m &= m - 1
			if c := drawHard(u31[i], lam[i], i, key); c != 0 {
				j := int32(i)
				if ids != nil {
					j = ids[i]
				}
				idx = append(idx, j)
				cnt = append(cnt, float64(c))
			}
		}
	}
	sl.idx, sl.cnt = idx, cnt
}

// settlePacked settles the nc candidates packed in d (unit d.ci[q], rate
// d.cl[q], bits d.cb[q]) eight at a time and appends the spikes among them
// to sl in unit order, as drawSpikes describes. A packed unit whose rate
// makes it no candidate (b+1 ≤ (1−λ)·2^31) is settled as silent.
func settlePacked(sl *spikeSlot, ids []int32, key uint64, d *drawScratch, nc int) {
	ci, cl, cb := d.ci, d.cl, d.cb
	// pad to a multiple of eight with units that are no candidates
	// (λ = 0), so that the vector kernel settles all of them
	np := (nc + 7) &^ 7
	for q := nc; q < np; q++ {
		cl[q], cb[q] = 0, 0
	}
	kw := (np + 63) / 64
	keep, hard := d.keep[:kw], d.hard[:kw]
	for w := range keep {
		keep[w] = ^uint64(0)
	}
	if r := np % 64; r != 0 {
		keep[kw-1] = 1<<r - 1 // no bits past the packed units
	}
	spikeSettle(cl[:np], cb[:np], keep, hard)
	// at most nc spikes: written in place when the slot has room
	// (a population's slots always have), appended otherwise
	idx, cnt := sl.idx, sl.cnt // locals: the appends need not go through sl
	o := len(idx)
	if len(cnt) == o && cap(idx)-o >= np+emitSlack && cap(cnt)-o >= np+emitSlack {
		if m, ok := emitKeptArch(keep, ci, np, idx, cnt); ok {
			sl.idx, sl.cnt = settleHard(idx[:o+m], cnt[:o+m], o, ids, key, cb, cl, ci, keep, hard)
			return
		}
	}
	room := cap(idx)-o >= nc && cap(cnt)-o >= nc && len(cnt) == o
	if room {
		idx, cnt = idx[:o+nc], cnt[:o+nc]
	}
	m := o
	for w, kw := range keep {
		hw := hard[w]
		for kw != 0 {
			b := bits.TrailingZeros64(kw)
			kw &= kw - 1
			q := w*64 + b
			i := int(ci[q])
			c := 1
			if hw>>b&1 != 0 {
				if c = hardCount(cb[q], cl[q], i, key); c == 0 {
					continue
				}
			}
			j := int32(i)
			if ids != nil {
				j = ids[i]
			}
			if room {
				idx[m], cnt[m] = j, float64(c)
			} else {
				idx, cnt = append(idx, j), append(cnt, float64(c))
			}
			m++
		}
	}
	sl.idx, sl.cnt = idx[:m], cnt[:m]
}

// emitSlack is the room past its spikes that a slot needs for the vector
// kernel that appends them (emitKeptArch), which stores whole vectors.
const emitSlack = 16

// settleHard finishes settlePacked after the kept candidates (from o on)
// were appended to idx and cnt as count 1: each hard one (a bit q of hard,
// whose bits are kept ones) gets its count from hardCount with bits cb[q],
// rate cl[q] and unit ci[q] (q when ci is nil) and is removed when that is
// 0; then units become ids when ids is non-nil. Hard candidates are a few
// per step, so the removals' copies cost little.
func settleHard(idx []int32, cnt []float64, o int, ids []int32, key uint64, cb []uint32, cl []float64, ci []int32, keep, hard []uint64) ([]int32, []float64) {
	m, removed, before := len(idx), 0, o
	for w, hw := range hard {
		for hw != 0 {
			b := bits.TrailingZeros64(hw)
			hw &= hw - 1
			q := w*64 + b
			p := before + bits.OnesCount64(keep[w]&(1<<b-1)) - removed
			i := q
			if ci != nil {
				i = int(ci[q])
			}
			if c := hardCount(cb[q], cl[q], i, key); c != 0 {
				cnt[p] = float64(c)
				continue
			}
			copy(idx[p:m], idx[p+1:m])
			copy(cnt[p:m], cnt[p+1:m])
			m--
			removed++
		}
		before += bits.OnesCount64(keep[w])
	}
	idx, cnt = idx[:m], cnt[:m]
	if ids != nil {
		for k := o; k < m; k++ {
			idx[k] = ids[idx[k]]
		}
	}
	return idx, cnt
}

// drawSpikesFromSoma is drawSpikes for the rates λ = λmax σ(a·(C − θ))
// (a, θ = 1, 0 unless affine) when nothing but the draws reads them: the
// hidden layers in a test. Since λ ≤ λmax, a unit whose bits settle "no
// spike" for λmax (b+1 ≤ (1−λmax)·2^31, about 1−λmax of them) spikes for
// no λ and needs no rate; only the others' rates are computed, by the same
// vector sigmoid on their packed potentials, so the spikes are those that
// computing every rate first would give. lmax holds λmax for every unit.
func drawSpikesFromSoma(sl *spikeSlot, C, lmax []float64, key uint64, d *drawScratch, lamMax float64, affine bool, slope, offset float64) {
	nc := spikeCandPackConst(lmax[:len(C)], C, key, d)
	x := d.cl[:nc]
	if affine {
		for q, c := range x {
			x[q] = slope * (c - offset)
		}
	}
	sigmoids(x, x, lamMax)
	settlePacked(sl, nil, key, d, nc)
}

// drawHard returns candidate i's count: from its bits b alone when
// countFromBits settles it, otherwise by neuron.PoissonU with r.
func drawHard(b uint32, lam float64, i int, key uint64) int {
	if c, ok := countFromBits(b, lam); ok {
		return c
	}
	return hardCount(b, lam, i, key)
}

// hardCount is drawHard for bits that countFromBits does not settle (the
// kernels' hard candidates): 2 when the bits put every u in
// neuron.PoissonU's interval of count 2 (most of them: the others are
// counts of 3 or more and bits on a bound), otherwise PoissonU of u.
func hardCount(b uint32, lam float64, i int, key uint64) int {
	if twoFromBits(b, lam) {
		return 2
	}
	r := mix64(key+uint64(i+1)*golden) >> 42
	return neuron.PoissonU(float64(uint64(b)<<22|r)*0x1p-53, lam)
}

// twoFromBits reports that every u in [b, b+1)·2⁻³¹ lies in
// neuron.PoissonU's interval of count 2 (neuron.PoissonTwo).
func twoFromBits(b uint32, lam float64) bool {
	lo := float64(b) * 0x1p-31
	twoLo, twoHi := neuron.PoissonTwo(lam)
	return lo >= twoLo && lo+0x1p-31 <= twoHi
}

// spikeSettle clears in mask the units that are no candidates and the
// candidates that countFromBits settles as count 0, and sets in hard (len(mask) words) those it settles neither as 0
// nor as 1; the remaining mask bits are spikes of count 1. lam and u31 may
// be packed candidates (then mask starts all ones). The assembly kernel does
// eight units at a time with countFromBits' own arithmetic.
func spikeSettle(lam []float64, u31 []uint32, mask, hard []uint64) {
	clear(hard)
	done := spikeSettleArch(lam, u31, mask, hard)
	for i := done; i < len(lam); i++ {
		if mask[i/64]>>(i%64)&1 == 0 {
			continue
		}
		if !(float64(u31[i])+1 > (1-lam[i])*0x1p31) {
			// no candidate (λ = NaN neither), as in the kernel
			mask[i/64] &^= 1 << (i % 64)
			continue
		}
		switch c, ok := countFromBits(u31[i], lam[i]); {
		case !ok:
			hard[i/64] |= 1 << (i % 64)
		case c == 0:
			mask[i/64] &^= 1 << (i % 64)
		}
	}
}

// countFromBits returns the Poisson(λ) count of every u in [b, b+1)·2⁻³¹
// when the bounds of neuron.PoissonU settle it for the whole interval
// (ok = false: the interval straddles a bound, about 1e-9 of the time, or u
// may fall inside one; then the caller draws u's low bits).
func countFromBits(b uint32, lam float64) (c int, ok bool) {
	lo := float64(b) * 0x1p-31
	oneLo, oneHi, zeroHi := settleBounds(lam)
	if lo >= oneLo && lo+0x1p-31 <= oneHi {
		return 1, true
	}
	return 0, lo+0x1p-31 <= zeroHi
}

// settleBounds returns countFromBits' bounds for rate lam: bits b settle
// count 1 when b·2⁻³¹ ≥ oneLo and (b+1)·2⁻³¹ ≤ oneHi, count 0 when
// (b+1)·2⁻³¹ ≤ zeroHi (the Taylor bounds of neuron.PoissonU with a margin
// of 2⁻⁵⁰; the assembly kernels compute the same terms).
func settleBounds(lam float64) (oneLo, oneHi, zeroHi float64) {
	l2 := lam * lam
	lo0 := 1 - lam + l2*(0.5-lam*(1.0/6))
	return lo0 + l2*l2*(1.0/24) + 0x1p-50, 1 - l2*(0.5-lam*(1.0/3)) - l2*l2*0.125 - 0x1p-50, lo0 - 0x1p-50
}

// spikeCandPack packs the candidates i of spikeCand (b = unitBits(i, key),
// b+1 > (1−λ_i)·2^31) into d in unit order: the q-th gets d.ci[q] = i,
// d.cl[q] = val[i] and d.cb[q] = b. It returns their number. (A branch-free
// AVX2 kernel that packed eight units at a time through a table of lane
// permutations was no faster than this loop over the candidate bits.)
func spikeCandPack(lam, val []float64, key uint64, d *drawScratch) int {
	n := len(lam)
	val = val[:n]
	ci, cv, cb := d.ci[:n+16], d.cl[:n+16], d.cb[:n+16]
	if done, nc := spikeCandPackArch(lam, val, ci, cv, cb, key); done > 0 {
		// AVX-512: hashed, compared and packed in one pass; the rest here
		return packRest(lam, val, key, ci, cv, cb, done, nc)
	}
	mask := d.mask[:(n+63)/64]
	u31 := d.u31[:n]
	spikeCand(lam, u31, mask, key)
	nc := 0
	for w, m := range mask {
		for m != 0 {
			i := w*64 + bits.TrailingZeros64(m)
			m &= m - 1
			ci[nc], cv[nc], cb[nc] = int32(i), val[i], u31[i]
			nc++
		}
	}
	return nc
}

// spikeCandPackConst is spikeCandPack for units that all have the rate
// lam[0] (the bound λmax of lazy rates): with AVX-512 the candidate test is
// an integer compare of the bits with candThreshold(λ).
func spikeCandPackConst(lam, val []float64, key uint64, d *drawScratch) int {
	n := len(lam)
	if n == 0 {
		return 0
	}
	val = val[:n]
	ci, cv, cb := d.ci[:n+16], d.cl[:n+16], d.cb[:n+16]
	done, nc := spikeCandPackConstArch(n, val, ci, cv, cb, key, candThreshold(lam[0]))
	if done == 0 {
		return spikeCandPack(lam, val, key, d)
	}
	return packRest(lam, val, key, ci, cv, cb, done, nc)
}

// packRest packs the candidates among units done… of lam after the nc a
// kernel packed, as spikeCandPack does, and returns their new number.
func packRest(lam, val []float64, key uint64, ci []int32, cv []float64, cb []uint32, done, nc int) int {
	kLo, kHi := uint32(key), uint32(key>>32)
	for i := done; i < len(lam); i++ {
		if b := unitBits(uint32(i), kLo, kHi); float64(b)+1 > (1-lam[i])*0x1p31 {
			ci[nc], cv[nc], cb[nc] = int32(i), val[i], b
			nc++
		}
	}
	return nc
}

// candThreshold is the least b in [0, 2^31] with float64(b)+1 > (1−λ)·2^31,
// the test of spikeCand: bits b < 2^31 make a unit of rate λ a candidate
// exactly when b ≥ candThreshold(λ). A NaN λ gives 2^31 (no candidate), as
// the comparison does.
func candThreshold(lam float64) uint32 {
	x := (1 - lam) * 0x1p31
	if !(x >= 0) {
		if x < 0 {
			return 0
		}
		return 1 << 31
	}
	if x >= 0x1p31 {
		return 1 << 31
	}
	// b+1 > x for an integer b is b > x−1, i.e. b ≥ ⌊x⌋ (x an integer
	// or not); the conversion truncates, which is ⌊x⌋ for x ≥ 0
	return uint32(x)
}

// spikeCand sets u31[i] = unitBits(i, key) and marks in mask the candidates
// i with u31[i]+1 > (1−λ_i)·2^31.
func spikeCand(lam []float64, u31 []uint32, mask []uint64, key uint64) {
	clear(mask)
	done := spikeCandArch(lam, u31, mask, key)
	kLo, kHi := uint32(key), uint32(key>>32)
	for i := done; i < len(lam); i++ {
		b := unitBits(uint32(i), kLo, kHi)
		u31[i] = b
		if float64(b)+1 > (1-lam[i])*0x1p31 {
			mask[i/64] |= 1 << (i % 64)
		}
	}
}

// unitBits are the 31 random bits of unit i in a step with key (kHi, kLo):
// two rounds of the lowbias32 integer hash, keyed by each half.
func unitBits(i, kLo, kHi uint32) uint32 {
	return lowbias32(lowbias32(i*0x9e3779b9^kLo)^kHi) >> 1
}

// lowbias32 is C. Wellons' 32-bit integer hash (a bijection).
func lowbias32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}

// addTo sets dst += x (the kernel's fused 1·x + dst is the plain sum).
func addTo(dst, x []float64) {
	if len(dst) < 16 {
		x = x[:len(dst)]
		for i, v := range x {
			dst[i] += v
		}
		return
	}
	axpy(dst, 1, x)
}

// divTo sets dst[i] = x[i] / w (the window means). Division is correctly
// rounded in every kernel, so the vector one gives the scalar loop's bits.
func divTo(dst, x []float64, w float64) {
	if divArch(dst, x, w) {
		return
	}
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = v / w
	}
}

// sigmoids sets dst[i] = scale·σ(x[i]). With AVX2 it evaluates eight at a
// time in assembly (an exponential accurate to a few ulp, see sigmoidAVX);
// the results agree with scale·neuron.Sigmoid to 7e-16 relative
// (TestSigmoidsMatchExact): rounding error, not an approximation.
func sigmoids(dst, x []float64, scale float64) {
	x = x[:len(dst)]
	if sigmoidArch(dst, x, scale) {
		return
	}
	for i, v := range x {
		dst[i] = scale * neuron.Sigmoid(v)
	}
}

// addOuter adds scale·δ pᵀ to w stored presynaptic-major (len(p)×len(δ)):
// row j gains scale·p_j·δ, and rows with p_j = 0 are skipped, which makes
// updates from sparse inputs cheap. Long rows go through the vector kernel,
// short ones (the output layer's) stay in a Go loop, where a call per row
// would cost more than the row.
func addOuter(w []float64, scale float64, delta, p []float64) {
	n := len(delta)
	if n < 32 {
		if addOuterArch(w, scale, delta, p) {
			return
		}
		for j, pj := range p {
			if pj == 0 {
				continue
			}
			a := scale * pj
			row := w[j*n : (j+1)*n : (j+1)*n]
			for i, d := range delta {
				row[i] += a * d
			}
		}
		return
	}
	for j, pj := range p {
		if pj != 0 {
			axpy(w[j*n:(j+1)*n], scale*pj, delta)
		}
	}
}

// hiddenDelta sets δ by model.Soma.HiddenErrors (docs/model.md#hidden-layers),
// with the sigmoids σ(C̄f)
// evaluated by the vector kernel into the scratch sig (len ≥ len(δ)).
func hiddenDelta(delta, cf, alphaT, alphaF, sig []float64, so *model.Soma) {
	sig = sig[:len(delta)]
	sigmoids(sig, cf, 1)
	so.HiddenErrors(delta, sig, alphaT, alphaF)
}

// Counters is the work a Sim has simulated since New: spiking steps, spikes
// (units with a non-zero count in a step, input units included) and synaptic
// events (spikes × fan-out: the weights each spike's row adds, feedforward
// and feedback). Rate mode simulates no steps and leaves them at zero.
type Counters struct {
	Steps, Spikes, SynEvents int64
}

// Counters returns the Sim's work counters.
func (s *Sim) Counters() Counters { return s.ctr }

// The PSP kernel is a difference of two exponentials,
// κ(d+1) = (a_L^{d+1} − a_S^{d+1})/(τ_L − τ_S) with a = e^{−1/τ}, so the ring
// sum B = b + Σ_{d<mem} κ(d+1) P(t−d) equals b + g·(x_L − x_S) with
// g = 1/(τ_L − τ_S) and the truncated traces x = Σ_{d<mem} a^{d+1} P(t−d),
// which follow x(t) = a·(x(t−1) + P(t) − a^{mem} P(t−mem)). A step then
// reads two traces and two ring slots instead of all mem slots. The traces
// are a cache: rebuilt from the rings (rebuildTraces) whenever anything but
// step changed the rings (weight updates, Restore, Reset), so a restored Sim
// continues bit-identically. Rounding in the recursion decays by a per step.
type traceCoef struct {
	a1, a2, c1, c2, g float64
	pow1, pow2        []float64 // a^{d+1}, d < mem
}

func newTraceCoef(mem int, tauS, tauL float64) traceCoef {
	t := traceCoef{a1: math.Exp(-1 / tauL), a2: math.Exp(-1 / tauS), g: 1 / (tauL - tauS)}
	t.c1, t.c2 = math.Pow(t.a1, float64(mem)), math.Pow(t.a2, float64(mem))
	for d := 0; d < mem; d++ {
		t.pow1 = append(t.pow1, math.Pow(t.a1, float64(d+1)))
		t.pow2 = append(t.pow2, math.Pow(t.a2, float64(d+1)))
	}
	return t
}

// traceStep advances the traces x1, x2 by one step with the new projection
// pnew, stores pnew into the ring slot (whose old content leaves the window)
// and sets dst = base + g·(x1 − x2). All slices have len(dst) elements.
func traceStep(t *traceCoef, x1, x2, dst, base, pnew, slot []float64) {
	if traceStepArch(t, x1, x2, dst, base, pnew, slot) {
		return
	}
	n := len(dst)
	x1, x2, base, pnew, slot = x1[:n], x2[:n], base[:n], pnew[:n], slot[:n]
	for i := range dst {
		old, nw := slot[i], pnew[i]
		slot[i] = nw
		v1 := t.a1 * (x1[i] + nw - t.c1*old)
		v2 := t.a2 * (x2[i] + nw - t.c2*old)
		x1[i], x2[i] = v1, v2
		dst[i] = base[i] + t.g*(v1-v2)
	}
}

// apicalBias returns the layer's feedback bias c, or zeros when it has none.
func (ls *layer) apicalBias(zeros []float64) []float64 {
	if ls.ly.FeedbackBias != nil {
		return ls.ly.FeedbackBias
	}
	return zeros[:ls.n]
}

// rebuildTraces sets the traces from the rings as they are before step s.t:
// x = Σ_{d<mem} a^{d+1} P(t−1−d) (the same for Q), and aNext from the Q traces.
// A ring slot whose spike list is empty holds zeros and is skipped.
func (s *Sim) rebuildTraces() {
	s.tracesDirty = false
	mem := s.mem
	prev := ((s.t-1)%mem + mem) % mem
	rs := &s.rows
	fill := func(x []float64, ring [][]float64, spikes *pop, pow []float64) {
		rs.begin(len(x))
		for d, sd := 0, prev; d < mem; d++ {
			if len(spikes.ring[sd].idx) != 0 {
				rs.add(ring[sd], pow[d])
			}
			if sd--; sd < 0 {
				sd = mem - 1
			}
		}
		rs.sumTo(x, nil)
	}
	for l, ls := range s.layers {
		if s.spikingFF {
			below := s.belowPop(l)
			fill(ls.x1, ls.P, below, s.tc.pow1)
			fill(ls.x2, ls.P, below, s.tc.pow2)
		}
		if ls.hidden && s.spikingFB {
			src := &s.layers[s.fbSource(l)].spikes
			fill(ls.y1, ls.Q, src, s.tc.pow1)
			fill(ls.y2, ls.Q, src, s.tc.pow2)
			c := ls.apicalBias(s.zeros)
			for i := range ls.aNext {
				ls.aNext[i] = c[i] + s.tc.g*(ls.y1[i]-ls.y2[i])
			}
		}
	}
}

// addWindowSpikes adds the spikes of phase step t (just simulated) to the
// PSP averages of a phase of n steps whose last win steps are averaged. The
// window sum Σ_{τ∈window} Σ_{d<mem} κ(d+1) S(τ−d) gives a spike of step t the
// weight Σ κ(d+1) over the d with t+d in the window (and t+1+d for the
// feedback averages, read one step late); runPhase uses this when every such
// spike falls inside the phase, so each spike is added once instead of once
// per window step it is filtered into.
func (s *Sim) addWindowSpikes(t, n, win int, pin, pfb bool) {
	slot := ((s.t-1)%s.mem + s.mem) % s.mem // the slot step t wrote
	weight := func(lag int) float64 {
		lo := max(0, n-win-lag-t)
		hi := min(s.mem-1, n-1-lag-t)
		w := 0.0
		for d := lo; d <= hi; d++ {
			w += s.kernel[d]
		}
		return w
	}
	if pin {
		if w := weight(0); w != 0 {
			for l, ls := range s.layers {
				sl := &s.belowPop(l).ring[slot]
				sum := ls.sumPin
				for q, j := range sl.idx {
					sum[j] += w * sl.cnt[q]
				}
			}
		}
	}
	if pfb {
		if w := weight(1); w != 0 {
			for l, ls := range s.layers {
				if !ls.hidden {
					continue
				}
				sl := &s.layers[s.fbSource(l)].spikes.ring[slot]
				sum := ls.sumPfb
				for q, j := range sl.idx {
					sum[j] += w * sl.cnt[q]
				}
			}
		}
	}
}
