package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dendrite-lab/dendrite/rundir"
)

// Summary is summary.json (owned by package rundir).
type Summary = rundir.Summary

// ErrLocked is returned when another live process holds a run folder.
var ErrLocked = rundir.ErrLocked

// ReadSummary reads dir's summary.json.
func ReadSummary(dir string) (*Summary, error) { return rundir.ReadSummary(dir) }

// checkPaths refuses an output folder that is a file, or that equals,
// contains or lies inside the data folder or the initial weights: a run
// (and an overwrite) must never write over its own inputs. Its errors, like
// every error of Train, name the Options fields (the CLI words them as its
// flags).
func checkPaths(dir string, opts *Options) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("output folder %s exists and is not a directory", dir)
	}
	for _, in := range []struct{ flag, path string }{{"Options.DataDir", opts.DataDir}, {"Options.InitWeights", opts.InitWeights}} {
		if in.path == "" {
			continue
		}
		if overlap(dir, in.path) {
			return fmt.Errorf("output folder %s and %s %s overlap (one is inside the other); a run folder must be apart from its inputs", dir, in.flag, in.path)
		}
	}
	return nil
}

// overlap reports whether a and b are the same folder or one lies inside
// the other, comparing absolute paths with symbolic links resolved as far
// as they exist.
func overlap(a, b string) bool {
	ra, rb := resolve(a), resolve(b)
	return ra == rb || within(ra, rb) || within(rb, ra)
}

func within(child, parent string) bool {
	rel, err := filepath.Rel(parent, child)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// resolve returns the absolute, symlink-free form of p; for a path that does
// not exist yet, its longest existing prefix is resolved.
func resolve(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	rest := ""
	for cur := abs; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// checkNewFolder decides, before anything is written, whether a new run may
// use dir: absent or empty, or with Options.Overwrite a run folder of ours that no
// live process holds. It returns whether dir must be cleared first.
func checkNewFolder(dir string, overwrite bool) (clear bool, err error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(ents) == 0) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("output folder %s: %w", dir, err)
	}
	if !overwrite {
		what := "files that are not a dendrite run"
		s, serr := rundir.ReadSummary(dir)
		switch {
		case serr == nil && s.Status == rundir.Complete:
			what = "a complete run"
		case rundir.HasCheckpoint(dir) && (serr != nil || s.Status != rundir.Aborted):
			what = "an interrupted run (continue it: Options.Resume on " + dir + ")"
		case serr == nil:
			what = "a " + string(s.Status) + " run"
		case rundir.IsRun(dir):
			what = "an unfinished run"
		}
		if rundir.IsRun(dir) {
			return false, fmt.Errorf("output folder %s already holds %s; set Options.Overwrite to replace it or choose another output folder", dir, what)
		}
		return false, fmt.Errorf("output folder %s already holds %s; choose another output folder", dir, what)
	}
	if !fileExists(rundir.Path(dir, rundir.MarkerFile)) {
		return false, fmt.Errorf("output folder %s: Options.Overwrite refused: the folder holds files and was not created by dendrite train (no %s marker); nothing was deleted", dir, rundir.MarkerFile)
	}
	if pid, host, held := rundir.LockHolder(dir); held {
		return false, fmt.Errorf("%s: %w (pid %d on %s; remove %s if that process is gone)", dir, ErrLocked, pid, host, rundir.Path(dir, rundir.LockFile))
	}
	return true, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// updateEpochs checks the number of epochs of a resumed run against the
// ones already done and, when it changed, rewrites config.json (with the
// workers too) and says so. saved is the checkpoint's number of epochs.
func (t *trainer) updateEpochs(saved int) error {
	done := t.epoch - 1
	if t.cfg.Epochs < done {
		return fmt.Errorf("Config.Epochs %d: the run in %s has already done %d epoch(s); give at least %d", t.cfg.Epochs, t.dir, done, done)
	}
	path := rundir.Path(t.dir, rundir.ConfigFile)
	old, _ := os.ReadFile(path)
	if string(old) == string(t.cfg.JSON()) {
		return nil
	}
	if err := rundir.WriteFile(path, t.cfg.JSON()); err != nil {
		return err
	}
	if t.cfg.Epochs != saved {
		t.notice("%s now says epochs: %d (was %d)", path, t.cfg.Epochs, saved)
	}
	return nil
}
