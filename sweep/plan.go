package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/experiments"
	"github.com/dendrite-lab/dendrite/internal/iox"
	"github.com/dendrite-lab/dendrite/option"
	yaml "go.yaml.in/yaml/v3"
)

// Param is one swept key of a run and the value it takes, as JSON.
type Param struct {
	Key   string
	Value json.RawMessage
}

// Params are the swept keys of a run in the order of the sweep file's grid,
// followed by "seed". They marshal to a JSON object that keeps that order.
type Params []Param

// MarshalJSON writes the params as one JSON object, in order.
func (p Params) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv.Key)
		b.Write(k)
		b.WriteByte(':')
		var v bytes.Buffer
		if err := json.Compact(&v, kv.Value); err != nil {
			return nil, fmt.Errorf("param %q: %w", kv.Key, err)
		}
		b.Write(v.Bytes())
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a JSON object, keeping the order of its keys.
func (p *Params) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("params: want a JSON object")
	}
	var out Params
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		out = append(out, Param{Key: t.(string), Value: v})
	}
	*p = out
	return nil
}

// Get returns the value of a key, or nil when the run does not sweep it.
func (p Params) Get(key string) json.RawMessage {
	for _, kv := range p {
		if kv.Key == key {
			return kv.Value
		}
	}
	return nil
}

// Run is one run of a sweep: one line of manifest.jsonl.
type Run struct {
	// Index is the task index (0-based), the line number in the manifest.
	Index int `json:"index"`
	// ID names the run's folder DIR/runs/<ID>: the zero-padded index and the
	// swept values, e.g. "0003-etas=0.1_0.1-seed=2". It is a single,
	// filesystem-safe path element.
	ID string `json:"id"`
	// Params are the swept keys and the seed.
	Params Params `json:"params"`
	// Config is the full resolved and validated config of the run.
	Config config.Config `json:"config"`
}

// Seed returns the run's seed.
func (r *Run) Seed() uint64 { return r.Config.Seed }

// Manifest is an expanded sweep: every run with its full config.
type Manifest struct {
	// Keys are the swept config keys in grid order (without "seed").
	Keys []string
	// Runs are the runs in task-index order.
	Runs []Run
	// Source is the sweep file as written by the user (copied to
	// DIR/sweep.yaml by Write).
	Source []byte
}

// sweepFile is the decoded sweep file before expansion.
type sweepFile struct {
	base  map[string]any // merged base config (experiment, then base:)
	keys  []string       // grid keys in file order
	grid  [][]any        // grid values per key
	seeds []uint64       // nil = the base config's seed
}

var topKeys = []string{"base", "experiment", "grid", "seeds"}

// Plan reads a sweep file (YAML) and expands it into a manifest: the
// cartesian product of the grid values, in file order with the first key
// varying slowest, times the seeds (varying fastest). Each run's config is
// the base config with the grid values and the seed applied, resolved and
// validated with config.FromJSON, so an invalid combination is an error that
// names the run.
//
// The sweep file is a mapping with these keys:
//
//	base:       an inline mapping of config keys (optional)
//	experiment: NAME, the config file experiments/NAME.yaml found beside the
//	            sweep file, in an experiments/ folder of one of its parent
//	            folders or of the working folder's, or else the built-in
//	            experiment NAME (package experiments); optional, and base:
//	            keys override its keys
//	grid:       a mapping from config keys to non-empty lists of values
//	seeds:      a non-empty list of seeds (default: the base config's seed)
//
// Unknown keys, values of the wrong type and empty lists are errors that
// name the key.
func Plan(file string) (*Manifest, error) {
	src, err := iox.ReadFile(file, "a YAML sweep file", MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", file, err)
	}
	sf, err := parseSweep(src, filepath.Dir(file))
	if err != nil {
		return nil, fmt.Errorf("sweep file %s: %w", file, err)
	}
	m, err := sf.expand()
	if err != nil {
		return nil, fmt.Errorf("sweep file %s: %w", file, err)
	}
	m.Source = src
	return m, nil
}

