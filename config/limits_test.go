package config

import (
	"errors"
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for s, want := range map[string]int64{
		"": 0, "0": 0, "123": 123, "1KiB": 1024, "1k": 1024, "1KB": 1000, "8GiB": 8 << 30,
		"1.5G": 3 << 29, "2 MB": 2e6, "1TiB": 1 << 40, "10b": 10,
	} {
		if got, err := ParseBytes(s); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"lots", "-1G", "1XB", "1e30", "G", "1e400GB"} {
		if _, err := ParseBytes(s); err == nil {
			t.Errorf("ParseBytes(%q) accepted", s)
		}
	}
}

// The estimate counts W, b for each layer and Y, c for each hidden layer,
// by hand for layers 20,10 (broadcast): W0 20×784 + b0 20 + Y0 20×10 + c0 20
// + W1 10×20 + b1 10 = 16130 weights.
func TestMemoryEstimate(t *testing.T) {
	c := Default("paper")
	c.Layers = []int{20, 10}
	m := c.MemoryEstimate()
	if m.Weights != 16130 {
		t.Errorf("weights %d, want 16130", m.Weights)
	}
	if m.Model != 16130*8*modelFactor || m.Total != m.Model+m.Workers+m.Records+m.Base {
		t.Errorf("estimate %+v does not add up", m)
	}
	c.Layers = []int{100000, 100000, 10}
	if m := c.MemoryEstimate(); m.Total < 80e9*modelFactor {
		t.Errorf("layers 100000,100000,10: %d bytes, want more than 560 GB", m.Total)
	}
	c.Layers = make([]int, 100)
	for i := range c.Layers {
		c.Layers[i] = 100000
	}
	if m := c.MemoryEstimate(); m.Total <= 0 {
		t.Errorf("saturating estimate overflowed: %d", m.Total)
	}
}

func TestMemoryLimitRefuses(t *testing.T) {
	old := MachineMemory
	defer func() { MachineMemory = old }()
	MachineMemory = func() int64 { return 24 << 30 }
	c := Default("paper")
	c.Layers = []int{100000, 100000, 10}
	c.Resolve()
	err := c.Validate()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Key != "layers" || !strings.Contains(err.Error(), "24 GiB (the memory of this machine)") {
		t.Fatalf("Validate = %v", err)
	}
	c = Default("paper")
	c.Resolve()
	if err := c.Validate(); err != nil {
		t.Fatalf("default config refused: %v", err)
	}
	c.MaxMemory = "10MB"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "(max_memory)") {
		t.Fatalf("max_memory 10MB: %v", err)
	}
	c.MaxMemory = "lots"
	if err := c.Validate(); !errors.As(err, &fe) || fe.Key != "max_memory" {
		t.Fatalf("max_memory lots: %v", err)
	}
	c.MaxMemory = ""
	c.Workers = MaxWorkers + 1
	if err := c.Validate(); !errors.As(err, &fe) || fe.Key != "workers" {
		t.Fatalf("workers %d: %v", c.Workers, err)
	}
}

// Records grow with epochs × examples: record_plateau_times for 60 epochs of
// 500 hidden neurons is 60 × 60000 × 500 × 16 bytes (×2 for the checkpoint
// copy) = 57.6 GB, refused under the epochs key.
func TestMemoryEstimateRecords(t *testing.T) {
	c := Default("paper")
	c.RecordLoss, c.RecordTrainingLabels = false, false
	c.Epochs = 60
	c.RecordPlateauTimes = true
	if m := c.MemoryEstimate(); m.Records != 2*60*60000*500*16 {
		t.Errorf("records %d, want %d", m.Records, 2*60*60000*500*16)
	}
	c.TrainExamples = 1000
	c.RecordPlateauTimes = false
	c.RecordLoss, c.RecordTrainingLabels, c.RecordPhaseTimes = true, true, true
	if m := c.MemoryEstimate(); m.Records != 2*60*1000*(8+16+16) {
		t.Errorf("records %d, want %d", m.Records, 2*60*1000*(8+16+16))
	}
	old := MachineMemory
	defer func() { MachineMemory = old }()
	MachineMemory = func() int64 { return 24 << 30 }
	c = Default("paper")
	c.Epochs, c.RecordPlateauTimes = 60, true
	c.Resolve()
	var fe *FieldError
	if err := c.Validate(); !errors.As(err, &fe) || fe.Key != "epochs" || !strings.Contains(err.Error(), "record_plateau_times") {
		t.Errorf("60 epochs of plateau times: %v", err)
	}
}
