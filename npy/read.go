package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dendrite-lab/dendrite/internal/iox"
)

// Array is a numeric n-d array read from a .npy file, converted to float64,
// C (row-major) order.
type Array struct {
	// Shape is the array's shape; it is empty (not nil) for a 0-d array.
	Shape []int
	// Data holds Len() values in C (row-major) order.
	Data []float64
}

// Len returns the number of elements, the product of Shape (1 for a 0-d array).
func (a *Array) Len() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// magic is the first six bytes of every .npy file.
const magic = "\x93NUMPY"

// maxHeaderLen bounds the header dict text; numpy itself refuses headers
// longer than 10000 bytes by default.
const maxHeaderLen = 1 << 20

// chunkBytes is the size of the pieces in which data of unknown-length
// inputs is read, so that a short input fails before a large allocation.
const chunkBytes = 1 << 16

// Read reads a .npy file (format version 1.0, 2.0 or 3.0) from r.
//
// Supported dtypes are f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1 and b1 in
// either byte order; values are converted to float64. Fortran-ordered data is
// rearranged into C order. A 0-d array has an empty Shape and one value.
//
// When r reports its remaining length (as *bytes.Reader, *strings.Reader,
// *bytes.Buffer and regular *os.File do), a truncated file is detected before
// the data is read; otherwise data is read in chunks so a short input fails
// fast. Bytes after the data are ignored.
func Read(r io.Reader) (*Array, error) {
	a, err := read(r, remaining(r), nil)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	return a, nil
}

// ReadFile reads the .npy file at path. Errors name the file, as in
// "read W_0.npy: ...".
func ReadFile(path string) (*Array, error) {
	return ReadFileShape(path)
}

// ReadFileShape reads the .npy file at path as ReadFile does, but first
// checks the shape its header declares against the shapes wanted (any one
// of them; none means any shape), so that a file of the wrong size is
// refused before its data is read or allocated. Special files (FIFOs,
// devices, directories) are refused without opening them.
func ReadFileShape(path string, want ...[]int) (*Array, error) {
	a, err := readFile(path, want)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return a, nil
}

func readFile(path string, want [][]int) (*Array, error) {
	f, st, err := iox.OpenRegular(path, "a .npy file")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var check func(*header) error
	if len(want) > 0 {
		check = func(h *header) error {
			for _, w := range want {
				if slices.Equal(h.shape, w) {
					return nil
				}
			}
			ws := make([]string, len(want))
			for i, w := range want {
				ws[i] = formatShape(w)
			}
			return fmt.Errorf("header says shape %s, want %s", formatShape(h.shape), strings.Join(ws, " or "))
		}
	}
	return read(bufio.NewReaderSize(f, chunkBytes), st.Size(), check)
}

func remaining(r io.Reader) int64 { return iox.Remaining(r) }