func parseSweep(src []byte, dir string) (*sweepFile, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("yaml: a second document (after ---) follows the first; want one mapping")
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errors.New("empty sweep file: want a mapping with the keys grid and base (or experiment)")
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want a mapping with keys %s", top.Line, strings.Join(topKeys, ", "))
	}
	sf := &sweepFile{base: map[string]any{}}
	seen := map[string]bool{}
	var baseNode, expNode, gridNode, seedsNode *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if seen[k.Value] {
			return nil, fmt.Errorf("line %d: key %s appears twice", k.Line, iox.Quote(k.Value, 80))
		}
		seen[k.Value] = true
		switch k.Value {
		case "base":
			baseNode = v
		case "experiment":
			expNode = v
		case "grid":
			gridNode = v
		case "seeds":
			seedsNode = v
		default:
			return nil, fmt.Errorf("line %d: unknown key %s (want %s)", k.Line, iox.Quote(k.Value, 80), strings.Join(topKeys, ", "))
		}
	}
	if baseNode == nil && expNode == nil {
		return nil, errors.New("no base config: give base: (a mapping of config keys) or experiment: NAME")
	}
	if expNode != nil {
		if expNode.Kind != yaml.ScalarNode || expNode.Tag != "!!str" || expNode.Value == "" {
			return nil, fmt.Errorf("line %d: experiment: want a name, e.g. experiment: fig2", expNode.Line)
		}
		path, err := findExperiment(expNode.Value, dir)
		var raw []byte
		if err == nil {
			if raw, err = config.ReadFileJSON(path); err != nil {
				return nil, fmt.Errorf("experiment %q: %w", expNode.Value, err)
			}
		} else if x, xerr := experiments.Get(expNode.Value); xerr == nil && !strings.Contains(expNode.Value, "..") {
			// One of the paper's experiments built into the binary.
			path = "built-in experiment " + expNode.Value
			if raw, err = x.Config(); err != nil {
				return nil, fmt.Errorf("experiment %q: %w", expNode.Value, err)
			}
		} else {
			return nil, fmt.Errorf("experiment: %w; built-in ones: %s", err, strings.Join(experiments.Names(), ", "))
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			return nil, fmt.Errorf("experiment %q (%s): want a mapping of config keys", expNode.Value, path)
		}
		if err := checkKeys(m); err != nil {
			return nil, fmt.Errorf("experiment %q (%s): %w", expNode.Value, path, err)
		}
		if err := checkTypes(m); err != nil {
			return nil, fmt.Errorf("experiment %q (%s): %w", expNode.Value, path, err)
		}
		sf.base = m
	}
	if baseNode != nil {
		if baseNode.Kind != yaml.MappingNode {
			if baseNode.Tag != "!!null" {
				return nil, fmt.Errorf("line %d: base: want a mapping of config keys", baseNode.Line)
			}
		} else {
			var m map[string]any
			if err := baseNode.Decode(&m); err != nil {
				return nil, fmt.Errorf("base: %w", err)
			}
			if err := checkKeys(m); err != nil {
				return nil, fmt.Errorf("base: %w", err)
			}
			if err := checkTypes(m); err != nil {
				return nil, fmt.Errorf("base: %w", err)
			}
			for k, v := range m {
				sf.base[k] = v
			}
		}
	}
	if gridNode == nil {
		return nil, errors.New("no grid: give grid: with at least one config key and a list of values")
	}
	if gridNode.Kind != yaml.MappingNode || len(gridNode.Content) == 0 {
		return nil, fmt.Errorf("line %d: grid: want a mapping from config keys to lists of values", gridNode.Line)
	}
	known := config.Keys()
	for i := 0; i+1 < len(gridNode.Content); i += 2 {
		k, v := gridNode.Content[i], gridNode.Content[i+1]
		key := k.Value
		switch {
		case key == "seed":
			return nil, fmt.Errorf("line %d: grid key \"seed\": list the seeds under seeds: instead", k.Line)
		case !slices.Contains(known, key):
			return nil, fmt.Errorf("line %d: grid: unknown config key %s", k.Line, iox.Quote(key, 80))
		case slices.Contains(sf.keys, key):
			return nil, fmt.Errorf("line %d: grid key %q appears twice", k.Line, key)
		}
		if v.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("line %d: grid key %q: want a list of values, e.g. %s: [a, b]", v.Line, key, key)
		}
		if len(v.Content) == 0 {
			return nil, fmt.Errorf("line %d: grid key %q: empty list of values", v.Line, key)
		}
		var vals []any
		var texts []string
		for j, n := range v.Content {
			var x any
			if err := n.Decode(&x); err != nil {
				return nil, fmt.Errorf("line %d: grid key %q value %d: %w", n.Line, key, j+1, err)
			}
			if x == nil {
				return nil, fmt.Errorf("line %d: grid key %q value %d is null", n.Line, key, j+1)
			}
			if err := checkTypes(map[string]any{key: x}); err != nil {
				return nil, fmt.Errorf("line %d: grid key %q value %d: %w", n.Line, key, j+1, err)
			}
			b, _ := json.Marshal(x)
			if slices.Contains(texts, string(b)) {
				return nil, fmt.Errorf("line %d: grid key %q: value %s appears twice", n.Line, key, shortText(string(b)))
			}
			texts = append(texts, string(b))
			vals = append(vals, x)
		}
		sf.keys = append(sf.keys, key)
		sf.grid = append(sf.grid, vals)
	}
	if seedsNode != nil {
		if seedsNode.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("line %d: seeds: want a list of seeds, e.g. seeds: [1, 2, 3]", seedsNode.Line)
		}
		if len(seedsNode.Content) == 0 {
			return nil, fmt.Errorf("line %d: seeds: empty list", seedsNode.Line)
		}
		for j, n := range seedsNode.Content {
			s, err := strconv.ParseUint(n.Value, 10, 64)
			if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
				return nil, fmt.Errorf("line %d: seeds value %d: got %s, want a non-negative integer", n.Line, j+1, iox.Quote(n.Value, 80))
			}
			if slices.Contains(sf.seeds, s) {
				return nil, fmt.Errorf("line %d: seeds: %d appears twice", n.Line, s)
			}
			sf.seeds = append(sf.seeds, s)
		}
	}
	return sf, nil
}

