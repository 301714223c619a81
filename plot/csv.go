package plot

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// csvTable reads a CSV file with a header line and calls row for each record
// with a lookup function by column name. Columns listed in required must be
// present in the header.
func csvTable(r io.Reader, required []string, row func(line int, get func(string) string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil // empty file: no rows
	}
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, name := range required {
		if _, ok := col[name]; !ok {
			return fmt.Errorf("header %q lacks column %q", strings.Join(header, ","), name)
		}
	}
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line++
		if err != nil {
			return err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		if err := row(line, get); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}

// parseFloat parses a number; an empty field is NaN when optional.
func parseFloat(s, name string, optional bool) (float64, error) {
	if s == "" {
		if optional {
			return math.NaN(), nil
		}
		return 0, fmt.Errorf("column %s is empty", name)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("column %s: %q is not a number", name, s)
	}
	return v, nil
}

func parseInt(s, name string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil {
		// Accept integral floats such as "3.0".
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) {
			return 0, fmt.Errorf("column %s: %q is not an integer", name, s)
		}
		return int(f), nil
	}
	return v, nil
}

// ReadMetrics parses metrics.csv (header
// kind,epoch,examples,test_error,train_error,loss_mean,seconds; columns may
// come in any order). Empty train_error and loss_mean fields become NaN.
func ReadMetrics(r io.Reader) ([]Metric, error) {
	var out []Metric
	err := csvTable(r, []string{"kind", "epoch", "examples", "test_error"}, func(_ int, get func(string) string) error {
		var m Metric
		var err error
		m.Kind = get("kind")
		if m.Epoch, err = parseInt(get("epoch"), "epoch"); err != nil {
			return err
		}
		if m.Examples, err = parseFloat(get("examples"), "examples", false); err != nil {
			return err
		}
		if m.TestError, err = parseFloat(get("test_error"), "test_error", true); err != nil {
			return err
		}
		if m.TrainError, err = parseFloat(get("train_error"), "train_error", true); err != nil {
			return err
		}
		if m.LossMean, err = parseFloat(get("loss_mean"), "loss_mean", true); err != nil {
			return err
		}
		if m.Seconds, err = parseFloat(get("seconds"), "seconds", true); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// ReadMetricsFile reads a metrics.csv file; errors name the file.
func ReadMetricsFile(path string) ([]Metric, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadMetrics(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return m, nil
}

// ReadVoltages parses records/voltages.csv (header
// example,phase,step,time_ms,layer,neuron,A,B,C). An empty A (output layer)
// becomes NaN.
func ReadVoltages(r io.Reader) ([]VoltageSample, error) {
	var out []VoltageSample
	err := csvTable(r, []string{"example", "phase", "time_ms", "layer", "neuron", "B", "C"}, func(_ int, get func(string) string) error {
		var s VoltageSample
		var err error
		if s.Example, err = parseInt(get("example"), "example"); err != nil {
			return err
		}
		s.Phase = get("phase")
		if st := get("step"); st != "" {
			if s.Step, err = parseInt(st, "step"); err != nil {
				return err
			}
		}
		if s.TimeMs, err = parseFloat(get("time_ms"), "time_ms", false); err != nil {
			return err
		}
		if s.Layer, err = parseInt(get("layer"), "layer"); err != nil {
			return err
		}
		if s.Neuron, err = parseInt(get("neuron"), "neuron"); err != nil {
			return err
		}
		if s.A, err = parseFloat(get("A"), "A", true); err != nil {
			return err
		}
		if s.B, err = parseFloat(get("B"), "B", true); err != nil {
			return err
		}
		if s.C, err = parseFloat(get("C"), "C", true); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// ReadVoltagesFile reads a voltages.csv file; errors name the file.
func ReadVoltagesFile(path string) ([]VoltageSample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := ReadVoltages(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return v, nil
}
