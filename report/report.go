package report

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/dendrite-lab/dendrite/internal/atomic"
	"github.com/dendrite-lab/dendrite/rundir"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dendrite-lab/dendrite/plot"
)

// MetricsRows is the number of rows of metrics.csv shown (the last ones);
// numbers are shown with at most 6 significant digits.
const MetricsRows = 20

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Parse(pageTemplate))

// Write renders the report of the run folder runDir and writes it to outPath
// (replaced atomically; its folder must exist). The report is one
// self-contained HTML file: inline CSS, the figures of [plot.All] inlined as
// SVG, no scripts and no external resources.
//
// A run folder without summary.json, config.json or metrics.csv still gets a
// report that says so. When a record is corrupt the report is written with
// the figures that could be drawn and a "Problems" section, and Write
// returns the error (which names the file) as well.
func Write(runDir, outPath string) error {
	var buf bytes.Buffer
	renderErr := Render(&buf, runDir)
	if renderErr != nil && buf.Len() == 0 {
		return renderErr
	}
	if err := writeAtomic(outPath, buf.Bytes()); err != nil {
		return err
	}
	return renderErr
}

// Render writes the report of runDir to w; see [Write]. On a corrupt record
// it still writes the full report and then returns the error.
func Render(w io.Writer, runDir string) error {
	st, err := os.Stat(runDir)
	if err != nil {
		return fmt.Errorf("report: run folder: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("report: run folder %s is not a directory", runDir)
	}
	d := &data{
		Name:      filepath.Base(filepath.Clean(runDir)),
		Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	if abs, err := filepath.Abs(runDir); err == nil {
		d.Path = abs
	} else {
		d.Path = runDir
	}
	var problems []error
	if err := d.loadSummary(runDir); err != nil {
		problems = append(problems, err)
	}
	if exists(rundir.Path(runDir, rundir.LockFile)) {
		d.Locked = true
	}
	if err := d.loadConfig(runDir); err != nil {
		problems = append(problems, err)
	}
	if err := d.loadMetrics(runDir); err != nil {
		problems = append(problems, err)
	}
	if err := d.loadFigures(runDir); err != nil {
		problems = append(problems, err)
	}
	for _, p := range problems {
		d.Problems = append(d.Problems, p.Error())
	}
	if err := page.Execute(w, d); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return errors.Join(problems...)
}

// data is what the template shows.
type data struct {
	Name, Path, Generated string
	Locked                bool

	HasSummary bool
	Status     string
	Summary    []kv
	FullTests  string

	HasConfig   bool
	HasDefaults bool
	Config      []configRow
	Changed     int

	MetricsHeader []string
	Metrics       [][]string
	MetricsTotal  int

	Figures  []figure
	Problems []string
}

type kv struct{ Key, Value string }

type configRow struct {
	Key, Value, Default string
	Changed             bool
	NoDefault           bool
}

type figure struct {
	ID, Title, Caption string
	SVG                template.HTML
}

// ---------------------------------------------------------------------------

func (d *data) loadSummary(runDir string) error {
	path := rundir.Path(runDir, rundir.SummaryFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("report: read %s: %w", path, err)
	}
	d.HasSummary = true
	d.Status = str(s["status"])
	add := func(label string, v string) {
		if v != "" {
			d.Summary = append(d.Summary, kv{label, v})
		}
	}
	add("final test error", percent(s["final_test_error"]))
	add("epochs", num(s["epochs"]))
	add("examples trained", num(s["examples_trained"]))
	add("test examples", num(s["test_examples"]))
	add("seconds", seconds(s["seconds"]))
	add("examples / s", fixed(s["examples_per_second"], 1))
	add("mode", str(s["mode"]))
	add("layers", compact(s["layers"]))
	add("seed", num(s["seed"]))
	add("version", str(s["version"]))
	if l, ok := s["full_test_errors"].([]any); ok {
		var parts []string
		for _, v := range l {
			parts = append(parts, fixed(v, 2))
		}
		d.FullTests = strings.Join(parts, ", ")
	}
	return nil
}

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return compact(v)
}

func compact(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func num(v any) string {
	f, ok := v.(float64)
	if !ok {
		return str(v)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return groupDigits(strconv.FormatInt(int64(f), 10))
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// groupDigits writes thousands separated by thin spaces: 60 000.
func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fixed(v any, prec int) string {
	f, ok := v.(float64)
	if !ok {
		return str(v)
	}
	return strconv.FormatFloat(f, 'f', prec, 64)
}

func percent(v any) string {
	if _, ok := v.(float64); !ok {
		return str(v)
	}
	return fixed(v, 2) + " %"
}

func seconds(v any) string {
	f, ok := v.(float64)
	if !ok {
		return str(v)
	}
	s := strconv.FormatFloat(f, 'f', 1, 64) + " s"
	if f >= 60 {
		s += " (" + (time.Duration(f) * time.Second).Round(time.Second).String() + ")"
	}
	return s
}

// ---------------------------------------------------------------------------

func (d *data) loadConfig(runDir string) error {
	path := rundir.Path(runDir, rundir.ConfigFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	keys, vals, err := orderedObject(b)
	if err != nil {
		return fmt.Errorf("report: read %s: %w", path, err)
	}
	d.HasConfig = true
	var defaults map[string]json.RawMessage
	dpath := rundir.Path(runDir, rundir.DefaultsFile)
	if db, err := os.ReadFile(dpath); err == nil {
		if err := json.Unmarshal(db, &defaults); err != nil {
			return fmt.Errorf("report: read %s: %w", dpath, err)
		}
		d.HasDefaults = true
	}
	for i, k := range keys {
		row := configRow{Key: k, Value: canonical(vals[i])}
		if d.HasDefaults {
			if dv, ok := defaults[k]; ok {
				row.Default = canonical(dv)
				row.Changed = row.Default != row.Value
			} else {
				row.NoDefault, row.Changed = true, true
			}
			if row.Changed {
				d.Changed++
			}
		}
		d.Config = append(d.Config, row)
	}
	return nil
}

// orderedObject returns the keys of a JSON object in file order with their
// raw values.
func orderedObject(b []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("bad key %v", tok)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	return keys, vals, nil
}

// canonical re-encodes a JSON value compactly with numbers as float64, so
// that 1 and 1.0 compare equal.
func canonical(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return compact(v)
}

// ---------------------------------------------------------------------------

func (d *data) loadMetrics(runDir string) error {
	path := rundir.Path(runDir, rundir.MetricsFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("report: read %s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil
	}
	d.MetricsHeader = rows[0]
	body := rows[1:]
	d.MetricsTotal = len(body)
	if len(body) > MetricsRows {
		body = body[len(body)-MetricsRows:]
	}
	for _, row := range body {
		for i, c := range row {
			row[i] = shortNumber(c)
		}
	}
	d.Metrics = body
	return nil
}

// shortNumber shows a decimal number with at most 6 significant digits
// (86.97142857 → 86.9714); other text is returned unchanged.
func shortNumber(s string) string {
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}

// ---------------------------------------------------------------------------

var captions = map[string][2]string{
	"learning_curve":   {"Learning curves", "Full-test error (and forward-phase training error) per epoch; quick-test error against the number of training examples; log error axes, the paper's number dashed when the run is one of its experiments."},
	"loss":             {"Output loss", "Final-layer loss of each training example (faint) and its sliding mean (bold)."},
	"receptive_fields": {"Receptive fields", "Rows of W_0 of the first hidden neurons as 28×28 images with their indices, each scaled symmetrically about zero (black = −max|w|, mid-grey = 0, white = +max|w| of that field), as in the paper's Fig. 7B."},
	"bp_angle":         {"Angle to backprop", "Angle between the hidden-layer weight update and the one backpropagation would make; below 90° the update descends the loss (Fig. 7A)."},
	"eigvals":          {"Theorem 1 condition", "Maximum eigenvalue of (I−U)ᵀ(I−U) per training example; Theorem 1 asks for values below 1."},
	"voltages":         {"Compartment voltages", "Apical, basal and somatic potentials of recorded neurons through the forward and target phases of one recorded training example, against the time within the example, with plateau times (Fig. 3); one figure per recorded example."},
}

var (
	embeddingName = regexp.MustCompile(`^embedding_(\d+)$`)
	voltageName   = regexp.MustCompile(`^voltages_example_(\d+)$`)
)

func (d *data) loadFigures(runDir string) error {
	tmp, err := os.MkdirTemp("", "dendrite-report-")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer os.RemoveAll(tmp)
	paths, plotErr := plot.All(runDir, tmp)
	for _, p := range paths {
		if filepath.Ext(p) != ".svg" {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(p), ".svg")
		b, err := os.ReadFile(p)
		if err != nil {
			return errors.Join(plotErr, fmt.Errorf("report: %w", err))
		}
		c, ok := captions[name]
		if m := embeddingName.FindStringSubmatch(name); m != nil {
			c = [2]string{"Hidden layer " + m[1] + " embedding",
				"Mean somatic rates of hidden layer " + m[1] + " for the recorded test images, projected on their first two principal components and coloured by digit class (compare Fig. 6C, which uses t-SNE)."}
			ok = true
		}
		if m := voltageName.FindStringSubmatch(name); m != nil {
			c = [2]string{"Compartment voltages, example " + m[1], captions["voltages"][1]}
			ok = true
		}
		if !ok {
			c = [2]string{name, ""}
		}
		d.Figures = append(d.Figures, figure{
			ID:      strings.ReplaceAll(name, "_", "-"),
			Title:   c[0],
			Caption: c[1],
			SVG:     template.HTML(inlineSVG(b)),
		})
	}
	return plotErr
}

// inlineSVG strips what precedes the <svg> element (XML declaration,
// comments, doctype) so the document can be embedded in HTML.
func inlineSVG(b []byte) string {
	s := string(b)
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return strings.TrimSpace(s)
}

// ---------------------------------------------------------------------------

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func writeAtomic(path string, b []byte) error {
	if err := atomic.WriteBytes(path, b); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
