package bench

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// A tiny run goes through every workload and fills the report.
func TestRunTiny(t *testing.T) {
	saved := quickSizes
	quickSizes = sizes{3, 4, 20, 30}
	defer func() { quickSizes = saved }()
	var progress bytes.Buffer
	rep, err := Run(Options{Quick: true, Workers: 2, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Workloads) != 8 {
		t.Fatalf("%d workloads, want 8", len(rep.Workloads))
	}
	for _, w := range rep.Workloads {
		if w.PerSecond <= 0 || w.N == 0 || w.Seconds <= 0 {
			t.Errorf("%s %s: %+v", w.Name, w.Layers, w)
		}
		if w.Mode == "spiking" && (w.Steps == 0 || w.SynEvents == 0 || w.NsPerStep <= 0) {
			t.Errorf("%s %s: no steps or synaptic events counted: %+v", w.Name, w.Layers, w)
		}
		if w.Mode == "spiking" && w.Kind == "train" && w.Steps < int64(w.N)*100 {
			t.Errorf("%s %s: %d steps for %d examples", w.Name, w.Layers, w.Steps, w.N)
		}
		if w.Mode == "spiking" && w.Kind == "test" && w.Steps != int64(w.N)*250 {
			t.Errorf("%s %s: %d steps for %d images of 250 steps", w.Name, w.Layers, w.Steps, w.N)
		}
	}
	if g := rep.Workloads[0]; g.Target != 4000 || g.Aim != 6000 || g.Authors != 48 {
		t.Errorf("spiking train goals %v %v %v", g.Target, g.Aim, g.Authors)
	}
	if rep.GOMAXPROCS < 1 || rep.GoVersion == "" || rep.CPU == "" || rep.Program.GoVersion != rep.GoVersion {
		t.Errorf("machine fields: %+v", rep)
	}
	if rep.Memory.PeakRSSMB <= 0 || rep.Memory.HeapSysMB <= 0 {
		t.Errorf("memory: %+v", rep.Memory)
	}
	if strings.Count(progress.String(), "\n") != 8 {
		t.Errorf("progress:\n%s", progress.String())
	}
	if len(rep.Projections) != 2 || rep.Projections[0].Layers != "500,10" || rep.Projections[1].Layers != "500,100,10" {
		t.Errorf("projections: %+v", rep.Projections)
	}
	for _, p := range rep.Projections {
		if p.CoreMinutes <= 0 || p.WallMinutes <= 0 {
			t.Errorf("projection %+v", p)
		}
	}
	var tab bytes.Buffer
	if err := rep.Table(&tab); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"spiking train", "rate test", "500,100,10", "must reach", "authors", "peak RSS", "ns/step", "60-epoch paper run (projected)", "per core"} {
		if !strings.Contains(tab.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tab.String())
		}
	}
	var js bytes.Buffer
	if err := rep.JSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Workloads) != 8 || back.Workloads[3].Unit != "images/s" {
		t.Errorf("JSON round trip: %+v", back.Workloads)
	}
}

func TestStatusField(t *testing.T) {
	st := []byte("Name:\tx\nVmPeak:\t  200 kB\nVmHWM:\t   84312 kB\nVmRSS:\t 1 kB\n")
	if v := statusField(st, "VmHWM:"); v != 84312 {
		t.Errorf("VmHWM = %v", v)
	}
	if v := statusField(st, "Nope:"); v != 0 {
		t.Errorf("missing field = %v", v)
	}
}

func TestStatus(t *testing.T) {
	for _, c := range []struct {
		v, target, aim float64
		less           bool
		want           string
	}{
		{500, 1000, 2400, false, "MISSED"},
		{1000, 1000, 2400, false, "ok"},
		{2500, 1000, 2400, false, "aim met"},
		{90, 150, 100, true, "aim met"},
		{120, 150, 100, true, "ok"},
		{200, 150, 100, true, "MISSED"},
		{5, 0, 0, false, ""},
		{540, 3000, 0, false, "MISSED"},
		{3100, 3000, 0, false, "ok"},
	} {
		if got := status(c.v, c.target, c.aim, c.less); got != c.want {
			t.Errorf("status(%v, %v, %v, %v) = %q, want %q", c.v, c.target, c.aim, c.less, got, c.want)
		}
	}
}

