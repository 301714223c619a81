package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/dendrite-lab/dendrite/internal/stats"
	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/option"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/record"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

// Version is written into every summary.
const Version = "0.1.0"

// ErrInterrupted is returned when the context was cancelled (SIGINT/SIGTERM):
// a checkpoint was written and the run can be resumed.
var ErrInterrupted = errors.New("run interrupted; continue it with Options.Resume")

// ErrAborted is returned when a second interrupt (Options.Abort) stopped the
// run before a consistent checkpoint could be written: the folder is marked
// aborted and cannot be resumed.
var ErrAborted = errors.New("run aborted by a second interrupt")

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
	// DataDir holds the four IDX files ("" = MNIST from the Go module),
	// images of any size (the headers'; training and test alike) and
	// labels 0…9. On
	// resume, "" means the data recorded in the run's provenance.json.
	DataDir string
	// AllowOtherData lets a resumed run continue on data whose digests differ
	// from the recorded ones.
	AllowOtherData bool
	// Train and Test, when set, are used instead of loading DataDir (which
	// must still name where they came from, for provenance.json). Both or
	// neither must be set: a Train without a Test is an error. Any image
	// size and any number of classes ≥ 2 work (see dataset.Images), when the
	// output layer is a multiple of the class count.
	Train, Test dataset.Images
	// Data, when set, describes Train and Test for provenance.json (saves
	// digesting the files again when many runs share one data set).
	Data *rundir.DataSource
	// Abort, when it closes (a second Ctrl-C), stops the run at once: the
	// checkpoint of the last finished example is written if the trainer is
	// between examples within AbortWait, else the folder is marked aborted.
	Abort <-chan struct{}
	// OnStart, when set, is called once everything has been checked and the
	// folder is ready, just before training starts (a command prints its
	// "training …" line there, so that a refused run prints only its error).
	OnStart func()
	// Notice receives one-line notices about the run folder (an extended
	// run's config, the data used on resume); nil = Progress.
	Notice io.Writer
	// Progress receives progress output (nil = none).
	Progress io.Writer
	// Terminal draws a live progress line instead of log lines.
	Terminal bool
	// LogEvery is the number of examples between plain progress lines; 0 =
	// one line a minute (and one at the end of every epoch).
	LogEvery int
	// Logger, when set, receives structured progress events instead.
	Logger *slog.Logger
	// StopAfter stops (as if interrupted) after this many examples have been
	// trained in this process; 0 = never. Used by tests of resume.
	StopAfter int
}

// trainer is the state of one run in this process.
type trainer struct {
	cfg      *config.Config
	dir      string
	opts     Options
	train    dataset.Images
	test     dataset.Images
	par      model.Params
	hooks    Hooks
	testName string
	nTrain   int
	net      *network.Net
	sim      *sim.Sim
	log      *record.Log
	prog     progress
	workers  int
	prov     *rundir.Provenance

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
	// time spent testing in this process and the images it tested, for the
	// ETA of the whole run
	testTime   time.Duration
	testImages int

	// snap is the summary as of the last checkpoint, read by guard when a
	// second interrupt does not wait for the training goroutine.
	snap atomic.Pointer[Summary]
}

// AbortWait is how long a second interrupt waits for the training goroutine
// to write the checkpoint of the example it is at.
var AbortWait = time.Second

// guard runs the loop; when Options.Abort closes before it ends and it does
// not end within AbortWait, guard returns at once with the folder in a
// consistent state: the last checkpoint (status interrupted), or, when this
// run has none yet, status aborted. The lock is released by Train's caller
// returning; the loop goroutine, which sees the cancelled context, stops at
// its next check.
func (t *trainer) guard(ctx context.Context) (*Summary, error) {
	if t.opts.Abort == nil {
		return t.loop(ctx)
	}
	if t.opts.Resume {
		t.snap.Store(t.summary(rundir.Interrupted))
	}
	type result struct {
		s   *Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := t.loop(ctx)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-t.opts.Abort:
	}
	select {
	case r := <-done:
		return r.s, r.err
	case <-time.After(AbortWait):
	}
	if s := t.snap.Load(); s != nil {
		c := *s
		c.Error = "stopped by a second interrupt; resumes from the last checkpoint"
		rundir.WriteSummary(t.dir, &c)
		return &c, ErrInterrupted
	}
	s := &Summary{Status: rundir.Aborted, Error: "stopped by a second interrupt before the first checkpoint; cannot be resumed",
		Mode: string(t.cfg.Mode), Profile: string(t.cfg.Profile), Layers: t.cfg.Layers, Seed: t.cfg.Seed, Version: Version,
		FullTestErrors: []float64{}, TrainingErrors: []float64{}, Finished: time.Now().UTC().Format(time.RFC3339)}
	if err := rundir.WriteSummary(t.dir, s); err != nil {
		return s, errors.Join(ErrAborted, err)
	}
	return s, ErrAborted
}

