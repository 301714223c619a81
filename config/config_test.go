package config

import (
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/model"
	"github.com/dendrite-lab/dendrite/option"
)

func TestDefaultsValidate(t *testing.T) {
	for _, p := range []option.Profile{option.Paper, option.Head} {
		for _, m := range []option.Mode{option.Spiking, option.Rate} {
			c := Default(p)
			c.Mode = m
			c.Resolve()
			if err := c.Validate(); err != nil {
				t.Errorf("%s/%s: %v", p, m, err)
			}
		}
	}
	if Default("paper").FeedbackBias != "none" || Default("head").FeedbackBias != "none" {
		t.Error("feedback bias defaults per profile (docs/model.md#feedback-bias)")
	}
}

func TestResolveRateOverrides(t *testing.T) {
	c := Default("paper")
	c.Mode = "rate"
	c.RandPlateauTimes = true
	c.Resolve()
	if c.RandPhaseLengths || c.RandPlateauTimes || c.Conductances || c.SpikingFeedforward || c.SpikingFeedback ||
		c.ForwardPhase != 2 || c.TestPhase != 2 || c.TrainWindow() != 1 || c.TestWindow() != 1 || c.Mem != 1 {
		t.Errorf("rate mode overrides not applied: %+v", c)
	}
}

func TestDefaultEtas(t *testing.T) {
	for _, c := range []struct {
		layers []int
		want   []float64
	}{{[]int{10}, []float64{0.19}}, {[]int{500, 10}, []float64{0.21, 0.21}}, {[]int{500, 100, 10}, []float64{0.23, 0.23, 0.12}}} {
		cfg := Default("paper")
		cfg.Layers = c.layers
		cfg.Resolve()
		if !reflect.DeepEqual(cfg.Etas, c.want) {
			t.Errorf("%v: etas %v want %v", c.layers, cfg.Etas, c.want)
		}
	}
}

func TestDerivedConstants(t *testing.T) {
	c := Default("paper")
	near := func(name string, got, want float64) {
		if d := got - want; d > 1e-6 || d < -1e-6 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("k_B", c.KB(), 0.857143)
	near("k_D", c.KD(), 0.857143)
	near("k_I", c.KI(), 1.428571)
	near("P_h", c.PHidden(), 100)
	near("P_o", c.POut(), 500)
	c.GA = 0.05
	near("k_B(g_A=0.05)", c.KB(), 0.8)
	if c.TrainWindow() != 20 || c.TestWindow() != 220 {
		t.Errorf("windows %d %d", c.TrainWindow(), c.TestWindow())
	}
}

func TestFlagsOverrideFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	os.WriteFile(p, []byte("profile: head\nmode: rate\nlayers: [100, 10]\nepochs: 3\n"), 0o644)
	raw, err := ReadFileJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	apply := Flags(fs)
	if err := fs.Parse([]string{"--epochs", "5", "--no-shuffle", "--etas", "0.1,0.2", "--g-a", "0.05"}); err != nil {
		t.Fatal(err)
	}
	c, err := FromJSON(raw, apply)
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != "head" || c.FeedbackBias != "none" || c.Epochs != 5 || c.Shuffle || c.GA != 0.05 ||
		!reflect.DeepEqual(c.Etas, []float64{0.1, 0.2}) || !reflect.DeepEqual(c.Layers, []int{100, 10}) {
		t.Errorf("got %+v", c)
	}
	if d := c.Diff(); !contains(d, "epochs") || !contains(d, "g_a") || contains(d, "mode") {
		t.Errorf("diff %v", d)
	}
	// The JSON written into a run folder reads back to the same config.
	c2, err := FromJSON(c.JSON(), nil)
	if err != nil || !reflect.DeepEqual(c, c2) {
		t.Errorf("round trip: %v\n%+v\n%+v", err, c, c2)
	}
}

func contains(a []string, s string) bool {
	for _, x := range a {
		if x == s {
			return true
		}
	}
	return false
}

