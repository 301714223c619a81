package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// makeNpy builds a .npy file by hand: any version, header text and raw data.
func makeNpy(major byte, headerText string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(headerText)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(headerText)))
	}
	b.WriteString(headerText)
	b.Write(data)
	return b.Bytes()
}

func dictText(descr string, fortran bool, shape string) string {
	f := "False"
	if fortran {
		f = "True"
	}
	return fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }\n", descr, f, shape)
}

// hideLen wraps a reader so Read cannot learn the input length.
type hideLen struct{ r io.Reader }

func (h hideLen) Read(p []byte) (int, error) { return h.r.Read(p) }

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		shape []int
		data  []float64
	}{
		{"0-d", []int{}, []float64{3.5}},
		{"0-d nil shape", nil, []float64{-1}},
		{"1-d", []int{3}, []float64{1, 2, 3}},
		{"1-d empty", []int{0}, []float64{}},
		{"2-d", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6}},
		{"2-d zero rows", []int{0, 784}, nil},
		{"3-d", []int{2, 2, 2}, []float64{0, 1, 2, 3, 4, 5, 6, 7}},
		{"specials", []int{4}, []float64{math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.MaxFloat64}},
		{"long", []int{100000}, seq(100000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tt.shape, tt.data); err != nil {
				t.Fatal(err)
			}
			checkHeaderLayout(t, b.Bytes())
			for _, r := range []io.Reader{bytes.NewReader(b.Bytes()), hideLen{bytes.NewReader(b.Bytes())}} {
				a, err := Read(r)
				if err != nil {
					t.Fatal(err)
				}
				wantShape := tt.shape
				if wantShape == nil {
					wantShape = []int{}
				}
				if !reflect.DeepEqual(a.Shape, wantShape) {
					t.Errorf("shape %v, want %v", a.Shape, wantShape)
				}
				if a.Len() != len(tt.data) || len(a.Data) != len(tt.data) {
					t.Fatalf("Len %d, len(Data) %d, want %d", a.Len(), len(a.Data), len(tt.data))
				}
				for i := range tt.data {
					if math.Float64bits(a.Data[i]) != math.Float64bits(tt.data[i]) {
						t.Fatalf("Data[%d] = %v, want %v", i, a.Data[i], tt.data[i])
					}
				}
			}
		})
	}
}

func TestRoundTripNaN(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, []int{1}, []float64{math.NaN()}); err != nil {
		t.Fatal(err)
	}
	a, err := Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(a.Data[0]) {
		t.Errorf("got %v, want NaN", a.Data[0])
	}
}

func seq(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)*0.5 - 7
	}
	return s
}

// checkHeaderLayout checks the v1.0 header rules Write promises.
func checkHeaderLayout(t *testing.T, file []byte) {
	t.Helper()
	if string(file[:8]) != magic+"\x01\x00" {
		t.Fatalf("preamble %q", file[:8])
	}
	hlen := int(binary.LittleEndian.Uint16(file[8:]))
	if (10+hlen)%64 != 0 {
		t.Errorf("data starts at %d, not a multiple of 64", 10+hlen)
	}
	if file[10+hlen-1] != '\n' {
		t.Errorf("header does not end with a newline: %q", file[10:10+hlen])
	}
}

