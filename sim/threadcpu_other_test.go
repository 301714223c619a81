//go:build !linux

package sim

import "time"

var wallStart = time.Now()

// threadCPU falls back to wall time where a thread's CPU time is not at hand
// (RUSAGE_THREAD is Linux's): the cpu-ns/op column then equals ns/op.
func threadCPU() float64 { return float64(time.Since(wallStart).Nanoseconds()) }
