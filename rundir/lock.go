package rundir

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked is returned when another live process holds a run folder.
var ErrLocked = errors.New("run folder is in use by another process")

// Lock takes dir/run.lock, refusing when a live process holds it and taking
// over a stale lock (its PID no longer runs on this host). The returned
// function releases it.
func Lock(dir string) (unlock func(), err error) {
	path := Path(dir, LockFile)
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d %s\n", os.Getpid(), Hostname())
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if pid, host, held := LockHolder(dir); held {
			return nil, fmt.Errorf("%s: %w (pid %d on %s; remove %s if that process is gone)", dir, ErrLocked, pid, host, path)
		}
		os.Remove(path) // stale
	}
	return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
}

// LockHolder reads dir/run.lock and reports the process named in it and
// whether that process may still hold it (it runs on this host, or on
// another host, which cannot be checked).
func LockHolder(dir string) (pid int, host string, held bool) {
	b, err := readCapped(Path(dir, LockFile), 4096)
	if err != nil {
		return 0, "", false
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0, "", false
	}
	pid, err = strconv.Atoi(fields[0])
	if err != nil {
		return 0, "", false
	}
	host = Hostname()
	if len(fields) >= 2 {
		host = fields[1]
	}
	return pid, host, host != Hostname() || ProcessAlive(pid)
}

// Hostname is os.Hostname, or "unknown".
func Hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}
