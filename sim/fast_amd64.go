//go:build amd64 && !purego

package sim

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:noescape
func addRowsAVX(dst *float64, n int, rows *unsafe.Pointer, coef *float64, m int)

//go:noescape
func addRowsAVX512(dst *float64, n int, rows *unsafe.Pointer, coef *float64, m int)

//go:noescape
func sumRowsAVX512(dst, base *float64, n int, rows *unsafe.Pointer, coef *float64, m int)

//go:noescape
func sumRowsAVX(dst, base *float64, n int, rows *unsafe.Pointer, coef *float64, m int)

//go:noescape
func spikeCandAVX(lam *float64, u31 *uint32, mask *byte, n int, kLo, kHi uint32)

//go:noescape
func spikeSettleAVX(lam *float64, u31 *uint32, mask, hard *byte, n int)

//go:noescape
func traceStepAVX512(x1, x2, dst, base, pnew, slot *float64, n int, a1, a2, c1, c2, gain float64)

//go:noescape
func traceStepAVX(x1, x2, dst, base, pnew, slot *float64, n int, a1, a2, c1, c2, gain float64)

//go:noescape
func somaAVX512(C, B, A *float64, n int, gL, gB, gA float64)

//go:noescape
func somaAVX(C, B, A *float64, n int, gL, gB, gA float64)

//go:noescape
func addOuterAVX(w *float64, n, m int, p *float64, scale float64, delta *float64)

//go:noescape
func sumRows32AVX512(dst *float64, n int, rows *unsafe.Pointer, coef *float32, m int)

//go:noescape
func sumRows32AVX(dst *float64, n int, rows *unsafe.Pointer, coef *float32, m int)

//go:noescape
func axpy32AVX(w *float64, w32 *float32, n int, a float64, x *float64)

//go:noescape
func spikeCandPackAVX512(lam, val *float64, ci *int32, cv *float64, cb *uint32, n int, kLo, kHi uint32) int

// useAVX selects the assembly kernels: the CPU and the OS support AVX2 and
// FMA3 (x/sys/cpu checks the OS's YMM state too). Tests turn it off to
// check the Go fallbacks on the same machine.
var useAVX = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// useAVX512 selects the AVX-512 kernels where the CPU and the OS support
// AVX-512F and DQ (x/sys/cpu checks the OS's ZMM state; the kernels' byte
// mask instructions, KMOVB and the like, are DQ's, which every AVX-512 CPU
// but the Xeon Phi has); they are used only while useAVX is on too, so
// turning useAVX off checks the pure-Go paths.
var useAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

//go:noescape
func emitKeptAVX512(keep *uint64, ci *int32, np int, idx *int32, cnt *float64) int

// emitKeptArch appends to idx and cnt (which have room for len+16 more)
// unit ci[q] and count 1 for every bit q < np set in keep, in order, and
// returns how many; ok is false without the kernel.
func emitKeptArch(keep []uint64, ci []int32, np int, idx []int32, cnt []float64) (m int, ok bool) {
	if !useAVX || !useAVX512 {
		return 0, false
	}
	if np == 0 {
		return 0, true
	}
	_, _ = keep[(np-1)/64], ci[np-1]
	_, _ = idx[:cap(idx)][len(idx)+np+15], cnt[:cap(cnt)][len(cnt)+np+15]
	return emitKeptAVX512(&keep[0], &ci[0], np, &idx[:len(idx)+1][len(idx)], &cnt[:len(cnt)+1][len(cnt)]), true
}

// spikeCandPackArch packs the candidates of all len(lam) units as
// spikeCandPack describes (ci, cv and cb hold len(lam)+16); it returns how
// many units it handled (0 without AVX-512) and the candidates among them.
func spikeCandPackArch(lam, val []float64, ci []int32, cv []float64, cb []uint32, key uint64) (done, nc int) {
	n := len(lam)
	if !useAVX || !useAVX512 || n == 0 {
		return 0, 0
	}
	_, _, _, _ = val[n-1], ci[n+15], cv[n+15], cb[n+15]
	nc = spikeCandPackAVX512(&lam[0], &val[0], &ci[0], &cv[0], &cb[0], n, uint32(key), uint32(key>>32))
	return n, nc
}

//go:noescape
func spikeCandPackConstAVX512(val *float64, ci *int32, cv *float64, cb *uint32, n int, kLo, kHi, thr uint32) int

// spikeCandPackConstArch is spikeCandPackArch for n units of one rate whose
// candidate threshold candThreshold gave thr.
func spikeCandPackConstArch(n int, val []float64, ci []int32, cv []float64, cb []uint32, key uint64, thr uint32) (done, nc int) {
	if !useAVX || !useAVX512 || n == 0 {
		return 0, 0
	}
	_, _, _, _ = val[n-1], ci[n+15], cv[n+15], cb[n+15]
	nc = spikeCandPackConstAVX512(&val[0], &ci[0], &cv[0], &cb[0], n, uint32(key), uint32(key>>32), thr)
	return n, nc
}

