//go:build amd64 && !purego

package sim

import (
	"math/rand/v2"
	"testing"
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
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
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
		{"settle", TestSpikeSettleMatchesCountFromBits},
		{"trace", TestTraceStep},
		{"soma", TestSomaMatchesGo},
		{"outer", TestAddOuterMatchesGo},
	} {
		t.Run(tc.name, tc.f)
	}
}

// On a machine with AVX-512 the AVX2 kernels it replaces are checked too.
func TestWithoutAVX512(t *testing.T) {
	if !useAVX || !useAVX512 {
		t.Skip("no AVX-512 here: the AVX2 kernels are the ones in use")
	}
	useAVX512 = false
	defer func() { useAVX512 = true }()
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"pack", TestSpikeCandPackMatchesGo},
		{"draws", TestDrawSettledMatchesLoop},
		{"event-driven", TestEventDrivenMatchesDense},
		{"restore", TestRestoreContinuesIdentically},
	} {
		t.Run(tc.name, tc.f)
	}
}

// The candidate step of a hidden layer of 500 at the paper's rates (λmax =
// 0.2 per step): hash, compare and pack, with each kernel this machine has.
func BenchmarkSpikeCandPack500(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 500
	d := newDrawScratch(n)
	lam := make([]float64, n)
	for i := range lam {
		lam[i] = 0.2 * r.Float64()
	}
	kernels := []struct {
		name      string
		avx, a512 bool
	}{{"go", false, false}, {"avx2", true, false}, {"avx512", true, true}}
	for _, k := range kernels {
		if (k.avx && !useAVX) || (k.a512 && !useAVX512) {
			continue
		}
		b.Run(k.name, func(b *testing.B) {
			avx, a512 := useAVX, useAVX512
			useAVX, useAVX512 = k.avx, k.a512
			defer func() { useAVX, useAVX512 = avx, a512 }()
			for i := 0; b.Loop(); i++ {
				spikeCandPack(lam, lam, uint64(i)*0x9e3779b97f4a7c15, &d)
			}
		})
	}
}
