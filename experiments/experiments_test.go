package experiments

import (
	"testing"

	"github.com/dendrite-lab/dendrite/config"
)

// Every experiment loads and validates, and the paper's headline numbers are there.
func TestAllExperimentsValidate(t *testing.T) {
	l, err := List()
	if err != nil {
		t.Fatal(err)
	}
	if len(l) < 14 {
		t.Fatalf("%d experiments, want at least 14", len(l))
	}
	want := map[string]float64{"no-hidden-layer": 8.3, "one-hidden-layer": 4.1, "two-hidden-layers": 3.2, "sparse-feedback": 3.7, "symmetric-feedback": 3.6}
	for _, x := range l {
		raw, err := x.Config()
		if err != nil {
			t.Fatalf("%s: %v", x.Name, err)
		}
		if _, err := config.FromJSON(raw, nil); err != nil {
			t.Errorf("%s: %v", x.Name, err)
		}
		if x.Description == "" || x.Paper == "" {
			t.Errorf("%s: header lacks a description or the paper's result", x.Name)
		}
		if w, ok := want[x.Name]; ok && (!x.HasError || x.PaperError != w) {
			t.Errorf("%s: paper error %v, want %v", x.Name, x.PaperError, w)
		}
	}
	if _, err := Get("nope"); err == nil {
		t.Error("unknown experiment: no error")
	}
}
