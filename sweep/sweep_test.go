package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/dendrite-lab/dendrite/rundir"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/experiments"
	yaml "go.yaml.in/yaml/v3"
)

const exampleSweep = `base:
  mode: rate
  layers: [100, 10]
  epochs: 1
  train_examples: 500
  test_examples: 100
grid:
  etas: [[0.21, 0.21], [0.1, 0.1]]
seeds: [1, 2]
`

func init() { taskLog = io.Discard }

// plan writes src as a sweep file in a temp dir, plans it into DIR/sweep
// and returns DIR/sweep.
func plan(t *testing.T, src string) (string, *Manifest) {
	t.Helper()
	tmp := t.TempDir()
	f := filepath.Join(tmp, "s.yaml")
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Plan(f)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	dir := filepath.Join(tmp, "sweep")
	if err := m.Write(dir); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return dir, m
}

// writeSummary writes a summary.json like the real runner's.
func writeSummary(t testing.TB, runDir, status string, testErr float64) {
	t.Helper()
	if err := rundir.Create(runDir); err != nil { // as run.Train does first
		t.Fatal(err)
	}
	sum := &rundir.Summary{Status: rundir.Status(status), Epochs: 1, Seconds: 0.5}
	if sum.Status == rundir.Complete {
		sum.FinalTestError = &testErr
	}
	if err := rundir.WriteSummary(runDir, sum); err != nil {
		t.Fatal(err)
	}
}

// recorder is a fake Runner that records its calls and writes a complete
// summary with test error 10 + seed.
type recorder struct {
	mu    sync.Mutex
	calls []string // run folder names
	cps   []bool   // whether a checkpoint was there
	err   error
}

func (r *recorder) run(ctx context.Context, cfg config.Config, runDir string) error {
	r.mu.Lock()
	r.calls = append(r.calls, filepath.Base(runDir))
	hasCkpt := rundir.HasCheckpoint(runDir)
	r.cps = append(r.cps, hasCkpt)
	r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	// Like run.Train: a new run wants an empty folder, a resumed one a checkpoint.
	if ents, _ := os.ReadDir(runDir); len(ents) > 0 && !hasCkpt {
		return fmt.Errorf("%s already holds files", runDir)
	}
	if err := rundir.Create(runDir); err != nil {
		return err
	}
	e := 10 + float64(cfg.Seed)
	return rundir.WriteSummary(runDir, &rundir.Summary{Status: rundir.Complete, FinalTestError: &e, Epochs: cfg.Epochs, Seconds: 0.01})
}

