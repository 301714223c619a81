// Command ratestuck measures what happens in one-epoch rate-mode runs (the
// stuck seed of docs/rate-mode-seed-5.md): from the run folders' records it
// writes the training error and the share of each predicted class per block
// of training examples, and from the final weights the per-class test error
// and how many units of each layer sit in the flat parts of the sigmoid on
// the test images. It writes small CSV files into OUT.
//
//	go run ./internal/cmd/ratestuck RUNS OUT
//	go run ./internal/cmd/ratestuck -prefix PREFIXES OUT
//
// RUNS holds seed-K run folders of the rate-mode-one-hidden-layer experiment.
// With -prefix, PREFIXES holds seed-K/n-N run folders trained on the first N
// examples of the same run (train_examples = N: the same shuffled order, so
// the same trajectory, cut at N); it writes early.csv, the output units'
// bias, weight norm and potential on the test images after N examples.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dendrite-lab/dendrite/config"
	"github.com/dendrite-lab/dendrite/dataset"
	"github.com/dendrite-lab/dendrite/network"
	"github.com/dendrite-lab/dendrite/npy"
	"github.com/dendrite-lab/dendrite/rundir"
	"github.com/dendrite-lab/dendrite/sim"
)

// block is the number of training examples per row of training_blocks.csv.
const block = 2000

// low and high are the rate fractions of λmax below and above which a unit
// counts as in a flat part of the sigmoid (σ' < 0.0099).
const low, high = 0.01, 0.99

type labelled struct{ *dataset.Set }

func (l labelled) Label(i int) int { return int(l.Set.Labels[i]) }

func main() {
	var err error
	switch {
	case len(os.Args) == 3:
		err = run(os.Args[1], os.Args[2])
	case len(os.Args) == 4 && os.Args[1] == "-prefix":
		err = prefixes(os.Args[2], os.Args[3])
	default:
		fmt.Fprintln(os.Stderr, "usage: ratestuck RUNS OUT | ratestuck -prefix PREFIXES OUT")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ratestuck:", err)
		os.Exit(1)
	}
}

