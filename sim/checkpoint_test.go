package sim

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/dendrite-lab/dendrite/checkpoint"
	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/network"
)

// A Sim and its network saved into a checkpoint file and loaded into a fresh
// Sim continue bit-identically, clock included; a checkpoint without the
// versioned sim part (an older build's) is refused with ErrVersion.
func TestSaveLoadStateContinuesIdentically(t *testing.T) {
	train, _ := loadMNIST(t)
	cfg := newCfg(t, func(c *config.Config) { c.Layers = []int{50, 20, 10}; c.RecordEigvals = true })
	net := network.New(cfg.Model(), Pixels, randFor(4))
	s := New(cfg.Model(), net, 5)
	steps := int64(0)
	for i := 0; i < 3; i++ {
		res := s.Train(train.Image(i), int(train.Labels[i]))
		steps += int64(res.LenF + res.LenT)
	}
	s.TestsShown(2)
	w := checkpoint.NewWriter()
	net.SaveState(w)
	s.SaveState(w)
	path := filepath.Join(t.TempDir(), "state.ckpt")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	r, err := checkpoint.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	net2 := network.New(cfg.Model(), Pixels, randFor(77)) // other weights, overwritten
	s2 := New(cfg.Model(), net2, 99)
	if err := net2.LoadState(r); err != nil {
		t.Fatal(err)
	}
	if err := s2.LoadState(r); err != nil {
		t.Fatal(err)
	}
	if want := steps + 2*250; s2.Now() != s.Now() || s.Now() != want {
		t.Fatalf("clock %d after load, %d before; want %d (training steps and two test phases)", s2.Now(), s.Now(), want)
	}
	for i := 3; i < 6; i++ {
		a := s.Train(train.Image(i), int(train.Labels[i]))
		b := s2.Train(train.Image(i), int(train.Labels[i]))
		if a.Pred != b.Pred || a.Loss != b.Loss || a.EndT != b.EndT || a.MaxJacEig != b.MaxJacEig {
			t.Fatalf("example %d: %+v after load, %+v uninterrupted", i, b, a)
		}
	}
	compareNets(t, net2, net, 0)
	before := s.Now()
	s.TestsShown(3)
	s.RewindTests(before)
	if s.Now() != before {
		t.Fatalf("clock %d after rewinding three abandoned tests, want %d", s.Now(), before)
	}

	old := checkpoint.NewWriter()
	old.Int64s("sim/pos", []int64{0, 0, 0})
	path2 := filepath.Join(t.TempDir(), "old.ckpt")
	if err := old.WriteFile(path2); err != nil {
		t.Fatal(err)
	}
	r2, err := checkpoint.ReadFile(path2)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.LoadState(r2); !errors.Is(err, checkpoint.ErrVersion) {
		t.Fatalf("loading an older build's checkpoint: %v, want an ErrVersion", err)
	}
}
