package config

import (
	"fmt"
	"strings"
	"testing"
)

// ValidateFor checks the output layer against the data's class count;
// Validate is ValidateFor(10).
func TestValidateFor(t *testing.T) {
	c := Default("paper")
	c.Layers, c.Etas = []int{12, 6}, []float64{0.2, 0.2}
	if err := c.ValidateFor(3); err != nil {
		t.Errorf("[12 6] for 3 classes: %v", err)
	}
	for _, k := range []int{10, 4} {
		err := c.ValidateFor(k)
		if k == 10 {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), `config field "layers"`) || !strings.Contains(err.Error(), fmt.Sprintf("multiple of %d, one group per class (got 6)", k)) {
			t.Errorf("[12 6] for %d classes: %v", k, err)
		}
	}
	if err := c.ValidateFor(1); err == nil || !strings.Contains(err.Error(), "at least 2 classes") {
		t.Errorf("1 class: %v", err)
	}
}
