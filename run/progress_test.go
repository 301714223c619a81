package run

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
)

// Progress never shows NaN or Inf, piped output writes one line per epoch
// (and the tests) unless asked for more, and the ETA counts the whole run.
func TestProgressOutput(t *testing.T) {
	cfg := cfgFor(t, func(c *config.Config) {
		c.Layers = []int{20, 10}
		c.TrainExamples, c.TestExamples, c.QuickTestExamples, c.QuickTestEvery = 300, 50, 20, 100
		c.Epochs = 3
		c.InitialTest = true
	})
	for _, tc := range []struct {
		name     string
		terminal bool
		every    int
		lines    int // exact number of lines, -1 = not checked
	}{
		{"piped", false, 0, 1 + 3},                 // initial test, 3 epoch ends
		{"piped every 100", false, 100, 1 + 3 + 9}, // and 3 lines per epoch
		{"terminal", true, 0, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			o := opts(t)
			o.Progress, o.Terminal, o.LogEvery = &b, tc.terminal, tc.every
			if _, err := Train(context.Background(), cfg, t.TempDir(), o); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, bad := range []string{"NaN", "Inf"} {
				if strings.Contains(out, bad) {
					t.Errorf("output shows %s:\n%s", bad, out)
				}
			}
			if tc.lines >= 0 {
				if n := strings.Count(out, "\n"); n != tc.lines {
					t.Errorf("%d lines, want %d:\n%s", n, tc.lines, out)
				}
			}
			if tc.every > 0 && !strings.Contains(out, "run_ETA") {
				t.Errorf("no run ETA:\n%s", out)
			}
		})
	}
}

// The ETA of the whole run is the remaining training examples of every
// epoch plus every remaining test image at the measured speeds.
func TestETA(t *testing.T) {
	cfg := cfgFor(t, func(c *config.Config) {
		c.Layers = []int{20, 10}
		c.TrainExamples, c.TestExamples, c.QuickTestExamples, c.QuickTestEvery = 100, 40, 10, 30
		c.Epochs, c.RepeatTests = 4, 2
	})
	tr, te := mnist(t)
	tt := &trainer{cfg: &cfg, nTrain: 100, test: te, train: tr, epoch: 2, index: 40}
	if !math.IsNaN(tt.eta(0)) {
		t.Error("ETA before any example is not NaN")
	}
	tt.trainTime = 2e9                    // 2 s for 20 examples here: 0.1 s per example
	tt.testTime, tt.testImages = 1e9, 100 // 0.01 s per image
	// Training: 60 left in epoch 2, then 2 epochs of 100 = 260 examples → 26 s.
	// Tests: end of epochs 2–4 (3×40) + 2 repeats (2×40) = 200 images; quick
	// tests of 10 at 60 and 90 in epoch 2 and 3 per later epoch (30, 60, 90):
	// 2 + 2×3 = 8 × 10 = 80 images; 280 images → 2.8 s.
	if got, want := tt.eta(20), 26+2.8; math.Abs(got-want) > 1e-9 {
		t.Errorf("ETA %v s, want %v", got, want)
	}
}
