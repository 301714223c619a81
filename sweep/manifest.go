package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dendrite-lab/dendrite/internal/atomic"
	"github.com/dendrite-lab/dendrite/internal/iox"

	"github.com/dendrite-lab/dendrite/config"
)

// Limits on what a sweep may hold, so that planning and reading a sweep
// fit in memory: each run costs a few kilobytes in the manifest and in
// memory.
const (
	// MaxRuns is the largest number of runs of one sweep.
	MaxRuns = 100_000
	// MaxFileSize is the largest sweep file (1 MiB).
	MaxFileSize = 1 << 20
	// maxManifestLine is the longest line of a manifest (one run's config).
	maxManifestLine = 1 << 20
)

// File names inside a sweep folder.
const (
	ManifestFile = "manifest.jsonl"
	SweepFile    = "sweep.yaml"
	RunsDir      = "runs"
	LogsDir      = "logs"
)

// Write writes the manifest to DIR/manifest.jsonl and the sweep file to
// DIR/sweep.yaml, creating DIR, DIR/runs and DIR/logs. Writing the same
// manifest again is a no-op; DIR may not already hold a different one (plan
// a changed sweep into a new folder, so that no run folder is reused for a
// different config).
func (m *Manifest) Write(dir string) error {
	var b bytes.Buffer
	for i := range m.Runs {
		r := &m.Runs[i]
		if r.Index != i {
			return fmt.Errorf("sweep: run %s has index %d at position %d", r.ID, r.Index, i)
		}
		if err := SafeID(r.ID); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
		line, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("sweep: run %s: %w", r.ID, err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	for _, d := range []string{dir, filepath.Join(dir, RunsDir), filepath.Join(dir, LogsDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
	}
	path := filepath.Join(dir, ManifestFile)
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, b.Bytes()):
		// Same sweep planned again.
	case err == nil:
		return fmt.Errorf("sweep: %s already holds a different sweep; plan into a new folder (or remove it)", path)
	case errors.Is(err, fs.ErrNotExist):
		if err := writeAtomic(path, b.Bytes()); err != nil {
			return err
		}
	default:
		return fmt.Errorf("sweep: %w", err)
	}
	if m.Source != nil {
		if err := writeAtomic(filepath.Join(dir, SweepFile), m.Source); err != nil {
			return err
		}
	}
	return nil
}

// ReadManifest reads DIR/manifest.jsonl (and DIR/sweep.yaml when present).
// It checks that the indices count from 0, that the ids are unique and safe
// (see SafeID), and re-validates every config.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("sweep: %s: no manifest (run `dendrite sweep plan FILE --out %s` first)", dir, dir)
	}
	f, _, err := iox.OpenRegular(path, "a sweep manifest")
	if err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", path, err)
	}
	defer f.Close()
	m := &Manifest{}
	ids := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), maxManifestLine)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if len(m.Runs) >= MaxRuns {
			return nil, fmt.Errorf("sweep: %s: more than %d runs, the most a sweep may hold", path, MaxRuns)
		}
		if err := config.CheckJSONSyntax(sc.Bytes()); err != nil {
			return nil, fmt.Errorf("sweep: %s line %d: %w", path, line, err)
		}
		var raw struct {
			Index  *int            `json:"index"`
			ID     string          `json:"id"`
			Params Params          `json:"params"`
			Config json.RawMessage `json:"config"`
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("sweep: %s line %d: %w", path, line, err)
		}
		i := len(m.Runs)
		if raw.Index == nil || *raw.Index != i {
			return nil, fmt.Errorf("sweep: %s line %d: want index %d", path, line, i)
		}
		if err := SafeID(raw.ID); err != nil {
			return nil, fmt.Errorf("sweep: %s line %d: %w", path, line, err)
		}
		if ids[raw.ID] {
			return nil, fmt.Errorf("sweep: %s line %d: run id %q appears twice", path, line, raw.ID)
		}
		ids[raw.ID] = true
		c, err := config.FromJSON(raw.Config, nil)
		if err != nil {
			return nil, fmt.Errorf("sweep: %s line %d (run %s): %s", path, line, raw.ID, oneLine(err))
		}
		if i == 0 {
			for _, p := range raw.Params {
				if p.Key != "seed" {
					m.Keys = append(m.Keys, p.Key)
				}
			}
		}
		m.Runs = append(m.Runs, Run{Index: i, ID: raw.ID, Params: raw.Params, Config: c})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("sweep: %s line %d: longer than %s", path, line+1, iox.Bytes(maxManifestLine))
		}
		return nil, fmt.Errorf("sweep: %s: %w", path, err)
	}
	if len(m.Runs) == 0 {
		return nil, fmt.Errorf("sweep: %s: no runs", path)
	}
	if src, err := iox.ReadFile(filepath.Join(dir, SweepFile), "a YAML sweep file", MaxFileSize); err == nil {
		m.Source = src
	}
	return m, nil
}

// RunDir returns the folder of run r inside the sweep folder dir.
func RunDir(dir string, r *Run) string { return filepath.Join(dir, RunsDir, r.ID) }

// writeAtomic writes data to a temporary file beside path and renames it
// over path, so readers see either the old or the new content.
func writeAtomic(path string, data []byte) error {
	if err := atomic.WriteBytes(path, data); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}
