package run

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/dendrite-lab/dendrite/config"
)

// progress shows a run's advance: a live line on a terminal, plain log lines
// elsewhere (CI, Slurm logs: no control characters), structured slog events,
// or nothing. eta is the estimated time to the end of the whole run (every
// remaining epoch and test), NaN while unknown.
type progress interface {
	example(epoch, index, wrong int, lastQuick, eta float64)
	test(kind string, errPct float64)
	epochEnd(epoch int, testErr, trainErr float64)
	done()
}

// lineInterval is the least time between two plain progress lines when
// Options.LogEvery is not given (a line is also written at every epoch end).
const lineInterval = time.Minute

func newProgress(o Options, cfg *config.Config, nTrain int) progress {
	switch {
	case o.Logger != nil:
		return &slogProgress{l: o.Logger, cfg: cfg, n: nTrain, every: o.LogEvery, start: time.Now()}
	case o.Progress == nil:
		return nopProgress{}
	case o.Terminal:
		return &termProgress{w: o.Progress, cfg: cfg, n: nTrain, start: time.Now()}
	default:
		return &lineProgress{w: o.Progress, cfg: cfg, n: nTrain, every: o.LogEvery, start: time.Now(), last: time.Now()}
	}
}

// due reports whether a plain line is due: every `every` examples when
// every > 0, else once lineInterval has passed since the last one.
func due(every, index int, last *time.Time) bool {
	if every > 0 {
		return index%every == 0
	}
	if time.Since(*last) < lineInterval {
		return false
	}
	*last = time.Now()
	return true
}

type nopProgress struct{}

func (nopProgress) example(int, int, int, float64, float64) {}
func (nopProgress) test(string, float64)                    {}
func (nopProgress) epochEnd(int, float64, float64)          {}
func (nopProgress) done()                                   {}

// rate tracks examples per second over the current epoch.
type rate struct {
	epoch int
	t0    time.Time
	i0    int
}

func (r *rate) perSecond(epoch, index int) float64 {
	now := time.Now()
	if epoch != r.epoch || r.t0.IsZero() {
		r.epoch, r.t0, r.i0 = epoch, now, index
		return math.NaN()
	}
	dt := now.Sub(r.t0).Seconds()
	if dt <= 0 || index <= r.i0 {
		return math.NaN()
	}
	return float64(index-r.i0) / dt
}

func fmtETA(sec float64) string {
	if math.IsNaN(sec) || math.IsInf(sec, 0) || sec < 0 {
		return "--:--"
	}
	d := time.Duration(sec) * time.Second
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	s := int(d.Seconds()) % 60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", m, s)
}

// fmtRate shows examples per second, or "-" while unknown.
func fmtRate(ps float64) string {
	if math.IsNaN(ps) || math.IsInf(ps, 0) {
		return "-"
	}
	return fmt.Sprintf("%.0f", ps)
}

func pct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "  -  "
	}
	return fmt.Sprintf("%5.2f%%", v)
}

// ratio is 100·a/b, NaN when b is 0.
func ratio(a, b int) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return 100 * float64(a) / float64(b)
}

type termProgress struct {
	w     io.Writer
	cfg   *config.Config
	n     int
	start time.Time
	last  time.Time
	r     rate
}

func (p *termProgress) example(epoch, index, wrong int, lastQuick, eta float64) {
	ps := p.r.perSecond(epoch, index)
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && index != p.n {
		return
	}
	p.last = now
	const width = 24
	fill := 0
	if p.n > 0 {
		fill = min(width, width*index/p.n)
	}
	bar := strings.Repeat("█", fill) + strings.Repeat("░", width-fill)
	fmt.Fprintf(p.w, "\r\033[Kepoch %d/%d %s %d/%d  %6s ex/s  run ETA %s  train err %s  quick test %s",
		epoch, p.cfg.Epochs, bar, index, p.n, fmtRate(ps), fmtETA(eta), pct(ratio(wrong, index)), pct(lastQuick))
}

func (p *termProgress) test(kind string, e float64) {
	if kind != "quick" {
		fmt.Fprintf(p.w, "\r\033[K%s test error %s\n", kind, pct(e))
	}
}

func (p *termProgress) epochEnd(epoch int, testErr, trainErr float64) {
	fmt.Fprintf(p.w, "\r\033[Kepoch %d/%d done: test error %s, training error %s, %s elapsed\n",
		epoch, p.cfg.Epochs, pct(testErr), pct(trainErr), fmtETA(time.Since(p.start).Seconds()))
}

func (p *termProgress) done() {}

type lineProgress struct {
	w     io.Writer
	cfg   *config.Config
	n     int
	every int
	start time.Time
	last  time.Time
	r     rate
}

func (p *lineProgress) example(epoch, index, wrong int, lastQuick, eta float64) {
	ps := p.r.perSecond(epoch, index)
	if !due(p.every, index, &p.last) {
		return
	}
	fmt.Fprintf(p.w, "%s epoch %d/%d example %d/%d %s ex/s run_ETA %s train_err %s quick_test %s\n",
		time.Now().Format("15:04:05"), epoch, p.cfg.Epochs, index, p.n, fmtRate(ps), fmtETA(eta),
		strings.TrimSpace(pct(ratio(wrong, index))), strings.TrimSpace(pct(lastQuick)))
}

func (p *lineProgress) test(kind string, e float64) {
	if kind != "quick" && kind != "repeat" {
		fmt.Fprintf(p.w, "%s %s test error %s\n", time.Now().Format("15:04:05"), kind, strings.TrimSpace(pct(e)))
	}
}

func (p *lineProgress) epochEnd(epoch int, testErr, trainErr float64) {
	fmt.Fprintf(p.w, "%s epoch %d/%d done: test error %s, training error %s\n",
		time.Now().Format("15:04:05"), epoch, p.cfg.Epochs, strings.TrimSpace(pct(testErr)), strings.TrimSpace(pct(trainErr)))
	p.last = time.Now()
}

func (p *lineProgress) done() {}

type slogProgress struct {
	l     *slog.Logger
	cfg   *config.Config
	n     int
	every int
	start time.Time
	last  time.Time
	r     rate
}

func (p *slogProgress) example(epoch, index, wrong int, lastQuick, eta float64) {
	ps := p.r.perSecond(epoch, index)
	if p.last.IsZero() {
		p.last = p.start
	}
	if !due(p.every, index, &p.last) {
		return
	}
	args := []any{"epoch", epoch, "epochs", p.cfg.Epochs, "example", index, "examples", p.n}
	if e := ratio(wrong, index); !math.IsNaN(e) {
		args = append(args, "train_error", e)
	}
	if !math.IsNaN(ps) {
		args = append(args, "examples_per_second", ps)
	}
	if !math.IsNaN(eta) && !math.IsInf(eta, 0) {
		args = append(args, "run_eta_seconds", eta)
	}
	if !math.IsNaN(lastQuick) {
		args = append(args, "quick_test_error", lastQuick)
	}
	p.l.Info("progress", args...)
}

func (p *slogProgress) test(kind string, e float64) {
	p.l.Info("test", "kind", kind, "test_error", e)
}

func (p *slogProgress) epochEnd(epoch int, testErr, trainErr float64) {
	p.l.Info("epoch", "epoch", epoch, "test_error", testErr, "train_error", trainErr)
	p.last = time.Now()
}

func (p *slogProgress) done() {}
