package reproduce

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dendrite-lab/dendrite/plot/plottest"
	"github.com/dendrite-lab/dendrite/rundir"
)

// TestVerifyRerunsTheFirstEpoch stores a tiny real run, re-runs its first
// epoch from the stored config and expects the same error; a tampered
// metrics.csv or other data must be caught.
func TestVerifyRerunsTheFirstEpoch(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny network twice")
	}
	dir := filepath.Join(t.TempDir(), "seed-7")
	if err := plottest.WriteRun(dir, plottest.Options{Epochs: 2, ExamplesPerEpoch: 150}); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	v, err := Verify(context.Background(), dir, VerifyOptions{Work: work})
	if err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(work); len(ents) != 0 {
		t.Fatalf("Verify left %d entries in its work folder", len(ents))
	}
	if !v.Identical || v.Diff() != 0 || !v.OK() || v.Seed != 7 {
		t.Fatalf("re-run of the same build: %+v, want identical epoch-1 errors for seed 7", v)
	}

	if err := v.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := ReadVerification(dir)
	if err != nil || back == nil || back.Rerun != v.Rerun || back.Seed != 7 || !back.OK() {
		t.Fatalf("verify.json round trip: %+v, %v; want %+v", back, err, v)
	}

	// A stored error 5 points off is not within the tolerance.
	metrics := filepath.Join(dir, rundir.MetricsFile)
	b, err := os.ReadFile(metrics)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	changed := false
	for i, l := range lines {
		if strings.HasPrefix(l, "full,1,") {
			f := strings.Split(l, ",")
			f[3] = "99.5"
			lines[i], changed = strings.Join(f, ","), true
		}
	}
	if !changed {
		t.Fatalf("%s has no full,1 row:\n%s", metrics, b)
	}
	if err := os.WriteFile(metrics, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	v2, err := Verify(context.Background(), dir, VerifyOptions{Work: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if v2.OK() || v2.Stored != 99.5 || math.Abs(v2.Diff()-(v.Rerun-99.5)) > 1e-12 {
		t.Fatalf("tampered store: %+v, want a disagreement with stored 99.5", v2)
	}

	// Other data (a recorded digest that differs) is refused.
	prov := filepath.Join(dir, rundir.ProvenanceFile)
	pb, err := os.ReadFile(prov)
	if err != nil {
		t.Fatal(err)
	}
	var p rundir.Provenance
	if err := json.Unmarshal(pb, &p); err != nil {
		t.Fatal(err)
	}
	p.Data.Files[0].SHA256 = strings.Repeat("0", 64)
	pb, _ = json.Marshal(&p)
	if err := os.WriteFile(prov, pb, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(context.Background(), dir, VerifyOptions{Work: t.TempDir()}); !errors.Is(err, rundir.ErrOtherData) {
		t.Fatalf("other data: got %v, want ErrOtherData", err)
	}
}

func TestVerifyBadStore(t *testing.T) {
	dir := t.TempDir()
	if _, err := Verify(context.Background(), dir, VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "config.json") {
		t.Fatalf("empty folder: got %v, want an error naming config.json", err)
	}
	// Not a regular file: refused before it is opened (a FIFO would block).
	os.Mkdir(filepath.Join(dir, rundir.ConfigFile), 0o755)
	if _, err := Verify(context.Background(), dir, VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "config.json: is a directory, want a regular file") {
		t.Fatalf("folder as config.json: got %v", err)
	}
	os.Remove(filepath.Join(dir, rundir.ConfigFile))
	os.WriteFile(filepath.Join(dir, rundir.ConfigFile), []byte(`{"epochs": 3}`), 0o644)
	os.WriteFile(filepath.Join(dir, rundir.MetricsFile), []byte("kind,epoch,examples,test_error\nquick,1,1000,20\n"), 0o644)
	if _, err := Verify(context.Background(), dir, VerifyOptions{}); !errors.Is(err, errNoEpochOne) {
		t.Fatalf("no epoch-1 test: got %v", err)
	}
	os.WriteFile(filepath.Join(dir, rundir.MetricsFile), []byte("kind,epoch,examples,test_error\nfull,1,1000,x\n"), 0o644)
	if _, err := Verify(context.Background(), dir, VerifyOptions{}); err == nil || !strings.Contains(err.Error(), `test_error "x" is not a number`) {
		t.Fatalf("bad number: got %v", err)
	}
}

func TestVerifyBar(t *testing.T) {
	same := &Verification{Stored: 10.43, Rerun: 10.43, Identical: true}
	near := &Verification{Stored: 10.43, Rerun: 11.9}
	pg := &page{runs: map[string][]*Stored{
		"a": {{Experiment: "a", Seed: 1, Verify: same}, {Experiment: "a", Seed: 2, Verify: near}},
	}}
	if br := pg.verifyBar(); br.status != barMet || !strings.Contains(br.measured, "2 of 2 stored runs checked") || !strings.Contains(br.measured, "a seed 2 (10.43 %, +1.47 points)") {
		t.Errorf("all agree: %+v", br)
	}
	pg.runs["b"] = []*Stored{{Experiment: "b", Seed: 1}}
	if br := pg.verifyBar(); br.status != barPending || !strings.Contains(br.measured, "not checked yet: 1") {
		t.Errorf("one unchecked: %+v", br)
	}
	// Beyond 2 points, or any difference with the same build, disagrees.
	pg.runs["b"][0].Verify = &Verification{Stored: 10, Rerun: 12.5}
	pg.runs["a"][0].Verify = &Verification{Stored: 10, Rerun: 10.01, SameBuild: true}
	br := pg.verifyBar()
	if br.status != barNotMet || !strings.Contains(br.measured, "b seed 1: stored 10.00 %, re-run 12.50 %") || !strings.Contains(br.measured, "a seed 1: stored 10.00 %, re-run 10.01 %") {
		t.Errorf("disagreements: %+v", br)
	}
}
