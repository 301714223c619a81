package sim

import "syscall"

// threadCPU returns the CPU time of the calling OS thread in nanoseconds (the
// benchmarks lock their goroutine to it), which, unlike wall time, does not
// count the time other processes of a busy machine hold the core.
func threadCPU() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}
