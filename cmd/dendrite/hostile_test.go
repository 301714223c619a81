//go:build unix

package main

// The hostile-input harness: the real binary is run on inputs a careless or
// malicious user could give it, and each case must end in a one-line refusal
// with the documented exit code, within a time limit and, for the cases that
// would allocate from an attacker's numbers, under an address-space limit so
// that a regression fails the test instead of exhausting the machine.
//
// Other test files add their own cases with runHostile(t, []hostileCase{…}).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// hostileCase is one hostile invocation of the dendrite binary.
type hostileCase struct {
	name string
	// args follow the binary name; "{dir}" in any argument is replaced by
	// the case's own temporary folder.
	args []string
	// setup prepares files in dir before the run (may be nil).
	setup func(t *testing.T, dir string)
	// code is the exit code wanted.
	code int
	// msg is a regular expression the one stderr line must match (it should
	// name the file, flag or config key at fault).
	msg string
	// lines is how many stderr lines are allowed (0 means exactly 1).
	lines int
	// memLimit caps the address space of the process in bytes (0 means
	// defaultHostileMem). The Go runtime itself reserves about 1 GiB.
	memLimit int64
	// timeout bounds the run (0 means 20 s).
	timeout time.Duration
	// env is added to the environment.
	env []string
	// check may assert more about dir after the run.
	check func(t *testing.T, dir, stdout, stderr string)
}

// defaultHostileMem is the address-space limit of every case: the Go
// runtime reserves about 1.1 GiB of address space at start-up, so 2 GiB
// leaves well under 1 GiB of real allocations (measured with prlimit --as
// on linux/amd64, Go 1.26: a 1 GB allocation succeeds, 2 GB fails).
const defaultHostileMem = 2 << 30

// maxErrLine bounds the length of an error line: quoted user values are
// shortened so that a 20 MB value is not echoed.
const maxErrLine = 600

var (
	hostileOnce sync.Once
	hostileBin  string
	hostileErr  error
	hostileTmp  string
)

// hostileBinary builds the dendrite binary once for all hostile tests.
func hostileBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the dendrite binary")
	}
	hostileOnce.Do(func() {
		hostileTmp, hostileErr = os.MkdirTemp("", "dendrite-hostile-")
		if hostileErr != nil {
			return
		}
		hostileBin = filepath.Join(hostileTmp, "dendrite")
		out, err := exec.Command("go", "build", "-o", hostileBin, ".").CombinedOutput()
		if err != nil {
			hostileErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if hostileErr != nil {
		t.Fatal(hostileErr)
	}
	return hostileBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if hostileTmp != "" {
		os.RemoveAll(hostileTmp)
	}
	os.Exit(code)
}

// limitedCommand runs bin under an address-space limit: with prlimit where
// it exists, else with the shell's ulimit -v.
func limitedCommand(ctx context.Context, limit int64, bin string, args ...string) *exec.Cmd {
	if p, err := exec.LookPath("prlimit"); err == nil {
		return exec.CommandContext(ctx, p, append([]string{fmt.Sprintf("--as=%d", limit), "--", bin}, args...)...)
	}
	sh := `ulimit -v "$1" && shift && exec "$@"`
	return exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", sh, "sh", fmt.Sprint(limit >> 10), bin}, args...)...)
}

// runHostile runs each case in its own folder and checks exit code, the one
// line of message, its length, the time limit and that no summary claims a
// final test that did not happen.
func runHostile(t *testing.T, cases []hostileCase) {
	t.Helper()
	bin := hostileBinary(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.setup != nil {
				c.setup(t, dir)
			}
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "{dir}", dir)
			}
			timeout := c.timeout
			if timeout == 0 {
				timeout = 20 * time.Second
			}
			mem := c.memLimit
			if mem == 0 {
				mem = defaultHostileMem
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			cmd := limitedCommand(ctx, mem, bin, args...)
			cmd.Dir = dir
			cmd.Env = append(append(os.Environ(), "GOMAXPROCS=1"), c.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.WaitDelay = time.Second
			start := time.Now()
			err := cmd.Run()
			elapsed := time.Since(start)
			if ctx.Err() != nil {
				t.Fatalf("dendrite %s: still running after %v (killed)\nstderr: %.2000s", strings.Join(c.args, " "), timeout, stderr.String())
			}
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					code = 128 + int(ws.Signal())
				}
			} else if err != nil {
				t.Fatal(err)
			}
			se := strings.TrimRight(stderr.String(), "\n")
			if code != c.code {
				t.Errorf("exit code %d, want %d (%v)\nstderr: %.3000s", code, c.code, elapsed, se)
			}
			lines := strings.Split(se, "\n")
			want := c.lines
			if want == 0 {
				want = 1
			}
			if se == "" || len(lines) > want {
				t.Errorf("stderr has %d lines, want 1..%d:\n%.3000s", len(lines), want, se)
			}
			for _, l := range lines {
				if len(l) > maxErrLine {
					t.Errorf("stderr line of %d bytes, want ≤ %d: %.200s…", len(l), maxErrLine, l)
				}
			}
			if c.msg != "" {
				re := regexp.MustCompile(c.msg)
				if !re.MatchString(lines[len(lines)-1]) && !re.MatchString(lines[0]) {
					t.Errorf("stderr %q does not match %q", truncate(se, 600), c.msg)
				}
			}
			noCompleteSummary(t, dir)
			if c.check != nil {
				c.check(t, dir, stdout.String(), stderr.String())
			}
		})
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// noCompleteSummary fails if a failed command left a summary.json that
// reports a final test.
func noCompleteSummary(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "summary.json" {
			return nil
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte(`"final_test_error"`)) {
			t.Errorf("%s reports a final_test_error after a refused command:\n%s", p, truncate(string(b), 400))
		}
		return nil
	})
}

