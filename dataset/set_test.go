package dataset

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func tinySet() *Set {
	return &Set{Images: ramp(5 * 6), Labels: []byte{5, 0, 4, 1, 9}, N: 5, Rows: 2, Cols: 3, Classes: 10}
}

func TestSetImage(t *testing.T) {
	s := tinySet()
	if s.Pixels() != 6 {
		t.Errorf("Pixels() = %d, want 6", s.Pixels())
	}
	tests := []struct {
		i    int
		want []byte
	}{
		{0, []byte{0, 1, 2, 3, 4, 5}},
		{1, []byte{6, 7, 8, 9, 10, 11}},
		{4, []byte{24, 25, 26, 27, 28, 29}},
	}
	for _, tt := range tests {
		img := s.Image(tt.i)
		if !bytes.Equal(img, tt.want) || cap(img) != 6 {
			t.Errorf("Image(%d) = %v (cap %d), want %v (cap 6)", tt.i, img, cap(img), tt.want)
		}
	}
	// A view: writes show through, appends do not clobber the next image.
	img := s.Image(0)
	img[0] = 99
	_ = append(img, 42)
	if s.Images[0] != 99 || s.Images[6] != 6 {
		t.Errorf("Image is not a capacity-limited view: %v", s.Images[:7])
	}
	// Pixel (row, col) is at row*Cols + col.
	if got := s.Image(1)[1*s.Cols+2]; got != 11 {
		t.Errorf("pixel (1, 2) of image 1 = %d, want 11", got)
	}
}

func TestSetSubset(t *testing.T) {
	tests := []struct {
		name       string
		idx        []int
		wantLabels []byte
		wantFirst  []byte
	}{
		{"reorder", []int{4, 0}, []byte{9, 5}, []byte{24, 25, 26, 27, 28, 29}},
		{"repeat", []int{1, 1, 1}, []byte{0, 0, 0}, []byte{6, 7, 8, 9, 10, 11}},
		{"empty", []int{}, []byte{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tinySet()
			sub := s.Subset(tt.idx)
			if sub.N != len(tt.idx) || sub.Rows != 2 || sub.Cols != 3 || sub.Classes != 10 || len(sub.Images) != 6*len(tt.idx) {
				t.Fatalf("Subset = %+v", sub)
			}
			if !bytes.Equal(sub.Labels, tt.wantLabels) {
				t.Errorf("labels %v, want %v", sub.Labels, tt.wantLabels)
			}
			if sub.N > 0 {
				if !bytes.Equal(sub.Image(0), tt.wantFirst) {
					t.Errorf("first image %v, want %v", sub.Image(0), tt.wantFirst)
				}
				sub.Images[0] = 200
				if s.Images[6*tt.idx[0]] == 200 {
					t.Error("Subset shares memory with the original")
				}
			}
		})
	}
}

func TestSetSplit(t *testing.T) {
	tests := []struct {
		n          int
		head, tail []byte
	}{
		{0, []byte{}, []byte{5, 0, 4, 1, 9}},
		{2, []byte{5, 0}, []byte{4, 1, 9}},
		{5, []byte{5, 0, 4, 1, 9}, []byte{}},
	}
	for _, tt := range tests {
		s := tinySet()
		head, tail := s.Split(tt.n)
		if !reflect.DeepEqual(head.Labels, tt.head) || !reflect.DeepEqual(tail.Labels, tt.tail) {
			t.Errorf("Split(%d) labels %v / %v, want %v / %v", tt.n, head.Labels, tail.Labels, tt.head, tt.tail)
		}
		if head.N != len(tt.head) || tail.N != len(tt.tail) || len(head.Images) != 6*head.N || len(tail.Images) != 6*tail.N {
			t.Errorf("Split(%d) sizes: head %d/%d tail %d/%d", tt.n, head.N, len(head.Images), tail.N, len(tail.Images))
		}
		if tail.N > 0 && !bytes.Equal(tail.Image(0), s.Image(tt.n)) {
			t.Errorf("Split(%d): tail starts with %v, want %v", tt.n, tail.Image(0), s.Image(tt.n))
		}
		if head.Rows != 2 || tail.Cols != 3 || head.Classes != 10 || tail.Classes != 10 {
			t.Errorf("Split(%d) lost the geometry: %+v %+v", tt.n, head, tail)
		}
		if tail.N > 0 {
			tail.Images[0] = 201
			if s.Images[6*tt.n] == 201 {
				t.Errorf("Split(%d): tail shares memory", tt.n)
			}
		}
	}
}

func TestSetPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func(s *Set)
		want string
	}{
		{"image -1", func(s *Set) { s.Image(-1) }, "image index -1 out of range [0, 5)"},
		{"image N", func(s *Set) { s.Image(5) }, "image index 5 out of range [0, 5)"},
		{"subset", func(s *Set) { s.Subset([]int{0, 7}) }, "image index 7 out of range"},
		{"split -1", func(s *Set) { s.Split(-1) }, "Split(-1) of a set of 5 images"},
		{"split N+1", func(s *Set) { s.Split(6) }, "Split(6) of a set of 5 images"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, tt.want) {
					t.Errorf("panic %v, want %q", r, tt.want)
				}
			}()
			tt.f(tinySet())
		})
	}
}
