// Package plottest writes small synthetic run folders, laid out as
// docs/run-folder.md describes, for tests and examples of the plot and
// report packages. The numbers look like a training run but come from a
// seeded random generator, not from a model.
package plottest

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/dendrite-lab/dendrite/npy"
)

// Options sizes a synthetic run. Zero fields take the defaults noted.
type Options struct {
	// Epochs is the number of epochs (default 3).
	Epochs int
	// ExamplesPerEpoch is the number of training examples per epoch
	// (default 2000).
	ExamplesPerEpoch int
	// Hidden is the number of hidden neurons of the single hidden layer
	// (default 100).
	Hidden int
	// Seed seeds the generator (default 1).
	Seed uint64
	// FinalError is the final test error in percent (default 4.2).
	FinalError float64
}

func (o *Options) defaults() {
	if o.Epochs == 0 {
		o.Epochs = 3
	}
	if o.ExamplesPerEpoch == 0 {
		o.ExamplesPerEpoch = 2000
	}
	if o.Hidden == 0 {
		o.Hidden = 100
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.FinalError == 0 {
		o.FinalError = 4.2
	}
}

// Config is the config.json WriteRun writes (a subset of the real keys).
var Config = map[string]any{
	"mode": "spiking", "profile": "paper", "layers": []int{100, 10},
	"etas": []float64{0.21, 0.21}, "epochs": 3, "test_examples": 10000,
	"quick_test_examples": 100, "quick_test_every": 500, "seed": 7,
	"initial_test": true, "broadcast": true, "g_a": 0.05, "feedback_bias": "fixed",
	"record_voltages": true, "voltage_neurons": []int{0, 1, 2},
}

// Defaults is the config.defaults.json WriteRun writes: it differs from
// Config in epochs, quick_test_every, seed, g_a and record_voltages.
var Defaults = map[string]any{
	"mode": "spiking", "profile": "paper", "layers": []int{100, 10},
	"etas": []float64{0.21, 0.21}, "epochs": 1, "test_examples": 10000,
	"quick_test_examples": 100, "quick_test_every": 1000, "seed": 1,
	"initial_test": true, "broadcast": true, "g_a": 0, "feedback_bias": "fixed",
	"record_voltages": false, "voltage_neurons": []int{0, 1, 2},
}

// WriteRun writes a complete synthetic run folder into dir: config.json,
// config.defaults.json, summary.json, metrics.csv, weights/{initial,
// epoch_E, final}/W_0.npy and every record of docs/run-folder.md.
func WriteRun(dir string, o Options) error {
	o.defaults()
	rng := rand.New(rand.NewPCG(o.Seed, 42))
	w := &writer{dir: dir}
	n := o.Epochs * o.ExamplesPerEpoch
	cfg := map[string]any{}
	for k, v := range Config {
		cfg[k] = v
	}
	cfg["epochs"] = o.Epochs
	cfg["layers"] = []int{o.Hidden, 10}
	w.json("config.json", cfg)
	w.json("config.defaults.json", Defaults)

	// Error curve: exponential decay from 90 % to FinalError.
	errAt := func(ex float64) float64 {
		return o.FinalError + (90-o.FinalError)*math.Exp(-ex/float64(o.ExamplesPerEpoch)*2.2)
	}
	var metrics strings.Builder
	metrics.WriteString("kind,epoch,examples,test_error,train_error,loss_mean,seconds\n")
	fullErrs := []float64{90.2}
	fmt.Fprintf(&metrics, "initial,0,0,90.2,,,1.5\n")
	var quick []float64
	var quickEx []int64
	var trainErrs []float64
	for e := 1; e <= o.Epochs; e++ {
		for ex := 500; ex <= o.ExamplesPerEpoch; ex += 500 {
			total := (e-1)*o.ExamplesPerEpoch + ex
			q := math.Max(0, errAt(float64(total))+rng.NormFloat64()*2)
			quick = append(quick, q)
			quickEx = append(quickEx, int64(total))
			tr := errAt(float64(total-ex/2)) + 1.5
			fmt.Fprintf(&metrics, "quick,%d,%d,%.1f,%.2f,%.4f,%.1f\n", e, total, q, tr, 0.1+errAt(float64(total))/200, float64(total)/40)
		}
		total := e * o.ExamplesPerEpoch
		f := errAt(float64(total))
		tr := errAt(float64(total)-float64(o.ExamplesPerEpoch)/2) + 1.5
		fullErrs = append(fullErrs, f)
		trainErrs = append(trainErrs, tr)
		fmt.Fprintf(&metrics, "full,%d,%d,%.2f,%.2f,%.4f,%.1f\n", e, total, f, tr, 0.1+f/200, float64(total)/40+5)
	}
	w.text("metrics.csv", metrics.String())
	w.json("summary.json", map[string]any{
		"final_test_error": fullErrs[len(fullErrs)-1], "epochs": o.Epochs, "examples_trained": n,
		"seconds": float64(n)/40 + 5, "examples_per_second": 40.0, "test_examples": 10000,
		"full_test_errors": fullErrs, "mode": "spiking", "layers": []int{o.Hidden, 10},
		"seed": 7, "status": "complete", "version": "test",
	})

	// Weights: random at first, then smooth blob-and-stroke fields.
	initial := make([]float64, o.Hidden*784)
	for i := range initial {
		initial[i] = rng.NormFloat64() * 0.1
	}
	w.npy("weights/initial/W_0.npy", []int{o.Hidden, 784}, initial)
	final := make([]float64, len(initial))
	for i := 0; i < o.Hidden; i++ {
		cx, cy := 6+rng.Float64()*16, 6+rng.Float64()*16
		th := rng.Float64() * math.Pi
		f := 0.15 + rng.Float64()*0.2
		for r := 0; r < 28; r++ {
			for c := 0; c < 28; c++ {
				dx, dy := float64(c)-cx, float64(r)-cy
				g := math.Exp(-(dx*dx + dy*dy) / 40)
				u := dx*math.Cos(th) + dy*math.Sin(th)
				final[i*784+r*28+c] = g*math.Cos(2*math.Pi*f*u) + initial[i*784+r*28+c]*0.3
			}
		}
	}
	for e := 1; e <= o.Epochs; e++ {
		w.npy(fmt.Sprintf("weights/epoch_%d/W_0.npy", e), []int{o.Hidden, 784}, final)
	}
	w.npy("weights/final/W_0.npy", []int{o.Hidden, 784}, final)

	// Per-example records.
	loss := make([]float64, n)
	angles := make([]float64, n)
	eig := make([]float64, n)
	eigPM := make([]float64, n)
	eigW := make([]float64, n)
	labels := make([]int64, n)
	preds := make([]int64, n)
	for i := range loss {
		p := errAt(float64(i)) / 100
		loss[i] = math.Abs(p*0.8 + rng.NormFloat64()*0.15*p + rng.ExpFloat64()*0.05)
		angles[i] = 88 - 30*(1-math.Exp(-float64(i)/float64(o.ExamplesPerEpoch))) + rng.NormFloat64()*8
		eig[i] = 0.9 - 0.4*(1-math.Exp(-float64(i)/1500)) + rng.NormFloat64()*0.03
		eigPM[i] = eig[i] + 0.05 + rng.NormFloat64()*0.02
		eigW[i] = 0.95 - 0.3*(1-math.Exp(-float64(i)/2500)) + rng.NormFloat64()*0.02
		labels[i] = int64(rng.IntN(10))
		preds[i] = labels[i]
		if rng.Float64() < p {
			preds[i] = int64(rng.IntN(10))
		}
	}
	w.npy("records/final_layer_loss.npy", []int{n}, loss)
	w.npy("records/bp_angles.npy", []int{n}, angles)
	w.npy("records/max_jacobian_eigvals.npy", []int{n}, eig)
	w.npy("records/max_jacobian_eigvals_prodmean.npy", []int{n}, eigPM)
	w.npy("records/max_weight_eigvals.npy", []int{n}, eigW)
	w.int64("records/training_labels.npy", []int{n}, labels)
	w.int64("records/train_predictions.npy", []int{n}, preds)
	w.npy("records/training_errors.npy", []int{len(trainErrs)}, trainErrs)
	w.npy("records/full_test_errors.npy", []int{len(fullErrs)}, fullErrs)
	w.npy("records/quick_test_errors.npy", []int{len(quick)}, quick)
	w.int64("records/quick_test_examples.npy", []int{len(quickEx)}, quickEx)

	// Phase times and plateau times: 50 ms phases, plateaus jittered just
	// before each phase end.
	phase := make([]float64, 2*n)
	t := 0.0
	for i := range phase {
		t += 50 + float64(rng.IntN(4))
		phase[i] = t
	}
	w.npy("records/phase_times.npy", []int{2 * n}, phase)
	plateau := make([]float64, 2*n*o.Hidden)
	for r := 0; r < 2*n; r++ {
		for j := 0; j < o.Hidden; j++ {
			plateau[r*o.Hidden+j] = phase[r] - float64(rng.IntN(6))
		}
	}
	w.npy("records/plateau_times_0.npy", []int{2 * n, o.Hidden}, plateau)

	// Voltages of neurons 0–2 of hidden layer 0 and neuron 0 of the output
	// layer for examples 0 and 3.
	var v strings.Builder
	v.WriteString("example,phase,step,time_ms,layer,neuron,A,B,C\n")
	for _, ex := range []int{0, 3} {
		start := 0.0
		if ex > 0 {
			start = phase[2*ex-1]
		}
		for _, nk := range [][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}} {
			layer, neuron := nk[0], nk[1]
			a, b, c := 0.0, 0.0, 0.0
			bIn := 1.5 + rng.NormFloat64()
			aIn := [2]float64{-0.5 + rng.NormFloat64()*0.3, 1 + rng.NormFloat64()*0.5}
			for ph, name := range []string{"forward", "target"} {
				begin := start
				if ph == 1 {
					begin = phase[2*ex]
				}
				steps := int(phase[2*ex+ph] - begin)
				for s := 0; s < steps; s++ {
					tm := begin + float64(s+1)
					b += (bIn - b) / 3
					b += rng.NormFloat64() * 0.08
					a += (aIn[ph] - a) / 10
					a += rng.NormFloat64() * 0.05
					target := 0.6 * b
					if layer == 1 && ph == 1 {
						target = 0.5*b + 2
					}
					c += (target - c) / 3
					as := fmt.Sprintf("%.5f", a)
					if layer == 1 {
						as = ""
					}
					fmt.Fprintf(&v, "%d,%s,%d,%.1f,%d,%d,%s,%.5f,%.5f\n", ex, name, s, tm, layer, neuron, as, b, c)
				}
			}
		}
	}
	w.text("records/voltages.csv", v.String())

	// Hidden activity: ten noisy clusters in 30 dimensions.
	const images, dims = 400, 30
	centres := make([][]float64, 10)
	for k := range centres {
		centres[k] = make([]float64, dims)
		for j := range centres[k] {
			centres[k][j] = rng.Float64() * 0.2
		}
	}
	act := make([]float64, images*dims)
	lab := make([]int64, images)
	for i := 0; i < images; i++ {
		k := i % 10
		lab[i] = int64(k)
		for j := 0; j < dims; j++ {
			act[i*dims+j] = centres[k][j] + rng.NormFloat64()*0.03
		}
	}
	w.npy("records/hidden_activity_0.npy", []int{images, dims}, act)
	w.int64("records/hidden_activity_labels.npy", []int{images}, lab)

	var lc strings.Builder
	lc.WriteString("example,epoch,label,prediction,loss,bp_angle,max_jacobian_eigval\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&lc, "%d,%d,%d,%d,%.5f,%.3f,%.4f\n", i, i/o.ExamplesPerEpoch+1, labels[i], preds[i], loss[i], angles[i], eig[i])
	}
	w.text("records/losses.csv", lc.String())
	return w.err
}

type writer struct {
	dir string
	err error
}

func (w *writer) path(name string) string {
	p := filepath.Join(w.dir, filepath.FromSlash(name))
	if w.err == nil {
		w.err = os.MkdirAll(filepath.Dir(p), 0o755)
	}
	return p
}

func (w *writer) text(name, s string) {
	p := w.path(name)
	if w.err == nil {
		w.err = os.WriteFile(p, []byte(s), 0o644)
	}
}

func (w *writer) json(name string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil && w.err == nil {
		w.err = err
	}
	w.text(name, string(b)+"\n")
}

func (w *writer) npy(name string, shape []int, data []float64) {
	p := w.path(name)
	if w.err == nil {
		w.err = npy.WriteFile(p, shape, data)
	}
}

func (w *writer) int64(name string, shape []int, data []int64) {
	p := w.path(name)
	if w.err == nil {
		w.err = npy.WriteInt64File(p, shape, data)
	}
}
