package dataset

import "fmt"

// Images is a labelled image set as the simulator and the trainer read it:
// the data of one experiment, from MNIST files or from anywhere else. *Set
// implements it; implement it for your own data (a slice of images in
// memory, a generator, a view on a larger store).
//
// Pixels are bytes, row-major, Rows×Cols per image; the network's input
// unit j fires at the rate λmax·pixel/255 (λmax is model.Soma.LambdaMax, 0.2
// spikes per ms in the paper), so 0 is silent and 255 fires at λmax. Labels
// are class indices in [0, NumClasses()); the output layer reads class k
// from its k-th group of N/NumClasses() neurons.
//
// The simulator calls Image and Label from several goroutines during a test:
// they must be safe for concurrent reads, and Image must return a slice the
// caller does not modify and the set does not change while it is in use.
type Images interface {
	// Len is the number of examples.
	Len() int
	// Image returns example i's pixels, len Rows×Cols, for 0 ≤ i < Len().
	Image(i int) []uint8
	// Label returns example i's class, in [0, NumClasses()).
	Label(i int) int
	// Shape returns the image height and width.
	Shape() (rows, cols int)
	// NumClasses is the number of classes (at least 2).
	NumClasses() int
}

var _ Images = (*Set)(nil)

// Len returns s.N (0 for a nil *Set).
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.N
}

// Label returns example i's label. It panics if i is out of range.
func (s *Set) Label(i int) int { return int(s.Labels[i]) }

// Shape returns s.Rows, s.Cols.
func (s *Set) Shape() (rows, cols int) { return s.Rows, s.Cols }

// NumClasses returns s.Classes, or 10 (MNIST) when it is unset.
func (s *Set) NumClasses() int {
	if s.Classes == 0 {
		return 10
	}
	return s.Classes
}

// Check reads every example of set once and reports the first that does not
// fit its declared shape and classes: an image of the wrong length or a
// label outside [0, NumClasses()). name says which set it is in the error
// ("training set"). It costs one pass over the labels and image headers.
func Check(name string, set Images) error {
	if set == nil {
		return fmt.Errorf("%s: no data (nil)", name)
	}
	n := set.Len()
	if n <= 0 {
		return fmt.Errorf("%s holds no images", name)
	}
	rows, cols := set.Shape()
	if rows <= 0 || cols <= 0 {
		return fmt.Errorf("%s: image shape %d×%d, want positive sizes", name, rows, cols)
	}
	k := set.NumClasses()
	if k < 2 {
		return fmt.Errorf("%s: %d classes, want at least 2", name, k)
	}
	for i := 0; i < n; i++ {
		if err := CheckExample(set.Image(i), set.Label(i), rows*cols, k); err != nil {
			return fmt.Errorf("%s: example %d: %w", name, i, err)
		}
	}
	return nil
}

// CheckExample reports whether img has pixels bytes and label lies in
// [0, classes).
func CheckExample(img []uint8, label, pixels, classes int) error {
	if len(img) != pixels {
		return fmt.Errorf("image of %d pixels, the network takes %d", len(img), pixels)
	}
	if label < 0 || label >= classes {
		return fmt.Errorf("label %d outside [0, %d)", label, classes)
	}
	return nil
}
