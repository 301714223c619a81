package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dendrite-lab/dendrite/config"
)

// Runner trains one run: it writes the run folder runDir (see
// docs/run-folder.md) and, when runDir holds a checkpoint from an
// interrupted attempt, resumes from it. RunTask calls it with runDir absent
// or empty, or holding such a checkpoint (it clears the leftovers of an
// attempt that failed before its first checkpoint). It must end with a summary.json
// whose status is "complete" when it returns nil, and should stop soon
// (checkpointing) when ctx is cancelled. The dendrite binary's runner wraps
// run.Train.
type Runner func(ctx context.Context, cfg config.Config, runDir string) error

// IndexEnv lists the environment variables that carry a task index, in the
// order IndexFromEnv looks at them.
var IndexEnv = []string{
	"SLURM_ARRAY_TASK_ID",       // Slurm job arrays
	"JOB_COMPLETION_INDEX",      // Kubernetes Indexed Jobs
	"AWS_BATCH_JOB_ARRAY_INDEX", // AWS Batch array jobs
	"BATCH_TASK_INDEX",          // Google Cloud Batch
	"NOMAD_ALLOC_INDEX",         // Nomad
}

// IndexFromEnv returns the task index from the first variable of IndexEnv
// that is set (non-empty), and the variable's name. It is an error when none
// is set or the value is not a non-negative integer.
func IndexFromEnv() (int, string, error) {
	for _, name := range IndexEnv {
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			return 0, name, fmt.Errorf("sweep: %s=%q is not a task index (want an integer ≥ 0)", name, v)
		}
		return i, name, nil
	}
	return 0, "", fmt.Errorf("sweep: no task index: give --index or set one of %s", strings.Join(IndexEnv, ", "))
}

// State of a run as reported by Status.
const (
	StateDone    = "done"    // summary.json says complete
	StateRunning = "running" // a worker is at it (its status file says so)
	StateFailed  = "failed"  // the last attempt failed
	StatePending = "pending" // not started, or interrupted (resumable)
)

// StatusSuffix makes the name of a run's status file from its id: the
// worker writes DIR/runs/<id>.status beside the run folder DIR/runs/<id>/,
// not in it, because the Runner (run.Train) wants an empty folder for a new
// run.
const StatusSuffix = ".status"

// StatusPath returns the status file of the run folder runDir.
func StatusPath(runDir string) string { return filepath.Clean(runDir) + StatusSuffix }

// statusRecord is the content of DIR/runs/<id>.status (one JSON object).
type statusRecord struct {
	State   string    `json:"state"` // running, done, failed, interrupted
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Time    time.Time `json:"time"`
	Job     string    `json:"job,omitempty"` // scheduler job id, when known
	Error   string    `json:"error,omitempty"`
	Seconds float64   `json:"seconds,omitempty"`
}

func writeStatus(runDir string, s statusRecord) error {
	b, _ := json.Marshal(s)
	return writeAtomic(StatusPath(runDir), append(b, '\n'))
}

func readStatus(runDir string) (statusRecord, bool) {
	var s statusRecord
	b, err := os.ReadFile(StatusPath(runDir))
	if err != nil || json.Unmarshal(b, &s) != nil {
		return s, false
	}
	return s, true
}

// summary holds the fields of a run's summary.json that sweeps use.
type summary struct {
	FinalTestError *float64 `json:"final_test_error"`
	Epochs         int      `json:"epochs"`
	Seconds        float64  `json:"seconds"`
	Status         string   `json:"status"`
}

func readSummary(runDir string) (summary, bool) {
	var s summary
	b, err := os.ReadFile(filepath.Join(runDir, "summary.json"))
	if err != nil || json.Unmarshal(b, &s) != nil {
		return s, false
	}
	return s, true
}

func complete(runDir string) (summary, bool) {
	s, ok := readSummary(runDir)
	return s, ok && s.Status == "complete"
}

func (s summary) testError() float64 {
	if s.FinalTestError == nil {
		return math.NaN()
	}
	return *s.FinalTestError
}

func hasCheckpoint(runDir string) bool {
	_, err := os.Stat(filepath.Join(runDir, "checkpoint", "state.ckpt"))
	return err == nil
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}

