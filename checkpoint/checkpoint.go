// Package checkpoint is a small, self-checking container for the complete
// state of a run: named sections of float64s, int64s or bytes, followed by a
// CRC-32 of everything before it. Files are written atomically (temp file,
// fsync, rename), so a process killed at any moment leaves either the previous
// checkpoint or the new one, never a torn file; and the reader verifies the
// checksum and every length against the file size before it allocates, so a
// corrupt or hostile file gives an error, not a panic or a huge allocation.
//
// Layout (little-endian): magic "DNDRCKPT", uint32 version, uint32 section
// count, then per section: uint16 name length, name, uint8 kind, uint64 element
// count, payload; finally uint32 CRC-32 (IEEE) of all preceding bytes.
package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/dendrite-lab/dendrite/internal/atomic"
	"github.com/dendrite-lab/dendrite/internal/iox"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
)

const (
	magic   = "DNDRCKPT"
	version = 1

	kindF64   = 1
	kindI64   = 2
	kindBytes = 3

	// MaxSize bounds what Read accepts (1 GiB).
	MaxSize = 1 << 30
)

// Writer accumulates sections in memory.
type Writer struct {
	buf   bytes.Buffer
	n     uint32
	names map[string]bool
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer { return &Writer{names: map[string]bool{}} }

func (w *Writer) head(name string, kind byte, n int) {
	if w.names[name] {
		panic("checkpoint: duplicate section " + name)
	}
	w.names[name] = true
	w.n++
	var b [8]byte
	binary.LittleEndian.PutUint16(b[:2], uint16(len(name)))
	w.buf.Write(b[:2])
	w.buf.WriteString(name)
	w.buf.WriteByte(kind)
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	w.buf.Write(b[:])
}

// Float64s adds a section of float64 values.
func (w *Writer) Float64s(name string, v []float64) {
	w.head(name, kindF64, len(v))
	var b [8]byte
	for _, x := range v {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		w.buf.Write(b[:])
	}
}

// Int64s adds a section of int64 values.
func (w *Writer) Int64s(name string, v []int64) {
	w.head(name, kindI64, len(v))
	var b [8]byte
	for _, x := range v {
		binary.LittleEndian.PutUint64(b[:], uint64(x))
		w.buf.Write(b[:])
	}
}

// Int adds a single int64.
func (w *Writer) Int(name string, v int64) { w.Int64s(name, []int64{v}) }

// Bytes adds a section of raw bytes.
func (w *Writer) Bytes(name string, v []byte) {
	w.head(name, kindBytes, len(v))
	w.buf.Write(v)
}

// WriteTo writes the container to dst.
func (w *Writer) WriteTo(dst io.Writer) (int64, error) {
	var out bytes.Buffer
	out.WriteString(magic)
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], version)
	out.Write(b[:])
	binary.LittleEndian.PutUint32(b[:], w.n)
	out.Write(b[:])
	out.Write(w.buf.Bytes())
	binary.LittleEndian.PutUint32(b[:], crc32.ChecksumIEEE(out.Bytes()))
	out.Write(b[:])
	return out.WriteTo(dst)
}

// WriteFile writes the container to path atomically.
func (w *Writer) WriteFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	err := atomic.WriteFile(path, func(dst io.Writer) error {
		_, err := w.WriteTo(dst)
		return err
	})
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

type section struct {
	kind byte
	n    int
	data []byte
}

// Reader gives access to the sections of a verified container.
type Reader struct {
	name     string
	sections map[string]section
}

// ErrCorrupt is wrapped by every error about a malformed container.
var ErrCorrupt = errors.New("corrupt checkpoint")

// Read parses and verifies a container held in b. name is used in errors.
func Read(b []byte, name string) (*Reader, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: %w: %s", name, ErrCorrupt, fmt.Sprintf(format, a...))
	}
	if len(b) < len(magic)+12 {
		return nil, bad("%d bytes is too short for a checkpoint", len(b))
	}
	if string(b[:len(magic)]) != magic {
		return nil, bad("wrong magic %q, want %q", b[:len(magic)], magic)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, bad("checksum mismatch (the file was truncated or altered)")
	}
	if v := binary.LittleEndian.Uint32(b[8:12]); v != version {
		return nil, bad("version %d, this program reads version %d", v, version)
	}
	count := binary.LittleEndian.Uint32(b[12:16])
	p := body[16:]
	r := &Reader{name: name, sections: map[string]section{}}
	for i := uint32(0); i < count; i++ {
		if len(p) < 2 {
			return nil, bad("section %d: truncated header", i)
		}
		nl := int(binary.LittleEndian.Uint16(p))
		p = p[2:]
		if len(p) < nl+9 {
			return nil, bad("section %d: truncated header", i)
		}
		nm := string(p[:nl])
		kind := p[nl]
		n := binary.LittleEndian.Uint64(p[nl+1:])
		p = p[nl+9:]
		size := uint64(8)
		switch kind {
		case kindF64, kindI64:
		case kindBytes:
			size = 1
		default:
			return nil, bad("section %q: unknown kind %d", nm, kind)
		}
		if n > uint64(len(p))/size {
			return nil, bad("section %q claims %d elements, only %d bytes remain", nm, n, len(p))
		}
		nb := int(n * size)
		if _, dup := r.sections[nm]; dup {
			return nil, bad("duplicate section %q", nm)
		}
		r.sections[nm] = section{kind: kind, n: int(n), data: p[:nb]}
		p = p[nb:]
	}
	if len(p) != 0 {
		return nil, bad("%d unexpected bytes after the last section", len(p))
	}
	return r, nil
}

