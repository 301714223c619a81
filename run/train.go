package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/dendrite-lab/dendrite/internal/stats"
	"github.com/dendrite-lab/dendrite/option"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/record"
	"github.com/dendrite-lab/dendrite/sim"
)

// Version is written into every summary.
const Version = "0.1.0"

// ErrInterrupted is returned when the context was cancelled (SIGINT/SIGTERM):
// a checkpoint was written and the run can be resumed.
var ErrInterrupted = errors.New("run interrupted; resume with --resume")

// ErrBlowUp is wrapped by the error of a run stopped by a non-finite value.
var ErrBlowUp = errors.New("numerical blow-up")

// Options are the parts of a run that are not part of the experiment.
type Options struct {
	// Resume continues from dir's checkpoint (the config is dir's config.json).
	Resume bool
	// Overwrite replaces a folder that already holds a run.
	Overwrite bool
	// InitWeights is a folder of .npy weights to start from.
	InitWeights string
	// DataDir holds the four IDX files ("" = MNIST from the Go module).
	DataDir string
	// Train and Test, when set, are used instead of loading DataDir.
	Train, Test *dataset.Set
	// Progress receives progress output (nil = none).
	Progress io.Writer
	// Terminal draws a live progress line instead of log lines.
	Terminal bool
	// LogEvery is the number of examples between plain progress lines (0 = quick-test interval).
	LogEvery int
	// Logger, when set, receives structured progress events instead.
	Logger *slog.Logger
	// StopAfter stops (as if interrupted) after this many examples have been
	// trained in this process; 0 = never. Used by tests of resume.
	StopAfter int
}

// Summary is summary.json.
type Summary struct {
	Status            string    `json:"status"`
	Error             string    `json:"error,omitempty"`
	FinalTestError    float64   `json:"final_test_error"`
	TestExamples      int       `json:"test_examples"`
	TestSet           string    `json:"test_set"`
	Epochs            int       `json:"epochs"`
	ExamplesTrained   int64     `json:"examples_trained"`
	Seconds           float64   `json:"seconds"`
	TrainSeconds      float64   `json:"train_seconds"`
	ExamplesPerSecond float64   `json:"examples_per_second"`
	FullTestErrors    []float64 `json:"full_test_errors"`
	TrainingErrors    []float64 `json:"training_errors"`
	RepeatTestErrors  []float64 `json:"repeat_test_errors,omitempty"`
	RepeatTestMean    float64   `json:"repeat_test_mean,omitempty"`
	RepeatTestSD      float64   `json:"repeat_test_sd,omitempty"`
	Mode              string    `json:"mode"`
	Profile           string    `json:"profile"`
	Layers            []int     `json:"layers"`
	Seed              uint64    `json:"seed"`
	Workers           int       `json:"workers"`
	GOMAXPROCS        int       `json:"gomaxprocs"`
	Version           string    `json:"version"`
	Finished          string    `json:"finished"`
}

// trainer is the state of one run in this process.
type trainer struct {
	cfg      *config.Config
	dir      string
	opts     Options
	train    *dataset.Set
	test     *dataset.Set
	testName string
	nTrain   int
	net      *network.Net
	sim      *sim.Sim
	log      *record.Log
	prog     progress
	workers  int

	// position (checkpointed)
	epoch, index        int
	examples            int64
	tests               int64
	wrong               int
	lossSum             float64
	lossN               int
	priorWall, priorTrn float64
	initialDone         bool

	start     time.Time
	trainTime time.Duration
	lastQuick float64
}

// Train runs the experiment cfg into dir (see the package doc).
func Train(ctx context.Context, cfg config.Config, dir string, opts Options) (*Summary, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t := &trainer{cfg: &cfg, dir: dir, opts: opts, lastQuick: math.NaN()}
	if err := t.prepareFolder(); err != nil {
		return nil, err
	}
	unlock, err := lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := t.loadData(); err != nil {
		return nil, err
	}
	if err := t.setup(); err != nil {
		return nil, err
	}
	t.workers = cfg.Workers
	if t.workers <= 0 {
		t.workers = runtime.GOMAXPROCS(0)
	}
	t.prog = newProgress(opts, &cfg, t.nTrain)
	t.start = time.Now()
	sum, err := t.loop(ctx)
	t.prog.done()
	return sum, err
}

