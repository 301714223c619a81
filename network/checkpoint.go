package network

import (
	"fmt"

	"github.com/dendrite-lab/dendrite/checkpoint"
)

// stateVersion is the format version of the sections SaveState writes.
const stateVersion = 1

// SaveState writes every parameter and the sparse-feedback masks into w as
// named sections net/layer/ℓ/{W,b,Y,c,zero,gain}.
func (n *Net) SaveState(w *checkpoint.Writer) {
	w.PartVersion("net", stateVersion)
	for l, ly := range n.Layers {
		p := fmt.Sprintf("net/layer/%d/", l)
		w.Float64s(p+"W", ly.W)
		w.Float64s(p+"b", ly.B)
		w.Float64s(p+"Y", ly.Y)
		w.Float64s(p+"c", ly.FeedbackBias)
		z := make([]int64, len(ly.Zero))
		for i, v := range ly.Zero {
			z[i] = int64(v)
		}
		w.Int64s(p+"zero", z)
		w.Float64s(p+"gain", []float64{ly.Gain})
	}
}

// LoadState reads what SaveState wrote into n, which must have the same
// shape; every length and mask index is checked.
func (n *Net) LoadState(r *checkpoint.Reader) error {
	if err := r.CheckPartVersion("net", stateVersion); err != nil {
		return err
	}
	for l, ly := range n.Layers {
		p := fmt.Sprintf("net/layer/%d/", l)
		for _, x := range []struct {
			name string
			dst  []float64
		}{{"W", ly.W}, {"b", ly.B}, {"Y", ly.Y}, {"c", ly.FeedbackBias}} {
			v, err := r.Float64s(p+x.name, len(x.dst))
			if err != nil {
				return err
			}
			copy(x.dst, v)
		}
		z, err := r.Int64s(p+"zero", -1)
		if err != nil {
			return err
		}
		ly.Zero = ly.Zero[:0]
		for _, v := range z {
			if v < 0 || int(v) >= len(ly.Y) {
				return fmt.Errorf("checkpoint: %s: sparse mask index %d out of range [0, %d)", p+"zero", v, len(ly.Y))
			}
			ly.Zero = append(ly.Zero, int(v))
		}
		g, err := r.Float64s(p+"gain", 1)
		if err != nil {
			return err
		}
		ly.Gain = g[0]
	}
	return nil
}
