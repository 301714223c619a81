package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dendrite-lab/dendrite/neuron"
)

// The thresholds say what the floating-point tests say: drawSpikes'
// candidate test and countFromBits, at and around each threshold and at
// random bits, for every pixel value's rate and for other rates.
func TestPixThresholds(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	var lams []float64
	for _, lmax := range []float64{0.2, 1, 0.5, 0.05} {
		for p := 1; p < 256; p++ {
			lams = append(lams, lmax*float64(p)/255)
		}
	}
	lams = append(lams, 1, 1-0x1p-53, 0x1p-31, 1e-300, 0.9999)
	check := func(l float64, th pixThr, b int64) {
		if b < 0 || b >= 1<<31 {
			return
		}
		u := uint32(b)
		cand, c, ok := th.classify(u)
		wantCand := float64(u)+1 > (1-l)*0x1p31
		if cand != wantCand {
			t.Fatalf("λ=%v b=%d: candidate %v, float test %v (%+v)", l, b, cand, wantCand, th)
		}
		if !cand {
			return
		}
		if wc, wok := countFromBits(u, l); c != wc || ok != wok {
			t.Fatalf("λ=%v b=%d: count %d ok %v, countFromBits %d %v (%+v)", l, b, c, ok, wc, wok, th)
		}
	}
	for _, l := range lams {
		th := pixThresholds(l)
		for _, x := range []uint32{th.c, th.t1, th.t1e, th.tz} {
			for b := int64(x) - 3; b <= int64(x)+3; b++ {
				check(l, th, b)
			}
		}
		for range 200 {
			check(l, th, int64(th.c)+r.Int64N(1<<31-int64(th.c)+1))
		}
		check(l, th, 0)
		check(l, th, 1<<31-1)
	}
}

// drawInput's spikes are drawSpikes' for the same rates and key, with the
// kernel and with the Go loop, for images of every size to 784 pixels.
func TestDrawInputMatchesDrawSpikes(t *testing.T) {
	s := benchSim(t, "spiking", []int{30, 10})
	r := rand.New(rand.NewPCG(23, 24))
	img := make([]uint8, s.pixels)
	var want, got spikeSlot
	want.idx, want.cnt = make([]int32, 0, s.pixels+32), make([]float64, 0, s.pixels+32)
	got = s.input.ring[0]
	hardSeen := 0
	for trial := range 300 {
		clear(img)
		k := r.IntN(s.pixels + 1)
		if trial < 40 {
			k = trial
		}
		for _, j := range r.Perm(s.pixels)[:k] {
			img[j] = uint8(1 + r.IntN(255))
			if trial%3 == 0 {
				img[j] = 255 // the highest rate: most hard candidates
			}
		}
		s.SetInput(img)
		for range 20 {
			key := r.Uint64()
			want.reset()
			drawSpikes(&want, s.inRate, s.inIdx, key, &s.draw)
			got.reset()
			s.drawInput(&got, key)
			if !slices.Equal(got.idx, want.idx) || !slices.Equal(got.cnt, want.cnt) {
				t.Fatalf("trial %d (%d pixels) key %x:\n got %v %v\nwant %v %v", trial, k, key, got.idx, got.cnt, want.idx, want.cnt)
			}
			for _, c := range want.cnt {
				if c != 1 {
					hardSeen++
				}
			}
		}
	}
	if hardSeen == 0 {
		t.Fatal("no count above 1 drawn: the hard path went untested")
	}
}

