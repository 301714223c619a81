package iox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1 << 20: "1 MiB", 3 << 29: "1.5 GiB", 24 << 30: "24 GiB",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestQuote(t *testing.T) {
	if got := Quote("abc", 80); got != `"abc"` {
		t.Errorf("short: %s", got)
	}
	long := strings.Repeat("é", 100) // 200 bytes; the cut must not split a rune
	got := Quote(long, 81)
	if got != `"`+strings.Repeat("é", 40)+`"… (200 bytes)` {
		t.Errorf("long: %s", got)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("12345"), 0o644)
	if b, err := ReadFile(p, "a file", 5); err != nil || string(b) != "12345" {
		t.Errorf("ReadFile at the limit = %q, %v", b, err)
	}
	if _, err := ReadFile(p, "a file", 4); err == nil || err.Error() != "5 bytes, more than the limit of 4 bytes for a file" {
		t.Errorf("ReadFile over the limit: %v", err)
	}
	if _, err := ReadFile(dir, "a file", 4); err == nil || err.Error() != "is a directory, want a file" {
		t.Errorf("directory: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "none"), "a file", 4); err == nil || !os.IsNotExist(err) {
		t.Errorf("missing: %v", err)
	}
}
