package rundir

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestClearOnlyOurs(t *testing.T) {
	user := t.TempDir()
	write(t, filepath.Join(user, "thesis.tex"), "x")
	write(t, filepath.Join(user, ConfigFile), "{}") // looks like a run, but no marker
	if err := Clear(user); !errors.Is(err, ErrNotRun) {
		t.Fatalf("Clear of a folder without marker: %v", err)
	}
	if _, err := os.Stat(filepath.Join(user, "thesis.tex")); err != nil {
		t.Fatal("a user file was deleted")
	}

	ours := filepath.Join(t.TempDir(), "run")
	if err := Create(ours); err != nil {
		t.Fatal(err)
	}
	write(t, Path(ours, CheckpointFile), "ckpt")
	write(t, Weights(ours, "final")+"/W_0.npy", "w")
	if err := Clear(ours); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(ours)
	if len(ents) != 0 {
		t.Errorf("left %v", ents)
	}
}

func TestIsRunAndCheckRun(t *testing.T) {
	d := t.TempDir()
	if IsRun(d) || CheckRun(d) == nil {
		t.Error("an empty folder is a run")
	}
	if err := CheckRun(filepath.Join(d, "none")); !errors.Is(err, ErrNotRun) || !strings.Contains(err.Error(), "none") {
		t.Errorf("missing folder: %v", err)
	}
	write(t, filepath.Join(d, "f"), "x")
	if err := CheckRun(filepath.Join(d, "f")); !errors.Is(err, ErrNotRun) || !strings.Contains(err.Error(), "file") {
		t.Errorf("a file: %v", err)
	}
	// A run written before the marker existed: config.json and summary.json.
	old := t.TempDir()
	write(t, Path(old, ConfigFile), "{}")
	write(t, Path(old, SummaryFile), `{"status":"complete"}`)
	if !IsRun(old) || CheckRun(old) != nil {
		t.Error("an old run folder is not recognised")
	}
	// A marker made of a folder does not count.
	fake := t.TempDir()
	os.Mkdir(Path(fake, MarkerFile), 0o755)
	if IsRun(fake) {
		t.Error("a folder named like the marker counts")
	}
}

func TestSummaryStatuses(t *testing.T) {
	d := t.TempDir()
	e := 3.25
	in := &Summary{Status: Complete, FinalTestError: &e, Epochs: 2}
	if err := WriteSummary(d, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadSummary(d)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := out.TestError(); !ok || got != 3.25 || out.Status != Complete || out.Epochs != 2 {
		t.Errorf("round trip %+v", out)
	}
	// An interrupted summary has no final_test_error key at all.
	if err := WriteSummary(d, &Summary{Status: Interrupted}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(Path(d, SummaryFile))
	if strings.Contains(string(b), "final_test_error") {
		t.Errorf("interrupted summary: %s", b)
	}
	if s, _ := ReadSummary(d); s == nil {
		t.Fatal("unread")
	} else if _, ok := s.TestError(); ok {
		t.Error("interrupted summary reports a test error")
	}
	if err := WriteSummary(d, &Summary{Status: "done"}); err == nil {
		t.Error("status outside the set was written")
	}
	write(t, Path(d, SummaryFile), `{"status":"finished"}`)
	if _, err := ReadSummary(d); err == nil || !strings.Contains(err.Error(), "finished") || !strings.Contains(err.Error(), SummaryFile) {
		t.Errorf("unknown status read: %v", err)
	}
	if _, err := ReadSummary(t.TempDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing summary: %v", err)
	}
}

func TestDecide(t *testing.T) {
	root := t.TempDir()
	mk := func(name string, files map[string]string, marker bool) string {
		d := filepath.Join(root, name)
		if marker {
			if err := Create(d); err != nil {
				t.Fatal(err)
			}
		}
		for f, b := range files {
			write(t, Path(d, f), b)
		}
		return d
	}
	cases := []struct {
		name      string
		dir       string
		action    Action
		leftovers bool
		err       error
	}{
		{"absent", filepath.Join(root, "absent"), Start, false, nil},
		{"empty", mk("empty", nil, true), Start, true, nil},
		{"complete", mk("complete", map[string]string{SummaryFile: `{"status":"complete","final_test_error":1}`}, true), Skip, false, nil},
		{"checkpoint", mk("ckpt", map[string]string{CheckpointFile: "x", SummaryFile: `{"status":"interrupted"}`}, true), Resume, false, nil},
		{"killed before a summary", mk("killed", map[string]string{CheckpointFile: "x"}, true), Resume, false, nil},
		{"failed without checkpoint", mk("failed", map[string]string{SummaryFile: `{"status":"failed"}`}, true), Start, true, nil},
		{"aborted", mk("aborted", map[string]string{CheckpointFile: "x", SummaryFile: `{"status":"aborted"}`}, true), Start, true, nil},
		{"foreign files", mk("foreign", map[string]string{"data.csv": "1,2"}, false), 0, false, ErrNotRun},
		{"locked", mk("locked", map[string]string{LockFile: "1 " + Hostname() + "\n"}, true), 0, false, ErrLocked},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Decide(c.dir)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Action != c.action || d.Leftovers != c.leftovers {
				t.Errorf("got %v leftovers=%v, want %v leftovers=%v", d.Action, d.Leftovers, c.action, c.leftovers)
			}
			if c.action == Skip && d.Summary == nil {
				t.Error("skip without its summary")
			}
		})
	}
	// The empty folder decided Start: created by Create, it holds the marker
	// only (a leftover Clear removes).
	if err := Clear(filepath.Join(root, "empty")); err != nil {
		t.Fatal(err)
	}
	if d, _ := Decide(filepath.Join(root, "empty")); d.Action != Start || d.Leftovers {
		t.Errorf("after Clear: %+v", d)
	}
}

