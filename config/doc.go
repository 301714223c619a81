// Package config holds the one Config struct that describes an experiment:
// the model (mode, profile, layer sizes, learning rates, every biological
// option of the segregated-dendrite model), the training and testing schedule,
// what to record, and how to run. Defaults come per profile ("paper", "head"),
// a file (JSON or YAML) overrides them, command-line flags override the file,
// and Validate checks everything in one place with errors that name the key
// and the allowed values. The resolved Config is written into every run folder.
package config

// help.go is generated from the doc comments of the Config fields.
//go:generate go run ./internal/genhelp
