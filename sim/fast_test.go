package sim

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// The assembly kernel agrees with the Go loop for every tail shape.
func TestAddRowsMatchesGo(t *testing.T) {
	if !useAVX {
		t.Skip("no AVX2/FMA kernel on this machine")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 10, 15, 16, 17, 31, 33, 100, 500} {
		for _, m := range []int{1, 2, 3, 4, 5, 8, 9, 10, 150} {
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
