// Package report writes the report of a training run: one self-contained
// HTML file with the run's summary (summary.json), its configuration
// (config.json, with the values that differ from config.defaults.json
// highlighted when that file is present), the last rows of metrics.csv and
// every figure that package plot draws from the run folder, inlined as SVG.
// The page has inline CSS, no scripts and no external resources, so it opens
// offline and can be mailed or archived as one file.
package report