// liveElsewhere reports whether the status file names a running worker that
// is another live process on this host.
func liveElsewhere(s statusRecord) bool {
	return s.State == "running" && s.Host == hostname() && s.PID != os.Getpid() && processAlive(s.PID)
}

func jobID() string {
	if j := os.Getenv("SLURM_ARRAY_JOB_ID"); j != "" {
		return "slurm " + j + "_" + os.Getenv("SLURM_ARRAY_TASK_ID")
	}
	if j := os.Getenv("SLURM_JOB_ID"); j != "" {
		return "slurm " + j
	}
	if p := os.Getenv("HOSTNAME"); os.Getenv("JOB_COMPLETION_INDEX") != "" && p != "" {
		return "k8s pod " + p
	}
	return ""
}

// outcome is what one attempt at a run did.
type outcome struct {
	skipped  bool    // already complete; runner not called
	resumed  bool    // a checkpoint was there
	err      error   // runner error (or interruption)
	cause    string  // the error's first line, without the run id
	testErr  float64 // final test error, percent (NaN if unknown)
	duration time.Duration
}

// taskLog receives RunTask's one-line messages (a variable for tests).
var taskLog io.Writer = os.Stderr

// RunTask runs task index of the sweep in dir with r, in DIR/runs/<id>/.
// A run whose summary.json says complete is skipped (nil, runner not
// called); otherwise the runner is called, and resumes from a checkpoint
// when there is one. While it runs, the status file says "running" with
// the PID, host and time; afterwards "done", "failed" with the error, or
// "interrupted" when ctx was cancelled (the file is DIR/runs/<id>.status).
// A folder left by an attempt that failed before its first checkpoint is
// emptied first, so the run starts again. A task that another live process on
// this host is running is refused. One-line messages go to stderr.
func RunTask(ctx context.Context, dir string, index int, r Runner) error {
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	if index < 0 || index >= len(m.Runs) {
		return fmt.Errorf("sweep: task index %d out of range: the sweep in %s has %d runs (0 to %d)", index, dir, len(m.Runs), len(m.Runs)-1)
	}
	run := &m.Runs[index]
	fmt.Fprintf(taskLog, "sweep: task %d/%d %s\n", index, len(m.Runs), run.ID)
	o := runOne(ctx, dir, run, r)
	switch {
	case o.skipped:
		fmt.Fprintf(taskLog, "sweep: %s already complete (summary.json), nothing to do\n", run.ID)
		return nil
	case o.err != nil:
		return o.err
	}
	fmt.Fprintf(taskLog, "sweep: %s done: test error %s in %.1f s\n", run.ID, pct(o.testErr), o.duration.Seconds())
	return nil
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "?"
	}
	return strconv.FormatFloat(x, 'f', 2, 64) + "%"
}

// runOne is one attempt at a run: skip if complete, else call the runner
// with status files around it. Panics in the runner become errors.
func runOne(ctx context.Context, dir string, run *Run, r Runner) (o outcome) {
	o.testErr = math.NaN()
	if err := SafeID(run.ID); err != nil {
		o.err = fmt.Errorf("sweep: %w", err)
		return o
	}
	runDir := RunDir(dir, run)
	if s, ok := complete(runDir); ok {
		o.skipped = true
		o.testErr = s.testError()
		return o
	}
	if r == nil {
		o.err = errors.New("sweep: no runner (this binary cannot train)")
		return o
	}
	if st, ok := readStatus(runDir); ok && liveElsewhere(st) {
		o.err = fmt.Errorf("sweep: run %s is already running (pid %d on %s since %s)", run.ID, st.PID, st.Host, st.Time.Format(time.RFC3339))
		return o
	}
	if err := ctx.Err(); err != nil {
		o.err = fmt.Errorf("sweep: run %s not started: %w", run.ID, err)
		return o
	}
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		o.err = fmt.Errorf("sweep: %w", err)
		return o
	}
	o.resumed = hasCheckpoint(runDir)
	if o.resumed {
		fmt.Fprintf(taskLog, "sweep: %s has a checkpoint; the runner resumes from it\n", run.ID)
	} else if err := clearAttempt(run.ID, runDir); err != nil {
		o.err = err
		return o
	}
	start := time.Now()
	st := statusRecord{State: "running", PID: os.Getpid(), Host: hostname(), Time: start.UTC(), Job: jobID()}
	if err := writeStatus(runDir, st); err != nil {
		o.err = err
		return o
	}
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("runner panicked: %v\n%s", p, debug.Stack())
			}
		}()
		return r(ctx, run.Config, runDir)
	}()
	o.duration = time.Since(start)
	st.Time = time.Now().UTC()
	st.Seconds = o.duration.Seconds()
	s, done := complete(runDir)
	switch {
	case err == nil && done:
		st.State = "done"
		o.testErr = s.testError()
	case ctx.Err() != nil:
		st.State = "interrupted"
		if err == nil {
			err = ctx.Err()
		}
		st.Error = err.Error()
		err = fmt.Errorf("sweep: run %s interrupted (rerun to resume): %s", run.ID, oneLine(err))
	case err == nil:
		st.State = "failed"
		err = fmt.Errorf("sweep: run %s: the runner returned without a complete summary.json", run.ID)
		st.Error = err.Error()
	default:
		st.State = "failed"
		st.Error = err.Error()
		err = fmt.Errorf("sweep: run %s failed: %s", run.ID, firstLine(err))
	}
	if werr := writeStatus(runDir, st); werr != nil && err == nil {
		err = werr
	}
	o.err = err
	if st.Error != "" {
		o.cause = firstLine(errors.New(st.Error))
	}
	return o
}