func TestLock(t *testing.T) {
	d := t.TempDir()
	unlock, err := Lock(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(d); !errors.Is(err, ErrLocked) {
		t.Errorf("second lock: %v", err)
	}
	unlock()
	if _, err := os.Stat(Path(d, LockFile)); !errors.Is(err, os.ErrNotExist) {
		t.Error("unlock left the file")
	}
	// A lock of a process that is gone is taken over; one of another host is not.
	write(t, Path(d, LockFile), "999999999 "+Hostname()+"\n")
	unlock, err = Lock(d)
	if err != nil {
		t.Fatalf("stale lock: %v", err)
	}
	unlock()
	write(t, Path(d, LockFile), "1 some-other-host\n")
	if _, err := Lock(d); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "some-other-host") {
		t.Errorf("other host's lock: %v", err)
	}
}

func TestMetricsFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), MetricsFile)
	rows := []Metric{
		{Kind: KindInitial, Epoch: 0, Examples: 0, TestError: 90, TrainError: math.NaN(), LossMean: math.NaN(), Seconds: 0.5},
		{Kind: KindFull, Epoch: 1, Examples: 1000, TestError: 12.5, TrainError: 50, LossMean: 0.15, Seconds: 3},
		{Kind: KindQuick, Epoch: 2, Examples: math.NaN(), TestError: 11, TrainError: math.NaN(), LossMean: math.NaN(), Seconds: 4},
	}
	if err := WriteMetrics(p, rows); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	want := "kind,epoch,examples,test_error,train_error,loss_mean,seconds\n" +
		"initial,0,0,90,,,0.500\n" +
		"full,1,1000,12.5,50,0.15,3.000\n" +
		"quick,2,,11,,,4.000\n"
	if string(b) != want {
		t.Errorf("metrics.csv:\n%s\nwant\n%s", b, want)
	}
	if !rows[0].IsFull() || !rows[1].IsFull() || rows[2].IsFull() {
		t.Error("IsFull")
	}
}

func TestProvenanceData(t *testing.T) {
	data := t.TempDir()
	for _, n := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		write(t, filepath.Join(data, n), n)
	}
	p, err := NewProvenance(data, "", "go")
	if err != nil {
		t.Fatal(err)
	}
	// printf train-images-idx3-ubyte | sha256sum
	const want = "ce32adbd10ede5ecdfa6daad4a59c8eae4225897c566347f18ab535f6b7901c7"
	if f := p.Data.Files[0]; f.Name != "train-images-idx3-ubyte" || f.Size != 23 || f.SHA256 != want {
		t.Errorf("first file %+v", f)
	}
	run := t.TempDir()
	if err := WriteProvenance(run, p); err != nil {
		t.Fatal(err)
	}
	dir, back, err := DataFor(run, "")
	if err != nil || back == nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(data)
	if dir != abs {
		t.Errorf("recorded data %q, want %q", dir, abs)
	}
	if err := CheckData(back, data); err != nil {
		t.Errorf("same data: %v", err)
	}
	write(t, filepath.Join(data, "t10k-labels-idx1-ubyte"), "changed")
	if err := CheckData(back, data); !errors.Is(err, ErrOtherData) || !strings.Contains(err.Error(), "t10k-labels-idx1-ubyte") {
		t.Errorf("changed labels: %v", err)
	}
	// A FIFO is refused without blocking.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(fifo); err == nil {
		if _, err := Digest(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("FIFO: %v", err)
		}
	}
	// A run without provenance.json: the override, and no check.
	if d, p, err := DataFor(t.TempDir(), "x"); d != "x" || p != nil || err != nil {
		t.Errorf("no record: %q %v %v", d, p, err)
	}
}
