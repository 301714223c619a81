//go:build unix

package npy

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rawNpy builds a version 1.0 file from a header dict and data bytes.
func rawNpy(dict string, data []byte) []byte {
	h := dict
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = append(b, byte(len(h)), byte(len(h)>>8))
	b = append(b, h...)
	return append(b, data...)
}

// A header whose shape is not the one wanted is refused from the header:
// the message is about the shape, not about missing data, although the file
// holds none of the 8 GB its header claims.
func TestReadFileShapeBeforeData(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "W_0.npy")
	os.WriteFile(p, rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000), }", nil), 0o644)
	_, err := ReadFileShape(p, []int{500, 784})
	if err == nil || !strings.Contains(err.Error(), "header says shape (1000000, 1000), want (500, 784)") || !strings.Contains(err.Error(), "W_0.npy") {
		t.Fatalf("err = %v", err)
	}
	// Without a wanted shape the same file is refused as truncated.
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("ReadFile: %v", err)
	}
	// Any of several shapes is accepted.
	q := filepath.Join(dir, "b.npy")
	os.WriteFile(q, rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }", make([]byte, 16)), 0o644)
	a, err := ReadFileShape(q, []int{2}, []int{2, 1})
	if err != nil || len(a.Data) != 2 {
		t.Fatalf("ReadFileShape((2,1)) = %v, %v", a, err)
	}
	if _, err := ReadFileShape(q, []int{2}); err == nil || !strings.Contains(err.Error(), "want (2,)") {
		t.Fatalf("want (2,): %v", err)
	}
}

// Special files are refused without blocking or reading forever.
func TestReadFileSpecial(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "W_0.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("FIFO: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadFile blocked on a FIFO")
	}
	if _, err := ReadFile("/dev/zero"); err == nil || !strings.Contains(err.Error(), "device") {
		t.Errorf("/dev/zero: %v", err)
	}
	if _, err := ReadFile(dir); err == nil || !strings.Contains(err.Error(), "is a directory, want a .npy file") {
		t.Errorf("directory: %v", err)
	}
}
