package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/dendrite-lab/dendrite/rundir"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dendrite-lab/dendrite/plot/plottest"
	"github.com/dendrite-lab/dendrite/report"
)

// small sizes a fake run for tests that do not look at the figures.
var small = plottest.Options{Epochs: 1, ExamplesPerEpoch: 500, Hidden: 16}

func fakeRun(t *testing.T, o plottest.Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run-<7>")
	if err := plottest.WriteRun(dir, o); err != nil {
		t.Fatal(err)
	}
	return dir
}

// examplesPerSecond returns summary.json's examples_per_second as the report
// prints it.
func examplesPerSecond(t *testing.T, run string) string {
	t.Helper()
	s, err := rundir.ReadSummary(run)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatFloat(s.ExamplesPerSecond, 'f', 1, 64)
}

// finalError returns summary.json's final_test_error as the report prints it.
func finalError(t *testing.T, run string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(run, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		FinalTestError float64 `json:"final_test_error"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%.2f %%", s.FinalTestError)
}

func writeReport(t *testing.T, run string) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.html")
	if d := os.Getenv("DENDRITE_REPORT_OUT"); d != "" {
		os.MkdirAll(d, 0o755)
		out = filepath.Join(d, "report.html")
	}
	if err := report.Write(run, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return out, string(b)
}

func TestWrite(t *testing.T) {
	run := fakeRun(t, plottest.Options{})
	_, html := writeReport(t, run)
	for _, want := range []string{
		"<!DOCTYPE html>",
		"Run run-&lt;7&gt;", // the folder name, escaped
		finalError(t, run),
		"400",      // examples trained: 2 epochs of 200
		"complete", // status
		examplesPerSecond(t, run),
		`id="learning-curve"`, `id="loss"`, `id="receptive-fields"`, `id="bp-angle"`,
		`id="eigvals"`, `id="voltages"`, `id="embedding-0"`,
		"<svg", "data:image/png;base64,",
		`class="changed"`, fmt.Sprintf("%d</span> values differ", len(plottest.Changed)),
		"quick_test_every", "kind</th>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, "<?xml") {
		t.Error("inlined SVG kept its XML declaration")
	}
	for _, bad := range []string{"<script", "http://", "https://", "<link"} {
		// The SVG namespaces are the only URLs allowed.
		s := strings.ReplaceAll(html, `xmlns="http://www.w3.org/2000/svg"`, "")
		s = strings.ReplaceAll(s, `xmlns:xlink="http://www.w3.org/1999/xlink"`, "")
		if strings.Contains(s, bad) {
			t.Errorf("report contains %q: not self-contained", bad)
		}
	}
	if n := strings.Count(html, `<tr class="changed">`); n != len(plottest.Changed) {
		t.Errorf("%d changed config rows, want %d (%v)", n, len(plottest.Changed), plottest.Changed)
	}
}

func TestWriteWithoutDefaults(t *testing.T) {
	run := fakeRun(t, small)
	if err := os.Remove(filepath.Join(run, "config.defaults.json")); err != nil {
		t.Fatal(err)
	}
	_, html := writeReport(t, run)
	if strings.Contains(html, `class="changed"`) {
		t.Error("highlighting without config.defaults.json")
	}
	if !strings.Contains(html, "quick_test_every") {
		t.Error("config table missing")
	}
}

func TestWriteEmptyAndCorrupt(t *testing.T) {
	// An empty run folder: a report that says it is incomplete, no error.
	run := t.TempDir()
	_, html := writeReport(t, run)
	if !strings.Contains(html, "incomplete") || strings.Contains(html, "<svg") {
		t.Error("empty run report")
	}

	// A corrupt record: the report is written and the error names the file.
	run = fakeRun(t, small)
	bad := filepath.Join(run, "records", "bp_angles.npy")
	os.WriteFile(bad, []byte("garbage"), 0o644)
	out := filepath.Join(t.TempDir(), "r.html")
	err := report.Write(run, out)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("want an error naming %s, got %v", bad, err)
	}
	b, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !strings.Contains(string(b), `id="problems"`) || !strings.Contains(string(b), `id="learning-curve"`) {
		t.Error("report of a run with a corrupt record lacks the problems or the other figures")
	}

	if err := report.Write(filepath.Join(t.TempDir(), "missing"), out); err == nil {
		t.Error("no error for a missing run folder")
	}
}

// chromium returns the path of a Chromium binary, or skips the test.
func chromium(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed: apt-get install chromium (the CI script installs it)")
	return ""
}

func runChromium(t *testing.T, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\nstderr:\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}

// pageErrors returns the stderr lines that report a script or console error
// of the page.
func pageErrors(stderr string) []string {
	var bad []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "Uncaught") || strings.Contains(l, ":CONSOLE") {
			bad = append(bad, l)
		}
	}
	return bad
}

func TestChromium(t *testing.T) {
	bin := chromium(t)
	run := fakeRun(t, plottest.Options{})
	out, _ := writeReport(t, run)
	url := "file://" + out

	dom, stderr := runChromium(t, bin, "--dump-dom", url)
	for _, want := range []string{`id="learning-curve"`, "<svg", finalError(t, run)} {
		if !strings.Contains(dom, want) {
			t.Errorf("dumped DOM lacks %q", want)
		}
	}
	if bad := pageErrors(stderr); len(bad) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(bad, "\n"))
	}

	shot := filepath.Join(t.TempDir(), "shot.png")
	if d := os.Getenv("DENDRITE_REPORT_OUT"); d != "" {
		shot = filepath.Join(d, "shot.png")
	}
	_, stderr = runChromium(t, bin, "--screenshot="+shot, "--window-size=1200,2000", "--hide-scrollbars", url)
	if bad := pageErrors(stderr); len(bad) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(bad, "\n"))
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 2000 {
		t.Errorf("screenshot %v", b)
	}
}
