package reproduce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/npy"
)

// fakeRun writes a run folder as a finished (or unfinished) run leaves it.
type fakeRun struct {
	status  string // "" = no summary.json
	repeats []float64
	want    int // repeat_tests in config.json
	epochs  []float64
	layers  []int
	seconds float64
}

func (f fakeRun) write(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	layers := f.layers
	if layers == nil {
		layers = []int{500, 10}
	}
	cfg, _ := json.Marshal(map[string]any{"profile": "paper", "layers": layers, "epochs": len(f.epochs), "repeat_tests": f.want, "some_future_key": 1})
	writeFile(t, filepath.Join(dir, "config.json"), string(cfg))
	var m strings.Builder
	m.WriteString("kind,epoch,examples,test_error,train_error,loss_mean,seconds\ninitial,0,0,90,,,1\n")
	for i, e := range f.epochs {
		fmt.Fprintf(&m, "full,%d,%d,%g,20,0.01,%d\n", i+1, (i+1)*100, e, 10*(i+1))
	}
	for _, r := range f.repeats {
		fmt.Fprintf(&m, "repeat,%d,%d,%g,,,99\n", len(f.epochs)+1, len(f.epochs)*100, r)
	}
	writeFile(t, filepath.Join(dir, "metrics.csv"), m.String())
	if f.status != "" {
		s, _ := json.MarshalIndent(map[string]any{"status": f.status, "final_test_error": f.epochs[len(f.epochs)-1],
			"test_examples": 10000, "epochs": len(f.epochs), "examples_trained": 100 * len(f.epochs),
			"seconds": f.seconds, "repeat_test_errors": f.repeats}, "", "  ")
		writeFile(t, filepath.Join(dir, "summary.json"), string(s))
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCollect(t *testing.T) {
	runs, results := t.TempDir(), t.TempDir()
	fakeRun{status: "complete", repeats: []float64{4.1, 4.3, 4.2}, want: 3, epochs: []float64{12, 6}, seconds: 300}.write(t, filepath.Join(runs, "one-hidden-layer", "seed-1"))
	fakeRun{epochs: []float64{12}}.write(t, filepath.Join(runs, "one-hidden-layer", "seed-2"))
	fakeRun{status: "interrupted", epochs: []float64{12}}.write(t, filepath.Join(runs, "two-hidden-layers", "seed-1"))
	fakeRun{status: "complete", repeats: []float64{4.1}, want: 20, epochs: []float64{12}}.write(t, filepath.Join(runs, "sparse-feedback", "seed-1"))
	fakeRun{status: "complete", epochs: []float64{12}}.write(t, filepath.Join(runs, "not-an-experiment", "seed-1"))
	writeFile(t, filepath.Join(runs, "one-hidden-layer", "seed-1", "provenance.json"), `{"data":{"source":"module"}}`)
	os.MkdirAll(filepath.Join(runs, "bin"), 0o755)

	rep, err := Collect(runs, results)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(results, "one-hidden-layer", "seed-1")
	if len(rep.Written) != 1 || rep.Written[0] != dst {
		t.Errorf("written %v, want [%s]", rep.Written, dst)
	}
	refused := strings.Join(rep.Refused, "\n")
	for _, want := range []string{
		filepath.Join("one-hidden-layer", "seed-2") + ": not finished (no summary.json)",
		filepath.Join("two-hidden-layers", "seed-1") + `: not finished (status "interrupted")`,
		filepath.Join("sparse-feedback", "seed-1") + ": has 1 of its 20 repeated tests",
	} {
		if !strings.Contains(refused, want) {
			t.Errorf("refused list lacks %q:\n%s", want, refused)
		}
	}
	if len(rep.Refused) != 3 {
		t.Errorf("refused %d runs, want 3:\n%s", len(rep.Refused), refused)
	}
	if got, want := read(t, filepath.Join(dst, RepeatedTestsFile)), "repetition,test_error,test_examples\n1,4.1,10000\n2,4.3,10000\n3,4.2,10000\n"; got != want {
		t.Errorf("repeated_tests.csv:\n%s\nwant\n%s", got, want)
	}
	for _, f := range []string{"config.json", "summary.json", "metrics.csv", "provenance.json"} {
		if read(t, filepath.Join(dst, f)) != read(t, filepath.Join(runs, "one-hidden-layer", "seed-1", f)) {
			t.Errorf("%s is not a verbatim copy", f)
		}
	}
	if _, err := os.Stat(filepath.Join(results, "sparse-feedback")); err == nil {
		t.Error("a refused run was written")
	}

	// Collecting again changes nothing.
	rep, err = Collect(runs, results)
	if err != nil || len(rep.Unchanged) != 1 || len(rep.Written) != 0 {
		t.Errorf("second collect: %+v, %v", rep, err)
	}

	// A different finished run in the same place is never overwritten.
	fakeRun{status: "complete", repeats: []float64{5, 5.2, 5.1}, want: 3, epochs: []float64{12, 7}}.write(t, filepath.Join(runs, "one-hidden-layer", "seed-1"))
	before := read(t, filepath.Join(dst, "summary.json"))
	_, err = Collect(runs, results)
	if err == nil || !strings.Contains(err.Error(), "already holds a different finished run") {
		t.Errorf("overwrote a different run: err %v", err)
	}
	if read(t, filepath.Join(dst, "summary.json")) != before {
		t.Error("summary.json changed")
	}
}

func TestBPAngleCSV(t *testing.T) {
	a := make([]float64, 1000)
	for i := range a {
		a[i] = float64(i + 1)
	}
	// The trailing 100-example mean at example 500 is mean(401..500) = 450.5.
	got := string(bpAngleCSV(a))
	want := "example,angle_mean100\n500,450.5\n1000,950.5\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestEigvalsCSV(t *testing.T) {
	a := make([]float64, 150)
	for i := range a {
		a[i] = 2
		if i%4 == 0 {
			a[i] = 0.5 // 25 of the first 100 values are below 1, 13 of the last 50
		}
	}
	got := string(eigvalsCSV(a))
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 3 || lines[1] != "100,2,1.625,0.25" || lines[2] != "150,2,1.625,0.26" {
		t.Errorf("got\n%s", got)
	}
}

func TestPearsonAndLossCorrelation(t *testing.T) {
	if r := pearson([]float64{1, 2, 3}, []float64{2, 4, 6}); math.Abs(r-1) > 1e-15 {
		t.Errorf("perfect correlation: %v", r)
	}
	if r := pearson([]float64{1, 2, 3}, []float64{3, 2, 1}); math.Abs(r+1) > 1e-15 {
		t.Errorf("perfect anticorrelation: %v", r)
	}
	// x = (1,2,3,4), y = (1,3,2,4): r = 0.8 by hand.
	if r := pearson([]float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}); math.Abs(r-0.8) > 1e-12 {
		t.Errorf("r = %v, want 0.8", r)
	}
	if r := pearson([]float64{1}, []float64{1}); !math.IsNaN(r) {
		t.Errorf("one pair: %v", r)
	}
	hidden := []float64{1, 2, 3, 4, 1, 2, 3, 4}
	out := []float64{1, 3, 2, 4, 4, 3, 2, 1}
	labels := []float64{2, 2, 2, 2, 2, 2, 7, 7}
	// A second hidden layer whose loss is layer 0's reversed in epoch 1
	// (r = −0.8 by the case above) and equal to the output loss in epoch 2.
	hidden1 := []float64{4, 3, 2, 1, 4, 3, 2, 1}
	got := string(lossCorrelationCSV([][]float64{hidden, hidden1}, out, labels, 4))
	for _, want := range []string{"layer,epoch,label,n,r\n",
		"0,1,-1,4,0.8\n", "0,1,2,4,0.8\n", "0,2,-1,4,-1\n", "0,2,7,2,-1\n", "0,2,2,2,-1\n", "0,1,7,0,NaN\n",
		"1,1,-1,4,-0.8\n", "1,2,-1,4,1\n", "1,2,7,2,1\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n"); n != 1+2*2*11 {
		t.Errorf("%d lines, want a header and 2 layers × 2 epochs × 11 labels", n)
	}
}

// Fig. 5B's points are the examples of one label in the last full epoch,
// with the output loss and every hidden layer's loss.
func TestLossPairs(t *testing.T) {
	h0 := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}
	h1 := []float64{1, 2, 3, 4, 5, 6, 7}
	out := []float64{10, 20, 30, 40, 50, 60, 70}
	labels := []float64{2, 3, 2, 2, 3, 2, 2}
	// Three examples per epoch: epochs 1 and 2 complete, the 7th example
	// starts a third one that the records do not cover in full.
	got := string(lossPairsCSV([][]float64{h0, h1}, out, labels, 3, 2))
	want := "epoch,example,output_loss,hidden_loss_0,hidden_loss_1\n2,3,40,0.4,4\n2,5,60,0.6,6\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Fewer examples than one epoch: the partial epoch is used.
	got = string(lossPairsCSV([][]float64{h0}, out[:2], labels[:2], 3, 2))
	if want := "epoch,example,output_loss,hidden_loss_0\n1,0,10,0.1\n"; got != want {
		t.Errorf("partial epoch: got\n%s\nwant\n%s", got, want)
	}
}

