// Package experiments holds the paper's experiments as config files, one per
// experiment, embedded in the binary. Each file is a config (the keys of
// package config) whose header comments name what it tests and cite the
// paper:
//
//	# <what it tests> (paper Fig. …)
//	# paper: <what the paper reports>
//	# paper_error: <the paper's final test error in percent, when it gives one>
//	# reference: <another measured number, e.g. from the authors' code>
package experiments

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/dendrite-lab/dendrite/config"
)

//go:embed *.yaml
var files embed.FS

// Experiment is one of the paper's experiments.
type Experiment struct {
	Name        string
	Description string  // first header line
	Paper       string  // what the paper reports
	PaperError  float64 // the paper's final test error (%), NaN-free: valid when HasPaperError
	HasError    bool
	Reference   string
	Source      []byte // the YAML file
}

// List returns every experiment, sorted by name.
func List() ([]Experiment, error) {
	ents, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	var out []Experiment
	for _, e := range ents {
		x, err := Get(strings.TrimSuffix(e.Name(), ".yaml"))
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Names returns the experiment names.
func Names() []string {
	l, _ := List()
	var n []string
	for _, x := range l {
		n = append(n, x.Name)
	}
	return n
}

// Get returns the named experiment.
func Get(name string) (Experiment, error) {
	b, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return Experiment{}, fmt.Errorf("no experiment %q (dendrite reproduce --list shows them: %s)", name, strings.Join(namesNoErr(), ", "))
	}
	x := Experiment{Name: name, Source: b}
	for i, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		l := strings.TrimSpace(strings.TrimPrefix(line, "#"))
		switch {
		case i == 0:
			x.Description = l
		case strings.HasPrefix(l, "paper_error:"):
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(l, "paper_error:")), 64)
			if err != nil {
				return x, fmt.Errorf("experiment %s: paper_error: %v", name, err)
			}
			x.PaperError, x.HasError = v, true
		case strings.HasPrefix(l, "paper:"):
			x.Paper = strings.TrimSpace(strings.TrimPrefix(l, "paper:"))
		case strings.HasPrefix(l, "reference:"):
			x.Reference = strings.TrimSpace(strings.TrimPrefix(l, "reference:"))
		default:
			x.Description += " " + l
		}
	}
	return x, nil
}

func namesNoErr() []string {
	ents, _ := fs.ReadDir(files, ".")
	var n []string
	for _, e := range ents {
		n = append(n, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return n
}

// Config returns the experiment's config as JSON (to layer flags on with
// config.FromJSON).
func (x Experiment) Config() ([]byte, error) {
	return config.YAMLToJSON(x.Source)
}