// Train runs the experiment cfg into dir (see the package doc).
//
// Everything the run needs is checked before the folder is touched: the
// config, the paths (dir apart from Options.DataDir and InitWeights), the
// data and the initial weights. Only then is a folder replaced
// (Options.Overwrite, and only a run folder of ours) and the new run
// written. Errors name the Options and Config fields; the CLI words them as
// its flags.
//
// The config is resolved first (config.Config.Resolve: empty Etas are the
// paper's rates) and validated against the data's class count. To train
// without a run folder, or to get the trained network back, use Trainer.
func Train(ctx context.Context, cfg config.Config, dir string, opts Options) (*Summary, error) {
	_, s, err := trainInto(ctx, cfg, dir, opts, Hooks{})
	return s, err
}

// classesOf is the class count the config is validated against: the given
// training set's, else MNIST's 10.
func classesOf(train dataset.Images) int {
	if train == nil {
		return 10
	}
	return train.NumClasses()
}

func trainInto(ctx context.Context, cfg config.Config, dir string, opts Options, hooks Hooks) (*trainer, *Summary, error) {
	if dir == "" {
		return nil, nil, errors.New("run: no output folder (use Trainer to train in memory)")
	}
	cfg.Resolve()
	if err := cfg.ValidateFor(classesOf(opts.Train)); err != nil {
		return nil, nil, err
	}
	t := &trainer{cfg: &cfg, dir: dir, opts: opts, lastQuick: math.NaN(), hooks: hooks}
	if err := checkPaths(dir, &t.opts); err != nil {
		return nil, nil, err
	}
	var clear bool
	if opts.Resume {
		if !rundir.HasCheckpoint(dir) {
			return nil, nil, fmt.Errorf("Options.Resume %s: no checkpoint (%s) to resume from", dir, rundir.CheckpointFile)
		}
		if s, err := rundir.ReadSummary(dir); err == nil && s.Status == rundir.Aborted {
			return nil, nil, fmt.Errorf("Options.Resume %s: the run was aborted by a second interrupt and cannot be resumed; start it again with Options.Overwrite", dir)
		}
		data, prov, err := rundir.DataFor(dir, opts.DataDir)
		if err != nil {
			return nil, nil, err
		}
		t.prov, t.opts.DataDir = prov, data
	} else {
		var err error
		if clear, err = checkNewFolder(dir, opts.Overwrite); err != nil {
			return nil, nil, err
		}
	}
	if err := t.loadData(); err != nil {
		if opts.Resume && opts.DataDir == "" && t.prov != nil && t.opts.Train == nil {
			err = fmt.Errorf("%w (the data recorded in %s; set Options.DataDir to read a copy elsewhere)", err, rundir.ProvenanceFile)
		}
		return nil, nil, err
	}
	if opts.Resume && (t.opts.Train == nil || t.opts.Data != nil) {
		var err error
		if t.opts.Data != nil {
			err = rundir.CompareData(t.prov, *t.opts.Data)
		} else {
			err = rundir.CheckData(t.prov, t.opts.DataDir)
		}
		if err != nil {
			if !errors.Is(err, rundir.ErrOtherData) || !opts.AllowOtherData {
				if errors.Is(err, rundir.ErrOtherData) {
					err = fmt.Errorf("Options.Resume %s: %w (set Options.AllowOtherData to continue on them anyway)", dir, err)
				}
				return nil, nil, err
			}
			t.notice("continuing on other data than the run recorded (Options.AllowOtherData): %v", err)
		}
	}
	if err := t.build(); err != nil {
		return nil, nil, err
	}
	if !opts.Resume {
		prov, err := t.provenance()
		if err != nil {
			return nil, nil, err
		}
		if clear {
			if err := rundir.Clear(dir); err != nil {
				return nil, nil, err
			}
		}
		if err := rundir.Create(dir); err != nil {
			return nil, nil, err
		}
		t.prov = prov
	}
	unlock, err := rundir.Lock(dir)
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	if err := t.setup(); err != nil {
		return nil, nil, err
	}
	sum, err := t.begin(&cfg, opts, func() (*rundir.Summary, error) { return t.guard(ctx) })
	return t, sum, err
}