// clearAttempt empties a run folder left by an attempt that ended before
// its first checkpoint (the run starts again from scratch), unless a live
// process holds its run.lock.
func clearAttempt(id, runDir string) error {
	ents, err := os.ReadDir(runDir)
	if err != nil || len(ents) == 0 {
		return nil // absent or empty
	}
	if b, err := os.ReadFile(filepath.Join(runDir, "run.lock")); err == nil {
		var pid int
		var host string
		fmt.Sscan(string(b), &pid, &host)
		if host != hostname() || processAlive(pid) {
			return fmt.Errorf("sweep: run %s: %s is held by pid %d on %s; remove that file if the process is gone",
				id, filepath.Join(runDir, "run.lock"), pid, host)
		}
	}
	fmt.Fprintf(taskLog, "sweep: %s: an earlier attempt left no checkpoint; starting it again from scratch\n", id)
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(runDir, e.Name())); err != nil {
			return fmt.Errorf("sweep: run %s: clearing the earlier attempt: %w", id, err)
		}
	}
	return nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	return s
}

// RunLocal runs every run of the sweep in dir that is not complete, with
// jobs goroutines calling r (jobs ≤ 0 means runtime.NumCPU()). It writes one
// line to progress when a run starts and when it ends, e.g.
//
//	[3/4] done 0002-etas=0.1_0.1-seed=1 test error 12.30% in 4.1 s
//
// When ctx is cancelled it stops starting runs and waits for the running
// ones, which stop and checkpoint; it then returns ctx's error. Failed runs
// do not stop the others; the returned error lists them.
func RunLocal(ctx context.Context, dir string, jobs int, r Runner, progress io.Writer) error {
	if progress == nil {
		progress = io.Discard
	}
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	total := len(m.Runs)
	var pending []*Run
	for i := range m.Runs {
		if _, ok := complete(RunDir(dir, &m.Runs[i])); !ok {
			pending = append(pending, &m.Runs[i])
		}
	}
	already := total - len(pending)
	jobs = max(1, min(jobs, len(pending)))
	fmt.Fprintf(progress, "sweep %s: %d runs, %d complete, %d to run with %d workers\n", dir, total, already, len(pending), jobs)
	if len(pending) == 0 {
		return nil
	}
	var (
		mu       sync.Mutex
		started  = already
		finished = already
		failed   []string
		wg       sync.WaitGroup
	)
	say := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(progress, format, a...)
	}
	work := make(chan *Run)
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for run := range work {
				mu.Lock()
				started++
				n := started
				mu.Unlock()
				say("[%d/%d] start %s\n", n, total, run.ID)
				o := runOne(ctx, dir, run, r)
				mu.Lock()
				finished++
				n = finished
				if o.err != nil && ctx.Err() == nil {
					failed = append(failed, run.ID)
				}
				mu.Unlock()
				switch {
				case o.skipped:
					say("[%d/%d] skip %s (already complete)\n", n, total, run.ID)
				case o.err != nil && ctx.Err() != nil:
					say("[%d/%d] interrupted %s after %.1f s (rerun to resume)\n", n, total, run.ID, o.duration.Seconds())
				case o.err != nil:
					cause := o.cause
					if cause == "" {
						cause = strings.TrimPrefix(firstLine(o.err), "sweep: ")
					}
					say("[%d/%d] FAILED %s after %.1f s: %s\n", n, total, run.ID, o.duration.Seconds(), cause)
				default:
					say("[%d/%d] done %s test error %s in %.1f s\n", n, total, run.ID, pct(o.testErr), o.duration.Seconds())
				}
			}
		}()
	}