func TestFieldFiles(t *testing.T) {
	// Backprop's fields are the segregated ones in reverse order: every
	// neuron's best match is its mirror, with r = 1; shuffled pixels break it.
	const n, d = 6, 16
	a := &npy.Array{Shape: []int{n, d}, Data: make([]float64, n*d)}
	b := &npy.Array{Shape: []int{n, d}, Data: make([]float64, n*d)}
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			v := math.Sin(float64((i+1)*(k+1)) * 0.7)
			a.Data[i*d+k] = v
			b.Data[(n-1-i)*d+k] = 3*v + 1 // correlation is invariant to scale and offset
		}
	}
	files := fieldFiles(a, b)
	lines := strings.Split(strings.TrimSpace(string(files["max_correlations.csv"])), "\n")
	if len(lines) != n+1 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if f[0] != fmt.Sprint(i) || f[1] != fmt.Sprint(n-1-i) || f[2] != "1" {
			t.Errorf("neuron %d: %s, want best %d with r = 1", i, l, n-1-i)
		}
		var s float64
		fmt.Sscan(f[3], &s)
		if s >= 0.999 {
			t.Errorf("neuron %d: shuffled control r = %v, want < 1", i, s)
		}
	}
	if again := fieldFiles(a, b); !bytes.Equal(again["max_correlations.csv"], files["max_correlations.csv"]) || !bytes.Equal(again["fields.csv"], files["fields.csv"]) {
		t.Error("not deterministic")
	}
	fl := strings.Split(strings.TrimSpace(string(files["fields.csv"])), "\n")
	if len(fl) != 1+2*n || !strings.HasPrefix(fl[1], "one-hidden-layer,0,") || !strings.HasPrefix(fl[2], fmt.Sprintf("backprop-receptive-fields,%d,", n-1)) {
		t.Errorf("fields.csv rows: %d; %.40s | %.40s", len(fl), fl[1], fl[2])
	}
}

func TestFieldsPairName(t *testing.T) {
	if fieldsPair("seed-1", "seed-1") != "seed-1" || fieldsPair("seed-2", "seed-1") != "seed-2-vs-backprop-seed-1" {
		t.Error(fieldsPair("seed-1", "seed-1"), fieldsPair("seed-2", "seed-1"))
	}
}

// Collect correlates every hidden layer's loss: the columns of the record,
// one per hidden layer.
func TestReadColumns(t *testing.T) {
	dir := t.TempDir()
	two := filepath.Join(dir, "two.npy")
	if err := npy.WriteFile(two, []int{3, 2}, []float64{1, 10, 2, 20, 3, 30}); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "one.npy")
	if err := npy.WriteFile(one, []int{3, 1}, []float64{4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want [][]float64
	}{{two, [][]float64{{1, 2, 3}, {10, 20, 30}}}, {one, [][]float64{{4, 5, 6}}}, {filepath.Join(dir, "none.npy"), nil}} {
		got, err := readColumns(c.path)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, %v; want %v", filepath.Base(c.path), got, err, c.want)
		}
	}
}
