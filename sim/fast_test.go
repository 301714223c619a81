package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/neuron"
)

// The assembly kernel agrees with the Go loop for every tail shape.
func TestAddRowsMatchesGo(t *testing.T) {
	if !useAVX {
		t.Skip("no AVX2/FMA kernel on this machine")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 10, 15, 16, 17, 31, 33, 100, 500} {
		for _, m := range []int{0, 1, 2, 3, 4, 5, 8, 9, 10, 150} {
			w := make([]float64, (m+3)*n)
			for i := range w {
				w[i] = r.NormFloat64()
			}
			var rs rowSet
			rs.begin(n)
			for k := 0; k < m; k++ {
				j := r.IntN(m + 3)
				rs.add(w[j*n:(j+1)*n], r.NormFloat64())
			}
			dst := make([]float64, n)
			for i := range dst {
				dst[i] = r.NormFloat64()
			}
			want := append([]float64(nil), dst...)
			addRowsGo(want, rs.ptr, rs.coef)
			base := make([]float64, n)
			for i := range base {
				base[i] = r.NormFloat64()
			}
			for _, b := range [][]float64{nil, base} {
				got := make([]float64, n+1)
				got[n] = 777
				rs.sumTo(got[:n], b)
				if got[n] != 777 {
					t.Fatalf("sumTo n=%d m=%d: wrote past the end", n, m)
				}
				w := make([]float64, n)
				if b != nil {
					copy(w, b)
				}
				addRowsGo(w, rs.ptr, rs.coef)
				for i := range w {
					if d := math.Abs(got[i] - w[i]); d > 1e-12*(1+math.Abs(w[i])) {
						t.Fatalf("sumTo n=%d m=%d i=%d: %.17g, want %.17g", n, m, i, got[i], w[i])
					}
				}
			}
			guard := append(dst, 12345)[:n] // a value past the end must survive
			rs.addTo(guard)
			if g := guard[:n+1][n]; g != 12345 {
				t.Fatalf("n=%d m=%d: wrote past the end", n, m)
			}
			for i := range want {
				if d := math.Abs(guard[i] - want[i]); d > 1e-12*(1+math.Abs(want[i])) {
					t.Fatalf("n=%d m=%d i=%d: %.17g, want %.17g", n, m, i, guard[i], want[i])
				}
			}
		}
	}
}

func TestAxpyNoAlloc(t *testing.T) {
	x := make([]float64, 500)
	y := make([]float64, 500)
	for i := range x {
		x[i] = float64(i)
	}
	if a := testing.AllocsPerRun(10, func() { axpy(y, 2, x) }); a != 0 {
		t.Errorf("axpy allocates %v times", a)
	}
	if y[7] != 2*7*11 {
		t.Errorf("y[7] = %v", y[7])
	}
	var rows []unsafe.Pointer
	addRows(y, rows, nil) // no rows: no-op
}

// The vector sigmoid is the exact sigmoid up to rounding, NaN and infinities included.
func TestSigmoidsMatchExact(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var x []float64
	for k := 0; k < 200000; k++ {
		x = append(x, r.NormFloat64()*10, (r.Float64()-0.5)*2000)
	}
	x = append(x, 0, math.Copysign(0, -1), 1e-300, -1e-300, 708, -708, 709, -709, 710, -745, 800, -800, 1e308, -1e308,
		math.Inf(1), math.Inf(-1), math.NaN(), 36.7, -36.7, 0.5*math.Ln2, -0.5*math.Ln2, 3)
	dst := make([]float64, len(x))
	sigmoids(dst, x, 0.2)
	worst := 0.0
	for i, v := range x {
		want := 0.2 * sig(v)
		got := dst[i]
		if math.IsNaN(want) {
			if !math.IsNaN(got) {
				t.Fatalf("σ(%v) = %v, want NaN", v, got)
			}
			continue
		}
		d := math.Abs(got - want)
		if want != 0 {
			d /= want
		}
		if v < -708 { // clamped: absolute error below 1e-307
			d = math.Abs(got - want)
		}
		if d > worst {
			worst = d
		}
		if d > 1e-14 {
			t.Fatalf("σ(%v): %.17g, want %.17g", v, got, want)
		}
	}
	t.Logf("largest relative difference %.3g (useAVX=%v)", worst, useAVX)
	for n := 0; n < 40; n++ { // tails
		d := make([]float64, n)
		sigmoids(d, x[:n], 1)
		for i := range d {
			if math.Abs(d[i]-sig(x[i])) > 1e-14*sig(x[i]) {
				t.Fatalf("n=%d i=%d: %v vs %v", n, i, d[i], sig(x[i]))
			}
		}
	}
}

