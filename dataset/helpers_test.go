package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// idxImages encodes an IDX3 image file; pixels may be shorter or longer than
// n*rows*cols to make broken files.
func idxImages(n, rows, cols int, pixels []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, [4]uint32{ImagesMagic, uint32(n), uint32(rows), uint32(cols)})
	b.Write(pixels)
	return b.Bytes()
}

// idxLabels encodes an IDX1 label file.
func idxLabels(labels []byte) []byte {
	return idxLabelsN(len(labels), labels)
}

// idxLabelsN encodes an IDX1 label file whose header claims n labels.
func idxLabelsN(n int, labels []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, [2]uint32{LabelsMagic, uint32(n)})
	b.Write(labels)
	return b.Bytes()
}

// gz compresses b with gzip.
func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// ramp returns n bytes 0, 1, 2, ... (mod 251).
func ramp(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// hideLen hides the length of a reader.
type hideLen struct{ r io.Reader }

func (h hideLen) Read(p []byte) (int, error) { return h.r.Read(p) }

// allocBytes returns the heap bytes allocated while running f.
func allocBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// tinyMNIST is a small MNIST-format data set: 5 training and 3 test images
// of 4x3 pixels.
type tinyMNIST struct {
	trainImages, trainLabels, testImages, testLabels []byte
}

func newTiny() tinyMNIST {
	return tinyMNIST{
		trainImages: idxImages(5, 4, 3, ramp(5*12)),
		trainLabels: idxLabels([]byte{5, 0, 4, 1, 9}),
		testImages:  idxImages(3, 4, 3, ramp(3*12)),
		testLabels:  idxLabels([]byte{7, 2, 1}),
	}
}

// writeDir writes the set into a new directory with the given file names
// (in the order train images, train labels, test images, test labels),
// compressing those whose name ends in .gz.
func (m tinyMNIST) writeDir(t testing.TB, names [4]string) string {
	t.Helper()
	dir := t.TempDir()
	m.writeDirAt(t, dir, names)
	return dir
}

// writeDirAt is like writeDir but writes into dir, creating it.
func (m tinyMNIST) writeDirAt(t testing.TB, dir string, names [4]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, data := range [][]byte{m.trainImages, m.trainLabels, m.testImages, m.testLabels} {
		if filepath.Ext(names[i]) == ".gz" {
			data = gz(data)
		}
		if err := os.WriteFile(filepath.Join(dir, names[i]), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var gzNames = [4]string{TrainImagesFile + ".gz", TrainLabelsFile + ".gz", TestImagesFile + ".gz", TestLabelsFile + ".gz"}
