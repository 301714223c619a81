//go:build !amd64 || purego

package sim

import "unsafe"

const useAVX = false

const useAVX512 = false

func addRowsArch(dst []float64, rows []unsafe.Pointer, coef []float64) bool { return false }

func sigmoidArch(dst, x []float64, scale float64) bool { return false }

func sumRowsArch(dst, base []float64, rows []unsafe.Pointer, coef []float64) bool { return false }

func spikeCandArch(lam []float64, u31 []uint32, mask []uint64, key uint64) int { return 0 }

func rowPointersArch(ptr []unsafe.Pointer, base unsafe.Pointer, stride uintptr, idx []int32) (max uint32, ok bool) {
	return 0, false
}

func spikeCandPackConstArch(n int, val []float64, ci []int32, cv []float64, cb []uint32, key uint64, thr uint32) (done, nc int) {
	return 0, 0
}

func spikeCandPackArch(lam, val []float64, ci []int32, cv []float64, cb []uint32, key uint64) (done, nc int) {
	return 0, 0
}

func emitKeptArch(keep []uint64, ci []int32, np int, idx []int32, cnt []float64) (m int, ok bool) {
	return 0, false
}

func spikeSettleArch(lam []float64, u31 []uint32, mask, hard []uint64) int { return 0 }

func traceStepArch(t *traceCoef, x1, x2, dst, base, pnew, slot []float64) bool { return false }

func somaArch(C, B, A []float64, gL, gB, gA float64) bool { return false }

func addOuterArch(w []float64, scale float64, delta, p []float64) bool { return false }

func sumRows32Arch(dst []float64, rows []unsafe.Pointer, coef []float32) bool { return false }

func axpy32Arch(w []float64, w32 []float32, a float64, x []float64) int { return 0 }

func inputSpikesArch(thr []uint32, ids []int32, n int, key uint64, idx []int32, cnt []float64, bits []uint32, keep, hard []uint64) (m int, ok bool) {
	return 0, false
}

func traceStepZeroArch(t *traceCoef, x1, x2, dst, base []float64) bool { return false }

func divArch(dst, x []float64, w float64) bool { return false }
