// Package option holds the enumerated options of the model and of a run as
// typed constants: the mode, the profile, the feedback bias, the teaching
// formula, the averaging window and the backprop order.
// Each type has the same text form in JSON, YAML and on the command line as
// the plain strings of earlier builds, so run folders written by them load
// unchanged. It is a leaf package: config parses and validates the options
// once, and the packages that act on them (sim, network, run) compare the
// constants without importing config.
package option

import (
	"fmt"
	"strings"
)

// Error is the error of a text that names no value of an option.
type Error struct {
	Key     string   // the option's config key, e.g. "feedback_bias"
	Got     string   // the text given
	Allowed []string // the values accepted
}

func (e *Error) Error() string {
	return fmt.Sprintf("config field %q: got %q, want %s", e.Key, e.Got, e.Want())
}

// Want says which values are accepted, e.g. `one of "spiking", "rate"`.
func (e *Error) Want() string {
	q := make([]string, len(e.Allowed))
	for i, a := range e.Allowed {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "one of " + strings.Join(q, ", ")
}

// parse sets *dst to the value whose text is b, or returns an *Error.
func parse[T ~string](dst *T, b []byte, key string, allowed []T) error {
	for _, a := range allowed {
		if string(a) == string(b) {
			*dst = a
			return nil
		}
	}
	return check(T(b), key, allowed)
}

// check returns nil when v is one of allowed, else an *Error.
func check[T ~string](v T, key string, allowed []T) error {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if a == v {
			return nil
		}
		names[i] = string(a)
	}
	return &Error{Key: key, Got: string(v), Allowed: names}
}

// Mode is how neurons communicate: by spikes in time steps (the paper's
// mode) or by rates in the two-step non-spiking mode.
type Mode string

// The modes.
const (
	Spiking Mode = "spiking"
	Rate    Mode = "rate"
)

var modes = []Mode{Spiking, Rate}

// Check returns an *Error unless m is one of the modes.
func (m Mode) Check() error { return check(m, "mode", modes) }

// UnmarshalText accepts "spiking" or "rate".
func (m *Mode) UnmarshalText(b []byte) error { return parse(m, b, "mode", modes) }

// Profile selects the initialisation and semantics: the code the paper
// cites ("paper") or the authors' later code ("head").
type Profile string

// The profiles.
const (
	Paper Profile = "paper"
	Head  Profile = "head"
)

var profiles = []Profile{Paper, Head}

// Check returns an *Error unless p is one of the profiles.
func (p Profile) Check() error { return check(p, "profile", profiles) }

// UnmarshalText accepts "paper" or "head".
func (p *Profile) UnmarshalText(b []byte) error { return parse(p, b, "profile", profiles) }

// FeedbackBias is the bias of the apical potential: none (the paper's
// equations), fixed (c = Y·r of the implementation the paper cites) or
// learned with the feedback weights.
type FeedbackBias string

// The feedback biases.
const (
	BiasNone    FeedbackBias = "none"
	BiasFixed   FeedbackBias = "fixed"
	BiasLearned FeedbackBias = "learned"
)

var biases = []FeedbackBias{BiasNone, BiasFixed, BiasLearned}

// Check returns an *Error unless b is one of the feedback biases.
func (b FeedbackBias) Check() error { return check(b, "feedback_bias", biases) }

// UnmarshalText accepts "none", "fixed" or "learned".
func (b *FeedbackBias) UnmarshalText(t []byte) error { return parse(b, t, "feedback_bias", biases) }

// Teaching is the target-phase formula of output somata without conductance
// dynamics: the conductance steady state ("head") or the paper's injected
// current C = k_D B + k_I(8y−4) ("paper").
type Teaching string

// The teaching formulas.
const (
	TeachingHead  Teaching = "head"
	TeachingPaper Teaching = "paper"
)

var teachings = []Teaching{TeachingHead, TeachingPaper}

// Check returns an *Error unless t is one of the teaching formulas.
func (t Teaching) Check() error { return check(t, "teaching", teachings) }

// UnmarshalText accepts "head" or "paper".
func (t *Teaching) UnmarshalText(b []byte) error { return parse(t, b, "teaching", teachings) }

// Window is which steps of a phase are averaged: the last
// phase−settle_time steps of a minimum-length phase ("fixed", the code) or
// every step after settle_time ("settle", the paper's text).
type Window string

// The averaging windows.
const (
	WindowFixed  Window = "fixed"
	WindowSettle Window = "settle"
)

var windows = []Window{WindowFixed, WindowSettle}

// Check returns an *Error unless w is one of the windows.
func (w Window) Check() error { return check(w, "window", windows) }

// UnmarshalText accepts "fixed" or "settle".
func (w *Window) UnmarshalText(b []byte) error { return parse(w, b, "window", windows) }

// BackpropOrder is which upper weights backpropagated errors pass through:
// those already updated for this example ("reference", the code) or those
// before the update ("pre-update").
type BackpropOrder string

// The backprop orders.
const (
	OrderReference BackpropOrder = "reference"
	OrderPreUpdate BackpropOrder = "pre-update"
)

var orders = []BackpropOrder{OrderReference, OrderPreUpdate}

// Check returns an *Error unless o is one of the backprop orders.
func (o BackpropOrder) Check() error { return check(o, "backprop_order", orders) }

// UnmarshalText accepts "reference" or "pre-update".
func (o *BackpropOrder) UnmarshalText(b []byte) error {
	return parse(o, b, "backprop_order", orders)
}

// Precision is the number type of the weight rows that the spiking steps sum
// for each step's spikes: float64 (the default, exact to the reference) or
// float32 (a float32 copy of the weights, summed in float32: faster, with
// rounding differences of about 1e-7 of a potential; learning, potentials
// and traces stay float64).
type Precision string

// The precisions.
const (
	Float64 Precision = "float64"
	Float32 Precision = "float32"
)

var precisions = []Precision{Float64, Float32}

// Check returns an *Error unless p is one of the precisions.
func (p Precision) Check() error { return check(p, "precision", precisions) }

// UnmarshalText accepts "float64" or "float32".
func (p *Precision) UnmarshalText(t []byte) error { return parse(p, t, "precision", precisions) }
