package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/dendrite-lab/dendrite/internal/iox"
)

// Limits on what an IDX header may declare. Larger values are refused before
// anything is allocated.
const (
	// MaxItems is the largest number of images or labels accepted.
	MaxItems = 10_000_000
	// MaxSide is the largest number of rows or columns of an image.
	MaxSide = 4096
	// MaxImageBytes is the largest total size of the pixel data, N*Rows*Cols
	// (1 GiB: MNIST's training set is 47 MB, EMNIST's largest 640 MB). It
	// also bounds what a small gzip file that inflates hugely can cost.
	MaxImageBytes = 1 << 30
)

// Shape is what a caller expects an IDX file to hold; a zero field means
// any value. The header is checked against it before any data is read.
type Shape struct {
	// N is the number of images or labels.
	N int
	// Rows and Cols are the image height and width (images only).
	Rows, Cols int
}

// ShapeError reports an image file whose header does not describe the
// images the caller wants; it is returned before any data is read.
type ShapeError struct {
	Name      string // the file
	Got, Want Shape
}

func (e *ShapeError) Error() string {
	return fmt.Sprintf("%s: header says %d images of %dx%d, want %s", e.Name, e.Got.N, e.Got.Rows, e.Got.Cols, e.Want)
}

// String describes a wanted shape ("60000 images of 28x28", "images of any size").
func (s Shape) String() string {
	n, size := "images", "any size"
	if s.N > 0 {
		n = fmt.Sprintf("%d images", s.N)
	}
	if s.Rows > 0 || s.Cols > 0 {
		size = fmt.Sprintf("%dx%d", s.Rows, s.Cols)
	}
	return n + " of " + size
}

// preallocMax is the most a gzip-compressed file's buffer is allocated
// before its data arrives: beyond it the buffer grows with the data, so a
// header that lies costs no more than the data that really inflates.
const preallocMax = 64 << 20

// IDX magic numbers: two zero bytes, the element type (0x08, unsigned byte)
// and the number of dimensions.
const (
	// ImagesMagic is the magic number of an IDX3 unsigned-byte image file.
	ImagesMagic = 0x00000803
	// LabelsMagic is the magic number of an IDX1 unsigned-byte label file.
	LabelsMagic = 0x00000801
)

// chunk is the step by which buffers for inputs of unknown length grow, so
// that a short input fails before memory for the declared size is allocated.
const chunk = 1 << 20

// maxDeflateRatio is the largest expansion factor of a deflate stream.
const maxDeflateRatio = 1032

// ReadImages reads an IDX3 unsigned-byte image file (magic 0x00000803) from
// r, decompressing it first if it starts with the gzip magic bytes 1f 8b.
// It returns the n images of rows x cols pixels, row-major, one after the
// other. name is used in error messages, which all start with it.
func ReadImages(r io.Reader, name string) (images []uint8, n, rows, cols int, err error) {
	dims, data, err := readIDX(r, name, remaining(r), ImagesMagic, Shape{})
	if err != nil {
		return nil, 0, 0, 0, err
	}
	return data, dims[0], dims[1], dims[2], nil
}

// ReadLabels reads an IDX1 unsigned-byte label file (magic 0x00000801) from
// r, decompressing it first if it starts with the gzip magic bytes 1f 8b.
// Label values are not checked. name is used in error messages, which all
// start with it.
func ReadLabels(r io.Reader, name string) (labels []uint8, err error) {
	_, data, err := readIDX(r, name, remaining(r), LabelsMagic, Shape{})
	return data, err
}

// ReadImagesFile reads the IDX3 image file at path, as ReadImages does.
func ReadImagesFile(path string) (images []uint8, n, rows, cols int, err error) {
	return ReadImagesFileShape(path, Shape{})
}

// ReadImagesFileShape reads the IDX3 image file at path, refusing it from
// its header, before any data is read or decompressed, unless it holds the
// images want describes.
func ReadImagesFileShape(path string, want Shape) (images []uint8, n, rows, cols int, err error) {
	var dims []int
	err = withFile(path, "an IDX3 image file", func(r io.Reader, remain int64) error {
		dims, images, err = readIDX(r, path, remain, ImagesMagic, want)
		return err
	})
	if err != nil {
		return nil, 0, 0, 0, err
	}
	return images, dims[0], dims[1], dims[2], nil
}

// ReadLabelsFile reads the IDX1 label file at path, as ReadLabels does.
func ReadLabelsFile(path string) ([]uint8, error) {
	var labels []uint8
	err := withFile(path, "an IDX1 label file", func(r io.Reader, remain int64) (err error) {
		_, labels, err = readIDX(r, path, remain, LabelsMagic, Shape{})
		return err
	})
	return labels, err
}

// withFile opens path and calls read with it and its size.
func withFile(path, want string, read func(r io.Reader, remain int64) error) error {
	f, st, err := iox.OpenRegular(path, want)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	return read(f, st.Size())
}

func unwrapPathError(err error) error { return iox.UnwrapPathError(err) }

func remaining(r io.Reader) int64 { return iox.Remaining(r) }

// kindOf describes the file a magic number expects, for messages.
func kindOf(magic uint32) string {
	if magic == ImagesMagic {
		return "IDX3 unsigned-byte images"
	}
	return "IDX1 unsigned-byte labels"
}