func (t *trainer) prepareFolder() error {
	dir := t.dir
	st, err := os.Stat(dir)
	if err == nil && !st.IsDir() {
		return fmt.Errorf("--out %s exists and is not a directory", dir)
	}
	if t.opts.Resume {
		if _, err := os.Stat(filepath.Join(dir, CheckpointFile)); err != nil {
			return fmt.Errorf("--resume %s: no checkpoint (%s) to resume from", dir, CheckpointFile)
		}
		// Temp files of a checkpoint that a killed process was writing.
		stale, _ := filepath.Glob(filepath.Join(dir, filepath.Dir(CheckpointFile), ".*.tmp*"))
		for _, f := range stale {
			os.Remove(f)
		}
		return nil
	}
	if err == nil {
		ents, _ := os.ReadDir(dir)
		if len(ents) > 0 {
			if !t.opts.Overwrite {
				what := "files"
				s, serr := ReadSummary(dir)
				_, cerr := os.Stat(filepath.Join(dir, CheckpointFile))
				switch {
				case serr == nil && s.Status == "complete":
					what = "a complete run"
				case cerr == nil:
					what = "an interrupted run (continue it with --resume)"
				case serr == nil:
					what = "a " + s.Status + " run"
				}
				return fmt.Errorf("--out %s already holds %s; pass --overwrite to replace it or choose another --out", dir, what)
			}
			if _, err := os.Stat(filepath.Join(dir, LockFile)); err == nil {
				// refuse to delete under a live writer
				unlock, err := lock(dir)
				if err != nil {
					return err
				}
				unlock()
			}
			for _, e := range ents {
				if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	return os.MkdirAll(dir, 0o755)
}

func (t *trainer) loadData() error {
	train, test := t.opts.Train, t.opts.Test
	if train == nil || test == nil {
		var err error
		train, test, err = dataset.LoadMNIST(t.opts.DataDir)
		if err != nil {
			return err
		}
	}
	if train.Rows*train.Cols != sim.Pixels {
		return fmt.Errorf("data: images are %d×%d, this model takes 28×28 (784) inputs", train.Rows, train.Cols)
	}
	t.testName = "test"
	if v := t.cfg.Validation; v > 0 {
		if v >= train.N {
			return fmt.Errorf("config field \"validation\": got %d, want fewer than the %d training images", v, train.N)
		}
		train, test = train.Split(train.N - v)
		t.testName = "validation"
	}
	t.train, t.test = train, test
	t.nTrain = train.N
	if n := t.cfg.TrainExamples; n > 0 {
		if n > train.N {
			return fmt.Errorf("config field \"train_examples\": got %d, want at most the %d training images", n, train.N)
		}
		t.nTrain = n
	}
	if n := t.cfg.TestExamples; n > test.N {
		return fmt.Errorf("config field \"test_examples\": got %d, want at most the %d %s images", n, test.N, t.testName)
	}
	return nil
}

// Seeds of the run's random streams, all derived from Config.Seed.
func initRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x494e4954)) }
func epochPerm(seed uint64, epoch, n int) []int {
	return rand.New(rand.NewPCG(seed, 0x53485546<<8|uint64(epoch))).Perm(n)
}
func testSeed(seed uint64, test int64) uint64 {
	return seed*0x9e3779b97f4a7c15 ^ uint64(test+1)*0xbf58476d1ce4e5b9
}

