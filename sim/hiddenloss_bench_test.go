package sim

import (
	"testing"

	"github.com/dendrite-lab/dendrite/option"
)

// BenchmarkHiddenLoss is what record_hidden_loss adds per training example
// of the 500,10 network (compare BenchmarkTrainSpiking's cost per example).
func BenchmarkHiddenLoss(b *testing.B) {
	train, _ := benchData(b)
	s := benchSim(b, option.Spiking, []int{500, 10})
	s.Train(train.Image(0), int(train.Labels[0]))
	var sink float64
	c := startCPU(b)
	for i := 0; i < b.N; i++ {
		sink += s.HiddenLoss(0)
	}
	c.stop(b, "examples")
	if !(sink > 0) {
		b.Fatalf("hidden loss sum %g after a trained example, want > 0", sink)
	}
}
