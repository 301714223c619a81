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
	"github.com/dendrite-lab/dendrite/rundir"
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

// complete returns a run folder's summary when it says complete.
func complete(runDir string) (*rundir.Summary, bool) {
	s, err := rundir.ReadSummary(runDir)
	return s, err == nil && s.Status == rundir.Complete
}

// testError is the summary's final test error, NaN when unknown.
func testError(s *rundir.Summary) float64 {
	if e, ok := s.TestError(); ok {
		return e
	}
	return math.NaN()
}

func hostname() string { return rundir.Hostname() }

func processAlive(pid int) bool { return rundir.ProcessAlive(pid) }

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
	d, derr := rundir.Decide(runDir)
	if derr == nil && d.Action == rundir.Skip {
		o.skipped = true
		o.testErr = testError(d.Summary)
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
	if derr != nil {
		o.err = fmt.Errorf("sweep: run %s: %w", run.ID, derr)
		return o
	}
	o.resumed = d.Action == rundir.Resume
	if o.resumed {
		fmt.Fprintf(taskLog, "sweep: %s has a checkpoint; the runner resumes from it\n", run.ID)
	} else if d.Leftovers {
		fmt.Fprintf(taskLog, "sweep: %s: an earlier attempt left no checkpoint; starting it again from scratch\n", run.ID)
		if err := rundir.Clear(runDir); err != nil {
			o.err = fmt.Errorf("sweep: run %s: clearing the earlier attempt: %w", run.ID, err)
			return o
		}
	}
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		o.err = fmt.Errorf("sweep: %w", err)
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
		o.testErr = testError(s)
	case ctx.Err() != nil:
		st.State = "interrupted"
		// The runner's own advice (dendrite train --resume) is not the
		// sweep's: a sweep resumes its runs when run again.
		st.Error = "interrupted; run the same sweep command again to resume it"
		err = fmt.Errorf("sweep: run %s interrupted (run the same sweep command again to resume it): %w", run.ID, ctx.Err())
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

func firstLine(err error) string {
	s, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	return s
}

// RunLocal runs every run of the sweep in dir that is not complete, with
// jobs goroutines calling r (jobs ≤ 0 means runtime.GOMAXPROCS(0), the cores this process may use). It writes one
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
		jobs = runtime.GOMAXPROCS(0)
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
	sum, serr := rundir.ReadSummary(runDir)
	hasSum := serr == nil
	if hasSum && sum.Status == rundir.Complete {
		rs.State = StateDone
		rs.FinalTestError = testError(sum)
		rs.Epochs, rs.Seconds = sum.Epochs, sum.Seconds
		rs.Detail = fmt.Sprintf("test error %s, %d epochs, %.1f s", pct(rs.FinalTestError), sum.Epochs, sum.Seconds)
		return rs
	}
	ckpt := ""
	if rundir.HasCheckpoint(runDir) {
		ckpt = ", checkpoint present"
	}
	st, ok := readStatus(runDir)
	switch {
	case !ok && hasSum && (sum.Status == rundir.Failed || sum.Status == rundir.Aborted):
		rs.State, rs.Detail = StateFailed, "summary.json says "+string(sum.Status)
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
