package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MNIST file names, as distributed (each may also be gzip-compressed with a
// .gz suffix, or spelled with a dot, as in train-images.idx3-ubyte).
const (
	TrainImagesFile = "train-images-idx3-ubyte"
	TrainLabelsFile = "train-labels-idx1-ubyte"
	TestImagesFile  = "t10k-images-idx3-ubyte"
	TestLabelsFile  = "t10k-labels-idx1-ubyte"
)

// MNISTClasses is the number of label values in MNIST-format data sets.
const MNISTClasses = 10

// wantFiles describes the files LoadDir looks for, for error messages.
const wantFiles = TrainImagesFile + "[.gz], " + TrainLabelsFile + "[.gz], " + TestImagesFile + "[.gz] and " + TestLabelsFile + "[.gz]"

// findFile returns the path of the file base in dir, trying base, base.gz
// and the dot spelling (train-images.idx3-ubyte) with and without .gz.
func findFile(dir, base string) (string, error) {
	dot := strings.Replace(base, "-idx", ".idx", 1)
	candidates := []string{base, base + ".gz", dot, dot + ".gz"}
	for _, c := range candidates {
		p := filepath.Join(dir, c)
		st, err := os.Stat(p)
		if err == nil {
			if st.IsDir() {
				return "", fmt.Errorf("%s: is a directory, want an IDX file", p)
			}
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
	}
	return "", fmt.Errorf("%s: no %s found (tried %s); the directory must hold %s",
		dir, base, strings.Join(candidates, ", "), wantFiles)
}

// LoadDir loads an MNIST-format data set from dir: the files
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
// and t10k-labels-idx1-ubyte, each optionally gzip-compressed with a .gz
// suffix and optionally spelled with a dot (train-images.idx3-ubyte).
//
// It checks that each image file has as many images as its label file has
// labels, that every label is less than 10 (Classes is set to 10) and that
// the training and test images have the same size. Images of any size are
// accepted; LoadMNIST additionally requires 28x28.
func LoadDir(dir string) (train, test *Set, err error) {
	return loadDir(dir, 0, 0)
}

// loadDir loads the data set in dir; rows and cols > 0 are the image size
// wanted. The label files are read first, so that each image file's header
// is checked against its label count (and the image size) before its data
// is read or decompressed.
func loadDir(dir string, rows, cols int) (train, test *Set, err error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("dataset: %s: %w; want a directory holding %s", dir, unwrapPathError(err), wantFiles)
	}
	if !st.IsDir() {
		return nil, nil, fmt.Errorf("dataset: %s: not a directory; want a directory holding %s", dir, wantFiles)
	}
	var paths [4]string
	for i, base := range []string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile} {
		if paths[i], err = findFile(dir, base); err != nil {
			return nil, nil, fmt.Errorf("dataset: %w", err)
		}
	}
	// Decompressing the four files in parallel roughly halves the load time.
	var sets [2]*Set
	var errs [4]error
	var labels [2][]uint8
	var wg sync.WaitGroup
	for k := range 2 {
		wg.Go(func() {
			labels[k], errs[2*k+1] = ReadLabelsFile(paths[2*k+1])
		})
	}
	wg.Wait()
	for k := range 2 {
		sets[k] = &Set{Classes: MNISTClasses}
		if errs[2*k+1] != nil {
			continue
		}
		wg.Go(func() {
			s := sets[k]
			s.Images, s.N, s.Rows, s.Cols, errs[2*k] = ReadImagesFileShape(paths[2*k], Shape{N: len(labels[k]), Rows: rows, Cols: cols})
		})
	}
	wg.Wait()
	for i, err := range errs {
		var se *ShapeError
		switch {
		case err == nil:
		case errors.As(err, &se) && se.Want.N > 0 && se.Got.N != se.Want.N:
			return nil, nil, fmt.Errorf("dataset: image/label count mismatch: %s has %d images but %s has %d labels",
				paths[i], se.Got.N, paths[i+1], se.Want.N)
		case errors.As(err, &se):
			return nil, nil, fmt.Errorf("dataset: %s: images are %dx%d, want %dx%d for MNIST", dir, se.Got.Rows, se.Got.Cols, se.Want.Rows, se.Want.Cols)
		default:
			return nil, nil, fmt.Errorf("dataset: %w", err)
		}
	}
	for k, s := range sets {
		s.Labels = labels[k]
		if len(s.Labels) != s.N {
			return nil, nil, fmt.Errorf("dataset: image/label count mismatch: %s has %d images but %s has %d labels",
				paths[2*k], s.N, paths[2*k+1], len(s.Labels))
		}
		for i, l := range s.Labels {
			if int(l) >= MNISTClasses {
				return nil, nil, fmt.Errorf("dataset: %s: label %d at index %d is out of range, want 0..%d",
					paths[2*k+1], l, i, MNISTClasses-1)
			}
		}
	}
	train, test = sets[0], sets[1]
	if train.Rows != test.Rows || train.Cols != test.Cols {
		return nil, nil, fmt.Errorf("dataset: image sizes differ: %s holds %dx%d images but %s holds %dx%d",
			paths[0], train.Rows, train.Cols, paths[2], test.Rows, test.Cols)
	}
	return train, test, nil
}

// LoadMNIST loads MNIST from dir as LoadDir does, and checks that the images
// are 28x28. If dir is empty it uses MNISTDir to find the copy in the Go
// module cache.
func LoadMNIST(dir string) (train, test *Set, err error) {
	if dir == "" {
		if dir, err = MNISTDir(); err != nil {
			return nil, nil, err
		}
	}
	train, test, err = loadDir(dir, 28, 28)
	if err != nil {
		return nil, nil, err
	}
	if train.Rows != 28 || train.Cols != 28 {
		return nil, nil, fmt.Errorf("dataset: %s: images are %dx%d, want 28x28 for MNIST", dir, train.Rows, train.Cols)
	}
	return train, test, nil
}
