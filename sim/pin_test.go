package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
)

// The kernels promise the same bits on every machine with AVX2 (and with
// AVX-512): a stored run is re-run to the bit by a later build. This test
// pins a short paper-profile run — 60 training examples of 784-500-10 and
// 784-500-100-10, in float64 and float32, then 8 test images each — to the
// digest of every weight and every test's output means. A kernel change
// that moves one bit fails it; a deliberate change of the model updates the
// digests here, and the change says why.
var pinnedDigests = []struct {
	layers []int
	prec   option.Precision
	digest string
}{
	{[]int{500, 10}, "float64", "7f6bdf8ed71dc405"},
	{[]int{500, 100, 10}, "float64", "056c9ef100151872"},
	{[]int{500, 10}, "float32", "e1d327b458b65c5d"},
	{[]int{500, 100, 10}, "float32", "89b6fcd964bbd6d8"},
}

func TestPinnedBits(t *testing.T) {
	if !useAVX {
		t.Skip("the pure-Go path uses the rate table: other bits (TestRateTableLearnsLikeExact)")
	}
	if testing.Short() {
		t.Skip("short")
	}
	train, test := loadMNIST(t)
	for _, pin := range pinnedDigests {
		t.Run(fmt.Sprint(pin.layers, pin.prec), func(t *testing.T) {
			t.Parallel()
			layers, prec, want := pin.layers, pin.prec, pin.digest
			cfg := newCfg(t, func(c *config.Config) { c.Layers, c.Precision = layers, prec })
			net := network.New(cfg.Model(), Pixels, randFor(3))
			s := New(cfg.Model(), net, 5)
			s.LazyTrainRates = true
			h := sha256.New()
			var b [8]byte
			put := func(v float64) {
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
				h.Write(b[:])
			}
			for i := range 60 {
				if r := s.Train(train.Image(i), int(train.Labels[i])); r.Err != nil {
					t.Fatal(r.Err)
				}
			}
			for _, ly := range net.Layers {
				for _, w := range [][]float64{ly.W, ly.B, ly.Y} {
					for _, v := range w {
						put(v)
					}
				}
			}
			s.LazyTestRates = true
			for k := range 8 {
				s.Reseed(9, uint64(k))
				s.Classify(test.Image(k))
				for _, ls := range s.layers {
					for _, v := range ls.sumC[:ls.n] {
						put(v)
					}
				}
			}
			if got := hex.EncodeToString(h.Sum(nil))[:16]; got != want {
				t.Errorf("digest %s, pinned %s", got, want)
			}
		})
	}
}