dispatch:
	for _, run := range pending {
		select {
		case work <- run:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sweep: interrupted; %d of %d runs complete, rerun to resume: %w", countComplete(dir, m), total, err)
	}
	if len(failed) > 0 {
		show := failed
		if len(show) > 5 {
			show = append(show[:5:5], "...")
		}
		return fmt.Errorf("sweep: %d of %d runs failed (see their status files): %s", len(failed), total, strings.Join(show, ", "))
	}
	return nil
}

func countComplete(dir string, m *Manifest) int {
	n := 0
	for i := range m.Runs {
		if _, ok := complete(RunDir(dir, &m.Runs[i])); ok {
			n++
		}
	}
	return n
}

// RunStatus is the state of one run of a sweep.
type RunStatus struct {
	Index int
	ID    string
	// State is StateDone, StateRunning, StateFailed or StatePending.
	State string
	// Detail says more: the test error of a done run, who runs a running
	// one, the error of a failed one, or why a pending one is pending.
	Detail string
	// FinalTestError is the final test error in percent (NaN unless done).
	FinalTestError float64
	// Epochs and Seconds come from summary.json (0 unless done).
	Epochs  int
	Seconds float64
}

// Status reports the state of every run of the sweep in dir, from the run
// folders' summary.json and status files. A run whose status file says
// running but whose process (on this host) is gone is pending (stale).
func Status(dir string) ([]RunStatus, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	out := make([]RunStatus, len(m.Runs))
	for i := range m.Runs {
		out[i] = runStatus(dir, &m.Runs[i])
	}
	return out, nil
}

func runStatus(dir string, run *Run) RunStatus {
	rs := RunStatus{Index: run.Index, ID: run.ID, State: StatePending, FinalTestError: math.NaN()}
	runDir := RunDir(dir, run)
	sum, hasSum := readSummary(runDir)
	if hasSum && sum.Status == "complete" {
		rs.State = StateDone
		rs.FinalTestError = sum.testError()
		rs.Epochs, rs.Seconds = sum.Epochs, sum.Seconds
		rs.Detail = fmt.Sprintf("test error %s, %d epochs, %.1f s", pct(rs.FinalTestError), sum.Epochs, sum.Seconds)
		return rs
	}
	ckpt := ""
	if hasCheckpoint(runDir) {
		ckpt = ", checkpoint present"
	}
	st, ok := readStatus(runDir)
	switch {
	case !ok && hasSum && sum.Status == "failed":
		rs.State, rs.Detail = StateFailed, "summary.json says failed"
	case !ok:
		rs.Detail = "not started" + ckpt
		if ckpt != "" || hasSum {
			rs.Detail = "interrupted" + ckpt
		}
	case st.State == "running":
		who := fmt.Sprintf("pid %d on %s since %s", st.PID, st.Host, st.Time.Local().Format("2006-01-02 15:04:05"))
		if st.Job != "" {
			who += " (" + st.Job + ")"
		}
		if st.Host == hostname() && !processAlive(st.PID) {
			rs.Detail = "stale: " + who + " is gone" + ckpt
		} else {
			rs.State, rs.Detail = StateRunning, who
		}
	case st.State == "failed":
		rs.State, rs.Detail = StateFailed, firstLine(errors.New(st.Error))
	case st.State == "interrupted":
		rs.Detail = "interrupted " + st.Time.Local().Format("2006-01-02 15:04:05") + ckpt
	default:
		rs.Detail = st.State + " but no complete summary.json" + ckpt
	}
	return rs
}
