// Package bench measures the simulator's speed on fixed, seeded workloads on
// real MNIST: training examples and test images per second in spiking and
// rate mode for the 500,10 and 500,100,10 networks, nanoseconds per simulated
// step, synaptic events per second, peak memory, and the machine it ran on.
// Its report sets the numbers beside the performance targets of the project
// and the authors' code on the same machine.
//
// Every workload starts from a network initialised with seed 1 and a Sim with
// seed 1; test workloads run sim.Evaluate on the weights the training
// workload of the same network left behind. Throughput is wall-clock time, so
// a busy machine lowers it.
package bench

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/option"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

// Options selects the workloads.
type Options struct {
	// Quick runs a fifth of the spiking examples, a quarter of the rate
	// training examples, and skips the full-MNIST rate run.
	Quick bool
	// Workers is the number of goroutines of the test workloads (0 = 2, the
	// setting of the targets; results do not depend on it).
	Workers int
	// MNIST is the directory of the MNIST files ("" = dataset.LoadMNIST's default).
	MNIST string
	// Progress, when set, receives one line per finished workload.
	Progress io.Writer
	// Precision is the precision of the spiking workloads ("" = float64;
	// rate mode is always float64).
	Precision option.Precision
	// Repeat is how many times each workload of the two networks runs, each
	// time from the same initial network (0 = 3, or 1 with Quick). The
	// report gives the run of median CPU-time throughput and the range: on
	// a machine whose caches and memory are shared with other tenants the
	// same run varies by ±20 % or more from one second to the next.
	Repeat int
}