// writeFile writes data to dir/name, creating folders.
func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// file returns a setup that writes one file.
func file(name, content string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) { writeFile(t, dir, name, []byte(content)) }
}

// fifo returns a setup that makes a named pipe nobody writes to.
func fifo(name string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
}

// The address-space limit the harness relies on really stops a Go program
// that allocates more than it allows.
func TestHostileMemoryLimitWorks(t *testing.T) {
	if os.Getenv("DENDRITE_HOSTILE_ALLOC") != "" {
		b := make([]byte, 3<<30)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := limitedCommand(context.Background(), defaultHostileMem, os.Args[0], "-test.run=^TestHostileMemoryLimitWorks$")
	cmd.Env = append(os.Environ(), "DENDRITE_HOSTILE_ALLOC=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("a 3 GiB allocation succeeded under a %d-byte address-space limit", defaultHostileMem)
	}
	if !bytes.Contains(out, []byte("out of memory")) {
		t.Fatalf("child failed for another reason than the limit: %v\n%.1000s", err, out)
	}
}

func TestHostileConfig(t *testing.T) {
	train := func(extra ...string) []string {
		return append([]string{"train", "--out", "{dir}/run", "--quiet"}, extra...)
	}
	runHostile(t, []hostileCase{
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, msg: `unknown command "frobnicate"`, lines: 20},
		{name: "missing config file", args: train("--config", "{dir}/nope.json"), code: 2, msg: `nope\.json`},
		{name: "config unknown key", setup: file("c.json", `{"layerz": [10]}`), args: train("--config", "{dir}/c.json"), code: 2, msg: `c\.json.*layerz`},
		{name: "config wrong type", setup: file("c.json", `{"epochs": "two"}`), args: train("--config", "{dir}/c.json"), code: 2, msg: `c\.json.*epochs`},
		{name: "config out of range", setup: file("c.json", `{"epochs": -1}`), args: train("--config", "{dir}/c.json"), code: 2, msg: `c\.json.*epochs`},
		{name: "yaml not a mapping", setup: file("c.yaml", "- 1\n- 2\n"), args: train("--config", "{dir}/c.yaml"), code: 2, msg: `c\.yaml.*mapping`},
		{name: "flag bad integer", args: train("--epochs", "many"), code: 2, msg: `--epochs`},
		{name: "flag layer too large", args: train("--layers", "1000000,10"), code: 2, msg: `layers`},
		{name: "flag output not multiple of ten", args: train("--layers", "100,7"), code: 2, msg: `layers`},
		{name: "flag bad mode", args: train("--mode", "quantum"), code: 2, msg: `mode`},
		{name: "flag nan", args: train("--g-a", "NaN"), code: 2, msg: `g_a`},
		{name: "unknown flag", args: train("--frobnicate"), code: 2, msg: `frobnicate`},
		{name: "positional argument", args: train("extra"), code: 2, msg: `"extra"`},
	})
}
