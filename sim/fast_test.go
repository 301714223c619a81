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
	x = append(x, 0, -0.0, 1e-300, -1e-300, 708, -708, 709, -709, 710, -745, 800, -800, 1e308, -1e308,
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
	for n := 0; n < 9; n++ { // tails
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
