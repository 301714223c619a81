//go:build amd64 && !purego

package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// The Go fallbacks (machines without AVX2/FMA) pass the same checks: the
// golden rate-mode weights, the event-driven input and the trace, window
// and restore invariants.
func TestWithoutAVX(t *testing.T) {
	if !useAVX {
		t.Skip("the fallbacks already run everywhere here")
	}
	useAVX = false
	defer func() { useAVX = true }()
	runAll(t, []namedTest{
		{"golden", TestGoldenRateMode},
		{"event-driven", TestEventDrivenMatchesDense},
		{"restore", TestRestoreContinuesIdentically},
		{"window", TestWindowSpikesMatchPerStep},
		{"kernels", TestAddRowsMatchesGo},
		{"rows32", TestSumRows32},
		{"axpy32", TestAxpy32},
		{"float32", TestFloat32RestoreContinuesIdentically},
		{"sigmoid", TestSigmoidsMatchExact},
		{"candidates", TestSpikeCandMatchesGo},
		{"candidates-const", TestSpikeCandPackConstMatchesGo},
		{"row-pointers", TestSpikeRowPointers},
		{"settle", TestSpikeSettleMatchesCountFromBits},
		{"trace", TestTraceStep},
		{"soma", TestSomaMatchesGo},
		{"outer", TestAddOuterMatchesGo},
	})
}

// On a machine with AVX-512 the AVX2 kernels it replaces are checked too.
func TestWithoutAVX512(t *testing.T) {
	if !useAVX || !useAVX512 {
		t.Skip("no AVX-512 here: the AVX2 kernels are the ones in use")
	}
	useAVX512 = false
	defer func() { useAVX512 = true }()
	runAll(t, []namedTest{
		{"pack", TestSpikeCandPackMatchesGo},
		{"pack-const", TestSpikeCandPackConstMatchesGo},
		{"row-pointers", TestSpikeRowPointers},
		{"draws", TestDrawSettledMatchesLoop},
		{"settle", TestSpikeSettleMatchesCountFromBits},
		{"sigmoid", TestSigmoidsMatchExact},
		{"trace", TestTraceStep},
		{"soma", TestSomaMatchesGo},
		{"rows", TestAddRowsMatchesGo},
		{"rows32", TestSumRows32},
		{"float32", TestFloat32RestoreContinuesIdentically},
		{"event-driven", TestEventDrivenMatchesDense},
		{"restore", TestRestoreContinuesIdentically},
	})
}

// sameBitsBothKernels runs kernel with the AVX2 and then the AVX-512
// kernels on a copy of start (nil: zeros) of length n with one spare value
// past it, and fails t unless neither wrote the spare and both left the same
// bits; what names the case in the messages.
func sameBitsBothKernels(t *testing.T, what string, n int, start []float64, kernel func(d []float64)) {
	t.Helper()
	var out [2][]float64
	for v, on := range []bool{false, true} {
		useAVX512 = on
		d := make([]float64, n+1)
		copy(d, start[:min(len(start), n)])
		d[n] = 7 // no kernel may write past n
		kernel(d[:n])
		if d[n] != 7 {
			t.Fatalf("%s avx512=%v: written past the end", what, on)
		}
		out[v] = d[:n]
	}
	for i := range out[0] {
		if math.Float64bits(out[0][i]) != math.Float64bits(out[1][i]) {
			t.Fatalf("%s i=%d: AVX2 %v, AVX-512 %v", what, i, out[0][i], out[1][i])
		}
	}
}

// namedTest is one test function run as a subtest by runAll.
type namedTest struct {
	name string
	f    func(*testing.T)
}

// runAll runs each test as a subtest of t.
func runAll(t *testing.T, tests []namedTest) {
	for _, tc := range tests {
		t.Run(tc.name, tc.f)
	}
}

// needAVX512 skips t on a machine without AVX-512 and turns the AVX-512
// kernels back on when t ends (the tests switch them off and on).
func needAVX512(t *testing.T) {
	if !useAVX || !useAVX512 {
		t.Skip("no AVX-512 here")
	}
	t.Cleanup(func() { useAVX512 = true })
}