// The kernel agrees with inputSpikesGo on every output, also for thresholds
// placed at each unit's own bits and one either side, where an off-by-one
// in a comparison would show.
func TestInputSpikesKernel(t *testing.T) {
	if !useAVX || !useAVX512 {
		t.Skip("no AVX-512 kernel on this machine")
	}
	r := rand.New(rand.NewPCG(25, 26))
	for _, n := range []int{1, 2, 15, 16, 17, 31, 33, 64, 65, 150, 784} {
		np := (n + 15) &^ 15
		w := (n + 63) / 64
		ids := make([]int32, np)
		for q := range ids {
			ids[q] = int32(r.IntN(1000))
		}
		for trial := range 50 {
			key := r.Uint64()
			thr := make([]uint32, 4*np)
			for q := 0; q < np; q++ {
				g, k := q/16*64, q%16
				if q >= n {
					thr[g+k] = ^uint32(0)
					continue
				}
				b := unitBits(uint32(q), uint32(key), uint32(key>>32))
				near := func() uint32 { return b + uint32(r.IntN(3)) - 1 }
				switch trial % 3 {
				case 0: // at the bits: every comparison on its edge
					thr[g+k], thr[g+16+k], thr[g+32+k], thr[g+48+k] = near(), near(), near(), near()
				case 1: // a real rate
					th := pixThresholds(float64(1+r.IntN(255)) * 0.2 / 255)
					thr[g+k], thr[g+16+k], thr[g+32+k], thr[g+48+k] = th.c, th.t1, th.t1e, th.tz
				default: // anything
					thr[g+k], thr[g+16+k], thr[g+32+k], thr[g+48+k] = r.Uint32()>>1, r.Uint32()>>1, r.Uint32()>>1, r.Uint32()>>1
				}
			}
			type out struct {
				m          int
				idx        []int32
				cnt        []float64
				bits       []uint32
				keep, hard []uint64
			}
			run := func(arch bool) out {
				o := out{idx: make([]int32, n+16), cnt: make([]float64, n+16), bits: make([]uint32, np),
					keep: make([]uint64, w), hard: make([]uint64, w)}
				for i := range o.keep {
					o.keep[i], o.hard[i] = 0xdead, 0xbeef // stale words are cleared
				}
				if arch {
					o.m, _ = inputSpikesArch(thr, ids, n, key, o.idx[:0], o.cnt[:0], o.bits, o.keep, o.hard)
				} else {
					o.m = inputSpikesGo(thr, ids, n, key, o.idx, o.cnt, o.bits, o.keep, o.hard)
				}
				o.idx, o.cnt, o.bits = o.idx[:o.m], o.cnt[:o.m], o.bits[:n]
				return o
			}
			a, g := run(true), run(false)
			if a.m != g.m || !slices.Equal(a.idx, g.idx) || !slices.Equal(a.cnt, g.cnt) || !slices.Equal(a.bits, g.bits) ||
				!slices.Equal(a.keep, g.keep) || !slices.Equal(a.hard, g.hard) {
				t.Fatalf("n=%d trial %d: kernel %+v\nGo %+v", n, trial, a, g)
			}
		}
	}
}

// hardCount's shortcut (count 2 from the bits) gives PoissonU's count of
// the whole 53-bit uniform, whatever its low 22 bits: for bits in, at and
// around the interval of count 2, with rates from 0 to 1 and beyond.
func TestHardCountMatchesPoissonU(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	lams := []float64{0.2, 1, 0.05, 1e-3, 1e-300, 0x1p-31, 0.9999, 1.5, 0}
	for range 300 {
		lams = append(lams, r.Float64(), 0.2*r.Float64())
	}
	twos := 0
	for _, l := range lams {
		l2, l3 := l*l, l*l*l
		var bs []int64
		e := math.Exp(-l)
		// the bounds, and the true CDF at 1 and 2 beyond them
		for _, edge := range []float64{1 - l2/2 + l3/3, 1 - l3/6, 1 - l, 1, e * (1 + l), e * (1 + l + l2/2)} {
			eb := int64(edge * 0x1p31)
			for d := int64(-3); d <= 3; d++ {
				bs = append(bs, eb+d)
			}
		}
		for range 50 {
			bs = append(bs, int64(r.Uint32()>>1))
		}
		for _, b := range bs {
			if b < 0 || b >= 1<<31 {
				continue
			}
			if twoFromBits(uint32(b), l) {
				twos++
				for _, low := range []uint64{0, 1<<22 - 1, r.Uint64N(1 << 22)} {
					u := float64(uint64(b)<<22|low) * 0x1p-53
					// PoissonU, and the exact inversion it stands for
					if c, x := neuron.PoissonU(u, l), neuron.PoissonP0(u, l, e); c != 2 || x != 2 {
						t.Fatalf("λ=%v b=%d low=%d: count 2 from the bits, PoissonU %d, inversion %d", l, b, low, c, x)
					}
				}
			}
			key, i := r.Uint64(), r.IntN(1000)
			low := mix64(key+uint64(i+1)*golden) >> 42
			if got, want := hardCount(uint32(b), l, i, key), neuron.PoissonU(float64(uint64(b)<<22|low)*0x1p-53, l); got != want {
				t.Fatalf("λ=%v b=%d: hardCount %d, PoissonU %d", l, b, got, want)
			}
		}
	}
	if twos < 100 {
		t.Fatalf("only %d bits with count 2 from the bits: the shortcut went untested", twos)
	}
}

// One step's input draw of an MNIST digit: by the integer thresholds
// (drawInput) and by the general path (drawSpikes), the same spikes.
func BenchmarkDrawInput(b *testing.B) {
	train, _ := benchData(b)
	s := benchSim(b, "spiking", []int{500, 10})
	var sl spikeSlot
	sl.idx, sl.cnt = make([]int32, 0, s.pixels+32), make([]float64, 0, s.pixels+32)
	for _, path := range []string{"thresholds", "float"} {
		b.Run(path, func(b *testing.B) {
			key := uint64(1)
			for i := 0; b.Loop(); i++ {
				if i%100 == 0 {
					s.SetInput(train.Image(i / 100 % benchImagesCount))
				}
				key = key*6364136223846793005 + 1442695040888963407
				sl.reset()
				if path == "float" {
					drawSpikes(&sl, s.inRate, s.inIdx, key, &s.draw)
				} else {
					s.drawInput(&sl, key)
				}
			}
		})
	}
}
