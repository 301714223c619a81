//go:build unix

package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A 1 MB gzip file whose header claims 1,000,000 images of 28x28 (784 MB)
// but whose stream holds 1 MB of pixels costs memory in proportion to what
// really inflates, not to what the header says, although the compressed size
// alone would allow the claimed size.
func TestGzipHeaderLiesCostsLittle(t *testing.T) {
	pix := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range pix {
		pix[i] = byte(r.Uint32()) // incompressible, so the file stays large
	}
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.NoCompression)
	w.Write(idxImages(1_000_000, 28, 28, pix))
	w.Close()
	p := filepath.Join(t.TempDir(), "train-images-idx3-ubyte.gz")
	os.WriteFile(p, b.Bytes(), 0o644)
	var err error
	alloc := allocBytes(func() { _, _, _, _, err = ReadImagesFile(p) })
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v, want truncated", err)
	}
	if alloc > 16<<20 {
		t.Errorf("allocated %d bytes for 1 MB of data claiming 784 MB", alloc)
	}
}

// The image header is checked against the labels and the wanted size before
// the pixels are decompressed.
func TestReadImagesFileShape(t *testing.T) {
	p := filepath.Join(t.TempDir(), "i.gz")
	os.WriteFile(p, gz(idxImages(500_000, 28, 28, nil)), 0o644) // no pixels at all
	var err error
	alloc := allocBytes(func() { _, _, _, _, err = ReadImagesFileShape(p, Shape{N: 10, Rows: 28, Cols: 28}) })
	var se *ShapeError
	if !errors.As(err, &se) || se.Got.N != 500_000 || !strings.Contains(err.Error(), "want 10 images of 28x28") {
		t.Fatalf("err = %v", err)
	}
	if alloc > 1<<20 {
		t.Errorf("allocated %d bytes before refusing the header", alloc)
	}
	_, _, _, _, err = ReadImagesFileShape(p, Shape{Rows: 32, Cols: 32})
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "header says 500000 images of 28x28, want images of 32x32") {
		t.Fatalf("err = %v", err)
	}
}

// Special files are refused without blocking.
func TestReadIDXSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "t10k-labels-idx1-ubyte")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadLabelsFile(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") || !strings.Contains(err.Error(), fifo) {
			t.Errorf("FIFO: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadLabelsFile blocked on a FIFO")
	}
	if _, _, _, _, err := ReadImagesFile("/dev/zero"); err == nil || !strings.Contains(err.Error(), "device") {
		t.Errorf("/dev/zero: %v", err)
	}
}