func BenchmarkSigmoids(b *testing.B) {
	x := make([]float64, 500)
	for i := range x {
		x[i] = float64(i-250) / 30
	}
	dst := make([]float64, 500)
	for i := 0; i < b.N; i++ {
		sigmoids(dst, x, 0.2)
	}
}

func BenchmarkSigmoidScalar(b *testing.B) {
	x := make([]float64, 500)
	for i := range x {
		x[i] = float64(i-250) / 30
	}
	dst := make([]float64, 500)
	for i := 0; i < b.N; i++ {
		for j, v := range x {
			dst[j] = 0.2 * sig(v)
		}
	}
}

// The assembly candidate kernel computes the same bits and candidates as the Go loop.
func TestSpikeCandMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 7, 8, 9, 63, 64, 65, 150, 500, 784} {
		lam := make([]float64, n)
		for i := range lam {
			lam[i] = 0.2 * r.Float64()
			if i%17 == 3 {
				lam[i] = 0
			}
		}
		key := r.Uint64()
		u31 := make([]uint32, n)
		mask := make([]uint64, n/64+1)
		spikeCand(lam, u31, mask, key)
		for i := range lam {
			b := unitBits(uint32(i), uint32(key), uint32(key>>32))
			if u31[i] != b {
				t.Fatalf("n=%d unit %d: bits %x, want %x", n, i, u31[i], b)
			}
			want := float64(b)+1 > (1-lam[i])*0x1p31
			if got := mask[i/64]>>(i%64)&1 == 1; got != want {
				t.Fatalf("n=%d unit %d: candidate %v, want %v", n, i, got, want)
			}
		}
		for i := n; i < len(mask)*64; i++ {
			if mask[i/64]>>(i%64)&1 == 1 {
				t.Fatalf("n=%d: bit %d past the end set", n, i)
			}
		}
	}
}

// Spike counts have the Poisson mean and variance, and a unit's draws are
// uncorrelated across steps and with its neighbours'.
func TestDrawSpikesPoisson(t *testing.T) {
	lam := []float64{0, 0.001, 0.02, 0.05, 0.1, 0.15, 0.2, 0.2, 0.5, 1}
	n := len(lam)
	const steps = 200000
	sum := make([]float64, n)
	sq := make([]float64, n)
	var sl spikeSlot
	d := newDrawScratch(n)
	src := rand.NewPCG(11, 12)
	prev := make([]float64, n)
	var lagSum, neighSum float64
	for st := 0; st < steps; st++ {
		sl.reset()
		drawSpikes(&sl, lam, nil, src.Uint64(), &d)
		cnt := make([]float64, n)
		for q, i := range sl.idx {
			cnt[i] = sl.cnt[q]
		}
		for i, c := range cnt {
			sum[i] += c
			sq[i] += c * c
		}
		lagSum += (cnt[6] - 0.2) * (prev[6] - 0.2)
		neighSum += (cnt[6] - 0.2) * (cnt[7] - 0.2)
		copy(prev, cnt)
	}
	for i, l := range lam {
		mean := sum[i] / steps
		v := sq[i]/steps - mean*mean
		se := math.Sqrt(l/steps) + 1e-12
		if math.Abs(mean-l) > 5*se {
			t.Errorf("λ=%g: mean %.5f (%.1f s.e. off)", l, mean, (mean-l)/se)
		}
		if l > 0 && math.Abs(v-l) > 6*math.Sqrt(2*l*l/steps+l/steps) {
			t.Errorf("λ=%g: variance %.5f", l, v)
		}
	}
	// correlations of λ=0.2 units: sd of the estimate ≈ 0.2/sqrt(steps)
	for name, c := range map[string]float64{"lag-1": lagSum / steps, "neighbour": neighSum / steps} {
		if math.Abs(c) > 5*0.2/math.Sqrt(steps) {
			t.Errorf("%s covariance %.5f", name, c)
		}
	}
}

