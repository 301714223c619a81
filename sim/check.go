package sim

import (
	"fmt"

	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
)

// checkShape reports why net cannot be read out as classes groups: the
// output layer needs at least one neuron per class and the same number in
// every group.
func checkShape(net *network.Net, classes int) error {
	if len(net.Layers) == 0 {
		return fmt.Errorf("sim: network has no layers")
	}
	if classes < 2 {
		return fmt.Errorf("sim: %d classes, want at least 2", classes)
	}
	if n := net.Out().N; n < classes || n%classes != 0 {
		return fmt.Errorf("sim: output layer of %d neurons cannot be read out as %d classes (want a multiple of %d, one group per class)", n, classes, classes)
	}
	return nil
}

// Inputs returns the number of input units: the length of every image.
func (s *Sim) Inputs() int { return s.pixels }

// Classes returns the number of classes the output layer reads out.
func (s *Sim) Classes() int { return s.classes }

// CheckExample reports why img and label cannot be presented: the network
// cannot be read out as its classes, img's length is not Inputs(), or label
// is outside [0, Classes()). It is what Train checks first.
func (s *Sim) CheckExample(img []uint8, label int) error {
	if s.setupErr != nil {
		return s.setupErr
	}
	if err := dataset.CheckExample(img, label, s.pixels, s.classes); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	return nil
}
