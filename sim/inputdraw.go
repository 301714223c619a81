package sim

import "sort"

// The input population's draws by integer thresholds.
//
// While an image is shown, input unit q spikes at the fixed rate
// λ = λmax·p/255 of its pixel value p, one of 255 values. Every test that
// drawSpikes makes of the unit's bits b (b < 2^31) is monotone in b with a
// threshold fixed by λ: b is a candidate when b ≥ tc (candThreshold), its
// count is 1 from the bits alone when t1 ≤ b < t1e, and 0 from the bits
// alone when b < tz (countFromBits). pixThresholds finds the four by
// bisection on those very floating-point tests, once per pixel value, so the
// spikes drawn with them are drawSpikes' own, bit for bit; only the few
// candidates settled by neither bound ("hard", about λ²/2 of the units)
// draw more bits, as there. With AVX-512 one kernel hashes, tests and
// appends sixteen units at a time (inputSpikesArch), instead of packing the
// candidates and settling them in floating point.

// pixThr holds the thresholds of one rate: candidate b ≥ c; count 1 from the
// bits t1 ≤ b < t1e; count 0 from the bits b < tz (when not 1).
type pixThr struct{ c, t1, t1e, tz uint32 }

// pixThresholds returns the thresholds of rate lam, each the least b in
// [0, 2^31] where its test changes (2^31: never for bits below 2^31).
func pixThresholds(lam float64) pixThr {
	first := func(f func(b uint32) bool) uint32 {
		return uint32(sort.Search(1<<31, func(i int) bool { return f(uint32(i)) }))
	}
	oneLo, oneHi, zeroHi := settleBounds(lam) // countFromBits' bounds
	return pixThr{
		c:   candThreshold(lam),
		t1:  first(func(b uint32) bool { return float64(b)*0x1p-31 >= oneLo }),
		t1e: first(func(b uint32) bool { return !(float64(b)*0x1p-31+0x1p-31 <= oneHi) }),
		tz:  first(func(b uint32) bool { return !(float64(b)*0x1p-31+0x1p-31 <= zeroHi) }),
	}
}

// classify returns what the thresholds say of bits b: a candidate or not,
// and for a candidate its count from the bits (ok false: hard). It is
// drawSpikes' candidate test followed by countFromBits.
func (t pixThr) classify(b uint32) (cand bool, c int, ok bool) {
	if b < t.c {
		return false, 0, true
	}
	if b >= t.t1 && b < t.t1e {
		return true, 1, true
	}
	return true, 0, b < t.tz
}

// inputThrGroup is the number of units whose thresholds lie together in
// Sim.inThr: sixteen tc, then sixteen t1, t1e and tz (the kernel's groups).
const inputThrGroup = 16

// setInputThresholds lays out the thresholds of the shown image's units in
// s.inThr, group by group; the units past the last (to a whole group) are
// no candidates.
func (s *Sim) setInputThresholds(pixels []uint8) {
	n := len(s.inIdx)
	np := (n + inputThrGroup - 1) &^ (inputThrGroup - 1)
	thr := s.inThr[:4*np]
	for q := 0; q < np; q++ {
		t := pixThr{c: ^uint32(0)}
		if q < n {
			t = s.pixThr[pixels[s.inIdx[q]]]
		}
		g, k := q/inputThrGroup*4*inputThrGroup, q%inputThrGroup
		thr[g+k] = t.c
		thr[g+inputThrGroup+k] = t.t1
		thr[g+2*inputThrGroup+k] = t.t1e
		thr[g+3*inputThrGroup+k] = t.tz
	}
	s.inThrN = n
}

// drawInput appends to sl (empty) the input units that spike in this step,
// as drawSpikes(sl, s.inRate, s.inIdx, key, &s.draw) does.
func (s *Sim) drawInput(sl *spikeSlot, key uint64) {
	n, d := len(s.inIdx), &s.draw
	w := (n + 63) / 64
	if !d.oneByOne && s.inThrN == n && len(sl.idx) == 0 && len(d.keep) >= w && len(d.hard) >= w {
		keep, hard := d.keep[:w], d.hard[:w]
		if m, ok := inputSpikesArch(s.inThr, s.inIdx, n, key, sl.idx, sl.cnt, s.inBits, keep, hard); ok {
			idx, cnt := sl.idx[:m], sl.cnt[:m]
			for _, h := range hard {
				if h != 0 {
					idx, cnt = settleHard(idx, cnt, 0, nil, key, s.inBits, s.inRate, nil, keep, hard)
					break
				}
			}
			sl.idx, sl.cnt = idx, cnt
			return
		}
	}
	drawSpikes(sl, s.inRate, s.inIdx, key, d)
}

// inputSpikesGo is the kernel of drawInput in Go (for its tests): for units
// q < n with bits b = unitBits(q, key), it appends ids[q] and count 1 for
// those that are candidates and not settled as 0 (keep), marks in hard
// those settled neither as 0 nor as 1, stores b in bits, and returns how
// many it appended.
func inputSpikesGo(thr []uint32, ids []int32, n int, key uint64, idx []int32, cnt []float64, bitsOut []uint32, keep, hard []uint64) int {
	kLo, kHi := uint32(key), uint32(key>>32)
	clear(keep)
	clear(hard)
	m := 0
	for q := 0; q < n; q++ {
		b := unitBits(uint32(q), kLo, kHi)
		bitsOut[q] = b
		g, k := q/inputThrGroup*4*inputThrGroup, q%inputThrGroup
		t := pixThr{thr[g+k], thr[g+inputThrGroup+k], thr[g+2*inputThrGroup+k], thr[g+3*inputThrGroup+k]}
		cand, c, ok := t.classify(b)
		if !cand || (ok && c == 0) {
			continue
		}
		keep[q/64] |= 1 << (q % 64)
		if !ok {
			hard[q/64] |= 1 << (q % 64)
		}
		idx[m], cnt[m] = ids[q], 1
		m++
	}
	return m
}