// The trace kernel agrees with the Go loop, and running traces reproduce the
// kernel-weighted ring sum.
func TestTraceStep(t *testing.T) {
	const mem = 10
	tc := newTraceCoef(mem, 3, 10)
	r := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{1, 3, 4, 5, 10, 17, 500} {
		k := neuronKernel(mem)
		ring := make([][]float64, mem)
		for d := range ring {
			ring[d] = make([]float64, n)
		}
		x1, x2 := make([]float64, n), make([]float64, n)
		g1, g2 := make([]float64, n), make([]float64, n) // Go-loop copies
		gring := make([][]float64, mem)
		for d := range gring {
			gring[d] = make([]float64, n)
		}
		base := make([]float64, n)
		for i := range base {
			base[i] = r.NormFloat64()
		}
		dst, gdst := make([]float64, n), make([]float64, n)
		pnew := make([]float64, n)
		for step := 0; step < 40; step++ {
			slot := step % mem
			for i := range pnew {
				pnew[i] = 0
				if r.IntN(3) > 0 {
					pnew[i] = r.NormFloat64()
				}
			}
			traceStep(&tc, x1, x2, dst, base, pnew, ring[slot])
			// reference: the Go loop and the direct ring sum
			for i := range gdst {
				old := gring[slot][i]
				gring[slot][i] = pnew[i]
				g1[i] = tc.a1 * (g1[i] + pnew[i] - tc.c1*old)
				g2[i] = tc.a2 * (g2[i] + pnew[i] - tc.c2*old)
				gdst[i] = base[i] + tc.g*(g1[i]-g2[i])
			}
			for i := range dst {
				want := base[i]
				for d := 0; d < mem; d++ {
					want += k[d] * ring[(slot-d+mem)%mem][i]
				}
				if math.Abs(dst[i]-want) > 1e-12*(1+math.Abs(want)) || math.Abs(dst[i]-gdst[i]) > 1e-13*(1+math.Abs(want)) {
					t.Fatalf("n=%d step %d i=%d: trace %.17g, Go loop %.17g, ring sum %.17g", n, step, i, dst[i], gdst[i], want)
				}
			}
		}
	}
}

func neuronKernel(mem int) []float64 { return model.Kernel{Mem: mem, TauS: 3, TauL: 10}.Values() }

func TestSomaMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{0, 1, 3, 4, 5, 10, 500} {
		C, B, A := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range C {
			C[i], B[i], A[i] = r.NormFloat64()*3, r.NormFloat64()*3, r.NormFloat64()*3
		}
		want := append([]float64(nil), C...)
		so := model.Soma{GL: 0.1, GB: 0.6, GA: 0.05}
		for i, c := range want {
			want[i] = so.HiddenStep(c, B[i], A[i])
			if w := c + (-0.1*c + 0.6*(B[i]-c) + 0.05*(A[i]-c)); w != want[i] {
				t.Fatalf("model.Soma.HiddenStep = %v, want %v", want[i], w)
			}
		}
		somaHidden(C, B, A, &so)
		for i := range C {
			if math.Abs(C[i]-want[i]) > 1e-14*(1+math.Abs(want[i])) {
				t.Fatalf("n=%d i=%d: %.17g, want %.17g", n, i, C[i], want[i])
			}
		}
	}
}

// countFromBits agrees with PoissonU for every u of the interval it settles.
func TestCountFromBits(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	settled := 0
	for k := 0; k < 300000; k++ {
		lam := 0.2 * r.Float64()
		if k%3 == 0 {
			lam = r.Float64() * 2
		}
		b := uint32(r.Uint64() >> 33)
		if k%2 == 0 { // near the top, where the counts ≥ 1 are
			b = uint32((1 - 3*lam*r.Float64()) * 0x1p31)
			if b >= 1<<31 {
				continue
			}
		}
		c, ok := countFromBits(b, lam)
		if !ok {
			continue
		}
		settled++
		for _, low := range []uint64{0, 1, 1 << 21, 1<<22 - 1} {
			u := float64(uint64(b)<<22|low) * 0x1p-53
			if want := neuron.PoissonU(u, lam); want != c {
				t.Fatalf("b=%d λ=%g: countFromBits %d, PoissonU(%.17g) %d", b, lam, c, u, want)
			}
		}
	}
	if settled < 100000 {
		t.Errorf("only %d intervals settled", settled)
	}
}

