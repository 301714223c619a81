package dataset_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/dendrite-lab/dendrite/dataset"
)

// idx3 builds a tiny IDX3 image file in memory.
func idx3(n, rows, cols int, pixels []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, [4]uint32{dataset.ImagesMagic, uint32(n), uint32(rows), uint32(cols)})
	b.Write(pixels)
	return b.Bytes()
}

// idx1 builds a tiny IDX1 label file in memory.
func idx1(labels []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, [2]uint32{dataset.LabelsMagic, uint32(len(labels))})
	b.Write(labels)
	return b.Bytes()
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func ExampleReadImages() {
	// Two 2x3 images; the reader detects gzip by its magic bytes.
	file := gzipped(idx3(2, 2, 3, []byte{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15}))
	images, n, rows, cols, err := dataset.ReadImages(bytes.NewReader(file), "tiny-images.gz")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, rows, cols, images[rows*cols:])
	// Output: 2 2 3 [10 11 12 13 14 15]
}

func ExampleReadImages_truncated() {
	file := idx3(60000, 28, 28, make([]byte, 1234))
	_, _, _, _, err := dataset.ReadImages(bytes.NewReader(file), "train-images-idx3-ubyte")
	fmt.Println(err)
	// Output: train-images-idx3-ubyte: truncated: header says 60000 images of 28x28 = 47040000 bytes, got 1234
}

func ExampleReadLabels() {
	labels, err := dataset.ReadLabels(bytes.NewReader(idx1([]byte{5, 0, 4, 1, 9})), "tiny-labels")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(labels)
	// Output: [5 0 4 1 9]
}

func ExampleLoadDir() {
	dir, err := os.MkdirTemp("", "mnist-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	files := map[string][]byte{
		"train-images-idx3-ubyte.gz": gzipped(idx3(3, 2, 2, make([]byte, 12))),
		"train-labels-idx1-ubyte.gz": gzipped(idx1([]byte{5, 0, 4})),
		"t10k-images-idx3-ubyte":     idx3(1, 2, 2, []byte{1, 2, 3, 4}),
		"t10k-labels-idx1-ubyte":     idx1([]byte{7}),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	train, test, err := dataset.LoadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.N, test.N, train.Rows, train.Cols, train.Classes, test.Labels[0], test.Image(0))
	// Output: 3 1 2 2 10 7 [1 2 3 4]
}

func ExampleLoadMNIST() {
	// An empty directory means: find MNIST in the Go module cache.
	train, test, err := dataset.LoadMNIST("")
	if err != nil {
		log.Fatal(err)
	}
	// Hold out the last 10000 training images for validation.
	train, valid := train.Split(50000)
	fmt.Println(train.N, valid.N, test.N, train.Pixels())
}

func ExampleSet_Split() {
	s := &dataset.Set{Images: []uint8{0, 0, 1, 1, 2, 2}, Labels: []uint8{3, 1, 4}, N: 3, Rows: 1, Cols: 2, Classes: 10}
	head, tail := s.Split(2)
	fmt.Println(head.N, head.Labels, tail.N, tail.Labels, tail.Images)
	// Output: 2 [3 1] 1 [4] [2 2]
}

func ExampleSet_Subset() {
	s := &dataset.Set{Images: []uint8{0, 0, 1, 1, 2, 2}, Labels: []uint8{3, 1, 4}, N: 3, Rows: 1, Cols: 2, Classes: 10}
	sub := s.Subset([]int{2, 0})
	fmt.Println(sub.N, sub.Labels, sub.Images)
	// Output: 2 [4 3] [2 2 0 0]
}

func ExampleSet_Image() {
	// Two 2x2 images, row-major: pixel (row, col) is at row*Cols + col.
	s := &dataset.Set{Images: []uint8{1, 2, 3, 4, 5, 6, 7, 8}, Labels: []uint8{0, 1}, N: 2, Rows: 2, Cols: 2, Classes: 10}
	img := s.Image(1)
	fmt.Println(img, "pixel (1, 0) =", img[1*s.Cols+0], "pixels per image:", s.Pixels())
	// Output: [5 6 7 8] pixel (1, 0) = 7 pixels per image: 4
}

func ExampleMNISTDir() {
	dir, err := dataset.MNISTDir()
	if err != nil {
		log.Fatal(err) // the message says what was tried and to pass --data DIR
	}
	fmt.Println("MNIST is in", dir)
}