func TestPlanExpansion(t *testing.T) {
	dir, m := plan(t, exampleSweep)
	want := []string{
		"0000-etas=0.21_0.21-seed=1",
		"0001-etas=0.21_0.21-seed=2",
		"0002-etas=0.1_0.1-seed=1",
		"0003-etas=0.1_0.1-seed=2",
	}
	if len(m.Runs) != len(want) {
		t.Fatalf("got %d runs, want %d", len(m.Runs), len(want))
	}
	for i, r := range m.Runs {
		if r.ID != want[i] || r.Index != i {
			t.Errorf("run %d: id %q index %d, want %q", i, r.ID, r.Index, want[i])
		}
	}
	if r := m.Runs[3]; r.Config.Seed != 2 || r.Config.Etas[0] != 0.1 || r.Config.Mode != "rate" ||
		r.Config.TrainExamples != 500 || r.Config.ForwardPhase != 2 /* resolved rate mode */ {
		t.Errorf("run 3 config: %+v", r.Config)
	}
	if fmt.Sprint(m.Keys) != "[etas]" {
		t.Errorf("keys %v", m.Keys)
	}
	// The manifest: one line per run with params in grid order, then seed.
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 4 {
		t.Fatalf("manifest has %d lines", len(lines))
	}
	if !strings.HasPrefix(lines[2], `{"index":2,"id":"0002-etas=0.1_0.1-seed=1","params":{"etas":[0.1,0.1],"seed":1},"config":{"mode":"rate",`) {
		t.Errorf("manifest line 2: %s", lines[2][:120])
	}
	var line struct {
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil || len(line.Config) != len(config.Keys()) {
		t.Errorf("config of line 0 has %d keys, want all %d (err %v)", len(line.Config), len(config.Keys()), err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, SweepFile)); string(b) != exampleSweep {
		t.Errorf("sweep.yaml is not a copy of the sweep file")
	}
	// Round trip.
	m2, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Runs {
		a, _ := json.Marshal(m.Runs[i])
		b, _ := json.Marshal(m2.Runs[i])
		if !bytes.Equal(a, b) {
			t.Errorf("run %d differs after ReadManifest:\n%s\n%s", i, a, b)
		}
	}
	// Planning the same sweep again into DIR is fine; a different one is not.
	if err := m.Write(dir); err != nil {
		t.Errorf("rewriting the same manifest: %v", err)
	}
	m.Runs = m.Runs[:2]
	if err := m.Write(dir); err == nil || !strings.Contains(err.Error(), "different sweep") {
		t.Errorf("writing a different manifest into DIR: %v", err)
	}
}

func TestPlanOrderAndDefaults(t *testing.T) {
	_, m := plan(t, `
base: {mode: rate, layers: [20, 10], seed: 7}
grid:
  g_a: [0, 0.05, 0.6]
  broadcast: [true, false]
  teaching: [head, paper]
`)
	if len(m.Runs) != 12 {
		t.Fatalf("got %d runs, want 3·2·2 = 12", len(m.Runs))
	}
	// First key slowest, last fastest; no seeds: the base seed.
	want := map[int]string{
		0:  "0000-g_a=0-broadcast=true-teaching=head-seed=7",
		1:  "0001-g_a=0-broadcast=true-teaching=paper-seed=7",
		2:  "0002-g_a=0-broadcast=false-teaching=head-seed=7",
		4:  "0004-g_a=0.05-broadcast=true-teaching=head-seed=7",
		11: "0011-g_a=0.6-broadcast=false-teaching=paper-seed=7",
	}
	for i, id := range want {
		if m.Runs[i].ID != id {
			t.Errorf("run %d: %q, want %q", i, m.Runs[i].ID, id)
		}
	}
	if c := m.Runs[11].Config; c.GA != 0.6 || c.Broadcast || c.Teaching != "paper" || c.Seed != 7 {
		t.Errorf("run 11 config: g_a %v broadcast %v teaching %v seed %v", c.GA, c.Broadcast, c.Teaching, c.Seed)
	}
	if b, _ := json.Marshal(m.Runs[5].Params); string(b) != `{"g_a":0.05,"broadcast":true,"teaching":"paper","seed":7}` {
		t.Errorf("params of run 5: %s", b)
	}
}

func TestPlanExperiment(t *testing.T) {
	tmp := t.TempDir()
	os.MkdirAll(filepath.Join(tmp, "experiments"), 0o755)
	os.MkdirAll(filepath.Join(tmp, "sweeps", "a"), 0o755)
	os.WriteFile(filepath.Join(tmp, "experiments", "tiny.yaml"), []byte("mode: rate\nlayers: [30, 10]\nepochs: 2\n"), 0o644)
	f := filepath.Join(tmp, "sweeps", "a", "s.yaml")
	os.WriteFile(f, []byte("experiment: tiny\nbase: {epochs: 3}\ngrid: {g_a: [0.1]}\nseeds: [4]\n"), 0o644)
	m, err := Plan(f)
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Runs[0].Config; len(m.Runs) != 1 || c.Layers[0] != 30 || c.Epochs != 3 || c.Seed != 4 || !c.Rate() {
		t.Errorf("experiment+base not merged: %+v", c)
	}
}

func TestPlanBuiltinExperiment(t *testing.T) {
	names := experiments.Names()
	if len(names) == 0 {
		t.Skip("no built-in experiments")
	}
	tmp := t.TempDir()
	f := filepath.Join(tmp, "s.yaml")
	os.WriteFile(f, []byte("experiment: "+names[0]+"\nbase: {epochs: 1}\ngrid: {seed: [1]}\n"), 0o644)
	if _, err := Plan(f); err == nil || !strings.Contains(err.Error(), "seeds:") {
		t.Errorf("err %v", err)
	}
	os.WriteFile(f, []byte("experiment: "+names[0]+"\nbase: {epochs: 1}\ngrid: {test_examples: [100, 200]}\n"), 0o644)
	m, err := Plan(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runs) != 2 || m.Runs[1].Config.TestExamples != 200 || m.Runs[1].Config.Epochs != 1 {
		t.Errorf("runs %+v", m.Runs)
	}
}

func FuzzPlan(f *testing.F) {
	f.Add([]byte(exampleSweep))
	f.Add([]byte("base: {mode: rate, layers: [20, 10]}\ngrid: {g_a: [0, 0.5], teaching: [head, paper]}\nseeds: [1]\n"))
	f.Add([]byte("base: {mode: rate}\ngrid: {etas: [[1e-30, 1e+30]], voltage_neurons: [[]]}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		sf, err := parseSweep(src, dir)
		if err != nil {
			return
		}
		n := len(sf.seeds)
		for _, v := range sf.grid {
			n *= len(v)
		}
		if n > 200 {
			return
		}
		m, err := sf.expand()
		if err != nil {
			return
		}
		for _, r := range m.Runs {
			if err := SafeID(r.ID); err != nil {
				t.Fatalf("unsafe id from %q: %v", src, err)
			}
		}
	})
}

func TestPlanErrors(t *testing.T) {
	tmp := t.TempDir()
	os.MkdirAll(filepath.Join(tmp, "experiments"), 0o755)
	os.WriteFile(filepath.Join(tmp, "experiments", "bad.yaml"), []byte("mode: rate\nlayerz: [10]\n"), 0o644)
	const base = "base: {mode: rate, layers: [20, 10]}\n"
	for _, tc := range []struct{ name, src, want string }{
		{"unknown top key", base + "grid: {g_a: [0]}\nseed: [1]\n", `unknown key "seed"`},
		{"unknown base key", "base: {mode: rate, layerz: [20, 10]}\ngrid: {g_a: [0]}\n", `unknown config key "layerz"`},
		{"unknown grid key", base + "grid: {g_b_x: [0]}\n", `unknown config key "g_b_x"`},
		{"wrong base type", "base: {mode: rate, layers: 20}\ngrid: {g_a: [0]}\n", `"layers"`},
		{"wrong grid type", base + "grid: {etas: [0.1, 0.2]}\n", `config key "etas": got a number, want a list of numbers`},
		{"wrong grid scalar type", base + "grid: {epochs: [1, two]}\n", `grid key "epochs" value 2: config key "epochs"`},
		{"empty grid list", base + "grid: {g_a: []}\n", `grid key "g_a": empty list`},
		{"grid value not a list", base + "grid: {g_a: 0.1}\n", `grid key "g_a": want a list`},
		{"null grid value", base + "grid: {g_a: [0.1, null]}\n", `grid key "g_a" value 2 is null`},
		{"duplicate grid value", base + "grid: {g_a: [0.1, 0.1]}\n", `grid key "g_a": value 0.1 appears twice`},
		{"empty grid", base + "grid: {}\n", `grid: want a mapping`},
		{"no grid", base, `no grid`},
		{"no base", "grid: {g_a: [0]}\n", `no base config`},
		{"seed in grid", base + "grid: {seed: [1, 2]}\n", `grid key "seed"`},
		{"empty seeds", base + "grid: {g_a: [0]}\nseeds: []\n", `seeds: empty list`},
		{"bad seed", base + "grid: {g_a: [0]}\nseeds: [1, -2]\n", `seeds value 2: got "-2"`},
		{"seeds not a list", base + "grid: {g_a: [0]}\nseeds: 3\n", `seeds: want a list`},
		{"duplicate seeds", base + "grid: {g_a: [0]}\nseeds: [3, 3]\n", `seeds: 3 appears twice`},
		{"invalid combination", base + "grid: {layers: [[20, 10], [20, 15]]}\nseeds: [1]\n", `run 0001-layers=20_15-seed=1: config field "layers"`},
		{"invalid value", base + "grid: {g_a: [0.1, -1]}\n", `run 0001-g_a=-1-seed=1: config field "g_a"`},
		{"missing experiment", "experiment: nope\ngrid: {g_a: [0]}\n", `no experiment "nope"`},
		{"experiment escape", "experiment: ../x\ngrid: {g_a: [0]}\n", `experiment: name "../x"`},
		{"bad experiment", "experiment: bad\ngrid: {g_a: [0]}\n", `unknown config key "layerz"`},
		{"not a mapping", "- 1\n- 2\n", `want a mapping`},
		{"empty file", "", `empty sweep file`},
		{"yaml syntax", "base: {mode: [\n", `yaml:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(tmp, "s.yaml")
			os.WriteFile(f, []byte(tc.src), 0o644)
			_, err := Plan(f)
			if err == nil {
				t.Fatalf("no error; want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q\ndoes not contain %q", err, tc.want)
			}
		})
	}
}

func TestIndexFromEnv(t *testing.T) {
	for _, v := range IndexEnv {
		t.Setenv(v, "")
	}
	if _, _, err := IndexFromEnv(); err == nil || !strings.Contains(err.Error(), "SLURM_ARRAY_TASK_ID") {
		t.Errorf("no variable set: err %v", err)
	}
	for i, v := range IndexEnv {
		t.Setenv(v, fmt.Sprint(10+i))
		got, name, err := IndexFromEnv()
		if err != nil || got != 10+i || name != v {
			t.Errorf("%s=%d: got %d from %s, err %v", v, 10+i, got, name, err)
		}
		t.Setenv(v, "")
	}
	// Precedence: the first set variable of IndexEnv wins.
	t.Setenv("NOMAD_ALLOC_INDEX", "5")
	t.Setenv("JOB_COMPLETION_INDEX", "3")
	if got, name, _ := IndexFromEnv(); got != 3 || name != "JOB_COMPLETION_INDEX" {
		t.Errorf("precedence: got %d from %s, want 3 from JOB_COMPLETION_INDEX", got, name)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "1")
	if got, name, _ := IndexFromEnv(); got != 1 || name != "SLURM_ARRAY_TASK_ID" {
		t.Errorf("precedence: got %d from %s, want 1 from SLURM_ARRAY_TASK_ID", got, name)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "x1")
	if _, _, err := IndexFromEnv(); err == nil || !strings.Contains(err.Error(), `SLURM_ARRAY_TASK_ID="x1"`) {
		t.Errorf("bad value: err %v", err)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "-1")
	if _, _, err := IndexFromEnv(); err == nil {
		t.Errorf("negative index accepted")
	}
}

func TestRunTaskSkipsComplete(t *testing.T) {
	dir, m := plan(t, exampleSweep)
	writeSummary(t, RunDir(dir, &m.Runs[1]), "complete", 12.5)
	var r recorder
	if err := RunTask(context.Background(), dir, 1, r.run); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 0 {
		t.Errorf("runner called for a complete run: %v", r.calls)
	}
	if err := RunTask(context.Background(), dir, 0, r.run); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 1 || r.calls[0] != m.Runs[0].ID {
		t.Errorf("calls %v, want [%s]", r.calls, m.Runs[0].ID)
	}
	if err := RunTask(context.Background(), dir, 4, r.run); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("index 4 of 4: err %v", err)
	}
}

func TestRunTaskResumes(t *testing.T) {
	dir, m := plan(t, exampleSweep)
	rd := RunDir(dir, &m.Runs[2])
	// An interrupted run: checkpoint, a summary that is not complete, and a
	// status file left "running" by a process that is gone.
	os.MkdirAll(filepath.Dir(rundir.Path(rd, rundir.CheckpointFile)), 0o755)
	os.WriteFile(rundir.Path(rd, rundir.CheckpointFile), []byte("ckpt"), 0o644)
	writeSummary(t, rd, "interrupted", 50)
	writeStatus(rd, statusRecord{State: "running", PID: deadPID(t), Host: hostname(), Time: time.Now()})
	st, _ := Status(dir)
	if st[2].State != StatePending || !strings.Contains(st[2].Detail, "stale") {
		t.Errorf("before: status %+v, want pending (stale)", st[2])
	}
	var r recorder
	if err := RunTask(context.Background(), dir, 2, r.run); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 1 || !r.cps[0] {
		t.Fatalf("runner calls %v (checkpoint seen %v), want one call that sees the checkpoint", r.calls, r.cps)
	}
	st, _ = Status(dir)
	if st[2].State != StateDone || st[2].FinalTestError != 11 {
		t.Errorf("after: %+v", st[2])
	}
	if s, ok := readStatus(rd); !ok || s.State != "done" || s.PID != os.Getpid() {
		t.Errorf("status file %+v", s)
	}
	// And a second call is a no-op.
	RunTask(context.Background(), dir, 2, r.run)
	if len(r.calls) != 1 {
		t.Errorf("runner called again after completion")
	}
}

// deadPID returns the PID of a process that has exited.
func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	return cmd.Process.Pid
}

func TestRunTaskClearsFailedAttempt(t *testing.T) {
	dir, m := plan(t, exampleSweep)
	rd := RunDir(dir, &m.Runs[0])
	writeSummary(t, rd, "failed", 90)
	os.WriteFile(rundir.Path(rd, rundir.MetricsFile), []byte("x"), 0o644)
	var r recorder
	if err := RunTask(context.Background(), dir, 0, r.run); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rundir.Path(rd, rundir.MetricsFile)); err == nil {
		t.Errorf("the failed attempt's files are still there")
	}
	// A folder held by a live process (run.lock) is not touched.
	rd = RunDir(dir, &m.Runs[1])
	os.MkdirAll(rd, 0o755)
	os.WriteFile(rundir.Path(rd, rundir.LockFile), []byte(fmt.Sprintf("%d %s\n", os.Getpid(), hostname())), 0o644)
	if err := RunTask(context.Background(), dir, 1, r.run); err == nil || !strings.Contains(err.Error(), "run.lock is held by pid") {
		t.Errorf("live run.lock: err %v", err)
	}
	if len(r.calls) != 1 {
		t.Errorf("calls %v", r.calls)
	}
	// A folder of someone else's files (no marker) is refused and kept.
	rd = RunDir(dir, &m.Runs[2])
	os.MkdirAll(rd, 0o755)
	mine := filepath.Join(rd, "thesis.tex")
	os.WriteFile(mine, []byte("x"), 0o644)
	if err := RunTask(context.Background(), dir, 2, r.run); err == nil || !strings.Contains(err.Error(), "not a run folder") {
		t.Errorf("foreign folder: err %v", err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a file the sweep did not write was deleted: %v", err)
	}
}

func TestRunTaskFailedAndInterrupted(t *testing.T) {
	dir, m := plan(t, exampleSweep)
	r := recorder{err: errors.New("boom: out of memory\nsecond line")}
	err := RunTask(context.Background(), dir, 0, r.run)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err %v", err)
	}
	st, _ := Status(dir)
	if st[0].State != StateFailed || st[0].Detail != "boom: out of memory" {
		t.Errorf("failed run: %+v", st[0])
	}
	// A runner that returns nil without a complete summary has failed.
	err = RunTask(context.Background(), dir, 1, func(context.Context, config.Config, string) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "without a complete summary.json") {
		t.Errorf("err %v", err)
	}
	// A panic is a failure, not a crash.
	err = RunTask(context.Background(), dir, 1, func(context.Context, config.Config, string) error { panic("oops") })
	if err == nil || !strings.Contains(err.Error(), "panicked: oops") {
		t.Errorf("err %v", err)
	}
	// Interrupted: pending again, resumable.
	ctx, cancel := context.WithCancel(context.Background())
	err = RunTask(ctx, dir, 3, func(ctx context.Context, _ config.Config, _ string) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("err %v", err)
	}
	st, _ = Status(dir)
	if st[3].State != StatePending || !strings.HasPrefix(st[3].Detail, "interrupted") {
		t.Errorf("interrupted run: %+v", st[3])
	}
	// A run held by another live process on this host is refused.
	self := exec.Command("sleep", "30")
	if err := self.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { self.Process.Kill(); self.Wait() }()
	os.MkdirAll(RunDir(dir, &m.Runs[2]), 0o755)
	writeStatus(RunDir(dir, &m.Runs[2]), statusRecord{State: "running", PID: self.Process.Pid, Host: hostname(), Time: time.Now()})
	var rec recorder
	if err := RunTask(context.Background(), dir, 2, rec.run); err == nil || !strings.Contains(err.Error(), "already running") || len(rec.calls) != 0 {
		t.Errorf("running elsewhere: err %v, calls %v", err, rec.calls)
	}
	if st, _ := Status(dir); st[2].State != StateRunning {
		t.Errorf("status of a live running run: %+v", st[2])
	}
}

func TestPathEscapeRefused(t *testing.T) {
	for _, s := range []string{"../../etc", "/abs/path", `a\b`, "..", "x/../y", "a b:c*?", "...."} {
		got := sanitize(s)
		if strings.Contains(got, "..") || strings.ContainsAny(got, `/\ `) {
			t.Errorf("sanitize(%q) = %q", s, got)
		}
	}
	if got := idValue([]any{"../x", 1.5}); got != ".__x_1.5" {
		t.Errorf("idValue = %q", got)
	}
	for _, id := range []string{"", "..", ".", "../x", "a/b", `a\b`, "/etc", "0001-a=..", ".hidden", "a b"} {
		if SafeID(id) == nil {
			t.Errorf("SafeID(%q) accepted", id)
		}
	}
	for _, id := range []string{"0003-etas=0.1_0.1-seed=2", "0001-g_a=-1e-05-seed=1", "0001-x~abcd1234"} {
		if err := SafeID(id); err != nil {
			t.Errorf("SafeID(%q): %v", id, err)
		}
	}
	// A long id is cut, stays unique and safe.
	long := makeID([]string{"0001", "x=" + strings.Repeat("a", 300)})
	if len(long) > maxIDLen || SafeID(long) != nil {
		t.Errorf("long id %q (%d bytes)", long, len(long))
	}
	// A manifest edited to escape the sweep folder is refused.
	dir, _ := plan(t, exampleSweep)
	raw, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	bad := strings.Replace(string(raw), `"id":"0000-etas=0.21_0.21-seed=1"`, `"id":"../../escaped"`, 1)
	os.WriteFile(filepath.Join(dir, ManifestFile), []byte(bad), 0o644)
	var r recorder
	err := RunTask(context.Background(), dir, 0, r.run)
	if err == nil || !strings.Contains(err.Error(), "escape") || len(r.calls) != 0 {
		t.Errorf("escaping id: err %v, calls %v", err, r.calls)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "escaped")); err == nil {
		t.Errorf("a folder was created outside the sweep")
	}
}

func TestRunLocal(t *testing.T) {
	dir, m := plan(t, `
base: {mode: rate, layers: [20, 10]}
grid: {g_a: [0, 0.1, 0.2]}
seeds: [1, 2]
`)
	writeSummary(t, RunDir(dir, &m.Runs[4]), "complete", 3)
	var (
		r       recorder
		running atomic.Int32
		peak    atomic.Int32
		both    = make(chan struct{})
		once    sync.Once
	)
	runner := func(ctx context.Context, cfg config.Config, runDir string) error {
		n := running.Add(1)
		defer running.Add(-1)
		if n == 2 {
			once.Do(func() { close(both) })
		}
		select { // wait (a little) until both workers are busy
		case <-both:
		case <-time.After(2 * time.Second):
		}
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		return r.run(ctx, cfg, runDir)
	}
	var progress bytes.Buffer
	if err := RunLocal(context.Background(), dir, 2, runner, &progress); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 5 {
		t.Errorf("runner called %d times, want 5 (6 runs, 1 complete): %v", len(r.calls), r.calls)
	}
	seen := map[string]int{}
	for _, c := range r.calls {
		seen[c]++
		if seen[c] > 1 || c == m.Runs[4].ID {
			t.Errorf("run %s called %d times", c, seen[c])
		}
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrency %d, want 2", p)
	}
	out := progress.String()
	if strings.Count(out, "] start ") != 5 || strings.Count(out, "] done ") != 5 || !strings.Contains(out, "[6/6] done ") ||
		!strings.Contains(out, "test error 11.00% in") {
		t.Errorf("progress:\n%s", out)
	}
	// Everything is done now: nothing runs.
	r.calls = nil
	if err := RunLocal(context.Background(), dir, 2, runner, io.Discard); err != nil || len(r.calls) != 0 {
		t.Errorf("second RunLocal: err %v, calls %v", err, r.calls)
	}
}

func TestRunLocalFailuresAndCancel(t *testing.T) {
	dir, _ := plan(t, exampleSweep)
	var calls atomic.Int32
	failing := func(ctx context.Context, cfg config.Config, runDir string) error {
		calls.Add(1)
		if cfg.Seed == 2 {
			return errors.New("diverged")
		}
		var r recorder
		return r.run(ctx, cfg, runDir)
	}
	var progress bytes.Buffer
	err := RunLocal(context.Background(), dir, 2, failing, &progress)
	if err == nil || !strings.Contains(err.Error(), "2 of 4 runs failed") || calls.Load() != 4 {
		t.Errorf("err %v, calls %d\n%s", err, calls.Load(), progress.String())
	}
	if !strings.Contains(progress.String(), "FAILED 0001-etas=0.21_0.21-seed=2 after") ||
		!strings.Contains(progress.String(), ": diverged") {
		t.Errorf("progress:\n%s", progress.String())
	}
	// Cancelling stops dispatching: with 1 worker, only the first pending run starts.
	dir2, _ := plan(t, exampleSweep)
	ctx, cancel := context.WithCancel(context.Background())
	calls.Store(0)
	blocking := func(ctx context.Context, cfg config.Config, runDir string) error {
		calls.Add(1)
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}
	err = RunLocal(ctx, dir2, 1, blocking, io.Discard)
	if !errors.Is(err, context.Canceled) || calls.Load() != 1 {
		t.Errorf("cancel: err %v, calls %d (want 1)", err, calls.Load())
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCollect(t *testing.T) {
	dir, m := plan(t, `
base: {mode: rate, layers: [20, 10]}
grid:
  g_a: [0, 0.6]
  teaching: [head, paper]
seeds: [1, 2, 3]
`)
	// Errors by run: g_a=0/head: 10, 12, 14 (mean 12, sd 2); g_a=0/paper: 5
	// only (others pending); g_a=0.6/head: 1, 2 and a failed run; g_a=0.6/paper: none.
	errs := map[int]float64{0: 10, 1: 12, 2: 14, 3: 5, 6: 1, 7: 2}
	for i, e := range errs {
		writeSummary(t, RunDir(dir, &m.Runs[i]), "complete", e)
	}
	os.MkdirAll(RunDir(dir, &m.Runs[8]), 0o755)
	writeStatus(RunDir(dir, &m.Runs[8]), statusRecord{State: "failed", Error: "nan loss"})
	res, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 4 {
		t.Fatalf("%d groups", len(res.Groups))
	}
	g := res.Groups[0]
	if g.Runs != 3 || g.N != 3 || g.Mean != 12 || math.Abs(g.SD-2) > 1e-12 || g.Min != 10 || g.Max != 14 {
		t.Errorf("group 0: %+v", g)
	}
	if g := res.Groups[1]; g.N != 1 || g.Mean != 5 || !math.IsNaN(g.SD) || g.Min != 5 {
		t.Errorf("group 1: %+v", g)
	}
	if g := res.Groups[2]; g.N != 2 || g.Mean != 1.5 || math.Abs(g.SD-math.Sqrt(0.5)) > 1e-12 {
		t.Errorf("group 2: %+v", g)
	}
	if g := res.Groups[3]; g.N != 0 || !math.IsNaN(g.Mean) {
		t.Errorf("group 3: %+v", g)
	}
	sum := readCSV(t, filepath.Join(dir, SummaryCSV))
	want := [][]string{
		{"g_a", "teaching", "runs", "n", "mean", "sd", "min", "max"},
		{"0", "head", "3", "3", "12", "2", "10", "14"},
		{"0", "paper", "3", "1", "5", "", "5", "5"},
		{"0.6", "head", "3", "2", "1.5", "0.7071067811865476", "1", "2"},
		{"0.6", "paper", "3", "0", "", "", "", ""},
	}
	if fmt.Sprint(sum) != fmt.Sprint(want) {
		t.Errorf("summary.csv\n got %q\nwant %q", sum, want)
	}
	rows := readCSV(t, filepath.Join(dir, ResultsCSV))
	if len(rows) != 13 || strings.Join(rows[0], ",") != "id,g_a,teaching,seed,final_test_error,epochs,seconds,status" {
		t.Errorf("results.csv header %q, %d rows", rows[0], len(rows))
	}
	if got := strings.Join(rows[1], ","); got != "0000-g_a=0-teaching=head-seed=1,0,head,1,10,1,0.500,done" {
		t.Errorf("results row 1: %s", got)
	}
	if got := strings.Join(rows[9], ","); got != "0008-g_a=0.6-teaching=head-seed=3,0.6,head,3,,,,failed" {
		t.Errorf("results row 9: %s", got)
	}
	for _, f := range []string{"sweep.png", "sweep.svg"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
	var tab bytes.Buffer
	res.WriteTable(&tab)
	if !strings.Contains(tab.String(), "0.6  head      2/3   1.50    0.71") {
		t.Errorf("table:\n%s", tab.String())
	}
}

func TestCollectBarsAndNothingDone(t *testing.T) {
	dir, m := plan(t, exampleSweep)
	res, err := Collect(dir)
	if err != nil || res.PlotNote == "" {
		t.Fatalf("nothing done: err %v, note %q", err, res.PlotNote)
	}
	if _, err := os.Stat(filepath.Join(dir, "sweep.png")); err == nil {
		t.Errorf("a plot without data")
	}
	for i := range m.Runs {
		writeSummary(t, RunDir(dir, &m.Runs[i]), "complete", float64(10+i))
	}
	if res, err = Collect(dir); err != nil || res.PlotNote != "" {
		t.Fatalf("err %v note %q", err, res.PlotNote)
	}
	svg, _ := os.ReadFile(filepath.Join(dir, "sweep.svg"))
	for _, s := range []string{"final test error (%)", "[0.21,0.21]", "etas"} {
		if !bytes.Contains(svg, []byte(s)) {
			t.Errorf("svg lacks %q", s)
		}
	}
}

func TestWriteSlurm(t *testing.T) {
	dir, _ := plan(t, exampleSweep)
	path, err := WriteSlurm(dir, SlurmOptions{
		Binary: "/opt/bin/dendrite", Partition: "gpu", Time: "01:00:00", Mem: "4G",
		CPUsPerTask: 2, MaxParallel: 2, Extra: []string{"--account=lab"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, SlurmScript) {
		t.Errorf("path %s", path)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	for _, want := range []string{
		"#!/bin/bash\n",
		"#SBATCH --array=0-3%2\n",
		"#SBATCH --output=" + filepath.Join(dir, "logs", "%A_%a.out") + "\n",
		"#SBATCH --partition=gpu\n", "#SBATCH --time=01:00:00\n", "#SBATCH --mem=4G\n",
		"#SBATCH --cpus-per-task=2\n", "#SBATCH --account=lab\n", "#SBATCH --job-name=dendrite-sweep\n",
		"export GOMAXPROCS=\"${SLURM_CPUS_PER_TASK:-2}\"\n",
		"\nexec /opt/bin/dendrite sweep run " + dir + "\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "logs")); err != nil || !fi.IsDir() {
		t.Errorf("logs folder: %v", err)
	}
	if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
		t.Errorf("bash -n: %v %s", err, out)
	}
	// Defaults: no limit, no optional directives; a path with a space is quoted.
	path, err = WriteSlurm(dir, SlurmOptions{Binary: "/opt/my bin/dendrite"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	if s := string(b); !strings.Contains(s, "--array=0-3\n") || strings.Contains(s, "--partition") ||
		!strings.Contains(s, "exec '/opt/my bin/dendrite' sweep run ") {
		t.Errorf("defaults:\n%s", s)
	}
	if _, err := WriteSlurm(dir, SlurmOptions{Binary: "/x", Partition: "a\n#SBATCH --evil"}); err == nil {
		t.Errorf("a newline in an option was accepted")
	}
}

func TestWriteK8s(t *testing.T) {
	dir, _ := plan(t, exampleSweep)
	path, err := WriteK8s(dir, K8sOptions{Image: "ghcr.io/lab/dendrite:v1", Parallelism: 2, CPU: "2", Memory: "4Gi"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("YAML does not parse: %v\n%s", err, b)
	}
	var job k8sJobDoc
	yaml.Unmarshal(b, &job)
	c := job.Spec.Template.Spec.Containers
	if doc["apiVersion"] != "batch/v1" || job.Kind != "Job" || job.Spec.CompletionMode != "Indexed" ||
		job.Spec.Completions != 4 || job.Spec.Parallelism != 2 || job.Metadata.Name != "dendrite-sweep-sweep" ||
		job.Spec.Template.Spec.RestartPolicy != "Never" || len(c) != 1 || c[0].Image != "ghcr.io/lab/dendrite:v1" ||
		strings.Join(c[0].Command, " ") != "dendrite sweep run /data/sweep" || len(job.Spec.Template.Spec.Volumes) != 1 {
		t.Errorf("job:\n%s", b)
	}
	if !strings.Contains(string(b), `memory: "4Gi"`) || !strings.Contains(string(b), "PLACEHOLDER") {
		t.Errorf("resources or placeholder missing:\n%s", b)
	}
}

func TestStatusCounts(t *testing.T) {
	dir, m := plan(t, exampleSweep)
	writeSummary(t, RunDir(dir, &m.Runs[0]), "complete", 9)
	os.MkdirAll(RunDir(dir, &m.Runs[1]), 0o755)
	writeStatus(RunDir(dir, &m.Runs[1]), statusRecord{State: "running", PID: os.Getpid(), Host: hostname(), Time: time.Now(), Job: "slurm 7_1"})
	os.MkdirAll(RunDir(dir, &m.Runs[2]), 0o755)
	writeStatus(RunDir(dir, &m.Runs[2]), statusRecord{State: "failed", Error: "x"})
	st, err := Status(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range st {
		got = append(got, s.State)
	}
	if strings.Join(got, " ") != "done running failed pending" {
		t.Errorf("states %v", got)
	}
	if !strings.Contains(st[1].Detail, "(slurm 7_1)") || st[0].FinalTestError != 9 {
		t.Errorf("details %+v", st)
	}
	if _, err := Status(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no manifest") {
		t.Errorf("status of an empty folder: %v", err)
	}
}

// A sweep folder whose path holds % gets a --output that sbatch expands back
// to that path (%% is a literal %), and a path with a line break is refused
// (it would end the comment line and become a command).
func TestWriteSlurmHostilePaths(t *testing.T) {
	src, m := plan(t, exampleSweep)
	pct := filepath.Join(t.TempDir(), "100%_sweep")
	if err := m.Write(pct); err != nil {
		t.Fatal(err)
	}
	path, err := WriteSlurm(pct, SlurmOptions{Binary: "/opt/bin/dendrite"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := "#SBATCH --output=" + strings.ReplaceAll(filepath.Join(pct, "logs"), "%", "%%") + "/%A_%a.out\n"
	if !strings.Contains(string(b), want) {
		t.Errorf("script lacks %q:\n%s", want, b)
	}
	if _, err := WriteSlurm(src, SlurmOptions{Binary: "/opt/bin/x\nrm -rf ~"}); err == nil || !strings.Contains(err.Error(), "line break") {
		t.Errorf("binary path with a newline: %v", err)
	}
	nl := filepath.Join(t.TempDir(), "a\nrm -rf ~")
	if err := m.Write(nl); err != nil {
		t.Skipf("this file system refuses newlines in names: %v", err)
	}
	if _, err := WriteSlurm(nl, SlurmOptions{Binary: "/opt/bin/dendrite"}); err == nil || !strings.Contains(err.Error(), "line break") {
		t.Errorf("sweep path with a newline: %v", err)
	}
}
