package stats

import (
	"math"
	"testing"
)

func TestSummary(t *testing.T) {
	m, sd, lo, hi := Summary([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	if m != 5 || math.Abs(sd-2.138089935) > 1e-9 || lo != 2 || hi != 9 {
		t.Errorf("%v %v %v %v", m, sd, lo, hi)
	}
	if _, sd, _, _ := Summary([]float64{3}); sd != 0 {
		t.Error("one value: sd 0")
	}
	if m, _, _, _ := Summary(nil); !math.IsNaN(m) {
		t.Error("empty: NaN")
	}
}