func BenchmarkTraceStep500(b *testing.B) {
	tc := newTraceCoef(10, 3, 10)
	n := 500
	v := make([][]float64, 16)
	for i := range v {
		v[i] = make([]float64, n)
	}
	for i := 0; i < b.N; i++ {
		traceStep(&tc, v[0], v[1], v[2], v[3], v[4], v[5+i%10])
	}
}

func BenchmarkSumRows20x500(b *testing.B) {
	n := 500
	w := make([]float64, 784*n)
	var rs rowSet
	dst := make([]float64, n)
	for i := 0; i < b.N; i++ {
		rs.begin(n)
		for k := 0; k < 20; k++ {
			j := (i*37 + k*101) % 150 * 5
			rs.add(w[j*n:j*n+n], 1.5)
		}
		rs.sumTo(dst, nil)
	}
}

// One step's spike projection for the shapes of the 784-500-10 network:
// ≈ 23 input spikes into the hidden layer (n = 500) and ≈ 65 hidden spikes
// into the output layer (n = 10, which one pass over the rows serves).
func BenchmarkSumSpikeRows(b *testing.B) {
	for _, sh := range []struct{ n, m, nr int }{{10, 65, 500}, {500, 23, 784}} {
		b.Run(fmt.Sprintf("n%d_m%d", sh.n, sh.m), func(b *testing.B) { benchSpikeRows(b, sh.n, sh.m, sh.nr) })
	}
}

// benchSpikeRows sums m random rows of an nr×n matrix per iteration.
func benchSpikeRows(b *testing.B, n, m, nr int) {
	r := rand.New(rand.NewPCG(1, 2))
	w := make([]float64, nr*n)
	for i := range w {
		w[i] = r.NormFloat64()
	}
	rs := newRowSet(nr)
	dst := make([]float64, n)
	idx := make([][]int32, 64)
	for q := range idx {
		for k := 0; k < m; k++ {
			idx[q] = append(idx[q], int32(r.IntN(nr)))
		}
	}
	cnt := make([]float64, m)
	for i := range cnt {
		cnt[i] = 1
	}
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		rs.sumSpikeRows(dst, w, idx[i%64], cnt)
	}
	c.stop(b, "sums")
}

// The short-row rank-one kernel agrees with learn.AddOuter's loop.
func TestAddOuterMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, n := range []int{1, 2, 3, 4, 5, 7, 10, 31, 40, 100} {
		for _, m := range []int{1, 3, 50} {
			w := make([]float64, m*n+1)
			for i := range w {
				w[i] = r.NormFloat64()
			}
			w[m*n] = 4242 // guard
			delta, p := make([]float64, n), make([]float64, m)
			for i := range delta {
				delta[i] = r.NormFloat64()
			}
			for j := range p {
				if r.IntN(4) > 0 {
					p[j] = r.NormFloat64()
				}
			}
			want := append([]float64(nil), w...)
			for j, pj := range p {
				if pj == 0 {
					continue
				}
				for i, d := range delta {
					want[j*n+i] += 0.37 * pj * d
				}
			}
			addOuter(w[:m*n], 0.37, delta, p)
			for i := range w {
				if math.Abs(w[i]-want[i]) > 1e-13*(1+math.Abs(want[i])) {
					t.Fatalf("n=%d m=%d w[%d] = %.17g, want %.17g", n, m, i, w[i], want[i])
				}
			}
		}
	}
}

// addOuter by hand (moved from learn.AddOuter's test): presynaptic-major W
// (3 inputs × 2 neurons); p has a zero entry, whose row is skipped.
func TestAddOuterByHand(t *testing.T) {
	w := []float64{1, 2, 3, 4, 5, 6}
	addOuter(w, 10, []float64{1, -1}, []float64{0.5, 0, 2})
	want := []float64{1 + 5, 2 - 5, 3, 4, 5 + 20, 6 - 20}
	for i := range w {
		if w[i] != want[i] {
			t.Fatalf("W = %v, want %v", w, want)
		}
	}
}