// checkKeys reports the first key of m (in sorted order) that is not a
// config key.
func checkKeys(m map[string]any) error {
	known := config.Keys()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			return fmt.Errorf("unknown config key %s", iox.Quote(k, 80))
		}
	}
	return nil
}

// checkTypes decodes m into a Config to check the JSON type of each value;
// the error names the key.
func checkTypes(m map[string]any) error {
	b, err := json.Marshal(m)
	if err != nil {
		for k, v := range m {
			if _, e := json.Marshal(v); e != nil {
				return fmt.Errorf("config key %q: value %v cannot be represented (%v)", k, v, e)
			}
		}
		return err
	}
	c := config.Default("")
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("config key %q: got a %s, want %s", te.Field, te.Value, goTypeName(te.Type.String()))
		}
		var oe *option.Error
		if errors.As(err, &oe) {
			return fmt.Errorf("config field %q: got %s, want %s", oe.Key, iox.Quote(oe.Got, 80), oe.Want())
		}
		return err
	}
	for k, v := range m {
		if v == nil {
			return fmt.Errorf("config key %q: null value", k)
		}
	}
	return nil
}

func goTypeName(t string) string {
	switch t {
	case "[]float64":
		return "a list of numbers"
	case "[]int":
		return "a list of integers"
	case "float64":
		return "a number"
	case "int":
		return "an integer"
	case "uint64":
		return "a non-negative integer"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	}
	return t
}