// ReadFile reads and verifies the container at path.
func ReadFile(path string) (*Reader, error) {
	// Special files are refused before opening: a FIFO would block.
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("checkpoint: %s is a directory, want a checkpoint file", path)
	}
	f, st, err := iox.OpenRegular(path, "a checkpoint file")
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %s: %w", path, err)
	}
	defer f.Close()
	if st.Size() > MaxSize {
		return nil, fmt.Errorf("checkpoint: %s is %d bytes, more than the %d this program reads", path, st.Size(), MaxSize)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: read %s: %w", path, err)
	}
	return Read(b, path)
}

func (r *Reader) get(name string, kind byte, want int) (section, error) {
	s, ok := r.sections[name]
	if !ok {
		return s, fmt.Errorf("%s: %w: section %q missing", r.name, ErrCorrupt, name)
	}
	if s.kind != kind {
		return s, fmt.Errorf("%s: %w: section %q has kind %d, want %d", r.name, ErrCorrupt, name, s.kind, kind)
	}
	if want >= 0 && s.n != want {
		return s, fmt.Errorf("%s: %w: section %q has %d elements, want %d", r.name, ErrCorrupt, name, s.n, want)
	}
	return s, nil
}

// Name is the file name (or the name given to Read) that errors start with.
func (r *Reader) Name() string { return r.name }

// Has reports whether a section exists.
func (r *Reader) Has(name string) bool { _, ok := r.sections[name]; return ok }

// Float64s returns a float64 section; want ≥ 0 requires that many elements.
func (r *Reader) Float64s(name string, want int) ([]float64, error) {
	s, err := r.get(name, kindF64, want)
	if err != nil {
		return nil, err
	}
	v := make([]float64, s.n)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(s.data[8*i:]))
	}
	return v, nil
}

// Int64s returns an int64 section; want ≥ 0 requires that many elements.
func (r *Reader) Int64s(name string, want int) ([]int64, error) {
	s, err := r.get(name, kindI64, want)
	if err != nil {
		return nil, err
	}
	v := make([]int64, s.n)
	for i := range v {
		v[i] = int64(binary.LittleEndian.Uint64(s.data[8*i:]))
	}
	return v, nil
}

// Int returns a single-int64 section.
func (r *Reader) Int(name string) (int64, error) {
	v, err := r.Int64s(name, 1)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// Bytes returns a byte section (a copy).
func (r *Reader) Bytes(name string) ([]byte, error) {
	s, err := r.get(name, kindBytes, -1)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), s.data...), nil
}

// ErrVersion is wrapped by the error of a part whose state format differs
// from the one this build writes.
var ErrVersion = errors.New("checkpoint from another build")

// PartVersion writes the format version of a part's state (a part, e.g.
// "sim" or "net", names its sections part/...). The part's owner bumps it
// whenever its sections change.
func (w *Writer) PartVersion(part string, v int64) { w.Int(part+"/version", v) }

// CheckPartVersion returns an error wrapping ErrVersion unless the part was
// written with format version want (a checkpoint whose part has no version
// comes from a build before parts had versions).
func (r *Reader) CheckPartVersion(part string, want int64) error {
	if !r.Has(part + "/version") {
		return fmt.Errorf("%s: %w: its %s state is in the format of an older build (before versioned parts); resume with that build or start the run again", r.name, ErrVersion, part)
	}
	v, err := r.Int(part + "/version")
	if err != nil {
		return err
	}
	if v != want {
		return fmt.Errorf("%s: %w: its %s state has format version %d, this build reads version %d; resume with the build that wrote it or start the run again", r.name, ErrVersion, part, v, want)
	}
	return nil
}