// spikeSettle keeps exactly the candidates whose count countFromBits does not
// settle as 0, and marks as hard exactly those it does not settle; the
// assembly kernel agrees with that unit for unit (also near the bounds and
// for rates far above the paper's).
func TestSpikeSettleMatchesCountFromBits(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{0, 1, 7, 8, 9, 63, 64, 65, 150, 500, 784} {
		for rep := 0; rep < 20; rep++ {
			lam := make([]float64, n)
			for i := range lam {
				switch i % 5 {
				case 0:
					lam[i] = 0.2 * r.Float64()
				case 1:
					lam[i] = 2 * r.Float64()
				case 2:
					lam[i] = 0
					if r.IntN(4) == 0 {
						lam[i] = math.NaN() // never a candidate
					}
				default:
					lam[i] = 0.2 * r.Float64()
				}
			}
			key := r.Uint64()
			u31 := make([]uint32, n)
			w := n/64 + 1
			mask, hard := make([]uint64, w), make([]uint64, w)
			spikeCand(lam, u31, mask, key)
			for i := range u31 {
				if l := lam[i]; l > 0 && i%2 == 0 {
					// near the top, where the counts ≥ 1 are, or within
					// a few grid steps of one of countFromBits' bounds
					l2 := l * l
					lo0 := 1 - l + l2*(0.5-l*(1.0/6))
					b := (1 - 3*l*r.Float64()) * 0x1p31
					switch r.IntN(4) {
					case 0:
						b = math.Floor(lo0*0x1p31) + float64(r.IntN(5)-3)
					case 1:
						b = math.Floor((lo0+l2*l2/24)*0x1p31) + float64(r.IntN(5)-2)
					case 2:
						b = math.Floor((1-l2*(0.5-l/3)-l2*l2/8)*0x1p31) + float64(r.IntN(5)-3)
					}
					if b >= 0 && b < 0x1p31 {
						u31[i] = uint32(b)
						if float64(u31[i])+1 > (1-lam[i])*0x1p31 {
							mask[i/64] |= 1 << (i % 64)
						} else {
							mask[i/64] &^= 1 << (i % 64)
						}
					}
				}
			}
			cand := append([]uint64(nil), mask...)
			spikeSettle(lam, u31, mask, hard)
			for i := range lam {
				isCand := cand[i/64]>>(i%64)&1 == 1
				c, ok := countFromBits(u31[i], lam[i])
				wantKeep := isCand && (!ok || c != 0)
				wantHard := isCand && !ok
				if got := mask[i/64]>>(i%64)&1 == 1; got != wantKeep {
					t.Fatalf("n=%d unit %d (b=%d λ=%g): kept %v, want %v", n, i, u31[i], lam[i], got, wantKeep)
				}
				if got := hard[i/64]>>(i%64)&1 == 1; got != wantHard {
					t.Fatalf("n=%d unit %d (b=%d λ=%g): hard %v, want %v", n, i, u31[i], lam[i], got, wantHard)
				}
			}
		}
	}
}

// Settling the candidates in bulk draws the same spikes, in the same order,
// as settling them one by one.
func TestDrawSettledMatchesLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, n := range []int{1, 9, 15, 16, 17, 150, 500, 784} {
		lam := make([]float64, n)
		ids := make([]int32, n)
		for i := range lam {
			lam[i] = 0.25 * r.Float64()
			if i%7 == 0 {
				lam[i] = 1.5 * r.Float64() // many counts of 2 or more: hard candidates
			}
			ids[i] = int32(3 * i)
		}
		one, bulk := newDrawScratch(n), newDrawScratch(n)
		one.oneByOne = true
		for st := 0; st < 200; st++ {
			key := r.Uint64()
			var a, b spikeSlot
			drawSpikes(&a, lam, ids, key, &one)
			drawSpikes(&b, lam, ids, key, &bulk) // packed and settled in bulk (with AVX2)
			if !slices.Equal(a.idx, b.idx) || !slices.Equal(a.cnt, b.cnt) {
				t.Fatalf("n=%d step %d: %v %v, in bulk %v %v", n, st, a.idx, a.cnt, b.idx, b.cnt)
			}
			// a slot with room, as the populations' (with AVX-512 the
			// spikes are appended by a vector kernel), after earlier spikes
			c := spikeSlot{idx: make([]int32, 2, 2+n+8+emitSlack), cnt: make([]float64, 2, 2+n+8+emitSlack)}
			c.idx[0], c.idx[1], c.cnt[0], c.cnt[1] = -1, -2, 5, 6
			drawSpikes(&c, lam, ids, key, &bulk)
			if !slices.Equal(c.idx[:2], []int32{-1, -2}) || !slices.Equal(c.cnt[:2], []float64{5, 6}) ||
				!slices.Equal(a.idx, c.idx[2:]) || !slices.Equal(a.cnt, c.cnt[2:]) {
				t.Fatalf("n=%d step %d: %v %v, in a slot with room %v %v", n, st, a.idx, a.cnt, c.idx, c.cnt)
			}
		}
	}
}

