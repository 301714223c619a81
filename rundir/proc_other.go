//go:build !unix

package rundir

import "os"

// ProcessAlive reports whether a process with this PID exists on this host.
// Where signal 0 cannot be sent, os.FindProcess is the test (on Windows it
// opens the process and fails when there is none).
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
