package atomic

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.txt")
	if err := WriteBytes(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	// A failing writer leaves the old content and no temp file.
	err := WriteFile(p, func(w io.Writer) error { w.Write([]byte("partial")); return errors.New("boom") })
	if err == nil {
		t.Fatal("want error")
	}
	b, _ := os.ReadFile(p)
	if string(b) != "one" {
		t.Errorf("content %q after a failed write", b)
	}
	if err := WriteBytes(filepath.Join(dir, "no", "f"), nil); err == nil {
		t.Error("a missing folder is not created (as with os.WriteFile)")
	}
	ents, _ := os.ReadDir(filepath.Dir(p))
	if len(ents) != 1 {
		t.Errorf("%d entries, want 1 (temp file left behind)", len(ents))
	}
}
