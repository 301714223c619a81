package config

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/dendrite-lab/dendrite/internal/iox"
)

// Bounds on counts that cost memory or goroutines, checked by Validate.
const (
	// MaxLayers is the largest number of layers (hidden and output).
	MaxLayers = 100
	// MaxWorkers is the largest number of test workers.
	MaxWorkers = 1024
)

// Memory is an up-front estimate of the memory a run needs, in bytes.
type Memory struct {
	// Weights is the number of weights and biases of the network.
	Weights int64
	// Model is the memory of the network and its training state: the
	// weights, their updates, the saved initial weights and the buffers of
	// the weight files, measured at about seven times the weights' 8 bytes.
	Model int64
	// Workers is the state of the test workers (per neuron, per worker).
	Workers int64
	// Records are the per-example records, which a run keeps in memory
	// (and copies into each checkpoint) until it ends: for epochs ×
	// train_examples examples (60,000 MNIST images when train_examples is
	// 0), 8 bytes per loss, 16 per label and prediction, 8 per angle, 24 per
	// set of eigenvalues, 16 per pair of phase times and 16 per hidden
	// neuron with record_plateau_times; twice, for the checkpoint's copy.
	Records int64
	// Base is the runtime and the MNIST-sized data set.
	Base int64
	// Total is the sum.
	Total int64
}

// mnistTrain is the size of the MNIST training set, the records' count
// when train_examples is 0 (the data set is not known when a config is
// validated).
const mnistTrain = 60000

// modelFactor is the ratio of a run's memory to the weights' bytes,
// measured with /usr/bin/time (max RSS less the base) on rate and spiking
// runs of layers 4000,10 and 2000,2000,10: 5.0–6.2; rounded up.
const modelFactor = 7

// baseMemory is what a run of a small network needs: the Go runtime, the
// 70,000 MNIST images (55 MB) and the records (measured 29 MB RSS for
// layers 500,10 on a tiny data set; 100 MB leaves room for MNIST).
const baseMemory = 100 << 20

// MemoryEstimate estimates the memory a run of c needs. Per-epoch weights
// are written to disk, not kept; the records are kept (see Memory.Records).
func (c *Config) MemoryEstimate() Memory {
	const pixels = 784
	var m Memory
	if len(c.Layers) == 0 {
		return m
	}
	in := int64(pixels)
	var neurons int64
	for i, n := range c.Layers {
		n64 := int64(n)
		m.Weights = satAdd(m.Weights, satMul(n64, in)+n64) // W and b
		if i < len(c.Layers)-1 {
			src := int64(c.Layers[len(c.Layers)-1])
			if !c.Broadcast && i+1 < len(c.Layers) {
				src = int64(c.Layers[i+1])
			}
			m.Weights = satAdd(m.Weights, satMul(n64, src)+n64) // Y and c
		}
		neurons = satAdd(neurons, n64)
		in = n64
	}
	m.Model = satMul(satMul(m.Weights, 8), modelFactor)
	workers := int64(c.Workers)
	if workers <= 0 {
		workers = 1
	}
	// Each worker keeps a few vectors per neuron and a spike history of
	// Mem steps.
	m.Workers = satMul(workers, satMul(neurons, int64(c.Mem+16)*8))
	perExample := int64(0)
	for _, r := range []struct {
		on    bool
		bytes int64
	}{
		{c.RecordLoss, 8}, {c.RecordTrainingLabels, 16}, {c.RecordBPAngle, 8},
		{c.RecordEigvals, 24}, {c.RecordPhaseTimes, 16},
		{c.RecordHiddenLoss, satMul(8, int64(len(c.Layers)-1))},
		{c.RecordPlateauTimes, satMul(16, neurons-int64(c.Layers[len(c.Layers)-1]))},
	} {
		if r.on {
			perExample = satAdd(perExample, r.bytes)
		}
	}
	examples := int64(c.TrainExamples)
	if examples <= 0 {
		examples = max(0, mnistTrain-int64(c.Validation))
	}
	m.Records = satMul(2, satMul(satMul(examples, int64(c.Epochs)), perExample))
	m.Base = baseMemory
	m.Total = satAdd(satAdd(satAdd(m.Model, m.Workers), m.Records), m.Base)
	return m
}

