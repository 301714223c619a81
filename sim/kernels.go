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
