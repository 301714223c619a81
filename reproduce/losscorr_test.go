package reproduce

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/record"
	"github.com/dendrite-lab/dendrite/rundir"
)

// A tiny real run of loss-correlation records the hidden loss, collect
// derives the per-epoch, per-label correlation from exactly those records,
// and the page draws Fig. 5B/C from it.
func TestLossCorrelationRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small network for two short epochs")
	}
	runs, results, out := t.TempDir(), t.TempDir(), t.TempDir()
	const perEpoch = 30
	_, err := Run(context.Background(), "loss-correlation", Options{Seeds: 1, Out: runs, Override: func(c *config.Config) error {
		c.Layers, c.Etas = []int{20, 10}, []float64{0.21, 0.21}
		c.Epochs, c.TrainExamples, c.TestExamples, c.QuickTestExamples = 2, perEpoch, 4, 0
		c.TestPhase, c.InitialTest, c.SaveEpochWeights = 40, false, false
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(runs, "loss-correlation", "seed-1")
	rec := func(name string) []float64 {
		a, err := npy.ReadFile(rundir.Record(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return a.Data
	}
	hl, ol, lab := rec(record.HiddenLossFile), rec("final_layer_loss.npy"), rec("training_labels.npy")
	if len(hl) != 2*perEpoch || len(ol) != 2*perEpoch || len(lab) != 2*perEpoch {
		t.Fatalf("records of %d, %d, %d examples, want %d each", len(hl), len(ol), len(lab), 2*perEpoch)
	}
	for i, v := range hl {
		if !(v >= 0 && v <= 1) { // plateaus are sigmoids in (0, 1)
			t.Fatalf("hidden loss of example %d = %g, want it in [0, 1]", i, v)
		}
	}
	rep, err := Collect(runs, results)
	if err != nil || len(rep.Written) != 1 {
		t.Fatalf("collect: %+v, %v", rep, err)
	}
	rows, err := readCSV(filepath.Join(results, "loss-correlation", "seed-1", LossCorrelationFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2*11 {
		t.Fatalf("%d rows of %s, want 22 (1 hidden layer × 2 epochs × all + 10 labels)", len(rows), LossCorrelationFile)
	}
	// The all-labels r of epoch 2, recomputed here from the run's records.
	want := pearson(hl[perEpoch:], ol[perEpoch:])
	if math.IsNaN(want) {
		t.Fatal("epoch 2's losses are constant: the check would be vacuous")
	}
	var got float64
	for _, r := range rows {
		if r["layer"] == "0" && r["epoch"] == "2" && r["label"] == "-1" {
			got, _ = strconv.ParseFloat(r["r"], 64)
			if r["n"] != strconv.Itoa(perEpoch) || math.Abs(got-want) > 1e-5 {
				t.Errorf("epoch 2, all labels: n %s r %g, want n %d r %.6g", r["n"], got, perEpoch, want)
			}
		}
	}
	// Fig. 5B's points: the 2s of epoch 2, with the recorded losses.
	pairs, err := readCSV(filepath.Join(results, "loss-correlation", "seed-1", LossPairsFile))
	if err != nil {
		t.Fatal(err)
	}
	var twos []int
	for i := perEpoch; i < 2*perEpoch; i++ {
		if lab[i] == 2 {
			twos = append(twos, i)
		}
	}
	if len(twos) == 0 || len(pairs) != len(twos) {
		t.Fatalf("%s has %d rows, epoch 2 has %d images of a 2", LossPairsFile, len(pairs), len(twos))
	}
	for k, i := range twos {
		p := pairs[k]
		h, _ := strconv.ParseFloat(p["hidden_loss_0"], 64)
		o, _ := strconv.ParseFloat(p["output_loss"], 64)
		if p["epoch"] != "2" || p["example"] != strconv.Itoa(i) || math.Abs(h-hl[i]) > 1e-3*hl[i] || math.Abs(o-ol[i]) > 1e-3*ol[i] {
			t.Errorf("pair %d: %v, want epoch 2, example %d, hidden %g, output %g", k, p, i, hl[i], ol[i])
		}
	}
	if err := Page(results, out); err != nil {
		t.Fatal(err)
	}
	md := read(t, filepath.Join(out, "results.md"))
	i := strings.Index(md, "## Fig. 5B/C")
	if i < 0 {
		t.Fatalf("no Fig. 5B/C section:\n%s", md)
	}
	sec := md[i:]
	if j := strings.Index(sec[1:], "\n## "); j >= 0 {
		sec = sec[:j+1]
	}
	if strings.Contains(sec, "Not run yet") || !strings.Contains(sec, "fig5c_loss_correlation") || !strings.Contains(sec, "fig5b_loss_scatter") {
		t.Errorf("Fig. 5B/C not drawn from the collected run:\n%s", sec)
	}
	if row := fmt.Sprintf("| 1 | 0 | 2 | %.2f (%d) |", got, perEpoch); !strings.Contains(sec, row) {
		t.Errorf("Fig. 5B/C table lacks %q:\n%s", row, sec)
	}
}