// The projection is 60 × (60,000 training examples + 16,000 test images) at
// the measured rates: CPU-time rates for CoreMinutes, wall-clock rates (tests
// per core) for WallMinutes.
func TestProject(t *testing.T) {
	train := Workload{Layers: "500,10", PerSecond: 1500, PerCPUSecond: 2000, Workers: 1}
	test := Workload{Layers: "500,10", PerSecond: 2000, PerCPUSecond: 1000, Workers: 2}
	p, ok := project(train, test)
	if !ok {
		t.Fatal("no projection")
	}
	// one core: 60000/2000 + 16000/1000 = 46 s per epoch, × 60 = 46 min;
	// wall: 60000/1500 + 16000/(2000/2) = 56 s per epoch, × 60 = 56 min
	if p.CoreMinutes != 46 || p.WallMinutes != 56 || p.Target != 20 || p.Aim != 13 {
		t.Errorf("projection %+v, want 46 and 56 minutes, goals 20 and 13", p)
	}
	train.Layers = "500,100,10"
	if p, _ := project(train, test); p.Target != 0 {
		t.Errorf("500,100,10 has no stated goal: %+v", p)
	}
	if _, ok := project(train, Workload{}); ok {
		t.Error("a projection without a test workload")
	}
	if s := status(46, 20, 13, true); s != "MISSED" {
		t.Errorf("status of 46 min = %q", s)
	}
}

// --precision float32 runs the spiking workloads at float32 (named so, with
// the same goals) and leaves rate mode at float64; other values are refused.
func TestRunFloat32(t *testing.T) {
	saved := quickSizes
	quickSizes = sizes{3, 4, 20, 30}
	defer func() { quickSizes = saved }()
	rep, err := Run(Options{Quick: true, Workers: 2, Precision: "float32"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Precision != "float32" {
		t.Errorf("report precision %q", rep.Precision)
	}
	for _, w := range rep.Workloads {
		want := "float64"
		if w.Mode == "spiking" {
			want = "float32"
		}
		if w.Precision != want || (w.Mode == "spiking") != strings.HasSuffix(w.Name, ", float32") {
			t.Errorf("%s %s: precision %q, want %q", w.Name, w.Layers, w.Precision, want)
		}
	}
	if g := rep.Workloads[0]; g.Target != 4000 {
		t.Errorf("float32 spiking train: goal %v, want 4000", g.Target)
	}
	if len(rep.Projections) != 2 || rep.Projections[0].Precision != "float32" {
		t.Errorf("projections %+v", rep.Projections)
	}
	var tab bytes.Buffer
	if err := rep.Table(&tab); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tab.String(), "60-epoch paper run, float32 (projected)") {
		t.Errorf("table:\n%s", tab.String())
	}
	if _, err := Run(Options{Quick: true, Precision: "float16"}); err == nil || !strings.Contains(err.Error(), "precision") {
		t.Errorf("float16: %v", err)
	}
}

// With Repeat, every workload of the two networks runs that many times from
// the same network: the runs simulate the same steps, the report keeps the
// median one and all their rates, and the table shows the range.
func TestRunRepeat(t *testing.T) {
	saved := quickSizes
	quickSizes = sizes{3, 4, 20, 30}
	defer func() { quickSizes = saved }()
	rep, err := Run(Options{Quick: true, Workers: 2, Repeat: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Repeat != 3 || len(rep.Workloads) != 8 {
		t.Fatalf("repeat %d, %d workloads", rep.Repeat, len(rep.Workloads))
	}
	for _, w := range rep.Workloads {
		if len(w.Runs) != 3 {
			t.Fatalf("%s %s: runs %v", w.Name, w.Layers, w.Runs)
		}
		s := slices.Sorted(slices.Values(w.Runs))
		if w.PerCPUSecond != s[1] {
			t.Errorf("%s %s: reported %v, median of %v is %v", w.Name, w.Layers, w.PerCPUSecond, w.Runs, s[1])
		}
	}
	var tab bytes.Buffer
	if err := rep.Table(&tab); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tab.String(), "ran 3 times") || !strings.Contains(tab.String(), "range per CPU-s") {
		t.Errorf("table does not say how often the workloads ran:\n%s", tab.String())
	}
	if _, err := Run(Options{Quick: true, Repeat: -1}); err == nil || !strings.Contains(err.Error(), "-1 repetitions") {
		t.Errorf("Repeat -1: %v", err)
	}
}

func TestMedianRun(t *testing.T) {
	ws := []Workload{{PerCPUSecond: 30, N: 1}, {PerCPUSecond: 10, N: 2}, {PerCPUSecond: 20, N: 3}, {PerCPUSecond: 40, N: 4}}
	if m := median(ws[:3]); m.N != 3 || !slices.Equal(m.Runs, []float64{30, 10, 20}) {
		t.Errorf("median of three: %+v", m)
	}
	if m := median(ws); m.N != 3 {
		t.Errorf("median of four (the lower middle): %+v", m)
	}
	if m := median(ws[:1]); m.N != 1 || m.Runs != nil {
		t.Errorf("one run: %+v", m)
	}
}
