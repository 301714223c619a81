package reproduce

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/experiments"
)

// Every experiment runs end to end for a handful of examples.
func TestEveryExperimentRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every experiment briefly")
	}
	out := t.TempDir()
	for _, name := range experiments.Names() {
		t.Run(name, func(t *testing.T) {
			r, err := Run(context.Background(), name, Options{Seeds: 2, Out: out, Override: func(c *config.Config) error {
				c.Epochs, c.TrainExamples, c.TestExamples, c.QuickTestExamples = 1, 3, 4, 0
				c.TestPhase = 40
				c.InitialTest = false
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Errors) != 2 {
				t.Fatalf("errors %v", r.Errors)
			}
			if err := r.Write(filepath.Join(out, name), "dendrite reproduce "+name); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(out, name, "results.md"))
			if err != nil || !strings.Contains(string(b), name) {
				t.Fatalf("results.md: %v", err)
			}
		})
	}
}
