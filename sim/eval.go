package sim

import (
	"context"
	"runtime"
	"sync"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/network"
)

// Images is what Evaluate needs of a data set.
type Images interface {
	Image(i int) []uint8
	Label(i int) int
}

// Evaluation is the outcome of a test.
type Evaluation struct {
	N, Wrong int
	Pred     []int // prediction per tested position
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
// image with its position and the worker's Sim, e.g. to copy hidden rates.
func Evaluate(p model.Params, net *network.Net, set Images, idx []int, seed uint64, workers int, activity func(k int, s *Sim)) Evaluation {
	ev, _ := EvaluateContext(context.Background(), p, net, set, idx, seed, workers, activity)
	return ev
}

// EvaluateContext is Evaluate that checks ctx before each image: when ctx is
// cancelled the workers stop after their current image and ctx's error is
// returned with an incomplete Evaluation.
func EvaluateContext(ctx context.Context, p model.Params, net *network.Net, set Images, idx []int, seed uint64, workers int, activity func(k int, s *Sim)) (Evaluation, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(idx) {
		workers = len(idx)
	}
	ev := Evaluation{N: len(idx), Pred: make([]int, len(idx))}
	if len(idx) == 0 {
		return ev, ctx.Err()
	}
	var wg sync.WaitGroup
	next := make(chan int, 64)
	go func() {
		// Hand out blocks of images to balance load without per-image channel traffic.
		const block = 16
		for k := 0; k < len(idx); k += block {
			next <- k
		}
		close(next)
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := New(p, net, seed)
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
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return ev, err
	}
	for k, i := range idx {
		if ev.Pred[k] != set.Label(i) {
			ev.Wrong++
		}
	}
	return ev, nil
}