// The AVX-512 kernels give the same bits as the AVX2 ones they replace
// (the same operations per element), so results do not depend on which of
// the two a machine has.
func TestAVX512SameBits(t *testing.T) {
	needAVX512(t)
	r := rand.New(rand.NewPCG(21, 22))
	tc := newTraceCoef(10, 3, 10)
	for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 500} {
		in := make([][]float64, 6)
		for k := range in {
			in[k] = make([]float64, n)
			for i := range in[k] {
				in[k][i] = r.NormFloat64()
			}
		}
		var out [2][][]float64
		for v, on := range []bool{false, true} {
			useAVX512 = on
			c := make([][]float64, 6)
			for k := range c {
				// one spare element past n, which no kernel may write
				c[k] = append(append([]float64(nil), in[k]...), 7)[:n]
			}
			traceStep(&tc, c[0], c[1], c[2], c[3], c[4], c[5])
			for k := range c {
				if spare := c[k][:n+1][n]; spare != 7 {
					t.Fatalf("n=%d avx512=%v: array %d written past its end (%v)", n, on, k, spare)
				}
			}
			out[v] = c
		}
		for k := range out[0] {
			for i := range out[0][k] {
				if math.Float64bits(out[0][k][i]) != math.Float64bits(out[1][k][i]) {
					t.Fatalf("trace n=%d array %d unit %d: AVX2 %v, AVX-512 %v", n, k, i, out[0][k][i], out[1][k][i])
				}
			}
		}
	}
}

func TestAVX512SigmoidSameBits(t *testing.T) {
	needAVX512(t)
	r := rand.New(rand.NewPCG(23, 24))
	for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 500, 4096} {
		x := make([]float64, n)
		for i := range x {
			switch i % 11 {
			case 0:
				x[i] = 800 * (2*r.Float64() - 1) // past the clamps too
			case 1:
				x[i] = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 708, -708, 709, -745}[r.IntN(9)]
			default:
				x[i] = 8 * r.NormFloat64()
			}
		}
		sameBitsBothKernels(t, fmt.Sprintf("sigmoid n=%d", n), n, nil, func(d []float64) { sigmoids(d, x, 0.2) })
	}
}

// The kernels with an AVX-512 version, each with the Go loop, AVX2 and
// AVX-512 where the machine has them, at the shapes of a hidden layer of
// 500.
func BenchmarkKernels500(b *testing.B) {
	tc := newTraceCoef(10, 3, 10)
	v := make([][]float64, 16)
	for i := range v {
		v[i] = make([]float64, 500)
	}
	for _, k := range []struct {
		name      string
		avx, a512 bool
	}{{"go", false, false}, {"avx2", true, false}, {"avx512", true, true}} {
		if (k.avx && !useAVX) || (k.a512 && !useAVX512) {
			continue
		}
		b.Run("candidates/"+k.name, func(b *testing.B) {
			// the paper's rates (λmax = 0.2 per step): hash, compare, pack
			defer useKernels(k.avx, k.a512)()
			r := rand.New(rand.NewPCG(1, 2))
			d := newDrawScratch(500)
			for i := range v[8] {
				v[8][i] = 0.2 * r.Float64()
			}
			for i := 0; b.Loop(); i++ {
				spikeCandPack(v[8], v[8], uint64(i)*0x9e3779b97f4a7c15, &d)
			}
		})
		b.Run("candidates-const/"+k.name, func(b *testing.B) {
			// lazy rates: every unit has the bound λmax
			defer useKernels(k.avx, k.a512)()
			d := newDrawScratch(500)
			for i := range v[9] {
				v[9][i] = 0.2
			}
			for i := 0; b.Loop(); i++ {
				spikeCandPackConst(v[9], v[8], uint64(i)*0x9e3779b97f4a7c15, &d)
			}
		})
		b.Run("spikerows23/"+k.name, func(b *testing.B) {
			defer useKernels(k.avx, k.a512)()
			benchSpikeRows(b, 500, 23, 784)
		})
		b.Run("sigmoid/"+k.name, func(b *testing.B) {
			defer useKernels(k.avx, k.a512)()
			for i := range v[6] {
				v[6][i] = float64(i-250) / 30
			}
			for b.Loop() {
				sigmoids(v[7], v[6], 0.2)
			}
		})
		b.Run("trace/"+k.name, func(b *testing.B) {
			defer useKernels(k.avx, k.a512)()
			for i := 0; b.Loop(); i++ {
				traceStep(&tc, v[0], v[1], v[2], v[3], v[4], v[5+i%10])
			}
		})
		b.Run("trace-zero/"+k.name, func(b *testing.B) {
			// no projection arriving or leaving (traceStepZeroArch where
			// there is AVX-512, else the full step on zeros)
			defer useKernels(k.avx, k.a512)()
			zeros := make([]float64, 500)
			for b.Loop() {
				if !traceStepZeroArch(&tc, v[0], v[1], v[2], v[3]) {
					traceStep(&tc, v[0], v[1], v[2], v[3], zeros, zeros)
				}
			}
		})
		b.Run("divide/"+k.name, func(b *testing.B) {
			defer useKernels(k.avx, k.a512)()
			for b.Loop() {
				divTo(v[7], v[6], 20)
			}
		})
	}
}

