//go:build !unix

package bench

// cpuSeconds is unavailable here.
func cpuSeconds() float64 { return 0 }
