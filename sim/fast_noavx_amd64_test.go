//go:build amd64 && !purego

package sim

import "testing"

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
