package plot

import (
	"fmt"
	"math"
	"sort"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// VoltageSample is one row of records/voltages.csv: the compartment
// potentials of one recorded neuron at one time step.
type VoltageSample struct {
	// Example is the training example (0-based, in training order).
	Example int
	// Phase is "forward" or "target".
	Phase string
	// Step is the time step within the phase.
	Step int
	// TimeMs is the absolute time in ms since the simulation started.
	TimeMs float64
	// Layer and Neuron identify the neuron (layers count from the bottom).
	Layer, Neuron int
	// A, B and C are the apical, basal and somatic potentials; A is NaN for
	// the output layer, which has no apical compartment.
	A, B, C float64
}

// VoltageOptions completes the samples given to [Voltages].
type VoltageOptions struct {
	// MaxNeurons is the number of neurons drawn, one panel each, in order of
	// first appearance; 0 means 3.
	MaxNeurons int
	// PhaseTimes, when not nil, is records/phase_times.npy: the absolute ms at
	// the end of each forward (index 2k) and target (2k+1) phase of example
	// k. Without it the phase ends are the last sample times of each phase.
	PhaseTimes []float64
	// PlateauTimes maps a layer m to records/plateau_times_m.npy as rows
	// (2·examples rows of n_m absolute ms; row 2k is the forward and row
	// 2k+1 the target phase of example k). Missing layers get their plateau
	// marked at the end of each phase.
	PlateauTimes map[int][][]float64
}

type neuronKey struct{ layer, neuron int }

// Voltages draws the apical (A), basal (B) and somatic (C) potentials of the
// first recorded neurons against time for one training example, one panel
// per neuron stacked vertically (the paper's Fig. 3), with the phase
// boundaries as vertical dashed lines and each neuron's plateau times marked
// as dotted lines with a triangle (file "voltages"; "voltages_example_K" for
// an example K other than the first recorded one, the lowest index). The time axis is the time
// within the example, 0 at the start of its forward phase. example < 0
// selects the first example present in samples.
func Voltages(samples []VoltageSample, example int, opt VoltageOptions) (*Figure, error) {
	if len(samples) == 0 {
		return nil, ErrNoData
	}
	if example < 0 {
		example = samples[0].Example
	}
	if opt.MaxNeurons <= 0 {
		opt.MaxNeurons = 3
	}
	var keys []neuronKey
	byNeuron := map[neuronKey][]VoltageSample{}
	phaseEnd := map[string]float64{"forward": math.Inf(-1), "target": math.Inf(-1)}
	phaseStart := map[string]float64{"forward": math.Inf(1), "target": math.Inf(1)}
	for _, s := range samples {
		if s.Example != example {
			continue
		}
		k := neuronKey{s.Layer, s.Neuron}
		if _, ok := byNeuron[k]; !ok {
			keys = append(keys, k)
		}
		byNeuron[k] = append(byNeuron[k], s)
		if finite(s.TimeMs) {
			phaseEnd[s.Phase] = math.Max(phaseEnd[s.Phase], s.TimeMs)
			phaseStart[s.Phase] = math.Min(phaseStart[s.Phase], s.TimeMs)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("plot: voltages: no samples of example %d", example)
	}
	for _, ss := range byNeuron {
		sort.SliceStable(ss, func(a, b int) bool { return ss[a].TimeMs < ss[b].TimeMs })
	}
	if len(keys) > opt.MaxNeurons {
		keys = keys[:opt.MaxNeurons]
	}
	// Phase boundaries: start of the forward phase, end of forward, end of
	// target. A sample is taken at the end of its step, so the forward phase
	// began one step (the smallest sample spacing) before its first sample.
	var bounds []float64
	if finite(phaseStart["forward"]) {
		bounds = append(bounds, phaseStart["forward"]-sampleStep(byNeuron[keys[0]]))
	}
	ends := []float64{phaseEnd["forward"], phaseEnd["target"]}
	if 2*example+1 < len(opt.PhaseTimes) {
		ends = []float64{opt.PhaseTimes[2*example], opt.PhaseTimes[2*example+1]}
	}
	for _, e := range ends {
		if finite(e) {
			bounds = append(bounds, e)
		}
	}
	// Times are drawn within the example: 0 is the start of its forward
	// phase (the first boundary), else its first sample.
	t0 := math.Inf(1)
	if len(bounds) > 0 {
		t0 = bounds[0]
	} else {
		for _, ss := range byNeuron {
			if len(ss) > 0 && finite(ss[0].TimeMs) {
				t0 = math.Min(t0, ss[0].TimeMs)
			}
		}
	}
	if !finite(t0) {
		t0 = 0
	}
	for i := range bounds {
		bounds[i] -= t0
	}
	for i := range ends {
		ends[i] -= t0
	}
	boundStyle := draw.LineStyle{Color: rgb(0x66, 0x66, 0x66), Width: vg.Points(1), Dashes: dashed}
	var legend []legendItem

	styles := []draw.LineStyle{lineStyle(0, 1.6), lineStyle(1, 1.6), lineStyle(2, 2)}
	names := []string{"apical A", "basal B", "somatic C"}
	for i := range styles {
		legend = append(legend, legendItem{names[i], []gplot.Thumbnailer{&plotter.Line{LineStyle: styles[i]}}})
	}
	anyPlateau := false

	var panels []*gplot.Plot
	for _, k := range keys {
		ss := byNeuron[k]
		kind := "hidden"
		hasA := false
		for _, s := range ss {
			if finite(s.A) {
				hasA = true
				break
			}
		}
		if !hasA {
			kind = "output"
		}
		title := fmt.Sprintf("Layer %d (%s), neuron %d — training example %d", k.layer, kind, k.neuron, example)
		p := newPlot(title, "time within the example (ms)", "voltage (a.u.)")
		p.Title.TextStyle.Font.Size = 12
		xs := make([]float64, len(ss))
		a := make([]float64, len(ss))
		b := make([]float64, len(ss))
		c := make([]float64, len(ss))
		for i, s := range ss {
			xs[i], a[i], b[i], c[i] = s.TimeMs-t0, s.A, s.B, s.C
		}
		for _, bd := range bounds {
			p.Add(&refLine{Value: bd, Vertical: true, Style: boundStyle})
		}
		for i, ys := range [][]float64{a, b, c} {
			if err := addLine(p, "", xyFinite(xs, ys, 0), styles[i], nil); err != nil {
				return nil, err
			}
		}
		// Plateau times: recorded ones, else the phase ends (hidden layers only).
		var plateaus []float64
		if rows, ok := opt.PlateauTimes[k.layer]; ok {
			for r := 2 * example; r <= 2*example+1 && r < len(rows); r++ {
				if k.neuron < len(rows[r]) && finite(rows[r][k.neuron]) {
					plateaus = append(plateaus, rows[r][k.neuron]-t0)
				}
			}
		} else if hasA {
			for _, e := range ends {
				if finite(e) {
					plateaus = append(plateaus, e)
				}
			}
		}
		if len(plateaus) > 0 {
			p.Add(&plateauMarks{Times: plateaus})
			anyPlateau = true
		}
		p.X.Tick.Marker = niceTicks{}
		p.Y.Tick.Marker = niceTicks{}
		panels = append(panels, p)
	}
	// One legend strip for all panels, which share their styles.
	if anyPlateau {
		legend = append(legend, legendItem{"plateau", []gplot.Thumbnailer{&plateauMarks{}}})
	}
	if len(bounds) > 0 {
		legend = append(legend, legendItem{"phase boundary", []gplot.Thumbnailer{&refLine{Style: boundStyle}}})
	}
	if len(ends) == 2 && finite(ends[0]) && finite(ends[1]) && len(bounds) == 3 {
		for _, p := range panels {
			legendRoom(p, 2)
			p.Add(&phaseLabels{Spans: [][2]float64{{bounds[0], ends[0]}, {ends[0], ends[1]}}, Names: []string{"forward phase", "target phase"}})
		}
	}
	h := px(60 + 300*float64(len(panels)))
	name := "voltages"
	first := samples[0].Example
	for _, s := range samples {
		first = min(first, s.Example)
	}
	if example != first {
		name = fmt.Sprintf("voltages_example_%d", example)
	}
	return stackedFigureLegend(name, fmt.Sprintf("Compartment voltages, training example %d", example), defaultWidth, h, panels, legend), nil
}

// sampleStep is the smallest positive spacing of the sample times (1 when
// there is none).
func sampleStep(ss []VoltageSample) float64 {
	step := math.Inf(1)
	for i := 1; i < len(ss); i++ {
		if d := ss[i].TimeMs - ss[i-1].TimeMs; d > 0 && d < step {
			step = d
		}
	}
	if math.IsInf(step, 1) {
		return 1
	}
	return step
}

// plateauMarks draws a dotted vertical line with a downward triangle at the
// top of the data area for each plateau time.
type plateauMarks struct {
	Times []float64
}

func (m *plateauMarks) style() draw.LineStyle {
	return draw.LineStyle{Color: Palette[3], Width: vg.Points(1.3), Dashes: []vg.Length{vg.Points(1.5), vg.Points(2)}}
}

func (m *plateauMarks) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, t := range m.Times {
		x := trX(t)
		if x < c.Min.X-1 || x > c.Max.X+1 {
			continue
		}
		c.StrokeLine2(m.style(), x, c.Min.Y, x, c.Max.Y)
		tri(&c, x, c.Max.Y-vg.Points(1))
	}
}

func (m *plateauMarks) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, t := range m.Times {
		xmin, xmax = math.Min(xmin, t), math.Max(xmax, t)
	}
	return xmin, xmax, math.Inf(1), math.Inf(-1)
}

func (m *plateauMarks) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(m.style(), x, c.Min.Y, x, c.Max.Y)
	tri(c, x, c.Max.Y)
}

// tri fills a small downward triangle whose tip is below (x, top).
func tri(c *draw.Canvas, x, top vg.Length) {
	r := vg.Points(4)
	var p vg.Path
	p.Move(vg.Point{X: x - r, Y: top})
	p.Line(vg.Point{X: x + r, Y: top})
	p.Line(vg.Point{X: x, Y: top - 1.5*r})
	p.Close()
	c.SetColor(Palette[3])
	c.Fill(p)
}

// phaseLabels writes phase names centred over their time spans, just inside
// the top of the data area.
type phaseLabels struct {
	Spans [][2]float64
	Names []string
}

func (l *phaseLabels) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := p.X.Tick.Label
	sty.XAlign = draw.XCenter
	sty.YAlign = draw.YTop
	sty.Color = rgb(0x44, 0x44, 0x44)
	for i, s := range l.Spans {
		x := (trX(s[0]) + trX(s[1])) / 2
		c.FillText(sty, vg.Point{X: x, Y: c.Max.Y - vg.Points(3)}, l.Names[i])
	}
}