// sumTo and addTo add the rows in row order with one fused multiply-add
// each, so they equal math.FMA's chain bit for bit (for every tail shape
// of the kernel and on either side of the one-pass limit); the counts and
// weights of a run depend on that order.
func TestSumRowsBitExact(t *testing.T) {
	if !useAVX {
		t.Skip("no AVX2/FMA kernel on this machine (the Go loop need not fuse)")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 19, 31, 32, 33, 47, 48, 50, 100, 500} {
		for _, m := range []int{0, 1, 3, 4, 5, 11, 12, 13, 23, 65, 150} {
			w := make([]float64, (m+3)*n)
			for i := range w {
				w[i] = r.NormFloat64()
			}
			var rs rowSet
			rs.ptr, rs.coef = make([]unsafe.Pointer, 0, m), make([]float64, 0, m)
			rs.begin(n)
			for k := 0; k < m; k++ {
				j := r.IntN(m + 3)
				rs.add(w[j*n:(j+1)*n], r.NormFloat64()*3)
			}
			base := make([]float64, n)
			for i := range base {
				base[i] = r.NormFloat64()
			}
			fma := func(acc []float64) []float64 {
				for k, p := range rs.ptr {
					row := unsafe.Slice((*float64)(p), n)
					for i := range acc {
						acc[i] = math.FMA(rs.coef[k], row[i], acc[i])
					}
				}
				return acc
			}
			for _, b := range [][]float64{nil, base} {
				want := make([]float64, n)
				if b != nil {
					copy(want, b)
				}
				want = fma(want)
				got := make([]float64, n+1)
				got[n] = 777
				rs.sumTo(got[:n], b)
				if got[n] != 777 {
					t.Fatalf("sumTo n=%d m=%d: wrote past the end", n, m)
				}
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("sumTo n=%d m=%d base=%v i=%d: %.17g, want %.17g (FMA chain)", n, m, b != nil, i, got[i], want[i])
					}
				}
			}
			dst := slices.Clone(base)
			rs.addTo(dst)
			want := fma(slices.Clone(base))
			for i := range want {
				if math.Float64bits(dst[i]) != math.Float64bits(want[i]) {
					t.Fatalf("addTo n=%d m=%d i=%d: %.17g, want %.17g (FMA chain)", n, m, i, dst[i], want[i])
				}
			}
		}
	}
}

// spikeCandPack packs exactly the candidates of the scalar test, in unit
// order, with their values and bits, for every tail length and candidate
// density (the kernel's permutations cover all 256 candidate bytes).
func TestSpikeCandPackMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 500, 784} {
		for _, lmax := range []float64{0, 0.01, 0.2, 0.5, 0.9, 1, math.NaN()} {
			d := newDrawScratch(n)
			lam, val := make([]float64, n), make([]float64, n)
			for i := range lam {
				lam[i] = lmax * r.Float64()
				if r.IntN(10) == 0 {
					lam[i] = lmax
				}
				if r.IntN(20) == 0 {
					lam[i] = math.NaN() // never a candidate, as in the Go loop
				}
				val[i] = r.NormFloat64()
			}
			key := r.Uint64()
			var wantI []int32
			var wantV []float64
			var wantB []uint32
			kLo, kHi := uint32(key), uint32(key>>32)
			for i := range lam {
				b := unitBits(uint32(i), kLo, kHi)
				if float64(b)+1 > (1-lam[i])*0x1p31 {
					wantI, wantV, wantB = append(wantI, int32(i)), append(wantV, val[i]), append(wantB, b)
				}
			}
			nc := spikeCandPack(lam, val, key, &d)
			if nc != len(wantI) {
				t.Fatalf("n=%d λmax=%g: %d candidates, want %d", n, lmax, nc, len(wantI))
			}
			if !slices.Equal(d.ci[:nc], wantI) || !slices.Equal(d.cl[:nc], wantV) || !slices.Equal(d.cb[:nc], wantB) {
				t.Fatalf("n=%d λmax=%g: packed %v %v %v, want %v %v %v", n, lmax, d.ci[:nc], d.cl[:nc], d.cb[:nc], wantI, wantV, wantB)
			}
		}
	}
}