func TestHeaderText(t *testing.T) {
	// What numpy >= 1.23 writes for np.save(f, np.zeros(3)) and np.zeros((500, 784)).
	tests := []struct {
		shape []int
		want  string
	}{
		{[]int{3}, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" + strings.Repeat(" ", 60) + "\n"},
		{[]int{500, 784}, "{'descr': '<f8', 'fortran_order': False, 'shape': (500, 784), }" + strings.Repeat(" ", 54) + "\n"},
		{[]int{}, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }" + strings.Repeat(" ", 62) + "\n"},
	}
	for _, tt := range tests {
		got := headerText("<f8", tt.shape)
		if got != tt.want {
			t.Errorf("headerText(%v) =\n%q\nwant\n%q", tt.shape, got, tt.want)
		}
	}
}

func TestWriteInt64(t *testing.T) {
	data := []int64{0, -1, 1 << 53, math.MaxInt64, math.MinInt64}
	var b bytes.Buffer
	if err := WriteInt64(&b, []int{5}, data); err != nil {
		t.Fatal(err)
	}
	checkHeaderLayout(t, b.Bytes())
	if !bytes.Contains(b.Bytes(), []byte("'descr': '<i8'")) {
		t.Errorf("header lacks '<i8': %q", b.Bytes()[:128])
	}
	raw := b.Bytes()[len(b.Bytes())-40:]
	for i, v := range data {
		if got := int64(binary.LittleEndian.Uint64(raw[8*i:])); got != v {
			t.Errorf("element %d = %d, want %d", i, got, v)
		}
	}
	a, err := Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	if a.Data[1] != -1 || a.Data[2] != 1<<53 {
		t.Errorf("read back %v", a.Data)
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name  string
		shape []int
		n     int
		want  string
	}{
		{"short data", []int{2, 3}, 5, "shape (2, 3) holds 6 values, data has 5"},
		{"long data", []int{2}, 3, "shape (2,) holds 2 values, data has 3"},
		{"0-d needs one", []int{}, 0, "shape () holds 1 values, data has 0"},
		{"negative", []int{-1}, 0, "negative dimension"},
		{"overflow", []int{1 << 40, 1 << 40}, 0, "more than 2147483648 elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Write(io.Discard, tt.shape, make([]float64, tt.n))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Write error %v, want it to contain %q", err, tt.want)
			}
			err = WriteInt64(io.Discard, tt.shape, make([]int64, tt.n))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteInt64 error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDtypes(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	tests := []struct {
		descr string
		raw   func() []byte
		want  []float64
	}{
		{"<f8", func() []byte { return be2(le, 8, math.Float64bits(1.5), math.Float64bits(-2)) }, []float64{1.5, -2}},
		{">f8", func() []byte { return be2(be, 8, math.Float64bits(1.5), math.Float64bits(-2)) }, []float64{1.5, -2}},
		{"<f4", func() []byte { return be2(le, 4, uint64(math.Float32bits(0.25)), uint64(math.Float32bits(-3))) }, []float64{0.25, -3}},
		{">f4", func() []byte { return be2(be, 4, uint64(math.Float32bits(0.25)), uint64(math.Float32bits(-3))) }, []float64{0.25, -3}},
		{"<f2", func() []byte { return be2(le, 2, 0x3c00, 0xc000) }, []float64{1, -2}},
		{">f2", func() []byte { return be2(be, 2, 0x3555, 0x0001) }, []float64{0.333251953125, math.Ldexp(1, -24)}},
		{"<i8", func() []byte { return be2(le, 8, uint64(1<<40), u64(-5)) }, []float64{1 << 40, -5}},
		{">i8", func() []byte { return be2(be, 8, uint64(1<<40), u64(-5)) }, []float64{1 << 40, -5}},
		{"<i4", func() []byte { return be2(le, 4, 70000, uint64(uint32(0xffffffff))) }, []float64{70000, -1}},
		{">i4", func() []byte { return be2(be, 4, 70000, uint64(uint32(0xfffffffe))) }, []float64{70000, -2}},
		{"<i2", func() []byte { return be2(le, 2, 300, 0x8000) }, []float64{300, -32768}},
		{">i2", func() []byte { return be2(be, 2, 300, 0x8000) }, []float64{300, -32768}},
		{"|i1", func() []byte { return []byte{0x7f, 0x80} }, []float64{127, -128}},
		{"<i1", func() []byte { return []byte{5, 0xff} }, []float64{5, -1}},
		{"|u1", func() []byte { return []byte{0, 255} }, []float64{0, 255}},
		{"<u2", func() []byte { return be2(le, 2, 65535, 1) }, []float64{65535, 1}},
		{">u2", func() []byte { return be2(be, 2, 65535, 1) }, []float64{65535, 1}},
		{"<u4", func() []byte { return be2(le, 4, 0xffffffff, 2) }, []float64{4294967295, 2}},
		{">u4", func() []byte { return be2(be, 4, 0xffffffff, 2) }, []float64{4294967295, 2}},
		{"<u8", func() []byte { return be2(le, 8, 1<<63, 3) }, []float64{1 << 63, 3}},
		{">u8", func() []byte { return be2(be, 8, 1<<63, 3) }, []float64{1 << 63, 3}},
		{"|b1", func() []byte { return []byte{1, 0} }, []float64{1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.descr, func(t *testing.T) {
			for _, major := range []byte{1, 2, 3} {
				file := makeNpy(major, dictText(tt.descr, false, "(2,)"), tt.raw())
				a, err := Read(bytes.NewReader(file))
				if err != nil {
					t.Fatalf("v%d: %v", major, err)
				}
				if !reflect.DeepEqual(a.Data, tt.want) || !reflect.DeepEqual(a.Shape, []int{2}) {
					t.Errorf("v%d: got shape %v data %v, want [2] %v", major, a.Shape, a.Data, tt.want)
				}
			}
		})
	}
}

func u64(v int64) uint64 { return uint64(v) }

// be2 encodes two values of the given size in the given byte order.
func be2(o binary.ByteOrder, size int, a, b uint64) []byte {
	out := make([]byte, 2*size)
	for i, v := range []uint64{a, b} {
		switch size {
		case 2:
			o.PutUint16(out[i*size:], uint16(v))
		case 4:
			o.PutUint32(out[i*size:], uint32(v))
		case 8:
			o.PutUint64(out[i*size:], v)
		}
	}
	return out
}

func TestFortranOrder(t *testing.T) {
	tests := []struct {
		name  string
		shape string
		dims  []int
	}{
		{"2x3", "(2, 3)", []int{2, 3}},
		{"3x1x4", "(3, 1, 4)", []int{3, 1, 4}},
		{"2x3x4", "(2, 3, 4)", []int{2, 3, 4}},
		{"1x5", "(1, 5)", []int{1, 5}},
		{"5", "(5,)", []int{5}},
		{"0-d", "()", []int{}},
		{"empty", "(0, 3)", []int{0, 3}},
		{"python2 longs", "(2L, 3L)", []int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 1
			for _, d := range tt.dims {
				n *= d
			}
			// Element value encodes its C-order index; lay it out in Fortran order.
			raw := make([]byte, 8*n)
			fstride := make([]int, len(tt.dims))
			s := 1
			for i, d := range tt.dims {
				fstride[i] = s
				s *= d
			}
			for c := range n {
				// Decompose the C index.
				rem, off := c, 0
				for ax := len(tt.dims) - 1; ax >= 0; ax-- {
					off += (rem % tt.dims[ax]) * fstride[ax]
					rem /= tt.dims[ax]
				}
				binary.LittleEndian.PutUint64(raw[8*off:], math.Float64bits(float64(c)))
			}
			a, err := Read(bytes.NewReader(makeNpy(1, dictText("<f8", true, tt.shape), raw)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a.Shape, tt.dims) {
				t.Errorf("shape %v, want %v", a.Shape, tt.dims)
			}
			for i, v := range a.Data {
				if v != float64(i) {
					t.Fatalf("Data = %v, want 0, 1, 2, ...", a.Data)
				}
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	f8 := func(n int) []byte { return make([]byte, 8*n) }
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "not a .npy file: empty input"},
		{"bad magic", []byte("PK\x03\x04rest of a zip"), `not a .npy file: magic bytes "PK\x03\x04re", want \x93NUMPY`},
		{"short magic", []byte("\x93NUM"), `magic bytes "\x93NUM", want \x93NUMPY`},
		{"no version", []byte("\x93NUMPY\x01"), "truncated: file ends inside the format version"},
		{"bad version", []byte("\x93NUMPY\x04\x00\x00\x00"), "unsupported .npy format version 4.0, want 1.0, 2.0 or 3.0"},
		{"bad minor", []byte("\x93NUMPY\x01\x01\x00\x00"), "unsupported .npy format version 1.1"},
		{"no header length", []byte("\x93NUMPY\x02\x00\x10"), "truncated: file ends inside the header length"},
		{"short header", []byte("\x93NUMPY\x01\x00\x40\x00{'descr'"), "truncated: header length is 64 bytes, file holds 8 bytes after the preamble"},
		{"huge header", []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff"), "header length 4294967295 bytes is more than the limit"},
		{"not a dict", makeNpy(1, "[1, 2, 3]\n", nil), "header is not a dict"},
		{"garbage", makeNpy(1, "{'descr': <f8}\n", nil), "want a Python literal"},
		{"trailing", makeNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': ()} x\n", f8(1)), "trailing text"},
		{"missing key", makeNpy(1, "{'descr': '<f8', 'shape': (2,)}\n", f8(2)), `no "fortran_order" key`},
		{"complex", makeNpy(1, dictText("<c16", false, "(1,)"), make([]byte, 16)), "unsupported dtype '<c16' (complex numbers)"},
		{"unicode", makeNpy(1, dictText("<U5", false, "(1,)"), nil), "unsupported dtype '<U5' (strings)"},
		{"object", makeNpy(1, dictText("|O", false, "(1,)"), nil), "unsupported dtype '|O'"},
		{"structured", makeNpy(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}\n", f8(1)), "unsupported dtype [('a', '<f8')]: structured"},
		{"f16", makeNpy(1, dictText("<f16", false, "(1,)"), nil), "unsupported dtype '<f16'"},
		{"|f8", makeNpy(1, dictText("|f8", false, "(1,)"), f8(1)), "unsupported dtype '|f8'"},
		{"fortran not bool", makeNpy(1, "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}\n", f8(1)), "'fortran_order' is 0, want True or False"},
		{"shape list", makeNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': [1]}\n", f8(1)), "'shape' is [1], want a tuple"},
		{"shape int", makeNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1)}\n", f8(1)), "'shape' is 1, want a tuple"},
		{"negative", makeNpy(1, dictText("<f8", false, "(-1,)"), nil), "'shape' is (-1,), want a tuple of non-negative integers"},
		{"big int", makeNpy(1, dictText("<f8", false, "(99999999999999999999,)"), nil), "bad integer"},
		{"too many", makeNpy(1, dictText("<f8", false, "(65536, 65536)"), nil), "more than 2147483648 elements"},
		{"overflow", makeNpy(1, dictText("<f8", false, "(2147483648, 2147483648, 2147483648)"), nil), "more than 2147483648 elements"},
		{"axis too long", makeNpy(1, dictText("<f8", false, "(0, 4294967296)"), nil), "more than the limit"},
		{"deep", makeNpy(1, "{'a': "+strings.Repeat("(", 100)+"\n", nil), "nesting deeper than"},
		{"truncated", makeNpy(1, dictText("<f8", false, "(500, 784)"), make([]byte, 1234)),
			"npy: truncated: header says shape (500, 784) = 392000 float64 values (3136000 bytes), file holds 1234 bytes of data"},
		{"truncated f4", makeNpy(3, dictText("<f4", false, "(3,)"), make([]byte, 11)),
			"truncated: header says shape (3,) = 3 float32 values (12 bytes), file holds 11 bytes of data"},
		{"truncated 0-d", makeNpy(1, dictText("<i2", false, "()"), nil), "shape () = 1 int16 values (2 bytes), file holds 0 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(tt.file), hideLen{bytes.NewReader(tt.file)}} {
				a, err := Read(r)
				if err == nil {
					t.Fatalf("Read(%T) = %v, want error containing %q", r, a, tt.want)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("Read(%T) error\n%v\nwant it to contain\n%s", r, err, tt.want)
				}
			}
		})
	}
}

// TestTruncatedHugeFailsFast checks that a header declaring 1<<31 float64
// values with a tiny body fails without a large allocation, whether or not
// the input length is known.
func TestTruncatedHugeFailsFast(t *testing.T) {
	file := makeNpy(1, dictText("<f8", false, "(2147483648,)"), make([]byte, 100))
	for _, r := range []func() io.Reader{
		func() io.Reader { return bytes.NewReader(file) },
		func() io.Reader { return hideLen{bytes.NewReader(file)} },
	} {
		var err error
		n := allocBytes(func() { _, err = Read(r()) })
		if err == nil || !strings.Contains(err.Error(), "file holds 100 bytes of data") {
			t.Errorf("Read(%T) error %v", r(), err)
		}
		if n > 1<<20 {
			t.Errorf("Read(%T) allocated %d bytes, want < 1 MiB", r(), n)
		}
	}
}

// allocBytes returns the number of heap bytes allocated while running f.
func allocBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "W_0.npy")
	if err := WriteFile(path, []int{2, 2}, []float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []int{3}, []float64{5, 6, 7}); err != nil { // overwrite
		t.Fatal(err)
	}
	a, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, &Array{Shape: []int{3}, Data: []float64{5, 6, 7}}) {
		t.Errorf("got %+v", a)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	// A failed write leaves the old file alone and no temporary files.
	if err := WriteFile(path, []int{5}, []float64{1}); err == nil || !strings.Contains(err.Error(), "write "+path+": shape (5,) holds 5 values, data has 1") {
		t.Errorf("mismatched WriteFile error: %v", err)
	}
	ipath := filepath.Join(dir, "labels.npy")
	if err := WriteInt64File(ipath, []int{2}, []int64{7, -7}); err != nil {
		t.Fatal(err)
	}
	if a, err := ReadFile(ipath); err != nil || !reflect.DeepEqual(a.Data, []float64{7, -7}) {
		t.Errorf("ReadFile(labels) = %v, %v", a, err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{"W_0.npy", "labels.npy"}) {
		t.Errorf("directory holds %v, want only W_0.npy and labels.npy", names)
	}
	if a, err := ReadFile(path); err != nil || a.Len() != 3 {
		t.Errorf("file changed by failed write: %v %v", a, err)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	trunc := filepath.Join(dir, "W_0.npy")
	if err := os.WriteFile(trunc, makeNpy(1, dictText("<f8", false, "(500, 784)"), make([]byte, 1234)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.npy"), "read " + filepath.Join(dir, "nope.npy") + ": no such file or directory"},
		{"directory", dir, "read " + dir + ": is a directory, want a .npy file"},
		{"truncated", trunc, "read " + trunc + ": truncated: header says shape (500, 784) = 392000 float64 values (3136000 bytes), file holds 1234 bytes of data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFile(tt.path)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(dir, "nope.npy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file error %v does not wrap os.ErrNotExist", err)
	}
	// An *os.File passed to Read reports its size, so truncation is found before reading.
	f, err := os.Open(trunc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if st, _ := f.Stat(); remaining(f) != st.Size() {
		t.Errorf("remaining(file) = %d, want %d", remaining(f), st.Size())
	}
	if _, err := Read(f); err == nil || !strings.Contains(err.Error(), "file holds 1234 bytes") {
		t.Errorf("Read(*os.File) error %v", err)
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "dir.npy"), []int{1}, []float64{1}); err == nil ||
		!strings.Contains(err.Error(), "write "+filepath.Join(dir, "no", "such", "dir.npy")) {
		t.Errorf("WriteFile into a missing directory: %v", err)
	}
}

func TestHalf(t *testing.T) {
	tests := []struct {
		h    uint16
		want float64
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xbc00, -1}, {0x7bff, 65504}, {0x0400, math.Ldexp(1, -14)},
		{0x0001, math.Ldexp(1, -24)}, {0x7c00, math.Inf(1)}, {0xfc00, math.Inf(-1)},
	}
	for _, tt := range tests {
		if got := halfToFloat64(tt.h); got != tt.want {
			t.Errorf("halfToFloat64(%#04x) = %v, want %v", tt.h, got, tt.want)
		}
	}
	if !math.IsNaN(halfToFloat64(0x7e00)) {
		t.Error("0x7e00 is not NaN")
	}
}

func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	if err := Write(&buf, []int{500, 784}, make([]float64, 500*784)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	data := make([]float64, 500*784)
	b.SetBytes(8 * int64(len(data)))
	for b.Loop() {
		if err := Write(io.Discard, []int{500, 784}, data); err != nil {
			b.Fatal(err)
		}
	}
}