// findExperiment looks for experiments/NAME.yaml (or .yml, .json) in the
// sweep file's folder and each of its parents, then in the working folder
// and each of its parents (the repository's experiments/ folder).
func findExperiment(name, dir string) (string, error) {
	if filepath.IsAbs(name) || strings.Contains(name, "\\") || slices.Contains(strings.Split(name, "/"), "..") {
		return "", fmt.Errorf("name %q must be a plain name such as fig2 (no absolute path, no ..)", name)
	}
	var starts []string
	if abs, err := filepath.Abs(dir); err == nil {
		starts = append(starts, abs)
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	var tried []string
	for _, start := range starts {
		for d := start; ; d = filepath.Dir(d) {
			for _, ext := range []string{".yaml", ".yml", ".json"} {
				p := filepath.Join(d, "experiments", filepath.FromSlash(name)+ext)
				if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
					return p, nil
				}
			}
			if len(tried) < 2 {
				tried = append(tried, filepath.Join(d, "experiments", name+".yaml"))
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", fmt.Errorf("no experiment %q (looked for %s, ... in the parents of the sweep file's folder and of the working folder)", name, strings.Join(tried, ", "))
}

// expand builds the runs: the cartesian product of the grid (first key
// slowest), times the seeds (fastest).
func (sf *sweepFile) expand() (*Manifest, error) {
	seeds := sf.seeds
	if seeds == nil {
		c, err := config.FromJSON(mustJSON(sf.base), nil)
		if err != nil {
			return nil, fmt.Errorf("base config: %s", oneLine(err))
		}
		seeds = []uint64{c.Seed}
	}
	n := len(seeds)
	sizes := []string{}
	over := n > MaxRuns
	for i, vals := range sf.grid {
		sizes = append(sizes, fmt.Sprintf("%d %s", len(vals), sf.keys[i]))
		if !over {
			n *= len(vals) // both factors ≤ MaxRuns: no overflow
			over = n > MaxRuns
		}
	}
	if over {
		return nil, fmt.Errorf("the grid (%s) times %d seeds makes more than %d runs, the most a sweep may hold; make the grid smaller or split the sweep",
			strings.Join(sizes, " × "), len(seeds), MaxRuns)
	}
	width := max(4, len(strconv.Itoa(n-1)))
	m := &Manifest{Keys: slices.Clone(sf.keys), Runs: make([]Run, 0, n)}
	var errs []string
	nbad := 0
	pick := make([]int, len(sf.keys))
	for i := 0; i < n; i++ {
		// Decode i into grid positions (mixed radix) and a seed.
		rest := i / len(seeds)
		seed := seeds[i%len(seeds)]
		for k := len(sf.keys) - 1; k >= 0; k-- {
			pick[k] = rest % len(sf.grid[k])
			rest /= len(sf.grid[k])
		}
		cfg := make(map[string]any, len(sf.base)+len(sf.keys)+1)
		for k, v := range sf.base {
			cfg[k] = v
		}
		params := make(Params, 0, len(sf.keys)+1)
		parts := []string{fmt.Sprintf("%0*d", width, i)}
		for k, key := range sf.keys {
			v := sf.grid[k][pick[k]]
			cfg[key] = v
			params = append(params, Param{key, mustJSON(v)})
			parts = append(parts, key+"="+idValue(v))
		}
		cfg["seed"] = seed
		params = append(params, Param{"seed", mustJSON(seed)})
		parts = append(parts, "seed="+strconv.FormatUint(seed, 10))
		id := makeID(parts)
		c, err := config.FromJSON(mustJSON(cfg), nil)
		if err != nil {
			nbad++
			if len(errs) < 5 {
				errs = append(errs, fmt.Sprintf("run %s: %s", id, oneLine(err)))
			}
			continue
		}
		m.Runs = append(m.Runs, Run{Index: i, ID: id, Params: params, Config: c})
	}
	if nbad > 0 {
		if nbad > len(errs) {
			errs = append(errs, fmt.Sprintf("and %d more invalid runs", nbad-len(errs)))
		}
		return nil, fmt.Errorf("%d of %d runs have an invalid config: %s", nbad, n, strings.Join(errs, "; "))
	}
	return m, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // values were checked by checkTypes
	}
	return b
}

// oneLine joins the lines of a (possibly joined) error with "; ".
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

// idValue formats a swept value for a run id: numbers as in JSON, lists
// joined with "_", then sanitized.
func idValue(v any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			if len(x) == 0 {
				b.WriteString("empty")
			}
			for i, e := range x {
				if i > 0 {
					b.WriteByte('_')
				}
				walk(e)
			}
		case string:
			b.WriteString(x)
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				b.WriteString(fmt.Sprint(x))
			} else {
				b.Write(mustJSON(x))
			}
		default:
			b.Write(mustJSON(x))
		}
	}
	walk(v)
	return sanitize(b.String())
}

