package checkpoint_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dendrite-lab/dendrite/checkpoint"
)

// A model's state in named sections, written, verified and read back; a
// flipped byte anywhere makes Read fail with ErrCorrupt instead of
// returning damaged numbers.
func Example() {
	w := checkpoint.NewWriter()
	w.PartVersion("mymodel", 1)
	w.Float64s("mymodel/weights", []float64{0.5, -1.25, 3})
	w.Int("mymodel/step", 1200)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		panic(err)
	}

	r, err := checkpoint.Read(buf.Bytes(), "state.ckpt")
	if err != nil {
		panic(err)
	}
	if err := r.CheckPartVersion("mymodel", 1); err != nil {
		panic(err)
	}
	ws, _ := r.Float64s("mymodel/weights", 3)
	step, _ := r.Int("mymodel/step")
	fmt.Println(ws, step)

	b := buf.Bytes()
	b[len(b)/2] ^= 1
	_, err = checkpoint.Read(b, "state.ckpt")
	fmt.Println(errors.Is(err, checkpoint.ErrCorrupt))
	// Output:
	// [0.5 -1.25 3] 1200
	// true
}

// Errors name the file and say what was expected.
func ExampleReader_Float64s() {
	w := checkpoint.NewWriter()
	w.Float64s("weights", []float64{1, 2, 3})
	var buf bytes.Buffer
	w.WriteTo(&buf)
	r, _ := checkpoint.Read(buf.Bytes(), "state.ckpt")
	_, err := r.Float64s("weights", 4)
	fmt.Println(err)
	_, err = r.Float64s("biases", -1)
	fmt.Println(err)
	// Output:
	// state.ckpt: corrupt checkpoint: section "weights" has 3 elements, want 4
	// state.ckpt: corrupt checkpoint: section "biases" missing
}
