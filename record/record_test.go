package record

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/checkpoint"
	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/rundir"
)

func sample() *Log {
	l := NewLog([]int{3})
	l.Loss = []float64{0.1, 0.2}
	l.Labels, l.Preds = []int64{4, 5}, []int64{4, 1}
	l.BPAngle = []float64{89, math.NaN()}
	l.Plateau[0] = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	l.FullTests = []float64{90, 12.5}
	l.QuickTests, l.QuickAt = []float64{50}, []int64{1000}
	l.Volt = []float64{0, 1, 2, 3, 0, 5, math.NaN(), 1.5, 2.5}
	l.Metrics = []rundir.Metric{
		{Kind: "initial", Epoch: 0, Examples: 0, TestError: 90, TrainError: math.NaN(), LossMean: math.NaN(), Seconds: 0.5},
		{Kind: "full", Epoch: 1, Examples: 2, TestError: 12.5, TrainError: 50, LossMean: 0.15, Seconds: 3},
	}
	return l
}

func TestCheckpointRoundTrip(t *testing.T) {
	l := sample()
	w := checkpoint.NewWriter()
	l.Checkpoint(w)
	var b bytes.Buffer
	w.WriteTo(&b)
	r, err := checkpoint.Read(b.Bytes(), "x")
	if err != nil {
		t.Fatal(err)
	}
	back := NewLog([]int{3})
	if err := back.Restore(r); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Labels, l.Labels) || !reflect.DeepEqual(back.Plateau, l.Plateau) || len(back.Metrics) != 2 ||
		back.Metrics[1] != l.Metrics[1] || back.Metrics[0].Kind != "initial" {
		t.Errorf("round trip: %+v", back)
	}
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	if err := sample().Save(dir); err != nil {
		t.Fatal(err)
	}
	m, _ := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	want := "kind,epoch,examples,test_error,train_error,loss_mean,seconds\ninitial,0,0,90,,,0.500\nfull,1,2,12.5,50,0.15,3.000\n"
	if string(m) != want {
		t.Errorf("metrics.csv:\n%s\nwant\n%s", m, want)
	}
	p, err := npy.ReadFile(filepath.Join(dir, "records", "plateau_times_0.npy"))
	if err != nil || !reflect.DeepEqual(p.Shape, []int{4, 3}) {
		t.Errorf("plateau times %v %v", p, err)
	}
	v, _ := os.ReadFile(filepath.Join(dir, "records", "voltages.csv"))
	if !strings.Contains(string(v), "0,target,2,3,0,5,,1.5,2.5") {
		t.Errorf("voltages.csv:\n%s", v)
	}
	lab, err := npy.ReadFile(filepath.Join(dir, "records", "training_labels.npy"))
	if err != nil || lab.Data[1] != 5 {
		t.Errorf("labels %v %v", lab, err)
	}
}

// The hidden loss of a two-hidden-layer run: one column per hidden layer in
// the .npy record and in losses.csv, kept by a checkpoint round trip.
func TestHiddenLoss(t *testing.T) {
	l := NewLog([]int{3, 2})
	l.Loss = []float64{0.1, 0.2}
	l.HiddenLoss = []float64{0.01, 0.02, 0.03, 0.04} // example 0: layers 0, 1; example 1: layers 0, 1
	w := checkpoint.NewWriter()
	l.Checkpoint(w)
	var b bytes.Buffer
	w.WriteTo(&b)
	r, err := checkpoint.Read(b.Bytes(), "x")
	if err != nil {
		t.Fatal(err)
	}
	back := NewLog([]int{3, 2})
	if err := back.Restore(r); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.HiddenLoss, l.HiddenLoss) {
		t.Errorf("round trip: hidden loss %v, want %v", back.HiddenLoss, l.HiddenLoss)
	}
	dir := t.TempDir()
	if err := back.Save(dir); err != nil {
		t.Fatal(err)
	}
	a, err := npy.ReadFile(filepath.Join(dir, "records", HiddenLossFile))
	if err != nil || !reflect.DeepEqual(a.Shape, []int{2, 2}) || !reflect.DeepEqual(a.Data, l.HiddenLoss) {
		t.Errorf("%s: %v %v, want shape [2 2] and %v", HiddenLossFile, a, err, l.HiddenLoss)
	}
	c, _ := os.ReadFile(filepath.Join(dir, "records", "losses.csv"))
	want := "example,label,prediction,loss,hidden_loss_0,hidden_loss_1\n0,,,0.1,0.01,0.02\n1,,,0.2,0.03,0.04\n"
	if string(c) != want {
		t.Errorf("losses.csv:\n%s\nwant\n%s", c, want)
	}
}

// A checkpoint without the hidden-loss section (a run that does not record
// it, or one of a build before it) restores with none.
func TestRestoreWithoutHiddenLoss(t *testing.T) {
	w := checkpoint.NewWriter()
	sample().Checkpoint(w)
	var b bytes.Buffer
	w.WriteTo(&b)
	r, err := checkpoint.Read(b.Bytes(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if r.Has("rec/hloss") {
		t.Fatal("a log without hidden loss wrote the rec/hloss section")
	}
	back := NewLog([]int{3})
	back.HiddenLoss = []float64{1}
	if err := back.Restore(r); err != nil {
		t.Fatal(err)
	}
	if len(back.HiddenLoss) != 0 {
		t.Errorf("restored hidden loss %v, want none", back.HiddenLoss)
	}
}