// sanitize keeps letters, digits and . + - _ =, replaces anything else with
// '_' and breaks up "..", so that the result can never name a parent folder
// or contain a path separator.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '+' || c == '-' || c == '_' || c == '='
		if !ok {
			b[i] = '_'
		}
	}
	for i := 1; i < len(b); i++ {
		if b[i] == '.' && b[i-1] == '.' {
			b[i] = '_'
		}
	}
	s = string(b)
	if s == "" {
		s = "_"
	}
	return s
}

// maxIDLen bounds run ids well below the 255-byte file-name limit.
const maxIDLen = 160

// makeID joins the parts with '-'; a too long id is cut and given a short
// hash of the full id, so ids stay unique and readable.
func makeID(parts []string) string {
	id := strings.Join(parts, "-")
	if len(id) <= maxIDLen {
		return id
	}
	h := sha256.Sum256([]byte(id))
	return id[:maxIDLen-9] + "~" + hex.EncodeToString(h[:4])
}

// SafeID reports whether id can name a folder inside DIR/runs: a single,
// non-empty path element of safe characters that is not "." or "..", does
// not contain "..", and is not absolute.
func SafeID(id string) error {
	switch {
	case id == "":
		return errors.New("empty run id")
	case len(id) > 200:
		return fmt.Errorf("run id %.40q... is longer than 200 bytes", id)
	case filepath.IsAbs(id) || strings.ContainsAny(id, `/\`) || strings.Contains(id, ".."):
		return fmt.Errorf("run id %q could escape the sweep folder (contains a path separator or ..)", id)
	case sanitize(strings.ReplaceAll(id, "~", "_")) != strings.ReplaceAll(id, "~", "_"):
		return fmt.Errorf("run id %q has characters outside [A-Za-z0-9._+=~-]", id)
	case id == "." || strings.HasPrefix(id, "."):
		return fmt.Errorf("run id %q starts with a dot", id)
	}
	return nil
}

// shortText cuts a value for an error message at about 80 bytes.
func shortText(s string) string {
	if len(s) <= 80 {
		return s
	}
	return iox.Quote(s, 80)
}

// MaxJobs is the most runs a sweep runs at once on one machine.
const MaxJobs = 1024

// CheckJobs refuses to run jobs runs of m at once when they would not fit:
// more than MaxJobs, or more memory than the runs' limit (max_memory, else
// the machine's memory) by the runs' up-front estimates.
func CheckJobs(m *Manifest, jobs int) error {
	if jobs > MaxJobs {
		return fmt.Errorf("--jobs %d: want at most %d runs at once", jobs, MaxJobs)
	}
	jobs = min(jobs, len(m.Runs))
	var need int64
	var limit int64
	var from string
	for i := range m.Runs {
		c := &m.Runs[i].Config
		need = max(need, c.MemoryEstimate().Total)
		if l, f, err := c.MemoryLimit(); err == nil && (limit == 0 || (l > 0 && l < limit)) {
			limit, from = l, f
		}
	}
	if limit > 0 && jobs > 1 && need > limit/int64(jobs) {
		return fmt.Errorf("--jobs %d: %d runs of up to %s each need %s, more than the %s of %s; use --jobs %d or fewer",
			jobs, jobs, iox.Bytes(need), iox.Bytes(need*int64(jobs)), iox.Bytes(limit), from, max(1, limit/need))
	}
	return nil
}
