//go:build unix

package sweep

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func planSrc(t *testing.T, src string) error {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.yaml")
	os.WriteFile(p, []byte(src), 0o644)
	_, err := Plan(p)
	return err
}

func TestPlanLimits(t *testing.T) {
	const base = "base: {mode: rate, layers: [20, 10]}\n"
	list := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprint(&b, i)
		}
		return "[" + b.String() + "]"
	}
	// 400 × 400 × 2 seeds = 320,000 runs > MaxRuns: refused from the sizes,
	// before any run is built, with the count in the message.
	err := planSrc(t, base+"grid: {epochs: "+list(400)+", test_examples: "+list(400)+"}\nseeds: [1, 2]\n")
	if err == nil || !strings.Contains(err.Error(), "(400 epochs × 400 test_examples) times 2 seeds makes more than 100000 runs") {
		t.Fatalf("big grid: %v", err)
	}
	for _, c := range []struct{ name, src, want string }{
		{"second document", base + "grid: {g_a: [0]}\n---\ngrid: {g_a: [1]}\n", "second document"},
		{"nan in grid", base + "grid: {g_a: [.nan]}\n", `"g_a"`},
		{"huge value", base + "grid: {mode: [" + strings.Repeat("k", 300000) + "]}\n", `"mode"`},
		{"huge explicit key", base + "grid:\n  ? " + strings.Repeat("k", 300000) + "\n  : [1]\n", "bytes)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := planSrc(t, c.src)
			if err == nil || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 600 {
				t.Errorf("error %.300v, want it to contain %q and be short", err, c.want)
			}
		})
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	os.WriteFile(big, bytes.Repeat([]byte("#"), MaxFileSize+1), 0o644)
	if _, err := Plan(big); err == nil || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("oversized sweep file: %v", err)
	}
	if _, err := Plan("/dev/zero"); err == nil || !strings.Contains(err.Error(), "device") {
		t.Errorf("/dev/zero: %v", err)
	}
}

func TestReadManifestLimits(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, ManifestFile), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := ReadManifest(dir); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("FIFO manifest: %v", err)
	}
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, ManifestFile), []byte(`{"index": 0, "index": 0, "id": "a", "params": {}, "config": {}}`+"\n"), 0o644)
	if _, err := ReadManifest(dir); err == nil || !strings.Contains(err.Error(), `"index" appears twice`) {
		t.Errorf("duplicate key: %v", err)
	}
	os.WriteFile(filepath.Join(dir, ManifestFile), []byte(`{"index": 0, "id": "a", "params": {}, "config": {}} {}`+"\n"), 0o644)
	if _, err := ReadManifest(dir); err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "data after") {
		t.Errorf("trailing data: %v", err)
	}
}

func TestCheckJobs(t *testing.T) {
	m := &Manifest{Runs: make([]Run, 4)}
	for i := range m.Runs {
		m.Runs[i].Config.Layers = []int{500, 10}
		m.Runs[i].Config.MaxMemory = "200MiB"
	}
	need := m.Runs[0].Config.MemoryEstimate().Total // about 120 MiB
	if err := CheckJobs(m, 1); err != nil {
		t.Errorf("1 job of %d bytes under 200 MiB: %v", need, err)
	}
	if err := CheckJobs(m, 2); err == nil || !strings.Contains(err.Error(), "use --jobs 1 or fewer") {
		t.Errorf("2 jobs of %d bytes under 200 MiB: %v", need, err)
	}
	if err := CheckJobs(m, MaxJobs+1); err == nil {
		t.Error("more than MaxJobs accepted")
	}
}

// A profile chosen in the grid gives the config a profile chosen in the base
// gives (one profile mechanism).
func TestPlanProfileInGridEqualsBase(t *testing.T) {
	for _, p := range []string{"paper", "head"} {
		dir := t.TempDir()
		a := filepath.Join(dir, "a.yaml")
		b := filepath.Join(dir, "b.yaml")
		os.WriteFile(a, []byte("base: {mode: rate, layers: [20, 10]}\ngrid: {profile: ["+p+"]}\n"), 0o644)
		os.WriteFile(b, []byte("base: {mode: rate, layers: [20, 10], profile: "+p+"}\ngrid: {g_a: [0]}\n"), 0o644)
		ma, err := Plan(a)
		if err != nil {
			t.Fatal(err)
		}
		mb, err := Plan(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ma.Runs[0].Config.JSON(), mb.Runs[0].Config.JSON()) {
			t.Errorf("profile %s in the grid:\n%s\nin the base:\n%s", p, ma.Runs[0].Config.JSON(), mb.Runs[0].Config.JSON())
		}
	}
}