func TestAVX512RowSumsSameBits(t *testing.T) {
	needAVX512(t)
	r := rand.New(rand.NewPCG(25, 26))
	// spike counts as coefficients (mostly 1, which the narrow kernel adds
	// without a multiply) and arbitrary ones, rows with signed zeros and
	// infinities among the values
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 1e308, -1e308}
	for _, n := range []int{1, 2, 7, 8, 9, 10, 15, 16, 17, 31, 32, 33, 40, 63, 64, 65, 95, 96, 97, 500} {
		for _, m := range []int{0, 1, 3, 4, 5, 9, 23, 65} {
			rows := make([]unsafe.Pointer, m)
			coef := make([]float64, m)
			for k := range rows {
				row := make([]float64, n)
				for i := range row {
					row[i] = r.NormFloat64()
					if r.IntN(50) == 0 {
						row[i] = special[r.IntN(len(special))]
					}
				}
				rows[k], coef[k] = unsafe.Pointer(&row[0]), r.NormFloat64()
				if m%2 == 1 {
					coef[k] = []float64{1, 1, 1, 1, 2, 3, -1, 0.5}[r.IntN(8)]
				}
			}
			dst0 := make([]float64, n)
			for i := range dst0 {
				dst0[i] = r.NormFloat64()
			}
			sameBitsBothKernels(t, fmt.Sprintf("addRows n=%d m=%d", n, m), n, dst0, func(d []float64) { addRows(d, rows, coef) })
			// sumRowsTo: the one-pass kernel (its first rows), from a base or 0
			for _, base := range [][]float64{dst0, nil} {
				sameBitsBothKernels(t, fmt.Sprintf("sumRowsTo n=%d m=%d base=%v", n, m, base != nil), n, nil,
					func(d []float64) { sumRowsTo(d, base, rows, coef) })
			}
		}
	}
}

func TestAVX512SomaSameBits(t *testing.T) {
	needAVX512(t)
	r := rand.New(rand.NewPCG(27, 28))
	for _, n := range []int{1, 7, 8, 9, 17, 500} {
		c0, B, A := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range c0 {
			c0[i], B[i], A[i] = r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		}
		sameBitsBothKernels(t, fmt.Sprintf("soma n=%d", n), n, c0, func(C []float64) {
			if !somaArch(C, B, A, 0.1, 0.6, 0.05) {
				t.Fatal("no soma kernel")
			}
		})
	}
}

// useKernels selects the kernels (AVX2, AVX-512) and returns the function
// that restores the previous choice.
func useKernels(avx, a512 bool) (restore func()) {
	avx0, a5120 := useAVX, useAVX512
	useAVX, useAVX512 = avx, a512
	return func() { useAVX, useAVX512 = avx0, a5120 }
}

func TestAVX512Rows32SameBits(t *testing.T) {
	needAVX512(t)
	r := rand.New(rand.NewPCG(29, 30))
	for _, n := range []int{1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 200, 500} {
		for _, m := range []int{1, 3, 24} {
			rows := make([]unsafe.Pointer, m)
			coef := make([]float32, m)
			for k := range rows {
				row := make([]float32, n)
				for i := range row {
					row[i] = float32(r.NormFloat64())
				}
				rows[k], coef[k] = unsafe.Pointer(&row[0]), float32(r.NormFloat64())
			}
			sameBitsBothKernels(t, fmt.Sprintf("sumRows32 n=%d m=%d", n, m), n, nil, func(d []float64) { sumRows32(d, rows, coef) })
		}
	}
}

// divTo's AVX-512 kernel gives the scalar division's bits, special values
// and divisors included, and writes nothing past n.
func TestDivToBits(t *testing.T) {
	needAVX512(t)
	r := rand.New(rand.NewPCG(27, 28))
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 5e-324, -1e308, 1e-310}
	for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 100, 500, 784} {
		x := make([]float64, n)
		for i := range x {
			x[i] = r.NormFloat64() * 1e3
			if i%7 == 0 {
				x[i] = specials[r.IntN(len(specials))]
			}
		}
		for _, w := range []float64{20, 3, 220, 0, math.Copysign(0, -1), math.Inf(1), math.NaN(), 1e-310} {
			sameBitsBothKernels(t, fmt.Sprintf("divTo n=%d w=%v", n, w), n, nil, func(d []float64) { divTo(d, x, w) })
			// and the scalar division's bits (the AVX2 kernel divides all
			// but the last n mod 4)
			d := make([]float64, n)
			divTo(d, x, w)
			for i := range d {
				if q := x[i] / w; math.Float64bits(d[i]) != math.Float64bits(q) {
					t.Fatalf("divTo n=%d w=%v i=%d: %v, scalar %v", n, w, i, d[i], q)
				}
			}
		}
	}
}