// read parses a .npy stream; remain is the number of bytes available in r,
// or -1 if unknown.
func read(r io.Reader, remain int64, check func(*header) error) (*Array, error) {
	var pre [12]byte
	n, err := io.ReadFull(r, pre[:8])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if n < 6 || string(pre[:6]) != magic {
		if n == 0 {
			return nil, fmt.Errorf("not a .npy file: empty input, want magic bytes \\x93NUMPY")
		}
		return nil, fmt.Errorf("not a .npy file: magic bytes %q, want \\x93NUMPY", pre[:min(n, 6)])
	}
	if n < 8 {
		return nil, fmt.Errorf("truncated: file ends inside the format version")
	}
	major, minor := pre[6], pre[7]
	var lenBytes int
	switch {
	case major == 1 && minor == 0:
		lenBytes = 2
	case (major == 2 || major == 3) && minor == 0:
		lenBytes = 4
	default:
		return nil, fmt.Errorf("unsupported .npy format version %d.%d, want 1.0, 2.0 or 3.0", major, minor)
	}
	if _, err := io.ReadFull(r, pre[8:8+lenBytes]); err != nil {
		return nil, truncErr(err, "truncated: file ends inside the header length")
	}
	var hlen int64
	if lenBytes == 2 {
		hlen = int64(binary.LittleEndian.Uint16(pre[8:]))
	} else {
		hlen = int64(binary.LittleEndian.Uint32(pre[8:]))
	}
	if hlen > maxHeaderLen {
		return nil, fmt.Errorf("header length %d bytes is more than the limit %d", hlen, maxHeaderLen)
	}
	if remain >= 0 && hlen > remain-int64(8+lenBytes) {
		return nil, fmt.Errorf("truncated: header length is %d bytes, file holds %d bytes after the preamble", hlen, remain-int64(8+lenBytes))
	}
	var hbuf bytes.Buffer
	if got, err := io.CopyN(&hbuf, r, hlen); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("truncated: header length is %d bytes, file holds %d bytes after the preamble", hlen, got)
		}
		return nil, err
	}
	h, err := parseHeader(hbuf.String())
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(h); err != nil {
			return nil, err
		}
	}
	if remain >= 0 {
		remain -= int64(8+lenBytes) + hlen
	}
	data, err := readData(r, h, remain)
	if err != nil {
		return nil, err
	}
	if h.fortran && len(h.shape) > 1 {
		data = fortranToC(data, h.shape)
	}
	return &Array{Shape: h.shape, Data: data}, nil
}

// truncErr turns an EOF from io.ReadFull into msg.
func truncErr(err error, msg string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New(msg)
	}
	return err
}

// readData reads h.count elements of h.dt. remain is the number of bytes
// left in r, or -1 if unknown.
func readData(r io.Reader, h *header, remain int64) ([]float64, error) {
	size := h.dt.size
	want := int64(h.count) * int64(size)
	truncated := func(got int64) error {
		return fmt.Errorf("truncated: header says shape %s = %d %s values (%d bytes), file holds %d bytes of data",
			formatShape(h.shape), h.count, h.dt.name(), want, got)
	}
	if remain >= 0 && remain < want {
		return nil, truncated(remain)
	}
	var data []float64
	if remain >= 0 {
		data = make([]float64, 0, h.count) // the input is known to be large enough
	} else {
		data = make([]float64, 0, min(h.count, chunkBytes/size))
	}
	buf := make([]byte, min(want, chunkBytes))
	var got int64
	for got < want {
		b := buf[:min(want-got, int64(len(buf)))]
		n, err := io.ReadFull(r, b)
		got += int64(n)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, truncated(got)
			}
			return nil, err
		}
		k := len(data)
		data = slices.Grow(data, n/size)[:k+n/size]
		h.dt.decode(data[k:], b)
	}
	return data, nil
}

// fortranToC rearranges data stored in Fortran (column-major) order for the
// given shape into C (row-major) order.
func fortranToC(src []float64, shape []int) []float64 {
	dst := make([]float64, len(src))
	if len(src) == 0 {
		return dst
	}
	// Axes of length 1 do not affect the layout; dropping them keeps the
	// odometer below short (at most 31 axes of length >= 2 fit MaxElements).
	var squeezed []int
	for _, d := range shape {
		if d > 1 {
			squeezed = append(squeezed, d)
		}
	}
	shape = squeezed
	if len(shape) <= 1 {
		copy(dst, src)
		return dst
	}
	nd := len(shape)
	// Fortran strides: the first axis varies fastest.
	stride := make([]int, nd)
	s := 1
	for i := range nd {
		stride[i] = s
		s *= shape[i]
	}
	idx := make([]int, nd)
	off := 0
	for i := range dst {
		dst[i] = src[off]
		// Advance the C-order odometer: the last axis varies fastest.
		for ax := nd - 1; ax >= 0; ax-- {
			idx[ax]++
			off += stride[ax]
			if idx[ax] < shape[ax] {
				break
			}
			off -= stride[ax] * shape[ax]
			idx[ax] = 0
		}
	}
	return dst
}
