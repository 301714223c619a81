//go:build linux

package main

import (
	"context"
	"flag"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
)

// The up-front memory estimate bounds what a run really uses (its peak
// resident set, measured) without being absurdly above it.
func TestMemoryEstimateBoundsRealRuns(t *testing.T) {
	bin := hostileBinary(t)
	for _, args := range [][]string{
		{"--mode", "rate", "--layers", "3000,10"},
		{"--mode", "spiking", "--layers", "1500,1500,10"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			mnist(nil)(t, dir)
			full := append([]string{"train", "--data", filepath.Join(dir, "data"), "--out", filepath.Join(dir, "run"),
				"--train-examples", "3", "--test-examples", "3", "--quick-test-examples", "0", "--no-initial-test", "--quiet"}, args...)
			cmd := exec.CommandContext(context.Background(), bin, full...)
			cmd.Env = append(cmd.Environ(), "GOMAXPROCS=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
			raw := []byte("{}")
			fs := flagsFor(t, args)
			c, err := config.FromJSON(raw, fs)
			if err != nil {
				t.Fatal(err)
			}
			c.TrainExamples, c.Epochs = 3, 1
			est := c.MemoryEstimate().Total
			t.Logf("estimate %d MB, measured peak RSS %d MB", est>>20, rss>>20)
			if est < rss {
				t.Errorf("estimate %d bytes is below the measured %d", est, rss)
			}
			if est > 5*rss {
				t.Errorf("estimate %d bytes is more than 5× the measured %d", est, rss)
			}
		})
	}
}

// flagsFor parses config flags into an override for config.FromJSON.
func flagsFor(t *testing.T, args []string) func(*config.Config) error {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	apply := config.Flags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return apply
}