func TestErrorsNameTheKey(t *testing.T) {
	for _, c := range []struct{ json, want string }{
		{`{"bogus": 1}`, `"bogus"`},
		{`{"epochs": "x"}`, `epochs`},
		{`{"layers": [500, 7]}`, `"layers"`},
		{`{"etas": [0.1]}`, `"etas"`},
		{`{"mode": "x"}`, `"mode"`},
		{`{"g_a": -1}`, `"g_a"`},
		{`{"lambda_max": 0}`, `"lambda_max"`},
		{`{"tau_s": 0}`, `"tau_s"`},
		{`{"rate_slope": 0}`, `"rate_slope"`},
		{`{"rate_slope": -2}`, `"rate_slope"`},
		{`{"rate_offset": 1e9}`, `"rate_offset"`},
		{`{"kernel": [0.1, 0.2]}`, `"kernel"`},
		{`{"kernel": [0, 0], "mem": 2}`, `"kernel"`},
		{`{"kernel": [0.1], "mem": 1, "mode": "rate"}`, `"kernel"`},
		{`{"forward_phase": 20}`, `"forward_phase"`},
		{`{"feedback_learning": true}`, `"feedback_etas"`},
		{`{"record_voltages": true, "voltage_layer": 5}`, `"voltage_layer"`},
		{`{"record_voltages": true, "voltage_examples": [5, 2]}`, `"voltage_examples"`},
		{`{"noisy_symmetric": true}`, `"noisy_symmetric"`},
		{`{"layers": [10], "record_bp_angle": true}`, `"record_bp_angle"`},
		{`{"layers": [10], "record_hidden_loss": true}`, `"record_hidden_loss"`},
		{`{"mode": "rate", "record_voltages": true}`, `"record_voltages"`},
		{`{"mode": "rate", "record_phase_times": true}`, `"record_phase_times"`},
		{`{"mode": "rate", "record_plateau_times": true}`, `"record_plateau_times"`},
		{`[1,2]`, `config`},
	} {
		_, err := FromJSON([]byte(c.json), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want it to name %s", c.json, err, c.want)
		}
	}
}

