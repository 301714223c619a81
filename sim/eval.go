package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/network"
)

// Images is a labelled data set (see dataset.Images, of which this is
// another name): *dataset.Set implements it, and so can any user type.
type Images = dataset.Images

// Evaluation is the outcome of a test.
type Evaluation struct {
	N, Wrong int
	Pred     []int // prediction per tested position
	// Work is the simulated work of the test, summed over its Sims
	// (see Counters).
	Work Counters
	// Err is set when the test did not run or did not finish (bad input,
	// a cancelled context); N, Wrong and Pred are then incomplete.
	Err error
}

// ErrorPercent is 100·wrong/n.
func (e Evaluation) ErrorPercent() float64 {
	if e.N == 0 {
		return 0
	}
	return 100 * float64(e.Wrong) / float64(e.N)
}

// Evaluate tests net on the images idx of set (docs/model.md#test-procedure-and-read-out), split across
// workers goroutines (0 = GOMAXPROCS). Image k of idx is simulated with the
// spike stream (seed, k), so the result does not depend on workers. If
// activity is non-nil it is called (from the worker goroutine) after each
// image with its position and the worker's Sim, e.g. to copy hidden rates;
// without it each test computes only what its prediction needs
// (Sim.LazyTestRates), and Evaluation.Work still counts the work done.
//
// Every tested image must have the network's input size and a label in
// [0, classes) (model.Network.Classes), and every index must lie in
// [0, set.Len()); otherwise nothing runs and Evaluation.Err says which
// position is wrong.
func Evaluate(p model.Params, net *network.Net, set Images, idx []int, seed uint64, workers int, activity func(k int, s *Sim)) Evaluation {
	ev, err := EvaluateContext(context.Background(), p, net, set, idx, seed, workers, activity)
	ev.Err = err
	return ev
}

// checkTest reports the first tested position that cannot be classified.
func checkTest(p model.Params, net *network.Net, set Images, idx []int) error {
	classes := p.Network.NumClasses()
	if err := checkShape(net, classes); err != nil {
		return err
	}
	if err := checkBiology(&p); err != nil {
		return err
	}
	if set == nil {
		return fmt.Errorf("sim: Evaluate: no data set (nil)")
	}
	pixels, n := net.Layers[0].In, set.Len()
	for k, i := range idx {
		if i < 0 || i >= n {
			return fmt.Errorf("sim: Evaluate: position %d: index %d outside the set's [0, %d)", k, i, n)
		}
		if err := dataset.CheckExample(set.Image(i), set.Label(i), pixels, classes); err != nil {
			return fmt.Errorf("sim: Evaluate: example %d: %w", i, err)
		}
	}
	return nil
}

// EvaluateContext is Evaluate that checks ctx before each image: when ctx is
// cancelled the workers stop after their current image and ctx's error is
// returned with an incomplete Evaluation (and in its Err).
func EvaluateContext(ctx context.Context, p model.Params, net *network.Net, set Images, idx []int, seed uint64, workers int, activity func(k int, s *Sim)) (Evaluation, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(idx) {
		workers = len(idx)
	}
	ev := Evaluation{N: len(idx), Pred: make([]int, len(idx))}
	if err := checkTest(p, net, set, idx); err != nil {
		ev.Err = err
		return ev, err
	}
	if len(idx) == 0 {
		return ev, ctx.Err()
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := make(chan int, 64)
	go func() {
		// Hand out blocks of images to balance load without per-image channel traffic.
		const block = 16
		for k := 0; k < len(idx); k += block {
			next <- k
		}
		close(next)
	}()
	var first *Sim // whose float32 weight copies the other workers read
	for w := 0; w < workers; w++ {
		s := newSim(p, net, seed, first)
		if first == nil {
			first = s
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// without a callback nothing reads the hidden rates
			s.LazyTestRates = activity == nil
			for k0 := range next {
				for k := k0; k < k0+16 && k < len(idx); k++ {
					if ctx.Err() != nil {
						break
					}
					s.Reseed(seed, uint64(k))
					ev.Pred[k] = s.Classify(set.Image(idx[k]))
					if activity != nil {
						activity(k, s)
					}
				}
			}
			c := s.Counters()
			mu.Lock()
			ev.Work.Steps += c.Steps
			ev.Work.Spikes += c.Spikes
			ev.Work.SynEvents += c.SynEvents
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		ev.Err = err
		return ev, err
	}
	for k, i := range idx {
		if ev.Pred[k] != set.Label(i) {
			ev.Wrong++
		}
	}
	return ev, nil
}
