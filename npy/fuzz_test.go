package npy

import (
	"bytes"
	"math"
	"testing"
)

// FuzzRead checks that Read never panics or hangs, allocates memory bounded
// by the input length, and that whatever it accepts is self-consistent and
// survives a Write/Read round trip.
func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	Write(&b, []int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	f.Add(b.Bytes())
	b.Reset()
	WriteInt64(&b, []int{}, []int64{42})
	f.Add(b.Bytes())
	f.Add(makeNpy(1, dictText("<f4", true, "(2, 2)"), make([]byte, 16)))
	f.Add(makeNpy(2, dictText(">i2", false, "(3,)"), make([]byte, 6)))
	f.Add(makeNpy(3, dictText("|b1", true, "(1, 2, 1)"), []byte{1, 0}))
	f.Add(makeNpy(1, dictText("<u8", false, "(0, 5)"), nil))
	f.Add(makeNpy(1, dictText("<f8", false, "(500, 784)"), make([]byte, 64)))
	f.Add(makeNpy(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}\n", nil))
	f.Add([]byte("\x93NUMPY\x02\x00\xff\xff\xff\x00"))
	f.Add([]byte("not npy"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, hide := range []bool{false, true} {
			var a *Array
			var err error
			var r interface{ Read([]byte) (int, error) } = bytes.NewReader(in)
			if hide {
				r = hideLen{r}
			}
			n := allocBytes(func() { a, err = Read(r) })
			// Decoding expands each input byte to at most 8 bytes of float64
			// data; the chunked path may double that while growing, and the
			// Fortran conversion copies it once more.
			if bound := 64*uint64(len(in)) + 1<<20; n > bound {
				t.Fatalf("Read (hidden length %v) allocated %d bytes for %d bytes of input (bound %d)", hide, n, len(in), bound)
			}
			if err != nil {
				if a != nil {
					t.Fatal("non-nil Array with an error")
				}
				continue
			}
			if a.Len() != len(a.Data) || a.Len() > MaxElements {
				t.Fatalf("shape %v but %d values", a.Shape, len(a.Data))
			}
			var out bytes.Buffer
			if err := Write(&out, a.Shape, a.Data); err != nil {
				t.Fatalf("Write of an accepted array: %v", err)
			}
			back, err := Read(&out)
			if err != nil {
				t.Fatalf("Read of our own output: %v", err)
			}
			for i := range a.Data {
				if math.Float64bits(back.Data[i]) != math.Float64bits(a.Data[i]) {
					t.Fatalf("round trip changed value %d: %v -> %v", i, a.Data[i], back.Data[i])
				}
			}
		}
	})
}
