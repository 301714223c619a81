//go:build !unix

package run

// processAlive cannot check other processes here (no signal 0 outside unix);
// it assumes they live, so a lock is never taken over from a running process.
func processAlive(pid int) bool { return pid > 0 }
