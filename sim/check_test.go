package sim

import (
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
)

// Bad examples are refused with an error by every entry point, never a
// panic, and leave the simulation untouched.
func TestBadExamplesRefused(t *testing.T) {
	cfg := newCfg(t, func(c *config.Config) { c.Mode, c.Layers = "rate", []int{20, 10} })
	p := cfg.Model()
	net := network.New(p, Pixels, randFor(1))
	s := New(p, net, 1)
	good := make([]uint8, Pixels)
	cases := []struct {
		img   []uint8
		label int
		want  string
	}{
		{make([]uint8, 1000), 3, "1000 pixels, the network takes 784"},
		{make([]uint8, 100), 3, "100 pixels"},
		{nil, 3, "0 pixels"},
		{good, 12, "label 12 outside [0, 10)"},
		{good, -1, "label -1 outside [0, 10)"},
	}
	for _, c := range cases {
		res := s.Train(c.img, c.label)
		if res.Err == nil || !strings.Contains(res.Err.Error(), c.want) {
			t.Errorf("Train(%d pixels, label %d): err %v, want %q", len(c.img), c.label, res.Err, c.want)
		}
		if res.Pred != -1 || s.Now() != 0 {
			t.Errorf("refused example ran: pred %d, now %d", res.Pred, s.Now())
		}
	}
	if got := s.Classify(make([]uint8, 1000)); got != -1 {
		t.Errorf("Classify(1000 pixels) = %d, want -1", got)
	}
	set := &dataset.Set{Images: make([]uint8, 3*Pixels), Labels: []uint8{1, 12, 2}, N: 3, Rows: 28, Cols: 28, Classes: 10}
	ev := Evaluate(p, net, set, []int{0, 1, 2}, 1, 1, nil)
	if ev.Err == nil || !strings.Contains(ev.Err.Error(), "example 1: label 12 outside [0, 10)") {
		t.Errorf("Evaluate with label 12: err %v", ev.Err)
	}
	ev = Evaluate(p, net, set, []int{0, 3}, 1, 1, nil)
	if ev.Err == nil || !strings.Contains(ev.Err.Error(), "index 3 outside") {
		t.Errorf("Evaluate with index 3 of 3: err %v", ev.Err)
	}
	small := &dataset.Set{Images: make([]uint8, 2*16), Labels: []uint8{1, 2}, N: 2, Rows: 4, Cols: 4, Classes: 10}
	ev = Evaluate(p, net, small, []int{0, 1}, 1, 1, nil)
	if ev.Err == nil || !strings.Contains(ev.Err.Error(), "16 pixels, the network takes 784") {
		t.Errorf("Evaluate of 4×4 images on a 784-input network: err %v", ev.Err)
	}
	// An output layer that cannot be split into the classes.
	p.Network.Classes = 3
	s3 := New(p, net, 1)
	if res := s3.Train(good, 1); res.Err == nil || !strings.Contains(res.Err.Error(), "10 neurons cannot be read out as 3 classes") {
		t.Errorf("10 outputs as 3 classes: err %v", res.Err)
	}
}

// A network of another input size and class count trains and learns: 4×4
// images of 3 classes, class k lighting row k (rows 0-2), with noise.
func TestOtherSizesLearn(t *testing.T) {
	cfg := newCfg(t, func(c *config.Config) { c.Mode, c.Layers = "rate", []int{12, 10} })
	p := cfg.Model()
	p.Network.Layers = []int{12, 6}
	p.Network.Classes = 3
	p.Learning.Etas = []float64{0.5, 0.5}
	net := network.New(p, 16, randFor(2))
	rng := randFor(3)
	mk := func(n int) *dataset.Set {
		set := &dataset.Set{Images: make([]uint8, n*16), Labels: make([]uint8, n), N: n, Rows: 4, Cols: 4, Classes: 3}
		for i := 0; i < n; i++ {
			k := rng.IntN(3)
			set.Labels[i] = uint8(k)
			img := set.Image(i)
			for j := range img {
				img[j] = uint8(rng.IntN(40))
			}
			for c := 0; c < 4; c++ {
				img[k*4+c] = 255
			}
		}
		return set
	}
	train, test := mk(600), mk(200)
	idx := identity(200)
	before := Evaluate(p, net, test, idx, 1, 1, nil)
	s := New(p, net, 1)
	for i := 0; i < train.N; i++ {
		if res := s.Train(train.Image(i), train.Label(i)); res.Err != nil || !res.Finite {
			t.Fatalf("example %d: err %v finite %v", i, res.Err, res.Finite)
		}
	}
	after := Evaluate(p, net, test, idx, 1, 1, nil)
	if before.Err != nil || after.Err != nil {
		t.Fatal(before.Err, after.Err)
	}
	t.Logf("test error %.1f%% → %.1f%%", before.ErrorPercent(), after.ErrorPercent())
	if after.ErrorPercent() > 10 {
		t.Errorf("test error after training %.1f%%, want ≤ 10%% on a separable 3-class task", after.ErrorPercent())
	}
	for _, pr := range after.Pred {
		if pr < 0 || pr >= 3 {
			t.Fatalf("prediction %d outside the 3 classes", pr)
		}
	}
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}
