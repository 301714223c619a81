package npy

import (
	"encoding/binary"
	"fmt"
	"github.com/dendrite-lab/dendrite/internal/atomic"
	"io"
	"math"
	"strconv"
	"strings"
)

// Write writes data with the given shape to w as a version 1.0 .npy file
// with dtype '<f8' in C order. The header is padded with spaces and ends
// with '\n' so that the data starts at a multiple of 64 bytes. A nil or
// empty shape writes a 0-d array holding one value. len(data) must equal the
// product of shape.
func Write(w io.Writer, shape []int, data []float64) error {
	return prefix(writeFloat64(w, shape, data))
}

// WriteInt64 is like Write but writes dtype '<i8'.
func WriteInt64(w io.Writer, shape []int, data []int64) error {
	return prefix(writeInt64(w, shape, data))
}

func prefix(err error) error {
	if err != nil {
		return fmt.Errorf("npy: write: %w", err)
	}
	return nil
}

func writeFloat64(w io.Writer, shape []int, data []float64) error {
	if err := writeHeader(w, "<f8", shape, len(data)); err != nil {
		return err
	}
	return writeChunks(w, len(data), 8, func(dst []byte, i int) {
		binary.LittleEndian.PutUint64(dst, math.Float64bits(data[i]))
	})
}

func writeInt64(w io.Writer, shape []int, data []int64) error {
	if err := writeHeader(w, "<i8", shape, len(data)); err != nil {
		return err
	}
	return writeChunks(w, len(data), 8, func(dst []byte, i int) {
		binary.LittleEndian.PutUint64(dst, uint64(data[i]))
	})
}

// WriteFile writes data to path as Write does. The file is replaced
// atomically: the data goes to a temporary file in the same directory,
// which is synced and then renamed over path.
func WriteFile(path string, shape []int, data []float64) error {
	return writeFileAtomic(path, func(w io.Writer) error { return writeFloat64(w, shape, data) })
}

// WriteInt64File writes data to path as WriteInt64 does, atomically like
// WriteFile.
func WriteInt64File(path string, shape []int, data []int64) error {
	return writeFileAtomic(path, func(w io.Writer) error { return writeInt64(w, shape, data) })
}

// headerText builds the padded header text numpy.save would write.
func headerText(descr string, shape []int) string {
	var b strings.Builder
	b.WriteString("{'descr': '")
	b.WriteString(descr)
	b.WriteString("', 'fortran_order': False, 'shape': ")
	b.WriteString(formatShape(shape))
	b.WriteString(", }")
	// Like numpy >= 1.23, leave room for the first axis to grow in place.
	if len(shape) > 0 {
		if pad := 21 - len(strconv.Itoa(shape[0])); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
	}
	// magic (6) + version (2) + length (2) + text + '\n' is a multiple of 64.
	n := 10 + b.Len() + 1
	b.WriteString(strings.Repeat(" ", 64-n%64)) // numpy pads 64 (not 0) when already aligned
	b.WriteByte('\n')
	return b.String()
}

func writeHeader(w io.Writer, descr string, shape []int, n int) error {
	count, err := checkedLen(shape)
	if err != nil {
		return err
	}
	if count != n {
		return fmt.Errorf("shape %s holds %d values, data has %d", formatShape(shape), count, n)
	}
	text := headerText(descr, shape)
	if len(text) > math.MaxUint16 {
		return fmt.Errorf("header of %d bytes does not fit a version 1.0 file (shape has %d axes)", len(text), len(shape))
	}
	buf := make([]byte, 10, 10+len(text))
	copy(buf, magic)
	buf[6], buf[7] = 1, 0
	binary.LittleEndian.PutUint16(buf[8:], uint16(len(text)))
	buf = append(buf, text...)
	_, err = w.Write(buf)
	return err
}

// writeChunks encodes n elements of size bytes each through put, writing
// them to w in chunks.
func writeChunks(w io.Writer, n, size int, put func(dst []byte, i int)) error {
	buf := make([]byte, min(n*size, chunkBytes))
	per := len(buf) / max(size, 1)
	for i := 0; i < n; i += per {
		k := min(per, n-i)
		for j := range k {
			put(buf[j*size:], i+j)
		}
		if _, err := w.Write(buf[:k*size]); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic writes path through a synced temporary file and rename.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	return atomic.WriteFile(path, write)
}
