package dataset

import "fmt"

// Set is a labelled image set: Images holds N*Rows*Cols bytes, row-major per
// image (pixel = row*Cols + col).
type Set struct {
	// Images holds the N images one after another, each Rows*Cols bytes.
	Images []uint8
	// Labels holds one label per image, each less than Classes.
	Labels []uint8
	// N is the number of images; Rows and Cols are the image height and width.
	N, Rows, Cols int
	// Classes is the number of label values (10 for MNIST).
	Classes int
}

// Pixels returns the number of pixels per image, Rows*Cols.
func (s *Set) Pixels() int { return s.Rows * s.Cols }

// Image returns image i as a view into s.Images of length Rows*Cols. Its
// capacity is limited to the image, so appending to it cannot overwrite the
// next image. It panics if i is out of range.
func (s *Set) Image(i int) []uint8 {
	if i < 0 || i >= s.N {
		panic(fmt.Sprintf("dataset: image index %d out of range [0, %d)", i, s.N))
	}
	p := s.Pixels()
	return s.Images[i*p : (i+1)*p : (i+1)*p]
}

// Subset returns a new Set holding copies of the images and labels at the
// given indices, in that order; indices may repeat. It panics if an index
// is out of range.
func (s *Set) Subset(idx []int) *Set {
	p := s.Pixels()
	out := &Set{
		Images:  make([]uint8, len(idx)*p),
		Labels:  make([]uint8, len(idx)),
		N:       len(idx),
		Rows:    s.Rows,
		Cols:    s.Cols,
		Classes: s.Classes,
	}
	for j, i := range idx {
		copy(out.Images[j*p:(j+1)*p], s.Image(i))
		out.Labels[j] = s.Labels[i]
	}
	return out
}

// Split returns copies of the first n examples (head) and of the rest
// (tail), for example to hold out a validation set. It panics unless
// 0 <= n <= s.N.
func (s *Set) Split(n int) (head, tail *Set) {
	if n < 0 || n > s.N {
		panic(fmt.Sprintf("dataset: Split(%d) of a set of %d images", n, s.N))
	}
	p := s.Pixels()
	part := func(lo, hi int) *Set {
		return &Set{
			Images:  clone(s.Images[lo*p : hi*p]),
			Labels:  clone(s.Labels[lo:hi]),
			N:       hi - lo,
			Rows:    s.Rows,
			Cols:    s.Cols,
			Classes: s.Classes,
		}
	}
	return part(0, n), part(n, s.N)
}

// clone returns a non-nil copy of b.
func clone(b []uint8) []uint8 {
	c := make([]uint8, len(b))
	copy(c, b)
	return c
}
