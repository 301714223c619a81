package stats

import (
	"math"
	"testing"
)

func TestSummary(t *testing.T) {
	// mean 5; squared deviations sum to 32; sample s.d. √(32/7) ≈ 2.138089935.
	m, sd, lo, hi := Summary([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	if m != 5 || math.Abs(sd-math.Sqrt(32.0/7)) > 1e-15 || math.Abs(sd-2.138089935) > 1e-9 || lo != 2 || hi != 9 {
		t.Errorf("got %v %v %v %v, want 5 2.138089935 2 9", m, sd, lo, hi)
	}
	// Two values: divisor n−1 = 1, so s.d. = |a−b|/√2.
	if _, sd, _, _ := Summary([]float64{1, 2}); math.Abs(sd-math.Sqrt(0.5)) > 1e-15 {
		t.Errorf("two values: s.d. %v, want √0.5", sd)
	}
	// One value: the sample s.d. is undefined (NaN), the rest is the value.
	if m, sd, lo, hi := Summary([]float64{3}); m != 3 || !math.IsNaN(sd) || lo != 3 || hi != 3 {
		t.Errorf("one value: got %v %v %v %v, want 3 NaN 3 3", m, sd, lo, hi)
	}
	if m, sd, lo, hi := Summary(nil); !math.IsNaN(m) || !math.IsNaN(sd) || !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Error("empty: want all NaN")
	}
}

func TestSDText(t *testing.T) {
	for sd, want := range map[float64]string{0: "0.00", 2.138089935: "2.14", math.NaN(): "n/a"} {
		if got := SDText(sd); got != want {
			t.Errorf("SDText(%v) = %q, want %q", sd, got, want)
		}
	}
}