// begin starts the clock and the progress display of a set-up trainer, runs
// body and closes the display: the part of a run that the folder and the
// in-memory trainers share.
func (t *trainer) begin(cfg *config.Config, opts Options, body func() (*rundir.Summary, error)) (*rundir.Summary, error) {
	t.workers = cfg.Workers
	if t.workers <= 0 {
		t.workers = runtime.GOMAXPROCS(0)
	}
	if opts.OnStart != nil {
		opts.OnStart()
	}
	t.prog = newProgress(opts, cfg, t.nTrain)
	t.start = time.Now()
	s, err := body()
	t.prog.done()
	return s, err
}

// notice writes one line to Options.Notice (or Progress).
func (t *trainer) notice(format string, a ...any) {
	w := t.opts.Notice
	if w == nil {
		w = t.opts.Progress
	}
	if w != nil {
		fmt.Fprintf(w, "dendrite: "+format+"\n", a...)
	}
	if t.opts.Logger != nil {
		t.opts.Logger.Info(fmt.Sprintf(format, a...))
	}
}

// provenance describes the new run's inputs.
func (t *trainer) provenance() (*rundir.Provenance, error) {
	if t.opts.Data != nil {
		p := &rundir.Provenance{Data: *t.opts.Data, Program: rundir.ThisProgram(), Kernels: sim.Kernels(), Created: time.Now().UTC().Format(time.RFC3339)}
		if t.opts.InitWeights != "" {
			fs, err := rundir.DescribeFolder(t.opts.InitWeights)
			if err != nil {
				return nil, err
			}
			p.InitWeights = fs
		}
		return p, nil
	}
	return rundir.NewProvenance(t.opts.DataDir, t.opts.InitWeights, sim.Kernels())
}

func (t *trainer) loadData() error {
	train, test := t.opts.Train, t.opts.Test
	switch {
	case train != nil && test == nil:
		return errors.New("data: a training set without a test set; give both (Options.Test, Trainer.Test), or neither to load MNIST")
	case train == nil && test != nil:
		return errors.New("data: a test set without a training set; give both, or neither to load MNIST")
	case train == nil:
		// MNIST from the Go module, or any IDX data set: images of any
		// size (the header's), labels 0…9.
		load := dataset.LoadDir
		if t.opts.DataDir == "" {
			load = dataset.LoadMNIST
		}
		tr, te, err := load(t.opts.DataDir)
		if err != nil {
			return err
		}
		train, test = tr, te
	}
	if err := checkData("training set", train); err != nil {
		return err
	}
	if err := checkData("test set", test); err != nil {
		return err
	}
	rows, cols := train.Shape()
	if r, c := test.Shape(); r != rows || c != cols {
		return fmt.Errorf("data: training images are %d×%d, test images %d×%d; want one shape", rows, cols, r, c)
	}
	if k, kt := train.NumClasses(), test.NumClasses(); k != kt {
		return fmt.Errorf("data: the training set has %d classes, the test set %d; want the same", k, kt)
	}
	if err := t.cfg.ValidateFor(train.NumClasses()); err != nil {
		return err
	}
	t.testName = "test"
	if v := t.cfg.Validation; v > 0 {
		n := train.Len()
		if v >= n {
			return fmt.Errorf("config field \"validation\": got %d, want fewer than the %d training images", v, n)
		}
		train, test = span{train, 0, n - v}, span{train, n - v, v}
		t.testName = "validation"
	}
	t.train, t.test = train, test
	t.nTrain = train.Len()
	if n := t.cfg.TrainExamples; n > 0 {
		if n > train.Len() {
			return fmt.Errorf("config field \"train_examples\": got %d, want at most the %d training images", n, train.Len())
		}
		t.nTrain = n
	}
	if n := t.cfg.TestExamples; n > test.Len() {
		return fmt.Errorf("config field \"test_examples\": got %d, want at most the %d %s images (0 tests on all of them; the default, 10000, is MNIST's test set)", n, test.Len(), t.testName)
	}
	t.par = t.cfg.Model()
	t.par.Network.Classes = train.NumClasses()
	return nil
}

