package docs

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// precisionResults is the sweep of experiments/sweeps/precision.yaml as
// `dendrite sweep collect` wrote it.
const precisionResults = "../results/precision/results.csv"

// precisionTable renders the per-seed test errors of results.csv as the
// table of docs/model.md#precision: one row per network and precision.
func precisionTable(t *testing.T) string {
	t.Helper()
	f, err := os.Open(precisionResults)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", precisionResults, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, k := range []string{"layers", "precision", "seed", "final_test_error", "status"} {
		if _, ok := col[k]; !ok {
			t.Fatalf("%s has no column %q", precisionResults, k)
		}
	}
	type key struct{ layers, prec string }
	var order []key
	errs := map[key][]float64{}
	seeds := 0
	for _, r := range rows[1:] {
		if r[col["status"]] != "done" {
			t.Fatalf("%s: run %s is %s, not done", precisionResults, r[0], r[col["status"]])
		}
		k := key{r[col["layers"]], r[col["precision"]]}
		if _, ok := errs[k]; !ok {
			order = append(order, k)
		}
		v, err := strconv.ParseFloat(r[col["final_test_error"]], 64)
		if err != nil {
			t.Fatalf("%s: run %s: %v", precisionResults, r[0], err)
		}
		errs[k] = append(errs[k], v)
		seeds = max(seeds, len(errs[k]))
	}
	var b strings.Builder
	b.WriteString("| network | precision |")
	for s := 1; s <= seeds; s++ {
		fmt.Fprintf(&b, " seed %d |", s)
	}
	b.WriteString(" mean ± s.d. |\n|---|---|" + strings.Repeat("---|", seeds+1) + "\n")
	for _, k := range order {
		net := "784-" + strings.ReplaceAll(strings.Trim(k.layers, "[]"), ",", "-")
		fmt.Fprintf(&b, "| %s | %s |", net, k.prec)
		sum, sq := 0.0, 0.0
		for _, v := range errs[k] {
			fmt.Fprintf(&b, " %.2f |", v)
			sum += v
		}
		m := sum / float64(len(errs[k]))
		for _, v := range errs[k] {
			sq += (v - m) * (v - m)
		}
		fmt.Fprintf(&b, " %.2f ± %.2f |\n", m, math.Sqrt(sq/float64(len(errs[k])-1)))
	}
	return b.String()
}

// The table of one-epoch test errors in docs/model.md#precision is the one
// results/precision/results.csv gives (the failure prints the table to paste).
func TestPrecisionTable(t *testing.T) {
	want := precisionTable(t)
	doc, err := os.ReadFile("model.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), want) {
		t.Errorf("docs/model.md#precision lacks the table of %s; it should read:\n%s", precisionResults, want)
	}
}
