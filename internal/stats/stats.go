// Package stats has the summary statistics the run reports use.
package stats

import "math"

// Summary returns the mean, the sample standard deviation (0 for one value),
// the minimum and the maximum of v; all NaN for an empty v.
func Summary(v []float64) (mean, sd, lo, hi float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		mean += x
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	mean /= float64(len(v))
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	if len(v) > 1 {
		sd = math.Sqrt(sd / float64(len(v)-1))
	} else {
		sd = 0
	}
	return mean, sd, lo, hi
}