// Units that share one rate (λmax, lazy rates) are packed by an integer
// compare with candThreshold: the same candidates as the float test.
func TestSpikeCandPackConstMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 100, 500, 784} {
		for _, l := range []float64{0, 1e-12, 0.01, 0.2, 0.5, 1 - 1e-12, 1, 1.5, -0.1, math.NaN()} {
			lam, val := make([]float64, n), make([]float64, n)
			for i := range lam {
				lam[i], val[i] = l, r.NormFloat64()
			}
			key := r.Uint64()
			want, got := newDrawScratch(n), newDrawScratch(n)
			wn := spikeCandPack(lam, val, key, &want)
			gn := spikeCandPackConst(lam, val, key, &got)
			if gn != wn || !slices.Equal(got.ci[:gn], want.ci[:wn]) || !slices.Equal(got.cl[:gn], want.cl[:wn]) || !slices.Equal(got.cb[:gn], want.cb[:wn]) {
				t.Fatalf("n=%d λ=%g: %d candidates %v, want %d %v", n, l, gn, got.ci[:gn], wn, want.ci[:wn])
			}
		}
	}
}

// candThreshold(λ) splits the bits exactly where the float test does.
func TestCandThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	lams := []float64{0, 1, 0.2, 0.5, 0.25, 1e-300, 1 - 0x1p-53, 0x1p-31, 3 * 0x1p-31, -1, 2, math.NaN(), math.Inf(1), math.Inf(-1)}
	for range 1000 {
		lams = append(lams, r.Float64(), float64(r.IntN(1<<31))*0x1p-31)
	}
	for _, l := range lams {
		thr := int64(candThreshold(l))
		for b := thr - 3; b <= thr+3; b++ {
			if b < 0 || b >= 1<<31 {
				continue
			}
			if cand := float64(b)+1 > (1-l)*0x1p31; cand != (b >= thr) {
				t.Fatalf("λ=%v b=%d: float test %v, threshold %d", l, b, cand, thr)
			}
		}
	}
}

// spikeRowPointers gives the rows of the spike indices, with or without
// the vector kernel, and refuses an index outside the matrix (a negative
// one too) before any kernel could read it.
func TestSpikeRowPointers(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	const rows, n = 37, 5
	w := make([]float64, rows*n)
	rs := newRowSet(64)
	for _, m := range []int{0, 1, 7, 8, 9, 15, 16, 17, 33, 64} {
		idx := make([]int32, m)
		cnt := make([]float64, m)
		for q := range idx {
			idx[q] = int32(r.IntN(rows))
		}
		if m > 0 {
			idx[m-1] = rows - 1
		}
		ptr := spikeRowPointers(&rs, w, n, idx, cnt)
		for q, j := range idx {
			if ptr[q] != unsafe.Pointer(&w[int(j)*n]) {
				t.Fatalf("m=%d: row %d of spike %d at %p, want %p", m, j, q, ptr[q], &w[int(j)*n])
			}
		}
		for _, bad := range []int32{rows, -1, 1 << 30} {
			if m == 0 {
				break
			}
			b := append([]int32(nil), idx...)
			b[r.IntN(m)] = bad
			func() {
				defer func() {
					if recover() == nil {
						t.Fatalf("m=%d: index %d accepted", m, bad)
					}
				}()
				spikeRowPointers(&rs, w, n, b, cnt)
			}()
		}
	}
}