//go:noescape
func rowPointersAVX512(ptr *unsafe.Pointer, base unsafe.Pointer, stride uint64, idx *int32, n int) uint32

// rowPointersArch sets ptr[q] = base + idx[q]·stride for every q and
// returns the largest index as a uint32 (a negative one is huge), where the
// AVX-512 kernel runs; ok is false otherwise.
func rowPointersArch(ptr []unsafe.Pointer, base unsafe.Pointer, stride uintptr, idx []int32) (max uint32, ok bool) {
	if !useAVX || !useAVX512 || stride >= 1<<32 {
		return 0, false
	}
	if len(idx) == 0 {
		return 0, true
	}
	_ = ptr[len(idx)-1]
	return rowPointersAVX512(&ptr[0], base, uint64(stride), &idx[0], len(idx)), true
}

func addRowsArch(dst []float64, rows []unsafe.Pointer, coef []float64) bool {
	if !useAVX {
		return false
	}
	if len(dst) > 0 && len(rows) > 0 {
		if useAVX512 {
			addRowsAVX512(&dst[0], len(dst), &rows[0], &coef[0], len(rows))
		} else {
			addRowsAVX(&dst[0], len(dst), &rows[0], &coef[0], len(rows))
		}
	}
	return true
}

//go:noescape
func sigmoidAVX(dst, x *float64, n int, scale float64)

//go:noescape
func sigmoidAVX512(dst, x *float64, n int, scale float64)

func sigmoidArch(dst, x []float64, scale float64) bool {
	if !useAVX {
		return false
	}
	if useAVX512 {
		// the AVX-512 kernel takes the last n mod 16 under lane masks
		if len(dst) > 0 {
			_ = x[len(dst)-1]
			sigmoidAVX512(&dst[0], &x[0], len(dst), scale)
		}
		return true
	}
	n := len(dst) &^ 15
	if n > 0 {
		sigmoidAVX(&dst[0], &x[0], n, scale)
	}
	if n < len(dst) {
		var xb, db [16]float64
		copy(xb[:], x[n:len(dst)])
		sigmoidAVX(&db[0], &xb[0], 16, scale)
		copy(dst[n:], db[:len(dst)-n])
	}
	return true
}

//go:noescape
func sumRowsNarrowAVX512(dst, base *float64, n int, rows *unsafe.Pointer, coef *float64, m int)

func sumRowsArch(dst, base []float64, rows []unsafe.Pointer, coef []float64) bool {
	if !useAVX {
		return false
	}
	if len(dst) == 0 {
		return true
	}
	var bp *float64
	if base != nil {
		bp = &base[:len(dst)][0]
	}
	var rp *unsafe.Pointer
	var cp *float64
	if len(rows) > 0 {
		rp, cp = &rows[0], &coef[0]
	}
	switch {
	case useAVX512 && len(dst) <= 16:
		sumRowsNarrowAVX512(&dst[0], bp, len(dst), rp, cp, len(rows))
	case useAVX512:
		sumRowsAVX512(&dst[0], bp, len(dst), rp, cp, len(rows))
	default:
		sumRowsAVX(&dst[0], bp, len(dst), rp, cp, len(rows))
	}
	return true
}

// spikeCandArch handles the first len(lam)&^7 units; it returns how many.
func spikeCandArch(lam []float64, u31 []uint32, mask []uint64, key uint64) int {
	n := len(lam) &^ 7
	if !useAVX || n == 0 {
		return 0
	}
	_ = u31[n-1]
	_ = mask[(n-1)/64]
	spikeCandAVX(&lam[0], &u31[0], (*byte)(unsafe.Pointer(&mask[0])), n, uint32(key), uint32(key>>32))
	return n
}

// spikeSettleArch handles the first len(lam)&^7 units; it returns how many.
func spikeSettleArch(lam []float64, u31 []uint32, mask, hard []uint64) int {
	n := len(lam) &^ 7
	if !useAVX || n == 0 {
		return 0
	}
	_, _ = u31[n-1], mask[(n-1)/64]
	_ = hard[(n-1)/64]
	m, h := (*byte)(unsafe.Pointer(&mask[0])), (*byte)(unsafe.Pointer(&hard[0]))
	if useAVX512 {
		spikeSettleAVX512(&lam[0], &u31[0], m, h, n)
	} else {
		spikeSettleAVX(&lam[0], &u31[0], m, h, n)
	}
	return n
}

//go:noescape
func spikeSettleAVX512(lam *float64, u31 *uint32, mask, hard *byte, n int)

func traceStepArch(t *traceCoef, x1, x2, dst, base, pnew, slot []float64) bool {
	if !useAVX {
		return false
	}
	n := len(dst)
	if n > 0 {
		_, _, _, _, _ = x1[n-1], x2[n-1], base[n-1], pnew[n-1], slot[n-1]
		if useAVX512 {
			traceStepAVX512(&x1[0], &x2[0], &dst[0], &base[0], &pnew[0], &slot[0], n, t.a1, t.a2, t.c1, t.c2, t.g)
		} else {
			traceStepAVX(&x1[0], &x2[0], &dst[0], &base[0], &pnew[0], &slot[0], n, t.a1, t.a2, t.c1, t.c2, t.g)
		}
	}
	return true
}

