// Package stats has the one implementation of the summary statistics that
// runs, tests, reproductions and sweeps report, so that they agree on every
// value: the mean, the sample standard deviation, the minimum and the maximum.
package stats

import (
	"math"
	"strconv"
)

// Summary returns the mean, the sample standard deviation (divisor n−1), the
// minimum and the maximum of v.
//
// The sample s.d. of fewer than two values is undefined and returned as NaN
// (never 0, which would claim that the values do not vary); all four are NaN
// for an empty v. Callers that print or encode the s.d. must handle NaN (JSON
// cannot hold it): see SDText.
func Summary(v []float64) (mean, sd, lo, hi float64) {
	nan := math.NaN()
	if len(v) == 0 {
		return nan, nan, nan, nan
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		mean += x
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	mean /= float64(len(v))
	sd = nan
	if len(v) > 1 {
		ss := 0.0
		for _, x := range v {
			ss += (x - mean) * (x - mean)
		}
		sd = math.Sqrt(ss / float64(len(v)-1))
	}
	return mean, sd, lo, hi
}

// SDText formats a standard deviation with two decimals, or "n/a" when it is
// undefined (NaN: fewer than two values).
func SDText(sd float64) string {
	if math.IsNaN(sd) {
		return "n/a"
	}
	return strconv.FormatFloat(sd, 'f', 2, 64)
}
