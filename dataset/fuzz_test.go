package dataset

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var genCorpus = flag.Bool("gen-corpus", false, "rewrite the seed corpus in testdata/fuzz")

// imageSeeds and labelSeeds are tiny fixtures for the fuzz targets; they are
// also stored in testdata/fuzz (see TestFuzzCorpus).
func imageSeeds() [][]byte {
	return [][]byte{
		idxImages(2, 3, 2, ramp(12)),
		gz(idxImages(2, 3, 2, ramp(12))),
		idxImages(0, 28, 28, nil),
		idxImages(1, 28, 28, ramp(784)),
		idxImages(60000, 28, 28, ramp(20)),
		gz(idxImages(60000, 28, 28, ramp(20))),
		idxImages(1<<31, 28, 28, nil),
		badCRC(idxImages(1, 2, 2, ramp(4))),
		idxLabels([]byte{1, 2, 3}),
		{},
	}
}

func labelSeeds() [][]byte {
	return [][]byte{
		idxLabels([]byte{5, 0, 4, 1, 9}),
		gz(idxLabels([]byte{7, 2, 1, 0})),
		idxLabels(nil),
		idxLabelsN(10000, []byte{1, 2}),
		gz(idxLabelsN(10000, []byte{1, 2})),
		idxLabelsN(1<<31, nil),
		badCRC(idxLabels([]byte{1})),
		idxImages(1, 1, 1, []byte{3}),
		{},
	}
}

// allocBound is the most ReadImages or ReadLabels may allocate for input in:
// a few times the (decompressed) data, plus a fixed allowance for the first
// growth chunk and the bufio and gzip buffers. For gzip input of known
// length the reader may allocate up to the largest size the input could
// inflate to (maxDeflateRatio times its length).
func allocBound(in []byte) uint64 {
	size := uint64(len(in))
	if len(in) >= 2 && in[0] == 0x1f && in[1] == 0x8b {
		if zr, err := gzip.NewReader(bytes.NewReader(in)); err == nil {
			n, _ := io.Copy(io.Discard, io.LimitReader(zr, MaxImageBytes))
			size += uint64(n)
		}
		size = max(size, maxDeflateRatio*uint64(len(in)))
	}
	return 4*size + 4<<20
}

// readers returns the input with and without a known length.
func readers(in []byte) []io.Reader {
	return []io.Reader{bytes.NewReader(in), hideLen{bytes.NewReader(in)}}
}

func FuzzReadImages(f *testing.F) {
	for _, s := range imageSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, r := range readers(in) {
			var images []uint8
			var n, rows, cols int
			var err error
			alloc := allocBytes(func() { images, n, rows, cols, err = ReadImages(r, "fuzz") })
			if bound := allocBound(in); alloc > bound {
				t.Fatalf("%T: allocated %d bytes for %d bytes of input (bound %d)", r, alloc, len(in), bound)
			}
			if err != nil {
				if len(err.Error()) < 6 || err.Error()[:6] != "fuzz: " {
					t.Fatalf("error %q does not name the file", err)
				}
				continue
			}
			if n < 0 || n > MaxItems || rows < 1 || rows > MaxSide || cols < 1 || cols > MaxSide || len(images) != n*rows*cols {
				t.Fatalf("accepted %d images of %dx%d with %d bytes", n, rows, cols, len(images))
			}
			back, n2, r2, c2, err := ReadImages(bytes.NewReader(idxImages(n, rows, cols, images)), "again")
			if err != nil || n2 != n || r2 != rows || c2 != cols || !bytes.Equal(back, images) {
				t.Fatalf("re-encoding failed: %v", err)
			}
		}
	})
}

func FuzzReadLabels(f *testing.F) {
	for _, s := range labelSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, r := range readers(in) {
			var labels []uint8
			var err error
			alloc := allocBytes(func() { labels, err = ReadLabels(r, "fuzz") })
			if bound := allocBound(in); alloc > bound {
				t.Fatalf("%T: allocated %d bytes for %d bytes of input (bound %d)", r, alloc, len(in), bound)
			}
			if err != nil {
				if len(err.Error()) < 6 || err.Error()[:6] != "fuzz: " {
					t.Fatalf("error %q does not name the file", err)
				}
				continue
			}
			if len(labels) > MaxItems {
				t.Fatalf("accepted %d labels", len(labels))
			}
			back, err := ReadLabels(bytes.NewReader(idxLabels(labels)), "again")
			if err != nil || !bytes.Equal(back, labels) {
				t.Fatalf("re-encoding failed: %v", err)
			}
		}
	})
}

// TestFuzzCorpus checks that the seed corpus in testdata/fuzz is present;
// run with -gen-corpus to rewrite it from imageSeeds and labelSeeds.
func TestFuzzCorpus(t *testing.T) {
	for target, seeds := range map[string][][]byte{"FuzzReadImages": imageSeeds(), "FuzzReadLabels": labelSeeds()} {
		dir := filepath.Join("testdata", "fuzz", target)
		if *genCorpus {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for i, s := range seeds {
				body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) < len(seeds) {
			t.Errorf("%s holds %d seed files (%v), want at least %d; run go test -run TestFuzzCorpus -gen-corpus", dir, len(entries), err, len(seeds))
		}
	}
}
