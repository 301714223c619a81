package option

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestJSONRoundTripKeepsTheStrings(t *testing.T) {
	type all struct {
		M Mode          `json:"mode"`
		P Profile       `json:"profile"`
		F FeedbackBias  `json:"feedback_bias"`
		T Teaching      `json:"teaching"`
		W Window        `json:"window"`
		O BackpropOrder `json:"backprop_order"`
	}
	in := `{"mode":"rate","profile":"head","feedback_bias":"learned","teaching":"paper","window":"settle","backprop_order":"pre-update"}`
	var a all
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	want := all{Rate, Head, BiasLearned, TeachingPaper, WindowSettle, OrderPreUpdate}
	if a != want {
		t.Fatalf("decoded %+v, want %+v", a, want)
	}
	out, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Fatalf("encoded %s, want %s", out, in)
	}
}

func TestUnknownTextIsAnErrorNamingKeyAndValues(t *testing.T) {
	var w Window
	err := json.Unmarshal([]byte(`"sliding"`), &w)
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("error %v (%T), want an *option.Error", err, err)
	}
	if oe.Key != "window" || oe.Got != "sliding" {
		t.Fatalf("error names key %q and text %q", oe.Key, oe.Got)
	}
	const msg = `config field "window": got "sliding", want one of "fixed", "settle"`
	if oe.Error() != msg {
		t.Fatalf("message %q, want %q", oe.Error(), msg)
	}
	if w != "" {
		t.Fatalf("failed decode set the window to %q", w)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		err  error
		fail bool
	}{
		{Spiking.Check(), false}, {Mode("burst").Check(), true},
		{Paper.Check(), false}, {Profile("").Check(), true},
		{BiasFixed.Check(), false}, {FeedbackBias("c").Check(), true},
		{TeachingPaper.Check(), false}, {Teaching("x").Check(), true},
		{WindowFixed.Check(), false}, {Window("x").Check(), true},
		{OrderPreUpdate.Check(), false}, {BackpropOrder("x").Check(), true},
	} {
		if (tc.err != nil) != tc.fail {
			t.Errorf("Check: %v, want failure %v", tc.err, tc.fail)
		}
	}
}
