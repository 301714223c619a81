package dataset

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	good := &Set{Images: make([]uint8, 3*6), Labels: []uint8{0, 2, 1}, N: 3, Rows: 2, Cols: 3, Classes: 3}
	if err := Check("training set", good); err != nil {
		t.Fatalf("good set: %v", err)
	}
	if r, c := good.Shape(); r != 2 || c != 3 || good.Len() != 3 || good.Label(1) != 2 || good.NumClasses() != 3 {
		t.Errorf("Shape %d×%d Len %d Label(1) %d NumClasses %d", r, c, good.Len(), good.Label(1), good.NumClasses())
	}
	if k := (&Set{}).NumClasses(); k != 10 {
		t.Errorf("unset Classes: NumClasses %d, want 10 (MNIST)", k)
	}
	badLabel := *good
	badLabel.Labels = []uint8{0, 3, 1}
	cases := []struct {
		name string
		set  Images
		want string
	}{
		{"label", &badLabel, "training set: example 1: label 3 outside [0, 3)"},
		{"nil", nil, "training set: no data"},
		{"nil Set", (*Set)(nil), "training set holds no images"},
		{"one class", &Set{Images: make([]uint8, 4), Labels: []uint8{0}, N: 1, Rows: 2, Cols: 2, Classes: 1}, "1 classes, want at least 2"},
		{"shape", &Set{Images: nil, Labels: []uint8{0}, N: 1, Rows: 0, Cols: 2, Classes: 2}, "image shape 0×2"},
		{"user type", wrongLength{}, "example 0: image of 5 pixels, the network takes 4"},
	}
	for _, c := range cases {
		err := Check("training set", c.set)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// wrongLength declares 2×2 images but returns 5 bytes.
type wrongLength struct{}

func (wrongLength) Len() int                { return 1 }
func (wrongLength) Image(int) []uint8       { return make([]uint8, 5) }
func (wrongLength) Label(int) int           { return 0 }
func (wrongLength) Shape() (rows, cols int) { return 2, 2 }
func (wrongLength) NumClasses() int         { return 2 }
