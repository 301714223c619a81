package main

import (
	"strings"
	"testing"
)

// Every kind of declaration gives its line; what is not API (unexported
// names, methods of unexported types, main packages, internal packages,
// test files, nested modules) gives none.
func TestDump(t *testing.T) {
	lines, err := dump("testdata/src")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg shapes, const Circle Kind = iota",
		"pkg shapes, const Limit = 1 << 10",
		"pkg shapes, const Square Kind",
		"pkg shapes, func New(w, h float64) (*Box, error)",
		"pkg shapes, method (*Box) Scale(f float64) *Box",
		"pkg shapes, method (*List[T]) Len() int",
		"pkg shapes, type Alias = Box",
		"pkg shapes, type Box struct",
		"pkg shapes, type Box struct, H float64",
		"pkg shapes, type Box struct, W float64",
		"pkg shapes, type Box struct, embedded io.Reader",
		"pkg shapes, type Kind int",
		"pkg shapes, type List[T any] struct",
		"pkg shapes, type List[T any] struct, Items []T",
		"pkg shapes, type Shape interface { Area() float64; io.Writer }",
		"pkg shapes, var ErrX",
	}
	if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}
