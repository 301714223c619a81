package sweep_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/dendrite-lab/dendrite/sweep"
)

func ExamplePlan() {
	tmp, err := os.MkdirTemp("", "sweep-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, "lr.yaml")
	err = os.WriteFile(file, []byte(`
base:
  mode: rate
  layers: [100, 10]
  epochs: 1
  train_examples: 500
  test_examples: 100
grid:
  etas: [[0.21, 0.21], [0.1, 0.1]]
seeds: [1, 2]
`), 0o644)
	if err != nil {
		log.Fatal(err)
	}

	m, err := sweep.Plan(file)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range m.Runs {
		fmt.Println(r.ID, r.Config.Etas, r.Config.Seed)
	}
	// m.Write(dir) would write dir/manifest.jsonl and dir/sweep.yaml.

	// Output:
	// 0000-etas=0.21_0.21-seed=1 [0.21 0.21] 1
	// 0001-etas=0.21_0.21-seed=2 [0.21 0.21] 2
	// 0002-etas=0.1_0.1-seed=1 [0.1 0.1] 1
	// 0003-etas=0.1_0.1-seed=2 [0.1 0.1] 2
}
