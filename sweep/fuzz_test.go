package sweep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A manifest that ReadManifest accepts is written back unchanged in
// meaning: Write then ReadManifest gives the same runs. A refused one gets
// one short error line.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"index":0,"id":"0000-seed=1","params":{"seed":1},"config":{"mode":"rate","layers":[20,10]}}` + "\n"))
	f.Add([]byte(`{"index":0,"index":0,"id":"a","params":{},"config":{}}` + "\n"))
	f.Add([]byte(`{"index":0,"id":"a","params":{},"config":{}} {}` + "\n"))
	f.Add([]byte(`{"index":0,"id":"../x","params":{},"config":{"Epochs":1}}` + "\n"))
	// CI found this kind: a line that is a JSON string holding a newline,
	// which the error message printed raw.
	f.Add([]byte(`"\n",` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, ManifestFile), b, 0o644)
		m, err := ReadManifest(dir)
		if err != nil {
			if strings.Contains(err.Error(), "\n") || len(err.Error()) > 2000 {
				t.Fatalf("error of %d bytes or several lines: %.300s", len(err.Error()), err)
			}
			return
		}
		out := filepath.Join(t.TempDir(), "copy")
		if err := m.Write(out); err != nil {
			t.Fatalf("Write of an accepted manifest: %v", err)
		}
		again, err := ReadManifest(out)
		if err != nil {
			t.Fatalf("ReadManifest of a written manifest: %v", err)
		}
		if len(again.Runs) != len(m.Runs) {
			t.Fatalf("%d runs, then %d", len(m.Runs), len(again.Runs))
		}
		for i := range m.Runs {
			if m.Runs[i].ID != again.Runs[i].ID || string(m.Runs[i].Config.JSON()) != string(again.Runs[i].Config.JSON()) {
				t.Fatalf("run %d changed in the round trip", i)
			}
		}
	})
}