func run(runs, out string) error {
	ents, err := os.ReadDir(runs)
	if err != nil {
		return err
	}
	var seeds []int
	for _, e := range ents {
		_, serr := os.Stat(rundir.Path(filepath.Join(runs, e.Name()), rundir.SummaryFile)) // finished runs only
		if k, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "seed-")); err == nil && e.IsDir() && serr == nil {
			seeds = append(seeds, k)
		}
	}
	sort.Ints(seeds)
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var blocks, units, classes strings.Builder
	blocks.WriteString("seed,examples,train_error,loss_mean")
	for c := 0; c < 10; c++ {
		fmt.Fprintf(&blocks, ",pred_share_%d", c)
	}
	blocks.WriteString("\n")
	units.WriteString("seed,weights,layer,units,flat_low_all,flat_high_all,flat_low_most,flat_high_most,mean_rate_frac\n")
	classes.WriteString("seed,class,test_images,test_error,predicted_share,output_rate_frac_mean,output_flat_low_share\n")
	for _, s := range seeds {
		dir := filepath.Join(runs, fmt.Sprintf("seed-%d", s))
		if err := trainingBlocks(&blocks, dir, s); err != nil {
			return err
		}
		for _, w := range []string{"initial", "final"} {
			if err := finalUnits(&units, &classes, dir, w, s, test); err != nil {
				return err
			}
		}
	}
	for name, b := range map[string]*strings.Builder{"training_blocks.csv": &blocks, "units.csv": &units, "classes.csv": &classes} {
		if err := os.WriteFile(filepath.Join(out, name), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func vec(path string) ([]float64, error) {
	a, err := npy.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return a.Data, nil
}

// trainingBlocks appends, per block of training examples, the forward-phase
// error, the mean output loss and the share of each predicted class.
func trainingBlocks(b *strings.Builder, dir string, seed int) error {
	labels, err := vec(rundir.Record(dir, "training_labels.npy"))
	if err != nil {
		return err
	}
	preds, err := vec(rundir.Record(dir, "train_predictions.npy"))
	if err != nil {
		return err
	}
	loss, err := vec(rundir.Record(dir, "final_layer_loss.npy"))
	if err != nil {
		return err
	}
	for lo := 0; lo < len(labels); lo += block {
		hi := min(lo+block, len(labels))
		wrong, ls := 0, 0.0
		var share [10]int
		for i := lo; i < hi; i++ {
			if preds[i] != labels[i] {
				wrong++
			}
			share[int(preds[i])]++
			ls += loss[i]
		}
		n := float64(hi - lo)
		fmt.Fprintf(b, "%d,%d,%.2f,%.4g", seed, hi, 100*float64(wrong)/n, ls/n)
		for _, c := range share {
			fmt.Fprintf(b, ",%.3f", float64(c)/n)
		}
		b.WriteString("\n")
	}
	return nil
}

// finalUnits tests the weights w of the run on the whole test set and
// records, per layer, how many units are in a flat part of the sigmoid on
// all (or on more than 90 % of the) test images, and per class the error,
// the share of predictions and the output unit's mean rate.
func finalUnits(units, classes *strings.Builder, dir, w string, seed int, test *dataset.Set) error {
	raw, err := os.ReadFile(rundir.Path(dir, rundir.ConfigFile))
	if err != nil {
		return err
	}
	cfg, err := config.FromJSON(raw, nil)
	if err != nil {
		return err
	}
	net := network.New(cfg.Model(), test.Pixels(), rand.New(rand.NewPCG(1, 2)))
	if err := net.Load(rundir.Weights(dir, w)); err != nil {
		return err
	}
	sizes := cfg.Layers
	n := test.N
	rates := make([][]float64, len(sizes)) // per layer: n × size, as fractions of λmax
	for m, sz := range sizes {
		rates[m] = make([]float64, n*sz)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	lam := cfg.LambdaMax
	ev := sim.Evaluate(cfg.Model(), net, labelled{test}, idx, 1, 1, func(k int, s *sim.Sim) {
		for m, sz := range sizes {
			if m < len(sizes)-1 {
				for i, r := range s.HiddenRates(m)[:sz] {
					rates[m][k*sz+i] = r / lam
				}
				continue
			}
			_, _, C := s.Voltages(m)
			for i, c := range C[:sz] {
				rates[m][k*sz+i] = 1 / (1 + math.Exp(-c))
			}
		}
	})
	for m, sz := range sizes {
		var lowAll, highAll, lowMost, highMost int
		mean := 0.0
		for i := 0; i < sz; i++ {
			var lo, hi int
			for k := 0; k < n; k++ {
				r := rates[m][k*sz+i]
				mean += r
				if r < low {
					lo++
				}
				if r > high {
					hi++
				}
			}
			if lo == n {
				lowAll++
			}
			if hi == n {
				highAll++
			}
			if lo > n*9/10 {
				lowMost++
			}
			if hi > n*9/10 {
				highMost++
			}
		}
		fmt.Fprintf(units, "%d,%s,%d,%d,%d,%d,%d,%d,%.4f\n", seed, w, m, sz, lowAll, highAll, lowMost, highMost, mean/float64(n*sz))
	}
	if w != "final" {
		return nil
	}
	out := len(sizes) - 1
	osz := sizes[out]
	for c := 0; c < 10; c++ {
		imgs, wrong, pred := 0, 0, 0
		for k := 0; k < n; k++ {
			if int(test.Labels[k]) == c {
				imgs++
				if ev.Pred[k] != c {
					wrong++
				}
			}
			if ev.Pred[k] == c {
				pred++
			}
		}
		// Output units of class c (osz/10 per class in the paper's readout).
		per := osz / 10
		mr, flat := 0.0, 0
		for k := 0; k < n; k++ {
			for u := c * per; u < (c+1)*per; u++ {
				r := rates[out][k*osz+u]
				mr += r
				if r < low {
					flat++
				}
			}
		}
		fmt.Fprintf(classes, "%d,%d,%d,%.2f,%.4f,%.4f,%.4f\n", seed, c, imgs, 100*float64(wrong)/float64(imgs),
			float64(pred)/float64(n), mr/float64(n*per), float64(flat)/float64(n*per))
	}
	return nil
}

// prefixes writes early.csv for the seed-K/n-N folders under dir.
func prefixes(dir, out string) error {
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("seed,examples,unit,bias,w_norm,mean_C,max_C,flat_low_share,test_error\n")
	seeds, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, sd := range seeds {
		seed, err := strconv.Atoi(strings.TrimPrefix(sd.Name(), "seed-"))
		if err != nil {
			continue
		}
		ns, err := os.ReadDir(filepath.Join(dir, sd.Name()))
		if err != nil {
			return err
		}
		var counts []int
		for _, e := range ns {
			if k, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "n-")); err == nil {
				counts = append(counts, k)
			}
		}
		sort.Ints(counts)
		for _, k := range counts {
			if err := early(&b, filepath.Join(dir, sd.Name(), fmt.Sprintf("n-%d", k)), seed, k, test); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "early.csv"), []byte(b.String()), 0o644)
}

func early(b *strings.Builder, dir string, seed, examples int, test *dataset.Set) error {
	raw, err := os.ReadFile(rundir.Path(dir, rundir.ConfigFile))
	if err != nil {
		return err
	}
	cfg, err := config.FromJSON(raw, nil)
	if err != nil {
		return err
	}
	net := network.New(cfg.Model(), test.Pixels(), rand.New(rand.NewPCG(1, 2)))
	if err := net.Load(rundir.Weights(dir, "final")); err != nil {
		return err
	}
	m := len(cfg.Layers) - 1
	no := cfg.Layers[m]
	w, err := npy.ReadFile(filepath.Join(rundir.Weights(dir, "final"), fmt.Sprintf("W_%d.npy", m)))
	if err != nil {
		return err
	}
	bias, err := vec(filepath.Join(rundir.Weights(dir, "final"), fmt.Sprintf("b_%d.npy", m)))
	if err != nil {
		return err
	}
	n := test.N
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sum, mx, flat := make([]float64, no), make([]float64, no), make([]int, no)
	for u := range mx {
		mx[u] = math.Inf(-1)
	}
	ev := sim.Evaluate(cfg.Model(), net, labelled{test}, idx, 1, 1, func(k int, s *sim.Sim) {
		_, _, C := s.Voltages(m)
		for u, c := range C[:no] {
			sum[u] += c
			mx[u] = math.Max(mx[u], c)
			if 1/(1+math.Exp(-c)) < low {
				flat[u]++
			}
		}
	})
	in := w.Shape[1]
	for u := 0; u < no; u++ {
		norm := 0.0
		for _, v := range w.Data[u*in : (u+1)*in] {
			norm += v * v
		}
		fmt.Fprintf(b, "%d,%d,%d,%.4g,%.4g,%.4g,%.4g,%.4f,%.2f\n", seed, examples, u, bias[u], math.Sqrt(norm),
			sum[u]/float64(n), mx[u], float64(flat[u])/float64(n), ev.ErrorPercent())
	}
	return nil
}
