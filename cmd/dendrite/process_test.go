package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dendrite-lab/dendrite/checkpoint"
	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/run"
	"github.com/dendrite-lab/dendrite/rundir"
)

// buildBinary builds the dendrite command once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the dendrite binary")
	}
	bin := filepath.Join(t.TempDir(), "dendrite")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func weightsOf(t *testing.T, dir string) map[string][]float64 {
	t.Helper()
	m := map[string][]float64{}
	ents, err := os.ReadDir(filepath.Join(dir, "weights", "final"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		a, err := npy.ReadFile(filepath.Join(dir, "weights", "final", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = a.Data
	}
	return m
}

func equalBits(a, b map[string][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb := b[k]
		if len(va) != len(vb) {
			return false
		}
		for i := range va {
			if math.Float64bits(va[i]) != math.Float64bits(vb[i]) {
				return false
			}
		}
	}
	return true
}

func metricsSansTime(t *testing.T, dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		out = append(out, l[:strings.LastIndexByte(l, ',')])
	}
	return strings.Join(out, "\n")
}

var crashArgs = []string{"train", "--mode", "rate", "--layers", "100,10", "--train-examples", "12000", "--epochs", "2",
	"--test-examples", "500", "--quick-test-examples", "50", "--checkpoint-every", "700", "--quiet"}

// A run killed with SIGKILL at random moments and resumed each time ends with
// the weights and metrics of an uninterrupted run; the checkpoint on disk is
// valid after every kill.
func TestKillAndResume(t *testing.T) {
	bin := buildBinary(t)
	ref := filepath.Join(t.TempDir(), "ref")
	if out, err := exec.Command(bin, append(crashArgs, "--out", ref)...).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "killed")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills := 0
	for attempt := 0; attempt < 12; attempt++ {
		args := append(append([]string{}, crashArgs...), "--out", dir)
		if _, err := os.Stat(filepath.Join(dir, rundir.CheckpointFile)); err == nil {
			args = []string{"train", "--resume", dir, "--quiet"}
		} else if attempt > 0 {
			args = append(args, "--overwrite")
		}
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if kills < 4 {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("attempt %d: %v\n%s", attempt, err, stderr.String())
				}
			case <-time.After(time.Duration(200+r.IntN(900)) * time.Millisecond):
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				kills++
				if _, err := os.Stat(filepath.Join(dir, rundir.CheckpointFile)); err == nil {
					if _, err := checkpoint.ReadFile(filepath.Join(dir, rundir.CheckpointFile)); err != nil {
						t.Fatalf("checkpoint corrupt after kill %d: %v", kills, err)
					}
				}
				continue
			}
		} else if err := <-done; err != nil {
			t.Fatalf("final attempt: %v\n%s", err, stderr.String())
		}
		if s, err := run.ReadSummary(dir); err == nil && s.Status == "complete" {
			break
		}
	}
	t.Logf("killed %d times", kills)
	s, err := run.ReadSummary(dir)
	if err != nil || s.Status != "complete" {
		t.Fatalf("run did not complete: %v %+v", err, s)
	}
	if !equalBits(weightsOf(t, ref), weightsOf(t, dir)) {
		t.Error("final weights differ from the uninterrupted run")
	}
	if a, b := metricsSansTime(t, ref), metricsSansTime(t, dir); a != b {
		t.Errorf("metrics differ:\n%s\n---\n%s", a, b)
	}
}

// Same seed and config: bit-identical results with GOMAXPROCS=1 and 2.
func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	bin := buildBinary(t)
	var dirs []string
	for _, procs := range []string{"1", "2"} {
		dir := filepath.Join(t.TempDir(), "p"+procs)
		cmd := exec.Command(bin, "train", "--layers", "30,10", "--train-examples", "60", "--test-examples", "40",
			"--quick-test-examples", "20", "--quick-test-every", "25", "--test-phase", "80", "--quiet", "--out", dir)
		cmd.Env = append(os.Environ(), "GOMAXPROCS="+procs)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("GOMAXPROCS=%s: %v\n%s", procs, err, out)
		}
		dirs = append(dirs, dir)
	}
	if !equalBits(weightsOf(t, dirs[0]), weightsOf(t, dirs[1])) {
		t.Error("weights depend on GOMAXPROCS")
	}
	if metricsSansTime(t, dirs[0]) != metricsSansTime(t, dirs[1]) {
		t.Error("metrics depend on GOMAXPROCS")
	}
}

// SIGTERM checkpoints and exits with code 3; --resume finishes the run.
func TestSIGTERMCheckpoints(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(bin, append(append([]string{}, crashArgs...), "--out", dir, "--epochs", "6")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the first checkpoint: by then the signal handler is surely installed.
	for i := 0; i < 1000; i++ {
		if _, err := os.Stat(filepath.Join(dir, rundir.CheckpointFile)); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want code %d", err, exitInterrupted)
	}
	s, _ := run.ReadSummary(dir)
	if s == nil || s.Status != "interrupted" {
		t.Fatalf("summary %+v", s)
	}
	if out, err := exec.Command(bin, "train", "--resume", dir, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
}