func satMul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// MachineMemory returns the memory available to this process: the machine's
// total memory or, when lower, the control group's limit; 0 when unknown.
// It is a variable so that tests can fix it.
var MachineMemory = sync.OnceValue(machineMemory)

func machineMemory() int64 {
	var total int64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 && (total == 0 || v < total) {
			total = v
		}
	}
	return total
}

// ParseBytes parses a memory size: a number of bytes with an optional unit
// K, M, G, T (powers of 1024, also written KiB, MiB, …) or KB, MB, GB, TB
// (powers of 1000), as in "8GiB", "512M" or "2000000000". "" and "0" are 0.
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToUpper(strings.TrimSpace(t[i:]))
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" {
		return 0, fmt.Errorf("got %s, want a size such as 8GiB, 512MB or a number of bytes", quote(s))
	}
	mult := map[string]float64{
		"": 1, "B": 1,
		"K": 1 << 10, "KIB": 1 << 10, "KB": 1e3,
		"M": 1 << 20, "MIB": 1 << 20, "MB": 1e6,
		"G": 1 << 30, "GIB": 1 << 30, "GB": 1e9,
		"T": 1 << 40, "TIB": 1 << 40, "TB": 1e12,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("got %s: unknown unit %s, want B, KiB, MiB, GiB, TiB, KB, MB, GB or TB", quote(s), quote(unit))
	}
	b := v * mult
	if b >= math.MaxInt64 || math.IsNaN(b) {
		return 0, fmt.Errorf("got %s, more than this program can address", quote(s))
	}
	return int64(b), nil
}

// MemoryLimit returns the limit a run's estimate is held to: max_memory when
// set, else the machine's memory (0 when neither is known), and where it
// comes from, for messages.
func (c *Config) MemoryLimit() (int64, string, error) {
	v, err := ParseBytes(c.MaxMemory)
	if err != nil {
		return 0, "", err
	}
	if v > 0 {
		return v, "max_memory", nil
	}
	return MachineMemory(), "the memory of this machine", nil
}

// validateLimits checks the counts and the memory estimate; see Validate.
func (c *Config) validateLimits(bad func(key string, got any, want string)) {
	if len(c.Layers) > MaxLayers {
		bad("layers", fmt.Sprintf("%d layers", len(c.Layers)), fmt.Sprintf("at most %d layers", MaxLayers))
		return
	}
	if c.Workers > MaxWorkers {
		bad("workers", c.Workers, fmt.Sprintf("an integer in [0, %d] (0 = one per core)", MaxWorkers))
		return
	}
	limit, from, err := c.MemoryLimit()
	if err != nil {
		bad("max_memory", quote(c.MaxMemory), "a size such as 8GiB, 512MB or a number of bytes (0 = the machine's memory)")
		return
	}
	if limit <= 0 {
		return
	}
	m := c.MemoryEstimate()
	if m.Total > limit && m.Records > m.Model {
		bad("epochs", c.Epochs, fmt.Sprintf("a run whose records fit in %s (%s): %d epochs of records take about %s (turn off record_plateau_times, record fewer epochs, or set --max-memory)",
			iox.Bytes(limit), from, c.Epochs, iox.Bytes(m.Records)))
		return
	}
	if m.Total > limit {
		bad("layers", c.Layers, fmt.Sprintf("a network that fits in %s (%s): this one has %d weights and needs about %s (set --max-memory to change the limit)",
			iox.Bytes(limit), from, m.Weights, iox.Bytes(m.Total)))
	}
}
