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
// it: "avx2+fma+avx512f" where the AVX-512 kernels run (AVX-512F and DQ; see the package
// doc). They give the same bits as the AVX2 ones, so Kernels, which says
// which results agree bit for bit, does not name them; speed measurements
// do.
func KernelsInUse() string {
	if useAVX && useAVX512 {
		return Kernels() + "+avx512f"
	}
	return Kernels()
}