func (t *trainer) setup() error {
	cfg := t.cfg
	hidden := cfg.Layers[:len(cfg.Layers)-1]
	t.log = record.NewLog(hidden)
	if t.opts.Resume {
		t.net = network.NewShape(sim.Pixels, cfg.Layers, cfg.Broadcast, cfg.FeedbackBias != option.BiasNone)
		t.sim = sim.New(cfg.Model(), t.net, cfg.Seed)
		return t.restore()
	}
	t.net = network.New(cfg, sim.Pixels, initRNG(cfg.Seed))
	if t.opts.InitWeights != "" {
		if err := t.net.Load(t.opts.InitWeights); err != nil {
			return err
		}
		if cfg.Symmetric {
			t.net.Symmetrize(cfg.NoisySymmetric, cfg.SymmetricNoiseSD, initRNG(cfg.Seed^1))
		}
	}
	t.sim = sim.New(cfg.Model(), t.net, cfg.Seed)
	t.epoch = 1
	if err := writeAtomic(filepath.Join(t.dir, ConfigFile), cfg.JSON()); err != nil {
		return err
	}
	d := config.Default(cfg.Profile)
	d.Mode, d.Layers = cfg.Mode, cfg.Layers
	d.Resolve()
	if err := writeAtomic(filepath.Join(t.dir, DefaultsFile), d.JSON()); err != nil {
		return err
	}
	return t.net.Save(filepath.Join(t.dir, "weights", "initial"))
}

func (t *trainer) elapsed() float64 { return t.priorWall + time.Since(t.start).Seconds() }

// evaluate runs one test of n images of the test set (0 = all) and returns
// the error in percent.
func (t *trainer) evaluate(n int, activity func(k int, s *sim.Sim)) float64 {
	if n <= 0 || n > t.test.N {
		n = t.test.N
	}
	seed := testSeed(t.cfg.Seed, t.tests)
	t.tests++
	idx := rand.New(rand.NewPCG(seed, 0x54455354)).Perm(t.test.N)[:n]
	ev := sim.Evaluate(t.cfg.Model(), t.net, labelled{t.test}, idx, seed, t.workers, activity)
	// Simulated time runs on through tests (docs/model.md#training-schedule), as if the test
	// images had been shown one after the other.
	t.sim.Time += int64(n) * int64(t.cfg.TestPhase)
	return ev.ErrorPercent()
}

type labelled struct{ *dataset.Set }

func (l labelled) Label(i int) int { return int(l.Set.Labels[i]) }

func (t *trainer) metric(kind string, testErr float64, trainErr float64) {
	lm := math.NaN()
	if t.lossN > 0 {
		lm = t.lossSum / float64(t.lossN)
	}
	t.lossSum, t.lossN = 0, 0
	t.log.Metrics = append(t.log.Metrics, record.Metric{Kind: kind, Epoch: t.epoch, Examples: t.examples,
		TestError: testErr, TrainError: trainErr, LossMean: lm, Seconds: t.elapsed()})
	if kind == "initial" {
		t.log.Metrics[len(t.log.Metrics)-1].Epoch = 0
	}
}