// Workload is one measured workload.
type Workload struct {
	Name   string `json:"name"`   // e.g. "spiking train"
	Mode   string `json:"mode"`   // spiking or rate
	Kind   string `json:"kind"`   // train or test
	Layers string `json:"layers"` // e.g. "500,10"
	// Precision is the config's precision (float64 or float32).
	Precision string `json:"precision"`
	N         int    `json:"n"`       // examples or images
	Workers   int    `json:"workers"` // goroutines (1 for training)
	// Seconds is the wall-clock time; PerSecond is N/Seconds.
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"per_second"`
	Unit      string  `json:"unit"` // examples/s or images/s
	// CPUSeconds is the CPU time the process used meanwhile (all threads);
	// PerCPUSecond = N/CPUSeconds is the throughput per busy core, which on a
	// machine shared with other work says more than PerSecond, and
	// PerCPUSecond × Workers what the workers would do on idle cores.
	CPUSeconds   float64 `json:"cpu_seconds"`
	PerCPUSecond float64 `json:"per_cpu_second"`
	// Steps, Spikes and SynEvents are the simulated 1-ms steps, spikes and
	// synaptic events (spikes × fan-out); zero in rate mode.
	Steps     int64 `json:"steps"`
	Spikes    int64 `json:"spikes"`
	SynEvents int64 `json:"synaptic_events"`
	// NsPerStep is wall time × workers / steps: the cost of a step on one core.
	NsPerStep float64 `json:"ns_per_step"`
	// SynEventsPerSecond is SynEvents/Seconds.
	SynEventsPerSecond float64 `json:"synaptic_events_per_second"`
	// ErrorPercent is the test error of a test workload (training: the
	// training error of the presented examples).
	ErrorPercent float64 `json:"error_percent"`
	// Runs holds PerCPUSecond of every repetition (Options.Repeat), in the
	// order they ran; the workload's other numbers are those of the median.
	Runs []float64 `json:"per_cpu_second_runs,omitempty"`
	// Target and Aim are the project's goals and Authors the authors' code on
	// this kind of machine (0: none stated).
	Target  float64 `json:"target,omitempty"`
	Aim     float64 `json:"aim,omitempty"`
	Authors float64 `json:"authors,omitempty"`
}

// Memory is the process's memory use at the end of the run.
type Memory struct {
	// PeakRSSMB is VmHWM of /proc/self/status (0 where unavailable).
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// HeapInuseMB, HeapSysMB and SysMB are runtime.MemStats' HeapInuse,
	// HeapSys and Sys; TotalAllocMB is the bytes allocated over the run.
	HeapInuseMB  float64 `json:"heap_inuse_mb"`
	HeapSysMB    float64 `json:"heap_sys_mb"`
	SysMB        float64 `json:"sys_mb"`
	TotalAllocMB float64 `json:"total_alloc_mb"`
	NumGC        uint32  `json:"num_gc"`
	// TargetMB and AimMB are the peak-RSS goals of a full MNIST run.
	TargetMB float64 `json:"target_mb"`
	AimMB    float64 `json:"aim_mb"`
}

// Report is the outcome of Run.
type Report struct {
	Workloads  []Workload `json:"workloads"`
	Memory     Memory     `json:"memory"`
	GOMAXPROCS int        `json:"gomaxprocs"`
	NumCPU     int        `json:"num_cpu"`
	CPU        string     `json:"cpu"`
	// Kernels is sim.KernelsInUse: the inner loops that were measured.
	Kernels string `json:"kernels"`
	// Program is the measured build (module version and VCS revision), as
	// run folders record it, so that a number can be traced to its code.
	Program   rundir.Program `json:"program"`
	GoVersion string         `json:"go_version"`
	OS        string         `json:"os"`
	Arch      string         `json:"arch"`
	Quick     bool           `json:"quick"`
	// Precision is Options.Precision: that of the spiking workloads.
	Precision string `json:"precision"`
	// Repeat is the number of runs of each workload of the two networks.
	Repeat int `json:"repeat"`
	// LoadAvg is the 1-minute load average when the run started (from
	// /proc/loadavg; 0 where unavailable): other work on the machine lowers
	// the wall-clock throughput.
	LoadAvg float64 `json:"load_avg_1m"`
	// FullRun tells whether the workloads include the full-MNIST rate run
	// (60,000 training examples and the 10,000 test images), whose peak RSS
	// the memory target is about.
	FullRun bool `json:"full_run"`
	// Projections are the projected 60-epoch paper runs, from the measured
	// spiking workloads (one per network).
	Projections []Projection `json:"projections"`
	Started     time.Time    `json:"started"`
	Seconds     float64      `json:"seconds"`
}

// Goals of the project (examples or images per second; test workloads per
// core: per second / workers) and the authors' code as measured on the
// project's machine on 2026-12-01 (per second of the whole machine; not
// re-measured by bench, so on another CPU the × column is only indicative).
var goals = map[string]struct{ target, aim, authors float64 }{
	"spiking train 500,10":     {4000, 6000, 48},
	"spiking test 500,10":      {2300, 3500, 22},
	"spiking train 500,100,10": {3000, 0, 0},
	"spiking test 500,100,10":  {1700, 0, 0},
	"rate train 500,10":        {13000, 30000, 670},
	"rate test 500,10":         {50000, 100000, 1700},
}

// Memory goals (MB) of a full MNIST 500,10 run.
const (
	rssTarget = 100
	rssAim    = 100
)

// A paper run is 60 epochs; each trains on the 60,000 training examples,
// runs a quick test of 100 images after every 1,000 examples and one test
// of the 10,000 test images at its end.
const (
	paperEpochs     = 60
	paperTrainN     = 60000
	paperQuickTests = 60
	paperQuickN     = 100
	paperFullTestN  = 10000
	// goals of the projected 500,10 run, in minutes of one core
	paperTarget = 20
	paperAim    = 13
)

// Projection is the time of a 60-epoch spiking paper run projected from the
// measured training and test throughputs: 60 × (60,000 training examples +
// 60 quick tests of 100 images + one test of 10,000 images).
type Projection struct {
	Layers    string `json:"layers"`
	Precision string `json:"precision"`
	// CoreMinutes is the run's time on one core from the per-CPU-second
	// throughputs (the CPU time the workloads took), which other load on
	// the machine changes least; WallMinutes the same from wall-clock
	// throughputs (training per second, tests per second and core).
	CoreMinutes float64 `json:"core_minutes"`
	WallMinutes float64 `json:"wall_minutes"`
	// Target and Aim are the goals in minutes (0: none stated).
	Target float64 `json:"target,omitempty"`
	Aim    float64 `json:"aim,omitempty"`
}

// project returns the projected paper run of a network from its spiking
// training and test workloads (ok false when either is missing or empty).
func project(train, test Workload) (p Projection, ok bool) {
	if train.PerCPUSecond <= 0 || test.PerCPUSecond <= 0 || train.PerSecond <= 0 || test.PerSecond <= 0 {
		return p, false
	}
	images := float64(paperQuickTests*paperQuickN + paperFullTestN)
	minutes := func(trainRate, testRate float64) float64 {
		return paperEpochs * (paperTrainN/trainRate + images/testRate) / 60
	}
	p = Projection{Layers: train.Layers, Precision: train.Precision,
		CoreMinutes: minutes(train.PerCPUSecond, test.PerCPUSecond),
		WallMinutes: minutes(train.PerSecond, test.PerSecond/float64(max(test.Workers, 1)))}
	if p.Layers == "500,10" {
		p.Target, p.Aim = paperTarget, paperAim
	}
	return p, true
}

// sizes of the workloads: full and quick.
type sizes struct{ spikeTrain, spikeTest, rateTrain, rateTest int }

var (
	fullSizes  = sizes{1000, 1000, 20000, 10000}
	quickSizes = sizes{200, 200, 5000, 10000}
)

// Run runs the workloads and returns their report.
func Run(opts Options) (*Report, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = 2
	}
	start := time.Now()
	train, test, err := dataset.LoadMNIST(opts.MNIST)
	if err != nil {
		return nil, err
	}
	rep := &Report{
		GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(), CPU: cpuModel(), Kernels: sim.KernelsInUse(), Program: rundir.ThisProgram(),
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		Quick: opts.Quick, FullRun: !opts.Quick, Started: start, LoadAvg: loadAvg(),
	}
	prec := opts.Precision
	if prec == "" {
		prec = option.Float64
	}
	if err := prec.Check(); err != nil {
		return nil, err
	}
	rep.Precision = string(prec)
	sz := fullSizes
	if opts.Quick {
		sz = quickSizes
	}
	repeat := opts.Repeat
	switch {
	case repeat < 0:
		return nil, fmt.Errorf("bench: %d repetitions, want at least 1", repeat)
	case repeat == 0 && opts.Quick:
		repeat = 1
	case repeat == 0:
		repeat = 3
	}
	rep.Repeat = repeat
	progress := func(w Workload) {
		rep.Workloads = append(rep.Workloads, w)
		if opts.Progress != nil {
			// One progress line per finished workload, not a table: the
			// aligned table (tabwriter) is Report.Table's, printed at the end.
			fmt.Fprintf(opts.Progress, "%s %s: %d in %.2f s, %.0f %s\n", w.Name, w.Layers, w.N, w.Seconds, w.PerSecond, w.Unit)
		}
	}
	for _, layers := range [][]int{{500, 10}, {500, 100, 10}} {
		for _, mode := range []option.Mode{option.Spiking, option.Rate} {
			p := option.Float64
			if mode == option.Spiking {
				p = prec
			}
			cfg, err := newConfig(mode, layers, p)
			if err != nil {
				return nil, err
			}
			nTrain, nTest := sz.spikeTrain, sz.spikeTest
			if mode == "rate" {
				nTrain, nTest = sz.rateTrain, sz.rateTest
			}
			// train and test alternate, so that a busy spell of the
			// machine touches both; every repetition trains the same
			// initial network, so the tests see the same weights
			var tws, sws []Workload
			for range repeat {
				net := network.New(cfg.Model(), sim.Pixels, rand.New(rand.NewPCG(1, 99)))
				tws = append(tws, trainWorkload(cfg, net, train, nTrain))
				sws = append(sws, testWorkload(cfg, net, test, nTest, workers))
				// the repetition's network and Sims are garbage now: collect
				// them before the next is made, so that repeating does not
				// raise the peak RSS the memory goal is about
				runtime.GC()
			}
			tw, sw := median(tws), median(sws)
			progress(tw)
			progress(sw)
			if mode == option.Spiking {
				if p, ok := project(tw, sw); ok {
					rep.Projections = append(rep.Projections, p)
				}
			}
		}
	}
	if !opts.Quick {
		// The full-MNIST rate run: one epoch and the whole test set.
		cfg, err := newConfig("rate", []int{500, 10}, option.Float64)
		if err != nil {
			return nil, err
		}
		net := network.New(cfg.Model(), sim.Pixels, rand.New(rand.NewPCG(1, 99)))
		w := trainWorkload(cfg, net, train, train.N)
		w.Name = "rate train, full epoch"
		progress(w)
		w = testWorkload(cfg, net, test, test.N, workers)
		w.Name = "rate test, full test set"
		progress(w)
	}
	rep.Memory = memory()
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

func newConfig(mode option.Mode, layers []int, prec option.Precision) (*config.Config, error) {
	c := config.Default("paper")
	c.Mode = mode
	c.Layers = layers
	c.Precision = prec
	c.Resolve()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func layerString(cfg *config.Config) string {
	var b strings.Builder
	for i, n := range cfg.Layers {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

func newWorkload(cfg *config.Config, kind string, n, workers int, sec, cpu float64, ctr sim.Counters) Workload {
	name := string(cfg.Mode) + " " + kind
	if cfg.Precision != option.Float64 {
		name += ", " + string(cfg.Precision)
	}
	w := Workload{Name: name, Mode: string(cfg.Mode), Kind: kind, Layers: layerString(cfg), Precision: string(cfg.Precision), N: n,
		Workers: workers, Seconds: sec, CPUSeconds: cpu, Steps: ctr.Steps, Spikes: ctr.Spikes, SynEvents: ctr.SynEvents}
	if cpu > 0 {
		w.PerCPUSecond = float64(n) / cpu
	}
	w.Unit = "examples/s"
	if kind == "test" {
		w.Unit = "images/s"
	}
	if sec > 0 {
		w.PerSecond = float64(n) / sec
		w.SynEventsPerSecond = float64(ctr.SynEvents) / sec
	}
	if ctr.Steps > 0 {
		w.NsPerStep = sec * 1e9 * float64(workers) / float64(ctr.Steps)
	}
	if g, ok := goals[w.Mode+" "+w.Kind+" "+w.Layers]; ok { // the goals hold at either precision
		w.Target, w.Aim, w.Authors = g.target, g.aim, g.authors
	}
	return w
}

// trainWorkload trains net on the first n training examples.
func trainWorkload(cfg *config.Config, net *network.Net, train *dataset.Set, n int) Workload {
	s := sim.New(cfg.Model(), net, 1)
	s.LazyTrainRates = true // as a run's Sim without an Example hook
	wrong := 0
	t0, c0 := time.Now(), cpuSeconds()
	for i := 0; i < n; i++ {
		r := s.Train(train.Image(i%train.N), int(train.Labels[i%train.N]))
		if r.Pred != r.Label {
			wrong++
		}
	}
	w := newWorkload(cfg, "train", n, 1, time.Since(t0).Seconds(), cpuSeconds()-c0, s.Counters())
	w.ErrorPercent = 100 * float64(wrong) / float64(max(n, 1))
	return w
}

// labelled adapts a dataset.Set to sim.Images.
type labelled struct{ *dataset.Set }

func (l labelled) Label(i int) int { return int(l.Labels[i]) }

// testWorkload tests net on the first n test images with workers goroutines.
func testWorkload(cfg *config.Config, net *network.Net, test *dataset.Set, n, workers int) Workload {
	n = min(n, test.N)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	t0, c0 := time.Now(), cpuSeconds()
	// no activity callback: the test computes only what its predictions
	// need, as a run's tests do (sim.Sim.LazyTestRates)
	ev := sim.Evaluate(cfg.Model(), net, labelled{test}, idx, 1, workers, nil)
	sec, cpu := time.Since(t0).Seconds(), cpuSeconds()-c0
	w := newWorkload(cfg, "test", n, min(workers, n), sec, cpu, ev.Work)
	w.ErrorPercent = ev.ErrorPercent()
	return w
}

// median returns the run of median PerCPUSecond (the lower middle of an
// even number) with Runs set to every run's PerCPUSecond.
func median(ws []Workload) Workload {
	runs := make([]float64, len(ws))
	for i, w := range ws {
		runs[i] = w.PerCPUSecond
	}
	sorted := slices.Clone(ws)
	slices.SortStableFunc(sorted, func(a, b Workload) int { return cmp.Compare(a.PerCPUSecond, b.PerCPUSecond) })
	m := sorted[(len(sorted)-1)/2]
	if len(ws) > 1 {
		m.Runs = runs
	}
	return m
}

// memory reads the peak RSS and the Go heap statistics.
func memory() Memory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	const mb = 1 << 20
	m := Memory{
		PeakRSSMB:   peakRSSKB() / 1024,
		HeapInuseMB: float64(ms.HeapInuse) / mb, HeapSysMB: float64(ms.HeapSys) / mb,
		SysMB: float64(ms.Sys) / mb, TotalAllocMB: float64(ms.TotalAlloc) / mb, NumGC: ms.NumGC,
		TargetMB: rssTarget, AimMB: rssAim,
	}
	return m
}

// peakRSSKB returns VmHWM from /proc/self/status in kB (0 if unavailable).
func peakRSSKB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return statusField(b, "VmHWM:")
}

// statusField parses a "Name:   1234 kB" line of /proc/self/status.
func statusField(b []byte, name string) float64 {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, name); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, err := strconv.ParseFloat(f[0], 64)
				if err == nil {
					return v
				}
			}
		}
	}
	return 0
}

// loadAvg returns the 1-minute load average (0 if unavailable).
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// cpuModel returns the "model name" of /proc/cpuinfo ("unknown" elsewhere).
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// JSON writes the report as indented JSON.
func (r *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Table writes the report as one aligned table, followed by memory and machine lines.
func (r *Report) Table(w io.Writer) error {
	fmt.Fprintf(w, "dendrite bench: %s, %s/%s, GOMAXPROCS=%d (%d CPUs), CPU %s, kernels %s", r.GoVersion, r.OS, r.Arch, r.GOMAXPROCS, r.NumCPU, r.CPU, r.Kernels)
	if rev := r.Program.Revision; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if r.Program.Modified {
			rev += " (modified)"
		}
		fmt.Fprintf(w, ", revision %s", rev)
	}
	if r.Quick {
		fmt.Fprint(w, ", quick")
	}
	fmt.Fprintf(w, ", %.1f s\n", r.Seconds)
	if r.LoadAvg > 0.5 {
		fmt.Fprintf(w, "note: the machine was busy (load average %.2f at the start): wall-clock numbers are low, the per-CPU-second column is more telling.\n", r.LoadAvg)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tlayers\tn\tworkers\tper second\tper core\tper CPU-s\trange per CPU-s\tns/step\tsyn. events/s\terror %\tmust reach\taim\tauthors\t× authors\tstatus\t")
	for _, x := range r.Workloads {
		perCore := x.PerSecond / float64(max(x.Workers, 1))
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s %s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t\n",
			x.Name, x.Layers, x.N, x.Workers, num(x.PerSecond), x.Unit, num(perCore), opt(x.PerCPUSecond), span(x.Runs), opt(x.NsPerStep), opt(x.SynEventsPerSecond), x.ErrorPercent,
			opt(x.Target), opt(x.Aim), opt(x.Authors), ratio(x.PerSecond, x.Authors), status(perCore, x.Target, x.Aim, false))
	}
	for _, p := range r.Projections {
		name := "60-epoch paper run (projected)"
		if p.Precision != string(option.Float64) {
			name = "60-epoch paper run, " + p.Precision + " (projected)"
		}
		fmt.Fprintf(tw, name+"\t%s\t\t1\t%s min\t\t%s min\t\t\t\t\t%s\t%s\t\t\t%s\t\n",
			p.Layers, num(p.WallMinutes), num(p.CoreMinutes), opt(p.Target), opt(p.Aim), status(p.CoreMinutes, p.Target, p.Aim, true))
	}
	m := r.Memory
	fmt.Fprintf(tw, "peak RSS (VmHWM)\t\t\t\t%s MB\t\t\t\t\t\t%s MB\t%s MB\t\t\t%s\t\n", num(m.PeakRSSMB), num(m.TargetMB), num(m.AimMB),
		status(m.PeakRSSMB, m.TargetMB, m.AimMB, true))
	if err := tw.Flush(); err != nil {
		return err
	}
	what := "all workloads"
	if r.FullRun {
		what = "all workloads, including the full-MNIST rate run"
	}
	if r.Repeat > 1 {
		fmt.Fprintf(w, "\neach workload of the two networks ran %d times, alternating training and test, each time from the same initial network; shown: the run of median CPU-time throughput; range: the lowest and highest per CPU-s of the runs.", r.Repeat)
	}
	fmt.Fprintln(w, "\nper second: wall clock; per core: per second / workers, which the goals refer to; per CPU-s: per second of CPU time of the process (all workers), which other load on the machine affects less; ns/step: wall time × workers per simulated step.")
	fmt.Fprintln(w, "authors: the authors' numpy code as measured on the project's 2-core machine on 2026-12-01, not here; on another CPU the × column is only indicative.")
	if len(r.Projections) > 0 {
		fmt.Fprintf(w, "60-epoch paper run: %d × (%d training examples + %d quick tests of %d images + one %d-image test) at the spiking rates above; "+
			"per second: from wall-clock rates (tests per core), per CPU-s: from CPU-time rates (status).\n",
			paperEpochs, paperTrainN, paperQuickTests, paperQuickN, paperFullTestN)
	}
	_, err := fmt.Fprintf(w, "memory (%s): peak RSS %.1f MB, Go heap in use %.1f MB, heap reserved %.1f MB, runtime total %.1f MB, %.0f MB allocated in all, %d GCs\n",
		what, m.PeakRSSMB, m.HeapInuseMB, m.HeapSysMB, m.SysMB, m.TotalAllocMB, m.NumGC)
	return err
}

func num(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// span is "lo–hi" of runs, or "–" for fewer than two.
func span(runs []float64) string {
	if len(runs) < 2 {
		return "–"
	}
	return num(slices.Min(runs)) + "–" + num(slices.Max(runs))
}

func opt(v float64) string {
	if v == 0 {
		return "–"
	}
	if v >= 1e6 {
		return strconv.FormatFloat(v/1e6, 'f', 0, 64) + "M"
	}
	return num(v)
}

func ratio(v, authors float64) string {
	if authors == 0 {
		return "–"
	}
	return strconv.FormatFloat(v/authors, 'f', 0, 64) + "×"
}

// status compares v with a target and an aim (lower is better when less; aim
// 0: none stated).
func status(v, target, aim float64, less bool) string {
	if target == 0 || v == 0 {
		return ""
	}
	ok := func(goal float64) bool {
		if less {
			return v <= goal
		}
		return v >= goal
	}
	switch {
	case aim != 0 && ok(aim):
		return "aim met"
	case ok(target):
		return "ok"
	}
	return "MISSED"
}
