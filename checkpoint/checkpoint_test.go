package checkpoint

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sample() *Writer {
	w := NewWriter()
	w.Float64s("f", []float64{1, -2.5, math.Inf(1), math.Copysign(0, -1)})
	w.Int64s("i", []int64{-1, 1 << 60})
	w.Int("one", 42)
	w.Bytes("b", []byte("hello"))
	w.Float64s("empty", nil)
	return w
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.ckpt")
	if err := sample().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	r, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := r.Float64s("f", 4)
	if err != nil || f[1] != -2.5 || !math.IsInf(f[2], 1) || !math.Signbit(f[3]) {
		t.Fatalf("f = %v, %v", f, err)
	}
	i, _ := r.Int64s("i", -1)
	if i[0] != -1 || i[1] != 1<<60 {
		t.Fatalf("i = %v", i)
	}
	if v, _ := r.Int("one"); v != 42 {
		t.Fatalf("one = %d", v)
	}
	if b, _ := r.Bytes("b"); string(b) != "hello" {
		t.Fatalf("b = %q", b)
	}
	if e, err := r.Float64s("empty", 0); err != nil || len(e) != 0 {
		t.Fatal(e, err)
	}
	if _, err := r.Float64s("f", 3); err == nil {
		t.Error("want a length error")
	}
	if _, err := r.Float64s("missing", -1); err == nil || !errors.Is(err, ErrCorrupt) {
		t.Errorf("missing section: %v", err)
	}
	if _, err := r.Int64s("f", -1); err == nil {
		t.Error("want a kind error")
	}
	// no temp files left behind
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries, want only the checkpoint", len(ents))
	}
}

// Every truncation and every single-byte change is detected.
func TestCorruptionDetected(t *testing.T) {
	var buf bytes.Buffer
	sample().WriteTo(&buf)
	b := buf.Bytes()
	for n := 0; n < len(b); n++ {
		if _, err := Read(b[:n], "x"); err == nil {
			t.Fatalf("truncated to %d bytes: no error", n)
		}
	}
	for i := range b {
		c := append([]byte(nil), b...)
		c[i] ^= 0x40
		if _, err := Read(c, "x"); err == nil {
			t.Fatalf("byte %d flipped: no error", i)
		}
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadFile(filepath.Join(dir, "nope")); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := ReadFile(dir); err == nil {
		t.Error("directory: no error")
	}
}

func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	sample().WriteTo(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Read(b, "fuzz")
		if err != nil {
			return
		}
		for name, s := range r.sections {
			switch s.kind {
			case kindF64:
				r.Float64s(name, -1)
			case kindI64:
				r.Int64s(name, -1)
			case kindBytes:
				r.Bytes(name)
			}
		}
	})
}

func TestPartVersion(t *testing.T) {
	w := NewWriter()
	w.PartVersion("sim", 2)
	w.Int("net/x", 1)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := Read(buf.Bytes(), "state.ckpt")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CheckPartVersion("sim", 2); err != nil {
		t.Fatalf("same version: %v", err)
	}
	err = r.CheckPartVersion("sim", 3)
	if !errors.Is(err, ErrVersion) || !strings.Contains(err.Error(), "state.ckpt") || !strings.Contains(err.Error(), "version 2") {
		t.Fatalf("other version: %v", err)
	}
	err = r.CheckPartVersion("net", 1)
	if !errors.Is(err, ErrVersion) || !strings.Contains(err.Error(), "older build") {
		t.Fatalf("unversioned part: %v", err)
	}
}