func (t *trainer) loop(ctx context.Context) (*Summary, error) {
	cfg := t.cfg
	if cfg.InitialTest && !t.initialDone {
		e := t.evaluate(cfg.TestExamples, nil)
		t.log.FullTests = append(t.log.FullTests, e)
		t.metric("initial", e, math.NaN())
		t.prog.test("initial", e)
		t.initialDone = true
	}
	t.initialDone = true
	trainedHere := 0
	if cfg.RecordVoltages {
		t.sim.Trace = t.traceVoltages
	}
	for t.epoch <= cfg.Epochs {
		perm := identity(t.train.N)
		if cfg.Shuffle {
			perm = epochPerm(cfg.Seed, t.epoch, t.train.N)
		}
		for t.index < t.nTrain {
			i := perm[t.index]
			t0 := time.Now()
			res := t.sim.Train(t.train.Image(i), int(t.train.Labels[i]))
			t.trainTime += time.Since(t0)
			if !res.Finite {
				return t.blowUp()
			}
			t.index++
			t.examples++
			trainedHere++
			t.recordExample(&res)
			if cfg.QuickTestExamples > 0 && t.index%cfg.QuickTestEvery == 0 && t.index < t.nTrain {
				e := t.evaluate(cfg.QuickTestExamples, nil)
				t.lastQuick = e
				t.log.QuickTests = append(t.log.QuickTests, e)
				t.log.QuickAt = append(t.log.QuickAt, t.examples)
				t.metric("quick", e, 100*float64(t.wrong)/float64(t.index))
				t.prog.test("quick", e)
			}
			t.prog.example(t.epoch, t.index, t.wrong, t.lastQuick)
			stop := ctx.Err() != nil || (t.opts.StopAfter > 0 && trainedHere >= t.opts.StopAfter)
			if stop || (cfg.CheckpointEvery > 0 && t.examples%int64(cfg.CheckpointEvery) == 0 && t.index < t.nTrain) {
				if err := t.checkpoint(); err != nil {
					return nil, err
				}
			}
			if stop {
				return t.interrupted()
			}
		}
		// end of epoch
		e := t.evaluate(cfg.TestExamples, nil)
		trainErr := 100 * float64(t.wrong) / float64(t.nTrain)
		t.log.FullTests = append(t.log.FullTests, e)
		if cfg.RecordTrainingError {
			t.log.TrainErrors = append(t.log.TrainErrors, trainErr)
		}
		t.metric("full", e, trainErr)
		t.prog.epochEnd(t.epoch, e, trainErr)
		if err := t.net.CheckFinite(); err != nil {
			return t.blowUp()
		}
		if cfg.SaveEpochWeights {
			if err := t.net.Save(filepath.Join(t.dir, "weights", fmt.Sprintf("epoch_%d", t.epoch))); err != nil {
				return nil, err
			}
		}
		t.epoch++
		t.index, t.wrong = 0, 0
		if err := t.checkpoint(); err != nil {
			return nil, err
		}
		if ctx.Err() != nil && t.epoch <= cfg.Epochs {
			return t.interrupted()
		}
	}
	return t.finish()
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func (t *trainer) recordExample(res *sim.Result) {
	cfg := t.cfg
	if res.Pred != res.Label {
		t.wrong++
	}
	t.lossSum += res.Loss
	t.lossN++
	if cfg.RecordLoss {
		t.log.Loss = append(t.log.Loss, res.Loss)
	}
	if cfg.RecordTrainingLabels {
		t.log.Labels = append(t.log.Labels, int64(res.Label))
		t.log.Preds = append(t.log.Preds, int64(res.Pred))
	}
	if cfg.RecordBPAngle {
		t.log.BPAngle = append(t.log.BPAngle, res.BPAngle)
	}
	if cfg.RecordEigvals {
		t.log.JacEig = append(t.log.JacEig, res.MaxJacEig)
		t.log.JacEigMeans = append(t.log.JacEigMeans, res.MaxJacEigMeans)
		t.log.WeightEig = append(t.log.WeightEig, res.MaxWeightEig)
	}
	if cfg.RecordPhaseTimes {
		t.log.PhaseTimes = append(t.log.PhaseTimes, float64(res.EndF), float64(res.EndT))
	}
	if cfg.RecordPlateauTimes {
		for m := range t.log.Plateau {
			f, g := t.sim.PlateauTimes(m)
			t.log.Plateau[m] = append(append(t.log.Plateau[m], f...), g...)
		}
	}
}

// traceVoltages appends the chosen neurons' A, B, C after a training step
// when the example is inside the recorded span.
func (t *trainer) traceVoltages(s *sim.Sim, phase, step int) {
	ex := int(t.examples) // index of the example being trained (0-based over the run)
	c := t.cfg
	if ex < c.VoltageExamples[0] || ex >= c.VoltageExamples[1] {
		return
	}
	A, B, C := s.Voltages(c.VoltageLayer)
	for _, i := range c.VoltageNeurons {
		a := math.NaN()
		if A != nil {
			a = A[i]
		}
		t.log.Volt = append(t.log.Volt, float64(ex), float64(phase), float64(step), float64(s.Time), float64(c.VoltageLayer), float64(i), a, B[i], C[i])
	}
}

func (t *trainer) blowUp() (*Summary, error) {
	where := "a somatic potential or the loss became non-finite"
	if err := t.net.CheckFinite(); err != nil {
		where = err.Error()
	}
	err := fmt.Errorf("%w at training example %d (epoch %d, example %d of the epoch): %s. "+
		"The learning rates are probably too large (etas = %v): try smaller --etas. The last good checkpoint (%s) was left as it was",
		ErrBlowUp, t.examples+1, t.epoch, t.index+1, where, t.cfg.Etas, filepath.Join(t.dir, CheckpointFile))
	s := t.summary("failed")
	s.Error = err.Error()
	writeJSON(filepath.Join(t.dir, SummaryFile), s)
	return s, err
}

func (t *trainer) interrupted() (*Summary, error) {
	if err := t.log.Save(t.dir); err != nil {
		return nil, err
	}
	s := t.summary("interrupted")
	if err := writeJSON(filepath.Join(t.dir, SummaryFile), s); err != nil {
		return nil, err
	}
	return s, ErrInterrupted
}

func (t *trainer) summary(status string) *Summary {
	cfg := t.cfg
	s := &Summary{Status: status, Epochs: t.epoch - 1, ExamplesTrained: t.examples,
		Seconds: t.elapsed(), TrainSeconds: t.priorTrn + t.trainTime.Seconds(),
		FullTestErrors: nonNil(t.log.FullTests), TrainingErrors: nonNil(t.log.TrainErrors),
		Mode: string(cfg.Mode), Profile: string(cfg.Profile), Layers: cfg.Layers, Seed: cfg.Seed,
		Workers: t.workers, GOMAXPROCS: runtime.GOMAXPROCS(0), Version: Version,
		Finished: time.Now().UTC().Format(time.RFC3339), TestSet: t.testName}
	if s.TrainSeconds > 0 {
		s.ExamplesPerSecond = float64(t.examples) / s.TrainSeconds
	}
	s.TestExamples = cfg.TestExamples
	if s.TestExamples == 0 || s.TestExamples > t.test.N {
		s.TestExamples = t.test.N
	}
	s.FinalTestError = math.NaN()
	if n := len(t.log.FullTests); n > 0 {
		s.FinalTestError = t.log.FullTests[n-1]
	}
	if math.IsNaN(s.FinalTestError) {
		s.FinalTestError = -1
	}
	return s
}

func nonNil(v []float64) []float64 {
	if v == nil {
		return []float64{}
	}
	return v
}

func (t *trainer) finish() (*Summary, error) {
	cfg := t.cfg
	var repeats []float64
	if cfg.RepeatTests > 1 {
		for r := 0; r < cfg.RepeatTests; r++ {
			e := t.evaluate(cfg.TestExamples, nil)
			repeats = append(repeats, e)
			t.metric("repeat", e, math.NaN())
			t.prog.test("repeat", e)
		}
	}
	if n := cfg.RecordHiddenActivity; n > 0 {
		if err := t.recordActivity(n); err != nil {
			return nil, err
		}
	}
	if err := t.net.Save(filepath.Join(t.dir, "weights", "final")); err != nil {
		return nil, err
	}
	if err := t.log.Save(t.dir); err != nil {
		return nil, err
	}
	s := t.summary("complete")
	if len(repeats) > 0 {
		s.RepeatTestErrors = repeats
		m, sd, _, _ := stats.Summary(repeats)
		s.RepeatTestMean, s.RepeatTestSD = m, sd
		s.FinalTestError = m
	}
	if err := writeJSON(filepath.Join(t.dir, SummaryFile), s); err != nil {
		return nil, err
	}
	return s, nil
}