// checkData checks a set's size, shape, classes and every example's length
// and label once, so that training and tests cannot meet a bad example.
func checkData(name string, set dataset.Images) error {
	if err := dataset.Check(name, set); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	return nil
}

// span is examples [lo, lo+n) of a set (the validation split).
type span struct {
	dataset.Images
	lo, n int
}

func (s span) Len() int            { return s.n }
func (s span) Image(i int) []uint8 { return s.Images.Image(s.lo + i) }
func (s span) Label(i int) int     { return s.Images.Label(s.lo + i) }

// Seeds of the run's random streams, all derived from Config.Seed.
func initRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x494e4954)) }
func epochPerm(seed uint64, epoch, n int) []int {
	return rand.New(rand.NewPCG(seed, 0x53485546<<8|uint64(epoch))).Perm(n)
}
func testSeed(seed uint64, test int64) uint64 {
	return seed*0x9e3779b97f4a7c15 ^ uint64(test+1)*0xbf58476d1ce4e5b9
}

// build makes the network and the simulator, loading Options.InitWeights (which
// validates them) for a new run.
func (t *trainer) build() error {
	cfg := t.cfg
	hidden := cfg.Layers[:len(cfg.Layers)-1]
	t.log = record.NewLog(hidden)
	rows, cols := t.train.Shape()
	pixels := rows * cols
	if t.opts.Resume {
		t.net = network.NewShape(pixels, cfg.Layers, cfg.Broadcast, cfg.FeedbackBias != option.BiasNone)
		t.sim = sim.New(t.par, t.net, cfg.Seed)
		t.sim.LazyTrainRates = t.hooks.Example == nil // nothing else reads its HiddenRates
		return nil
	}
	t.net = network.New(t.par, pixels, initRNG(cfg.Seed))
	if t.opts.InitWeights != "" {
		if err := t.net.Load(t.opts.InitWeights); err != nil {
			return err
		}
		if cfg.Symmetric {
			t.net.Symmetrize(cfg.NoisySymmetric, cfg.SymmetricNoiseSD, initRNG(cfg.Seed^1))
		}
	}
	t.sim = sim.New(t.par, t.net, cfg.Seed)
	t.sim.LazyTrainRates = t.hooks.Example == nil // nothing else reads its HiddenRates
	t.epoch = 1
	return nil
}

// setup restores a resumed run, or writes a new run's config, defaults,
// provenance and initial weights.
func (t *trainer) setup() error {
	cfg := t.cfg
	if t.opts.Resume {
		return t.restore()
	}
	if err := rundir.WriteFile(rundir.Path(t.dir, rundir.ConfigFile), cfg.JSON()); err != nil {
		return err
	}
	d := config.Default(cfg.Profile)
	d.Mode, d.Layers = cfg.Mode, cfg.Layers
	d.Resolve()
	if err := rundir.WriteFile(rundir.Path(t.dir, rundir.DefaultsFile), d.JSON()); err != nil {
		return err
	}
	if err := rundir.WriteProvenance(t.dir, t.prov); err != nil {
		return err
	}
	return t.net.Save(rundir.Weights(t.dir, "initial"))
}

func (t *trainer) elapsed() float64 { return t.priorWall + time.Since(t.start).Seconds() }

