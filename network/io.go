package network

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/dendrite-lab/dendrite/npy"
)

// Save writes every parameter into dir as float64 .npy files in mathematical
// layout, named as the authors' code names them: W_m (n_m×n_{m−1}), b_m (n_m,),
// and for hidden layers Y_m (n_m×src) and c_m (n_m,) when present.
func (n *Net) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for m, ly := range n.Layers {
		if err := npy.WriteFile(filepath.Join(dir, fmt.Sprintf("W_%d.npy", m)), []int{ly.N, ly.In}, transpose(ly.W, ly.In, ly.N)); err != nil {
			return err
		}
		if err := npy.WriteFile(filepath.Join(dir, fmt.Sprintf("b_%d.npy", m)), []int{ly.N}, ly.B); err != nil {
			return err
		}
		if ly.Y != nil {
			if err := npy.WriteFile(filepath.Join(dir, fmt.Sprintf("Y_%d.npy", m)), []int{ly.N, ly.Src}, transpose(ly.Y, ly.Src, ly.N)); err != nil {
				return err
			}
		}
		if ly.FeedbackBias != nil {
			if err := npy.WriteFile(filepath.Join(dir, fmt.Sprintf("c_%d.npy", m)), []int{ly.N}, ly.FeedbackBias); err != nil {
				return err
			}
		}
	}
	return nil
}

// Load overwrites the parameters of n with the .npy files in dir (the layout
// Save writes; biases may be (n,) or (n,1)). W_m and b_m are required for every
// layer and Y_m for every hidden layer; c_m is read when the network has a
// feedback bias (and must then exist). Shapes are checked, and non-finite
// values refused, with errors naming the file and the expected shape.
func (n *Net) Load(dir string) error {
	if st, err := os.Stat(dir); err != nil {
		return fmt.Errorf("weights: %w", err)
	} else if !st.IsDir() {
		return fmt.Errorf("weights: %s is not a directory (want a folder holding W_0.npy, b_0.npy, ...)", dir)
	}
	for m, ly := range n.Layers {
		if err := loadInto(dir, fmt.Sprintf("W_%d.npy", m), ly.W, ly.N, ly.In, true); err != nil {
			return err
		}
		if err := loadInto(dir, fmt.Sprintf("b_%d.npy", m), ly.B, ly.N, 1, false); err != nil {
			return err
		}
		if ly.Y != nil {
			if err := loadInto(dir, fmt.Sprintf("Y_%d.npy", m), ly.Y, ly.N, ly.Src, true); err != nil {
				return err
			}
		}
		if ly.FeedbackBias != nil {
			if err := loadInto(dir, fmt.Sprintf("c_%d.npy", m), ly.FeedbackBias, ly.N, 1, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadInto reads an (rows×cols) matrix (transposed into dst when matrix) or a
// vector of length rows, accepting (rows,) and (rows,1) for vectors.
func loadInto(dir, name string, dst []float64, rows, cols int, matrix bool) error {
	path := filepath.Join(dir, name)
	// The header's shape is checked before the data is read, so a file of
	// the wrong size costs no allocation.
	want := [][]int{{rows, cols}}
	if !matrix {
		want = [][]int{{rows}, {rows, 1}}
	}
	a, err := npy.ReadFileShape(path, want...)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("weights: %s is missing (want shape %s)", path, shapeText(rows, cols, matrix))
		}
		return fmt.Errorf("weights: %w", err)
	}
	ok := false
	if matrix {
		ok = len(a.Shape) == 2 && a.Shape[0] == rows && a.Shape[1] == cols
	} else {
		ok = (len(a.Shape) == 1 && a.Shape[0] == rows) || (len(a.Shape) == 2 && a.Shape[0] == rows && a.Shape[1] == 1)
	}
	if !ok {
		return fmt.Errorf("weights: %s has shape %v, want %s for this network", path, a.Shape, shapeText(rows, cols, matrix))
	}
	for i, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("weights: %s holds a non-finite value (%v) at flat index %d", path, v, i)
		}
	}
	if matrix {
		copy(dst, transpose(a.Data, rows, cols))
	} else {
		copy(dst, a.Data)
	}
	return nil
}

func shapeText(rows, cols int, matrix bool) string {
	if matrix {
		return fmt.Sprintf("(%d, %d)", rows, cols)
	}
	return fmt.Sprintf("(%d,) or (%d, 1)", rows, rows)
}

// transpose returns the transpose of the rows×cols row-major matrix a.
func transpose(a []float64, rows, cols int) []float64 {
	t := make([]float64, len(a))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			t[c*rows+r] = a[r*cols+c]
		}
	}
	return t
}
