package run

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/dendrite-lab/dendrite/internal/atomic"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Folder names inside a run folder.
const (
	ConfigFile     = "config.json"
	DefaultsFile   = "config.defaults.json"
	SummaryFile    = "summary.json"
	LockFile       = "run.lock"
	CheckpointFile = "checkpoint/state.ckpt"
)

// ErrLocked is returned when another live process holds a run folder.
var ErrLocked = errors.New("run folder is in use by another process")

// lock takes dir/run.lock, refusing when a live process holds it and taking
// over a stale lock (its PID no longer runs).
func lock(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, LockFile)
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			host, _ := os.Hostname()
			fmt.Fprintf(f, "%d %s\n", os.Getpid(), host)
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		b, _ := os.ReadFile(path)
		fields := strings.Fields(string(b))
		host, _ := os.Hostname()
		if len(fields) >= 1 {
			pid, perr := strconv.Atoi(fields[0])
			sameHost := len(fields) < 2 || fields[1] == host
			if perr == nil && (!sameHost || processAlive(pid)) {
				return nil, fmt.Errorf("%s: %w (pid %s; remove %s if that process is gone)", dir, ErrLocked, strings.Join(fields, " on "), path)
			}
		}
		os.Remove(path) // stale
	}
	return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
}

// ReadSummary reads dir/summary.json.
func ReadSummary(dir string) (*Summary, error) {
	b, err := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err != nil {
		return nil, err
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, SummaryFile), err)
	}
	return &s, nil
}

// writeJSON writes v as indented JSON atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(b, '\n'))
}

func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomic.WriteBytes(path, b)
}
