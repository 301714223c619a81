package plot

import (
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
)

// niceTicks is a tick marker with about six labelled major ticks at 1-2-5
// steps and four minor ticks between them.
type niceTicks struct {
	// Integer forbids fractional steps (epochs, counts).
	Integer bool
	// Thousands labels the values of an axis reaching 10 000 or more in
	// thousands with a "k" suffix (millions with "M").
	Thousands bool
}

func (t niceTicks) Ticks(min, max float64) []gplot.Tick {
	if !(max > min) || math.IsInf(min, 0) || math.IsInf(max, 0) {
		return []gplot.Tick{{Value: min, Label: t.format(min, 0, false)}}
	}
	step := niceStep((max - min) / 6)
	if t.Integer && step < 1 {
		step = 1
	}
	minor := step / 5
	if t.Integer && minor < 1 {
		minor = 0
	}
	if step/minor == 5 && niceMantissa(step) == 2 {
		minor = step / 4
	}
	prec := 0
	if step < 1 {
		prec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	k := t.Thousands && math.Max(math.Abs(min), math.Abs(max)) >= 1e4
	var ticks []gplot.Tick
	first := math.Ceil(min/step-1e-9) * step
	for v := first; v <= max+step*1e-9; v += step {
		vv := math.Round(v/step) * step
		if math.Abs(vv) < step*1e-9 {
			vv = 0
		}
		ticks = append(ticks, gplot.Tick{Value: vv, Label: t.format(vv, prec, k)})
	}
	if minor > 0 {
		for v := math.Ceil(min/minor-1e-9) * minor; v <= max+minor*1e-9; v += minor {
			r := math.Round(v/step) * step
			if math.Abs(v-r) < minor*1e-6 {
				continue
			}
			ticks = append(ticks, gplot.Tick{Value: v})
		}
	}
	return ticks
}

// format labels v with prec decimals, or in thousands ("20k") or millions
// ("1.2M") when k is set.
func (t niceTicks) format(v float64, prec int, k bool) string {
	if k && v != 0 {
		if math.Abs(v) >= 1e6 {
			return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
		}
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// niceStep rounds x up to 1, 2 or 5 times a power of ten.
func niceStep(x float64) float64 {
	if x <= 0 || math.IsNaN(x) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// niceMantissa returns the leading 1, 2 or 5 of a nice step.
func niceMantissa(step float64) int {
	p := math.Pow(10, math.Floor(math.Log10(step)+1e-9))
	return int(math.Round(step / p))
}

// log10Ticks labels an axis whose values are log10 of the data: major ticks
// at integers k labelled 10^k (0.01, 0.1, 1, 10, 100, 1000, 10⁴, …), minor
// ticks at log10(m·10^k) for m = 2…9. Across more than 8 decades only every
// second or third power is labelled.
type log10Ticks struct{}

func (log10Ticks) Ticks(min, max float64) []gplot.Tick {
	if !(max > min) || math.IsInf(min, 0) || math.IsInf(max, 0) {
		return niceTicks{}.Ticks(min, max)
	}
	every := 1
	if max-min > 8 {
		every = int(math.Ceil((max - min) / 8))
	}
	var ticks []gplot.Tick
	for e := int(math.Floor(min)); e <= int(math.Ceil(max)); e++ {
		if v := float64(e); v >= min && v <= max {
			t := gplot.Tick{Value: v}
			if e%every == 0 {
				t.Label = powerLabel(e)
			}
			ticks = append(ticks, t)
		}
		if every > 1 {
			continue
		}
		for m := 2; m <= 9; m++ {
			if v := float64(e) + math.Log10(float64(m)); v >= min && v <= max {
				ticks = append(ticks, gplot.Tick{Value: v})
			}
		}
	}
	return ticks
}

// powerLabel writes 10^e plainly for -2 ≤ e ≤ 3 and with a superscript
// exponent otherwise.
func powerLabel(e int) string {
	if e >= -2 && e <= 3 {
		return strconv.FormatFloat(math.Pow(10, float64(e)), 'f', -1, 64)
	}
	const sup = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	digits := []rune(sup)
	s := "10"
	if e < 0 {
		s += "⁻"
		e = -e
	}
	for _, d := range strconv.Itoa(e) {
		s += string(digits[d-'0'])
	}
	return s
}
