package sweep

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSlurmEndToEnd runs a 4-run sweep of tiny trainings as a job array on a
// real one-node Slurm started on localhost by scripts/slurm-local.sh, with
// the real dendrite binary. It needs root (CI runs as root) and installs
// slurm-wlm and munge with apt-get when they are missing. Enable it with
//
//	DENDRITE_SLURM_TEST=1 go test -run TestSlurmEndToEnd -v ./sweep/
func TestSlurmEndToEnd(t *testing.T) {
	if os.Getenv("DENDRITE_SLURM_TEST") != "1" {
		t.Skip("needs a real Slurm: run `DENDRITE_SLURM_TEST=1 go test -run TestSlurmEndToEnd -v ./sweep/` as root " +
			"(starts munge+slurmctld+slurmd on localhost with scripts/slurm-local.sh, installing slurm-wlm and munge with apt-get if missing)")
	}
	if testing.Short() {
		t.Skip("skipping the Slurm end-to-end test in -short mode")
	}
	if os.Geteuid() != 0 {
		t.Fatalf("DENDRITE_SLURM_TEST=1 but not root (uid %d): scripts/slurm-local.sh must install packages and start munged, slurmctld and slurmd", os.Geteuid())
	}
	for _, tool := range []string{"go", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not in PATH: %v", tool, err)
		}
	}
	t0 := time.Now()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s has no go.mod: %v", root, err)
	}
	tmp := t.TempDir()

	// 1. The real binary.
	bin := filepath.Join(tmp, "dendrite")
	build := exec.Command("go", "build", "-o", bin, "./cmd/dendrite")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		if bytes.Contains(out, []byte("function main is undeclared")) {
			t.Skipf("cmd/dendrite has no main yet (main.go is not written), so there is no dendrite binary to test: %s", strings.TrimSpace(string(out)))
		}
		t.Fatalf("go build ./cmd/dendrite: %v\n%s", err, out)
	}
	t.Logf("built %s in %.1f s", bin, time.Since(t0).Seconds())

	// 2. Slurm on localhost, on free ports, with its state in tmp.
	work := filepath.Join(tmp, "slurm")
	script := filepath.Join(root, "scripts", "slurm-local.sh")
	ctldPort, slurmdPort := freePort(t), freePort(t)
	env := append(os.Environ(),
		"SLURM_LOCAL_CTLD_PORT="+strconv.Itoa(ctldPort), "SLURM_LOCAL_SLURMD_PORT="+strconv.Itoa(slurmdPort),
		"SLURM_CONF="+filepath.Join(work, "slurm.conf"), "DEBIAN_FRONTEND=noninteractive")
	slurm := func(timeout time.Duration, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
		cmd.Env = env
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		return string(out), err
	}
	t.Cleanup(func() {
		out, err := slurm(2*time.Minute, "stop", work)
		t.Logf("slurm-local.sh stop (err %v):\n%s", err, out)
	})
	t1 := time.Now()
	if out, err := slurm(10*time.Minute, "start", work); err != nil {
		t.Fatalf("cannot start a local Slurm with scripts/slurm-local.sh start %s: %v\n%s", work, err, out)
	} else {
		t.Logf("Slurm up in %.1f s:\n%s", time.Since(t1).Seconds(), out)
	}
	t.Setenv("SLURM_CONF", filepath.Join(work, "slurm.conf"))

	// 3. Plan, submit, wait.
	sweepFile := filepath.Join(tmp, "tiny.yaml")
	os.WriteFile(sweepFile, []byte(`
base:
  mode: rate
  layers: [20, 10]
  train_examples: 200
  test_examples: 100
  quick_test_examples: 0
  epochs: 1
grid:
  etas: [[0.21, 0.21], [0.1, 0.1]]
seeds: [1, 2]
`), 0o644)
	dir := filepath.Join(tmp, "sweep")
	dendrite := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, append([]string{"sweep"}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	var jobID string
	logs := func() {
		t.Helper()
		var b strings.Builder
		files, _ := filepath.Glob(filepath.Join(dir, "logs", "*"))
		for _, f := range append(files, filepath.Join(work, "slurmctld.log"), filepath.Join(work, "slurmd.log")) {
			data, err := os.ReadFile(f)
			if err != nil {
				fmt.Fprintf(&b, "== %s: %v\n", f, err)
				continue
			}
			if len(data) > 6000 {
				data = append([]byte("...\n"), data[len(data)-6000:]...)
			}
			fmt.Fprintf(&b, "== %s\n%s\n", f, data)
		}
		if jobID != "" {
			out, _ := exec.Command("scontrol", "show", "job", jobID).CombinedOutput()
			fmt.Fprintf(&b, "== scontrol show job %s\n%s\n", jobID, out)
		}
		st, _, _ := dendrite("status", dir)
		fmt.Fprintf(&b, "== dendrite sweep status\n%s", st)
		t.Logf("Slurm and task logs:\n%s", b.String())
	}
	out, errOut, err := dendrite("plan", sweepFile, "--out", dir)
	if err != nil || !strings.HasPrefix(out, "4 runs") {
		t.Fatalf("dendrite sweep plan: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err = dendrite("slurm", dir, "--submit", "--max-parallel", "2", "--time", "00:10:00")
	if err != nil {
		logs()
		t.Fatalf("dendrite sweep slurm --submit: %v\n%s%s", err, out, errOut)
	}
	jobID = strings.TrimSpace(out)
	if _, err := strconv.Atoi(jobID); err != nil {
		t.Fatalf("dendrite sweep slurm --submit printed %q, not a job id (stderr: %s)", out, errOut)
	}
	t.Logf("submitted array job %s:\n%s", jobID, errOut)
	t2 := time.Now()
	deadline := t2.Add(5 * time.Minute)
	for {
		q, err := exec.Command("squeue", "-h", "-j", jobID, "-o", "%i %t %R").CombinedOutput()
		if err == nil && len(bytes.TrimSpace(q)) == 0 {
			break
		}
		if err != nil && !bytes.Contains(q, []byte("Invalid job id")) {
			logs()
			t.Fatalf("squeue -j %s: %v\n%s", jobID, err, q)
		}
		if err != nil {
			break // the job is gone already
		}
		if time.Now().After(deadline) {
			logs()
			exec.Command("scancel", jobID).Run()
			t.Fatalf("job %s not finished after 5 min; squeue:\n%s", jobID, q)
		}
		time.Sleep(time.Second)
	}
	t.Logf("array job finished in %.1f s", time.Since(t2).Seconds())

	// 4. Collect and check.
	out, errOut, err = dendrite("collect", dir)
	if err != nil {
		logs()
		t.Fatalf("dendrite sweep collect: %v\n%s%s", err, out, errOut)
	}
	t.Logf("dendrite sweep collect:\n%s", out)
	rows := readCSV(t, filepath.Join(dir, ResultsCSV))
	col := -1
	for i, h := range rows[0] {
		if h == "final_test_error" {
			col = i
		}
	}
	ok := len(rows) == 5 && col >= 0
	for _, r := range rows[1:] {
		e, err := strconv.ParseFloat(r[col], 64)
		if r[len(r)-1] != "done" || err != nil || math.IsNaN(e) || math.IsInf(e, 0) || e < 0 || e > 100 {
			ok = false
		}
	}
	if !ok {
		logs()
		t.Fatalf("want 4 done runs with a finite final test error, results.csv:\n%q", rows)
	}
	for _, f := range []string{SummaryCSV, "sweep.png", "sweep.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("collect did not write %s: %v", f, err)
		}
	}
	st, _, err := dendrite("status", dir)
	if err != nil || !strings.Contains(st, "4 runs: 4 done") {
		t.Errorf("dendrite sweep status: %v\n%s", err, st)
	}
	t.Logf("Slurm end-to-end test took %.1f s", time.Since(t0).Seconds())
}

// freePort returns a TCP port that is free on localhost right now.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("no free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