// evaluate runs one test of n images of the test set (0 = all) and returns
// the error in percent. When ctx is cancelled during the test it stops
// within an image per worker and returns ok = false, leaving the trainer as
// if the test had not started (a resumed run repeats it bit-identically).
func (t *trainer) evaluate(ctx context.Context, n int, activity func(k int, s *sim.Sim)) (errPct float64, ok bool) {
	if n <= 0 || n > t.test.Len() {
		n = t.test.Len()
	}
	seed := testSeed(t.cfg.Seed, t.tests)
	idx := testImages(t.cfg.Seed, t.tests, t.test.Len(), n)
	t0 := time.Now()
	ev, err := sim.EvaluateContext(ctx, t.par, t.net, t.test, idx, seed, t.workers, activity)
	if err != nil {
		return math.NaN(), false
	}
	t.testTime += time.Since(t0)
	t.testImages += n
	t.tests++
	// Simulated time runs on through tests (docs/model.md#training-schedule), as if the test
	// images had been shown one after the other.
	t.sim.TestsShown(n)
	return ev.ErrorPercent(), true
}

// testImages returns the test images of the run's test number k (0 = the
// first test of the run, counting initial, quick, full and repeated tests
// in order): the first n of a permutation of the test set's len indices
// drawn from the seed and k. Every test thus draws its own images; a full
// test (n = len) shows all of them, in that order.
func testImages(seed uint64, k int64, len, n int) []int {
	return rand.New(rand.NewPCG(testSeed(seed, k), 0x54455354)).Perm(len)[:n]
}

func (t *trainer) metric(kind string, testErr float64, trainErr float64) {
	lm := math.NaN()
	if t.lossN > 0 {
		lm = t.lossSum / float64(t.lossN)
	}
	t.lossSum, t.lossN = 0, 0
	t.log.Metrics = append(t.log.Metrics, rundir.Metric{Kind: kind, Epoch: t.epoch, Examples: float64(t.examples),
		TestError: testErr, TrainError: trainErr, LossMean: lm, Seconds: t.elapsed()})
	if kind == rundir.KindInitial {
		t.log.Metrics[len(t.log.Metrics)-1].Epoch = 0
	}
}

