package config_test

import (
	"flag"
	"fmt"

	"github.com/dendrite-lab/dendrite/config"
)

// Read a YAML config, let flags override it, and list what differs from the
// profile's defaults.
func Example() {
	raw, _ := config.YAMLToJSON([]byte("mode: rate\nlayers: [500, 100, 10]\n"))
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	apply := config.Flags(fs)
	fs.Parse([]string{"--epochs", "3", "--sparse-feedback"})
	cfg, err := config.FromJSON(raw, apply)
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.Layers, cfg.Etas, cfg.Epochs, cfg.SparseFeedback)
	fmt.Println(cfg.Diff())
	// Output:
	// [500 100 10] [0.23 0.23 0.12] 3 true
	// [epochs sparse_feedback]
}