// readIDX reads an IDX file with the given magic (ImagesMagic or
// LabelsMagic). remain is the number of bytes available in r, or -1.
func readIDX(r io.Reader, name string, remain int64, magic uint32, want Shape) (dims []int, data []byte, err error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	br := bufio.NewReaderSize(r, 1<<16)
	head, err := br.Peek(2)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return nil, nil, fail("empty file, want %s (magic 0x%08x)", kindOf(magic), magic)
	}
	var src io.Reader = br
	maxInflated := int64(-1)
	gz := len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b
	if gz {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, corrupt(name, err)
		}
		defer zr.Close()
		src = zr
		// Deflate expands at most 1032-fold, which bounds the decompressed
		// size by the compressed one when that is known.
		if remain >= 0 {
			maxInflated = remain * maxDeflateRatio
		}
		remain = -1
	}

	ndims := int(magic & 0xff)
	hlen := 4 + 4*ndims
	var hdr [16]byte
	got, err := io.ReadFull(src, hdr[:hlen])
	if err != nil {
		switch {
		case !isEOF(err) && gz:
			return nil, nil, corrupt(name, err)
		case !isEOF(err):
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		case got == 0:
			return nil, nil, fail("gzip stream holds no data, want %s (magic 0x%08x)", kindOf(magic), magic)
		case got < 4:
			return nil, nil, fail("truncated: file ends after %d bytes, inside the magic number (want 0x%08x, %s)", got, magic, kindOf(magic))
		}
	}
	if m := binary.BigEndian.Uint32(hdr[:]); m != magic {
		msg := fail("wrong magic 0x%08x, want 0x%08x (%s)", m, magic, kindOf(magic))
		switch {
		case m == ImagesMagic || m == LabelsMagic:
			msg = fmt.Errorf("%w; this looks like a file of %s", msg, kindOf(m))
		case m>>16 != 0 || m>>8&0xff != 0x08:
			msg = fmt.Errorf("%w; this is not an IDX unsigned-byte file", msg)
		}
		return nil, nil, msg
	}
	if err != nil {
		return nil, nil, fail("truncated: file ends inside the %d-byte header (got %d bytes)", hlen, got)
	}
	dims = make([]int, ndims)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(hdr[4+4*i:]))
	}

	var what string
	total := int64(dims[0])
	if magic == ImagesMagic {
		n, rows, cols := dims[0], dims[1], dims[2]
		what = fmt.Sprintf("%d images of %dx%d", n, rows, cols)
		if n > MaxItems {
			return nil, nil, fail("header says %d images, more than the limit %d", n, MaxItems)
		}
		if rows < 1 || rows > MaxSide || cols < 1 || cols > MaxSide {
			return nil, nil, fail("header says images of %dx%d, want rows and cols in 1..%d", rows, cols, MaxSide)
		}
		total = int64(n) * int64(rows) * int64(cols) // < 2^24 * 2^12 * 2^12: no overflow
		if total > MaxImageBytes {
			return nil, nil, fail("header says %s = %d bytes, more than the limit %d", what, total, int64(MaxImageBytes))
		}
	} else {
		what = fmt.Sprintf("%d labels", dims[0])
		if dims[0] > MaxItems {
			return nil, nil, fail("header says %d labels, more than the limit %d", dims[0], MaxItems)
		}
	}
	if magic == ImagesMagic {
		got := Shape{N: dims[0], Rows: dims[1], Cols: dims[2]}
		if (want.N > 0 && got.N != want.N) || (want.Rows > 0 && got.Rows != want.Rows) || (want.Cols > 0 && got.Cols != want.Cols) {
			return nil, nil, &ShapeError{Name: name, Got: got, Want: want}
		}
	}
	truncated := func(got int64) error {
		return fail("truncated: header says %s = %d bytes, got %d", what, total, got)
	}
	if remain >= 0 {
		remain -= int64(hlen)
		if remain < total {
			return nil, nil, truncated(remain)
		}
		if remain > total {
			return nil, nil, fail("header says %s = %d bytes, but the file holds %d bytes of data (%d too many)", what, total, remain, remain-total)
		}
	}
	// Allocate everything at once when the input is known to be large
	// enough (or, compressed, could be); otherwise grow as data arrives.
	// Compressed data is read through a reader limited to the declared
	// size, and its buffer allocated up front only when small.
	data, err = readAll(io.LimitReader(src, total), total, remain >= 0 || (total <= maxInflated && total <= preallocMax))
	if err != nil {
		if isEOF(err) {
			return nil, nil, truncated(int64(len(data)))
		}
		if gz {
			return nil, nil, corrupt(name, err)
		}
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	// Read on to the end: for gzip this verifies the checksum, and trailing
	// bytes mean the header does not describe the file.
	var extra [1]byte
	switch k, err := io.ReadFull(src, extra[:]); {
	case k > 0:
		return nil, nil, fail("header says %s = %d bytes, but more data follows", what, total)
	case err != nil && !isEOF(err):
		if gz {
			return nil, nil, corrupt(name, err)
		}
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return dims, data, nil
}

// readAll reads exactly total bytes. If sized, the buffer is allocated at
// once; otherwise it grows as data arrives. On error it returns the bytes
// read so far.
func readAll(r io.Reader, total int64, sized bool) ([]byte, error) {
	if sized {
		buf := make([]byte, total)
		n, err := io.ReadFull(r, buf)
		return buf[:n], err
	}
	buf := make([]byte, 0, min(total, chunk))
	for int64(len(buf)) < total {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(int64(cap(buf)), total-int64(len(buf)))))
		}
		n, err := r.Read(buf[len(buf):int(min(int64(cap(buf)), total))])
		buf = buf[:len(buf)+n]
		if err != nil {
			if int64(len(buf)) == total && err == io.EOF {
				break
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
	}
	return buf, nil
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// corrupt reports a damaged gzip stream.
func corrupt(name string, err error) error {
	return fmt.Errorf("%s: corrupt gzip stream: %w", name, err)
}