func (t *trainer) loop(ctx context.Context) (*Summary, error) {
	cfg := t.cfg
	if cfg.InitialTest && !t.initialDone {
		e, ok := t.evaluate(ctx, cfg.TestExamples, nil)
		if !ok {
			return t.stopInTest()
		}
		t.log.FullTests = append(t.log.FullTests, e)
		t.metric(rundir.KindInitial, e, math.NaN())
		t.prog.test(rundir.KindInitial, e)
		t.testHook(rundir.KindInitial, e)
		t.initialDone = true
	}
	t.initialDone = true
	trainedHere := 0
	switch step := t.hooks.Step; {
	case cfg.RecordVoltages && step != nil:
		t.sim.Trace = func(s *sim.Sim, phase, k int) {
			t.traceVoltages(s, phase, k)
			step(s, phase, k)
		}
	case cfg.RecordVoltages:
		t.sim.Trace = t.traceVoltages
	case step != nil:
		t.sim.Trace = step
	}
	for t.epoch <= cfg.Epochs {
		perm := identity(t.train.Len())
		if cfg.Shuffle {
			perm = epochPerm(cfg.Seed, t.epoch, t.train.Len())
		}
		for t.index < t.nTrain {
			i := perm[t.index]
			t0 := time.Now()
			res := t.sim.Train(t.train.Image(i), t.train.Label(i))
			if res.Err != nil {
				return nil, fmt.Errorf("training example %d: %w", i, res.Err)
			}
			t.trainTime += time.Since(t0)
			if !res.Finite {
				return t.blowUp()
			}
			t.index++
			t.examples++
			trainedHere++
			t.recordExample(&res)
			if h := t.hooks.Example; h != nil {
				h(Example{Epoch: t.epoch, Position: t.index - 1, Index: i, Examples: t.examples, Result: &res, Sim: t.sim})
			}
			if cfg.QuickTestExamples > 0 && t.index%cfg.QuickTestEvery == 0 && t.index < t.nTrain {
				// Quick tests are short and run to their end: the position
				// after this example has no place for a half-done test.
				e, _ := t.evaluate(context.Background(), cfg.QuickTestExamples, nil)
				t.lastQuick = e
				t.log.QuickTests = append(t.log.QuickTests, e)
				t.log.QuickAt = append(t.log.QuickAt, t.examples)
				t.metric(rundir.KindQuick, e, 100*float64(t.wrong)/float64(t.index))
				t.prog.test(rundir.KindQuick, e)
				t.testHook(rundir.KindQuick, e)
			}
			t.prog.example(t.epoch, t.index, t.wrong, t.lastQuick, t.eta(trainedHere))
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
		e, ok := t.evaluate(ctx, cfg.TestExamples, nil)
		if !ok {
			return t.stopInTest()
		}
		trainErr := 100 * float64(t.wrong) / float64(t.nTrain)
		t.log.FullTests = append(t.log.FullTests, e)
		if cfg.RecordTrainingError {
			t.log.TrainErrors = append(t.log.TrainErrors, trainErr)
		}
		t.metric(rundir.KindFull, e, trainErr)
		t.prog.epochEnd(t.epoch, e, trainErr)
		t.testHook(rundir.KindFull, e)
		if err := t.net.CheckFinite(); err != nil {
			return t.blowUp()
		}
		if cfg.SaveEpochWeights && t.dir != "" {
			if err := t.net.Save(rundir.EpochWeights(t.dir, t.epoch)); err != nil {
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
	return t.finish(ctx)
}

// stopInTest ends a run whose initial or end-of-epoch test was interrupted:
// the checkpoint holds the position before the test, which a resumed run
// repeats.
func (t *trainer) stopInTest() (*Summary, error) {
	if err := t.checkpoint(); err != nil {
		return nil, err
	}
	return t.interrupted()
}

// eta estimates the seconds to the end of the run: the remaining training
// examples of every epoch at this process's training speed, and the
// remaining test images (quick, end-of-epoch, repeated, activity) at its
// testing speed (the training speed until a test has been timed). NaN until
// an example has been trained.
func (t *trainer) eta(trainedHere int) float64 {
	if trainedHere == 0 || t.trainTime <= 0 {
		return math.NaN()
	}
	cfg := t.cfg
	perExample := t.trainTime.Seconds() / float64(trainedHere)
	perImage := perExample
	if t.testImages > 0 {
		perImage = t.testTime.Seconds() / float64(t.testImages)
	}
	epochsLeft := cfg.Epochs - t.epoch // after the current one
	train := float64(epochsLeft*t.nTrain + t.nTrain - t.index)
	full := cfg.TestExamples
	if full <= 0 || full > t.test.Len() {
		full = t.test.Len()
	}
	tests := (epochsLeft + 1) * full
	if cfg.RepeatTests > 1 {
		tests += cfg.RepeatTests * full
	}
	tests += min(cfg.RecordHiddenActivity, t.test.Len())
	if q, every := cfg.QuickTestExamples, cfg.QuickTestEvery; q > 0 && every > 0 {
		perEpoch := (t.nTrain - 1) / every
		thisEpoch := perEpoch - t.index/every
		tests += q * (max(0, thisEpoch) + epochsLeft*perEpoch)
	}
	return train*perExample + float64(tests)*perImage
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
	if cfg.RecordHiddenLoss {
		for m := range len(cfg.Layers) - 1 {
			t.log.HiddenLoss = append(t.log.HiddenLoss, t.sim.HiddenLoss(m))
		}
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
		t.log.Volt = append(t.log.Volt, float64(ex), float64(phase), float64(step), float64(s.Now()), float64(c.VoltageLayer), float64(i), a, B[i], C[i])
	}
}

func (t *trainer) blowUp() (*Summary, error) {
	where := "a somatic potential or the loss became non-finite"
	if err := t.net.CheckFinite(); err != nil {
		where = err.Error()
	}
	if t.dir == "" {
		err := fmt.Errorf("%w at training example %d (epoch %d, example %d of the epoch): %s. "+
			"The learning rates are probably too large: try smaller values in config field \"etas\" (got %v)",
			ErrBlowUp, t.examples+1, t.epoch, t.index+1, where, t.cfg.Etas)
		s := t.summary(rundir.Failed)
		s.Error = err.Error()
		return s, err
	}
	err := fmt.Errorf("%w at training example %d (epoch %d, example %d of the epoch): %s. "+
		"The learning rates are probably too large (etas = %v): try smaller Config.Etas. The last good checkpoint (%s) was left as it was",
		ErrBlowUp, t.examples+1, t.epoch, t.index+1, where, t.cfg.Etas, rundir.Path(t.dir, rundir.CheckpointFile))
	s := t.summary(rundir.Failed)
	s.Error = err.Error()
	if werr := rundir.WriteSummary(t.dir, s); werr != nil {
		return s, errors.Join(err, werr)
	}
	return s, err
}

func (t *trainer) interrupted() (*Summary, error) {
	if t.dir == "" {
		s := t.summary(rundir.Interrupted)
		return s, fmt.Errorf("%w at epoch %d, example %d of %d", ErrStopped, t.epoch, t.index, t.nTrain)
	}
	if err := t.log.Save(t.dir); err != nil {
		return nil, err
	}
	s := t.summary(rundir.Interrupted)
	if err := rundir.WriteSummary(t.dir, s); err != nil {
		return nil, err
	}
	t.snap.Store(s)
	return s, ErrInterrupted
}

// summary describes the run's position; FinalTestError is left unset (only
// finish, after the final test, sets it).
func (t *trainer) summary(status rundir.Status) *Summary {
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
	if s.TestExamples == 0 || s.TestExamples > t.test.Len() {
		s.TestExamples = t.test.Len()
	}
	return s
}

func nonNil(v []float64) []float64 {
	if v == nil {
		return []float64{}
	}
	return v
}

// finish runs the repeated tests and the activity recording, then writes the
// final weights, the records and the complete summary. Interrupted, it
// leaves the trainer as the last epoch's checkpoint has it (which a resumed
// run finishes).
func (t *trainer) finish(ctx context.Context) (*Summary, error) {
	cfg := t.cfg
	tests0, time0, metrics0 := t.tests, t.sim.Now(), len(t.log.Metrics)
	rollback := func() (*Summary, error) {
		t.tests, t.log.Metrics = tests0, t.log.Metrics[:metrics0]
		t.sim.RewindTests(time0)
		return t.interrupted()
	}
	var repeats []float64
	if cfg.RepeatTests > 1 {
		for r := 0; r < cfg.RepeatTests; r++ {
			e, ok := t.evaluate(ctx, cfg.TestExamples, nil)
			if !ok {
				return rollback()
			}
			repeats = append(repeats, e)
			t.metric(rundir.KindRepeat, e, math.NaN())
			t.prog.test(rundir.KindRepeat, e)
			t.testHook(rundir.KindRepeat, e)
		}
	}
	if n := cfg.RecordHiddenActivity; n > 0 {
		ok, err := t.recordActivity(ctx, n)
		if err != nil {
			return nil, err
		}
		if !ok {
			return rollback()
		}
	}
	if t.dir != "" {
		if err := t.net.Save(rundir.Weights(t.dir, "final")); err != nil {
			return nil, err
		}
		if err := t.log.Save(t.dir); err != nil {
			return nil, err
		}
	}
	s := t.summary(rundir.Complete)
	if n := len(t.log.FullTests); n > 0 {
		e := t.log.FullTests[n-1]
		s.FinalTestError = &e
	}
	if len(repeats) > 0 {
		s.RepeatTestErrors = repeats
		m, sd, _, _ := stats.Summary(repeats)
		s.RepeatTestMean, s.RepeatTestSD = m, sd
		s.FinalTestError = &m
	}
	if t.dir == "" {
		return s, nil
	}
	if err := rundir.WriteSummary(t.dir, s); err != nil {
		return nil, err
	}
	return s, nil
}

// testHook reports a test to Hooks.Test.
func (t *trainer) testHook(kind string, e float64) {
	if h := t.hooks.Test; h != nil {
		ep := t.epoch
		if kind == rundir.KindInitial {
			ep = 0
		} else if kind == rundir.KindRepeat {
			ep = t.cfg.Epochs
		}
		h(TestResult{Kind: kind, Epoch: ep, Examples: t.examples, Error: e})
	}
}