//go:noescape
func traceStepZeroAVX512(x1, x2, dst, base *float64, n int, a1, a2, gain float64)

// traceStepZeroArch is traceStep for a step whose pnew and slot are known to
// hold +0 only (and slot keeps them), reading neither; false without
// AVX-512, where traceStep serves.
func traceStepZeroArch(t *traceCoef, x1, x2, dst, base []float64) bool {
	if !useAVX || !useAVX512 {
		return false
	}
	if n := len(dst); n > 0 {
		_, _, _ = x1[n-1], x2[n-1], base[n-1]
		traceStepZeroAVX512(&x1[0], &x2[0], &dst[0], &base[0], n, t.a1, t.a2, t.g)
	}
	return true
}

func somaArch(C, B, A []float64, gL, gB, gA float64) bool {
	if !useAVX {
		return false
	}
	if n := len(C); n > 0 {
		_, _ = B[n-1], A[n-1]
		if useAVX512 {
			somaAVX512(&C[0], &B[0], &A[0], n, gL, gB, gA)
		} else {
			somaAVX(&C[0], &B[0], &A[0], n, gL, gB, gA)
		}
	}
	return true
}

func addOuterArch(w []float64, scale float64, delta, p []float64) bool {
	if !useAVX {
		return false
	}
	n, m := len(delta), len(p)
	if n > 0 && m > 0 {
		_ = w[m*n-1]
		addOuterAVX(&w[0], n, m, &p[0], scale, &delta[0])
	}
	return true
}

// sumRows32Arch sets all of dst; it reports whether it did.
func sumRows32Arch(dst []float64, rows []unsafe.Pointer, coef []float32) bool {
	if !useAVX || len(rows) == 0 {
		return false
	}
	if len(dst) > 0 {
		_ = coef[len(rows)-1]
		if useAVX512 {
			sumRows32AVX512(&dst[0], len(dst), &rows[0], &coef[0], len(rows))
		} else {
			sumRows32AVX(&dst[0], len(dst), &rows[0], &coef[0], len(rows))
		}
	}
	return true
}

// axpy32Arch does the first len(w)&^3 elements of axpy32; it returns how many.
func axpy32Arch(w []float64, w32 []float32, a float64, x []float64) int {
	n := len(w) &^ 3
	if !useAVX || n == 0 {
		return 0
	}
	_, _ = w32[n-1], x[n-1]
	axpy32AVX(&w[0], &w32[0], n, a, &x[0])
	return n
}

//go:noescape
func inputSpikesAVX512(thr *uint32, ids *int32, n int, kLo, kHi uint32, idx *int32, cnt *float64, bits *uint32, keep, hard *uint64) int

// inputSpikesArch is inputSpikesGo in AVX-512, sixteen units at a time (ok
// false without it): thr holds the thresholds of n units in whole groups
// (setInputThresholds), ids room for them, idx and cnt room for n+16 and
// bits for n rounded up to 16; keep and hard have (n+63)/64 words.
func inputSpikesArch(thr []uint32, ids []int32, n int, key uint64, idx []int32, cnt []float64, bits []uint32, keep, hard []uint64) (m int, ok bool) {
	if !useAVX || !useAVX512 {
		return 0, false
	}
	if n == 0 {
		return 0, true
	}
	np := (n + inputThrGroup - 1) &^ (inputThrGroup - 1)
	w := (n + 63) / 64
	_, _, _ = thr[4*np-1], ids[:cap(ids)][np-1], bits[np-1]
	_, _ = idx[:cap(idx)][n+15], cnt[:cap(cnt)][n+15]
	_, _ = keep[w-1], hard[w-1]
	clear(keep[:w])
	clear(hard[:w])
	return inputSpikesAVX512(&thr[0], &ids[:1][0], n, uint32(key), uint32(key>>32), &idx[:1][0], &cnt[:1][0], &bits[0], &keep[0], &hard[0]), true
}

//go:noescape
func divAVX512(dst, x *float64, n int, w float64)

//go:noescape
func divAVX(dst, x *float64, n int, w float64)

// divArch is divTo's loop in AVX-512, or in AVX2 with the last n mod 4 in
// Go (false without either).
func divArch(dst, x []float64, w float64) bool {
	if !useAVX {
		return false
	}
	n := len(dst)
	if n == 0 {
		return true
	}
	_ = x[n-1]
	if useAVX512 {
		divAVX512(&dst[0], &x[0], n, w)
		return true
	}
	m := n &^ 3
	if m > 0 {
		divAVX(&dst[0], &x[0], m, w)
	}
	for i := m; i < n; i++ {
		dst[i] = x[i] / w
	}
	return true
}