// The records that need no time steps are accepted in rate mode.
func TestRateModeRecords(t *testing.T) {
	c, err := FromJSON([]byte(`{"mode": "rate", "record_hidden_loss": true, "record_bp_angle": true, "record_eigvals": true}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.RecordHiddenLoss || !c.RecordBPAngle || !c.RecordEigvals {
		t.Errorf("rate-mode records dropped: %+v", c)
	}
}

func TestFlagErrors(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	apply := Flags(fs)
	fs.Parse([]string{"--layers", "500,x"})
	if _, err := FromJSON(nil, apply); err == nil || !strings.Contains(err.Error(), "--layers") {
		t.Errorf("bad list: %v", err)
	}
	var c Config
	if err := c.Set("nope", "1"); err == nil {
		t.Error("unknown key accepted")
	}
}

func TestEveryKeyHasAFlag(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	Flags(fs)
	for _, k := range Keys() {
		if fs.Lookup(strings.ReplaceAll(k, "_", "-")) == nil {
			t.Errorf("no flag for %s", k)
		}
	}
}

func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"mode":"rate","layers":[100,10]}`))
	f.Add([]byte("mode: rate\nlayers: [100, 10]\n"))
	f.Add([]byte(`{"etas":[1e309]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		FromJSON(b, nil)
		if j, err := YAMLToJSON(b); err == nil {
			FromJSON(j, nil)
		}
	})
}

// help.go is generated from the field comments: every key is explained.
func TestHelpCoversEveryKey(t *testing.T) {
	for _, k := range Keys() {
		if len(help[k]) < 10 {
			t.Errorf("key %s has no help text: run go generate ./config", k)
		}
	}
}

// Run folders written by earlier builds carry jacobian_mean, which selected
// nothing (both Jacobian averages are always recorded): they still load,
// while a value those builds refused is still an unknown key.
func TestLegacyJacobianMeanLoads(t *testing.T) {
	for _, v := range []string{"products", "means"} {
		c, err := FromJSON([]byte(`{"profile":"head","jacobian_mean":"`+v+`","epochs":3}`), nil)
		if err != nil {
			t.Fatalf("jacobian_mean %q: %v", v, err)
		}
		if c.Profile != option.Head || c.Epochs != 3 {
			t.Fatalf("jacobian_mean %q: profile %q epochs %d, want head 3", v, c.Profile, c.Epochs)
		}
	}
	_, err := FromJSON([]byte(`{"jacobian_mean":"median"}`), nil)
	if err == nil || !strings.Contains(err.Error(), "jacobian_mean") {
		t.Fatalf("jacobian_mean \"median\": error %v, want an unknown-key error", err)
	}
}

func TestModelParams(t *testing.T) {
	c := Default(option.Paper)
	c.GA = 0.05
	c.Resolve()
	p := c.Model()
	if p.Soma.KB() != c.KB() || p.Soma.KD() != c.KD() || p.Soma.KI() != c.KI() || p.PHidden() != c.PHidden() || p.POut() != c.POut() {
		t.Fatalf("gains differ: model %v %v %v, config %v %v %v", p.Soma.KB(), p.Soma.KD(), p.Soma.KI(), c.KB(), c.KD(), c.KI())
	}
	if p.Phases.TrainWindow() != 20 || p.Phases.TestWindow() != 220 || p.Kernel.Mem != 10 || p.Plateau.JitterMax != 5 {
		t.Fatalf("phases %+v kernel %+v plateau %+v", p.Phases, p.Kernel, p.Plateau)
	}
	p.Learning.Etas[0] = 99
	if c.Etas[0] == 99 {
		t.Fatal("Model shares the learning rates with the config")
	}
}

// Equal kernel time constants are the alpha kernel, not an error (its
// values are finite); slope 1 and offset 0 are the paper's σ (no rate
// function set), any other slope or offset a model.Sigmoid.
func TestBiologyKeys(t *testing.T) {
	c, err := FromJSON([]byte(`{"tau_s": 10, "rate_slope": 2, "rate_offset": -0.5}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Model()
	for _, v := range p.Kernel.Values() {
		if math.IsNaN(v) || v <= 0 {
			t.Fatalf("alpha kernel values %v", p.Kernel.Values())
		}
	}
	if sg, ok := p.Soma.RateFunc.(model.Sigmoid); !ok || sg.Slope != 2 || sg.Offset != -0.5 {
		t.Errorf("rate function %#v, want model.Sigmoid{2, -0.5}", p.Soma.RateFunc)
	}
	d := Default("paper")
	d.Resolve()
	if dp := d.Model(); dp.Soma.RateFunc != nil || !dp.Soma.PaperRate() || dp.Kernel.Weights != nil || !dp.Kernel.Exponential() {
		t.Errorf("default rate function %#v, kernel %+v; want nil (σ) and the exponentials", dp.Soma.RateFunc, dp.Kernel)
	}
	// A kernel by its values: one per step of mem, a copy in the model.
	c, err = FromJSON([]byte(`{"kernel": [0.3, 0.2, 0.1], "mem": 3}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	p = c.Model()
	c.Kernel[0] = 9
	if v := p.Kernel.Values(); len(v) != 3 || v[0] != 0.3 || v[2] != 0.1 {
		t.Errorf("kernel values %v, want [0.3 0.2 0.1]", v)
	}
	// An old config without the key reads as no kernel, like the default.
	old, err := FromJSON([]byte(`{"epochs": 2}`), nil)
	if err != nil || old.Kernel != nil || !strings.Contains(string(d.JSON()), `"kernel": null`) {
		t.Errorf("old config: kernel %v (err %v); default JSON %s", old.Kernel, err, d.JSON())
	}
}
