package rundir

import (
	"errors"
	"fmt"
	"os"
)

// Action is what a command that runs a folder idempotently (sweep tasks,
// reproduce --resume) does with it.
type Action int

const (
	// Start: the folder is absent or empty, or holds an attempt that left no
	// checkpoint (Clear it first); train from scratch.
	Start Action = iota
	// Resume: the folder holds a checkpoint; continue from it.
	Resume
	// Skip: summary.json says complete; nothing to do.
	Skip
)

func (a Action) String() string {
	switch a {
	case Start:
		return "start"
	case Resume:
		return "resume"
	case Skip:
		return "skip"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Decision is the outcome of Decide.
type Decision struct {
	Action Action
	// Summary is the folder's summary.json, nil when there is none.
	Summary *Summary
	// Leftovers is true for Start when the folder holds files of an earlier
	// attempt (Clear removes them).
	Leftovers bool
}

// Decide looks at dir and says whether to start, resume or skip it. A
// folder that holds files but is not a run folder of ours is an error
// wrapping ErrNotRun (nothing in it is touched), as is a folder held by a
// live process (ErrLocked). An aborted run (no consistent checkpoint)
// starts again.
func Decide(dir string) (Decision, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(ents) == 0) {
		return Decision{Action: Start}, nil
	}
	if err != nil {
		return Decision{}, err
	}
	s, serr := ReadSummary(dir)
	if serr != nil && !errors.Is(serr, os.ErrNotExist) {
		return Decision{}, serr
	}
	if serr != nil {
		s = nil
	}
	if s != nil && s.Status == Complete {
		return Decision{Action: Skip, Summary: s}, nil
	}
	if pid, host, held := LockHolder(dir); held {
		return Decision{}, fmt.Errorf("%s: %w: %s is held by pid %d on %s; remove that file if the process is gone", dir, ErrLocked, Path(dir, LockFile), pid, host)
	}
	if HasCheckpoint(dir) && (s == nil || s.Status != Aborted) {
		return Decision{Action: Resume, Summary: s}, nil
	}
	if !IsRun(dir) {
		return Decision{}, fmt.Errorf("%s holds files but %w (no %s); refusing to touch it", dir, ErrNotRun, MarkerFile)
	}
	return Decision{Action: Start, Summary: s, Leftovers: true}, nil
}
