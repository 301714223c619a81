// Package shapes is apidump's test input.
package shapes

import "io"

// Kind is a kind.
type Kind int

// Kinds.
const (
	Circle Kind = iota
	Square
	hidden
)

// Limit is untyped.
const Limit = 1 << 10

// ErrX is a variable without a written type.
var ErrX = io.EOF

// Shape is an interface users implement.
type Shape interface {
	Area() float64
	io.Writer
}

// Box has exported and unexported fields.
type Box struct {
	W, H  float64
	name  string
	inner *box
	io.Reader
}

type box struct{ A int }

// Exported is a method of an unexported type: not API.
func (b *box) Exported() {}

// Scale is a method.
func (b *Box) Scale(f float64) *Box { return b }

// List is generic.
type List[T any] struct{ Items []T }

// Len is a method of a generic type.
func (l *List[T]) Len() int { return len(l.Items) }

// Alias is an alias.
type Alias = Box

// New makes a box.
func New(w, h float64) (*Box, error) { return &Box{W: w, H: h}, nil }

func unexported() {}
