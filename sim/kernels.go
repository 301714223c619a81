package sim

// Kernels names the implementation of the inner loops this process uses:
// "avx2+fma" (amd64 assembly) or "go" (the portable fallback). Run folders
// record it, because the two agree to rounding, not bit for bit.
func Kernels() string {
	if useAVX {
		return "avx2+fma"
	}
	return "go"
}

// KernelsInUse is Kernels and the CPU extensions some kernels use beyond
// it: "avx2+fma+avx512f" where the spike-candidate kernel runs on AVX-512.
// That kernel gives the same bits as the AVX2 one, so Kernels, which says
// which results agree bit for bit, does not name it; speed measurements do.
func KernelsInUse() string {
	if useAVX && useAVX512 {
		return Kernels() + "+avx512f"
	}
	return Kernels()
}
