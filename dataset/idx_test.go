package dataset

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadImages(t *testing.T) {
	tests := []struct {
		name             string
		n, rows, cols    int
		compress, hidden bool
	}{
		{"plain", 3, 4, 5, false, false},
		{"plain hidden length", 3, 4, 5, false, true},
		{"gzip", 3, 4, 5, true, false},
		{"gzip hidden length", 3, 4, 5, true, true},
		{"mnist size", 2, 28, 28, true, false},
		{"zero images", 0, 28, 28, false, false},
		{"zero images gzip", 0, 28, 28, true, true},
		{"1x1", 7, 1, 1, false, false},
		{"large", 3000, 28, 28, false, true}, // more than one growth chunk
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pix := ramp(tt.n * tt.rows * tt.cols)
			file := idxImages(tt.n, tt.rows, tt.cols, pix)
			if tt.compress {
				file = gz(file)
			}
			var r io.Reader = bytes.NewReader(file)
			if tt.hidden {
				r = hideLen{r}
			}
			images, n, rows, cols, err := ReadImages(r, "x")
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.n || rows != tt.rows || cols != tt.cols || !bytes.Equal(images, pix) {
				t.Errorf("got %d images of %dx%d (%d bytes), want %d of %dx%d", n, rows, cols, len(images), tt.n, tt.rows, tt.cols)
			}
		})
	}
}

func TestReadLabels(t *testing.T) {
	tests := []struct {
		name             string
		labels           []byte
		compress, hidden bool
	}{
		{"plain", []byte{5, 0, 4, 1, 9}, false, false},
		{"hidden", []byte{5, 0, 4, 1, 9}, false, true},
		{"gzip", []byte{7, 2, 1, 0}, true, false},
		{"gzip hidden", []byte{7, 2, 1, 0}, true, true},
		{"values >= 10 are not checked here", []byte{200, 10}, false, false},
		{"empty", []byte{}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := idxLabels(tt.labels)
			if tt.compress {
				file = gz(file)
			}
			var r io.Reader = bytes.NewReader(file)
			if tt.hidden {
				r = hideLen{r}
			}
			got, err := ReadLabels(r, "x")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.labels) {
				t.Errorf("got %v, want %v", got, tt.labels)
			}
		})
	}
}

// corruptGzip returns a gzip stream of b with its CRC-32 damaged.
func badCRC(b []byte) []byte {
	z := gz(b)
	z[len(z)-8] ^= 0xff
	return z
}

// badDeflate returns a gzip stream whose compressed body is damaged.
func badDeflate(b []byte) []byte {
	z := gz(b)
	for i := 10; i < len(z)-8; i++ {
		z[i] ^= 0x55
	}
	return z
}

func TestReadImagesErrors(t *testing.T) {
	const name = "train-images-idx3-ubyte.gz"
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "train-images-idx3-ubyte.gz: empty file, want IDX3 unsigned-byte images (magic 0x00000803)"},
		{"empty gzip", gz(nil), "gzip stream holds no data"},
		{"one byte", []byte{0}, "truncated: file ends after 1 bytes, inside the magic number"},
		{"short header", idxImages(1, 2, 3, nil)[:10], "truncated: file ends inside the 16-byte header (got 10 bytes)"},
		{"short header gzip", gz(idxImages(1, 2, 3, nil)[:10]), "truncated: file ends inside the 16-byte header (got 10 bytes)"},
		{"label file", idxLabels([]byte{1, 2}), "wrong magic 0x00000801, want 0x00000803 (IDX3 unsigned-byte images); this looks like a file of IDX1 unsigned-byte labels"},
		{"not idx", []byte("PK\x03\x04 something else entirely"), "wrong magic 0x504b0304, want 0x00000803 (IDX3 unsigned-byte images); this is not an IDX unsigned-byte file"},
		{"float idx", []byte{0, 0, 0x0d, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1}, "wrong magic 0x00000d03"},
		{"2^31 images", idxImages(1<<31, 28, 28, nil), "header says 2147483648 images, more than the limit 10000000"},
		{"2^32-1 images", idxImages(1<<32-1, 1<<32-1, 1<<32-1, nil), "header says 4294967295 images, more than the limit"},
		{"huge rows", idxImages(1, 1<<31, 2, nil), "header says images of 2147483648x2, want rows and cols in 1..4096"},
		{"zero cols", idxImages(1, 28, 0, nil), "header says images of 28x0, want rows and cols in 1..4096"},
		{"too many bytes", idxImages(10_000_000, 28, 28, nil), "header says 10000000 images of 28x28 = 7840000000 bytes, more than the limit 1073741824"},
		{"truncated", idxImages(60000, 28, 28, make([]byte, 1234)), name + ": truncated: header says 60000 images of 28x28 = 47040000 bytes, got 1234"},
		{"truncated gzip", gz(idxImages(60000, 28, 28, make([]byte, 1234))), name + ": truncated: header says 60000 images of 28x28 = 47040000 bytes, got 1234"},
		{"cut gzip", gz(idxImages(2, 28, 28, ramp(2*784)))[:300], "truncated: header says 2 images of 28x28 = 1568 bytes, got"},
		{"trailing", idxImages(1, 2, 2, make([]byte, 5)), "header says 1 images of 2x2 = 4 bytes, but"},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0, 0, 0}, name + ": corrupt gzip stream: "},
		{"bad gzip body", badDeflate(idxImages(2, 3, 3, ramp(18))), name + ": corrupt gzip stream: "},
		{"bad gzip checksum", badCRC(idxImages(2, 3, 3, ramp(18))), name + ": corrupt gzip stream: gzip: invalid checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, hidden := range []bool{false, true} {
				var r io.Reader = bytes.NewReader(tt.file)
				if hidden {
					r = hideLen{r}
				}
				var err error
				alloc := allocBytes(func() { _, _, _, _, err = ReadImages(r, name) })
				if err == nil {
					t.Fatalf("hidden=%v: no error, want %q", hidden, tt.want)
				}
				if !strings.HasPrefix(err.Error(), name+": ") || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("hidden=%v: error\n%v\nwant it to start with the name and contain\n%s", hidden, err, tt.want)
				}
				if alloc > 4<<20 {
					t.Errorf("hidden=%v: allocated %d bytes for a %d-byte input", hidden, alloc, len(tt.file))
				}
			}
		})
	}
}

func TestReadLabelsErrors(t *testing.T) {
	const name = "t10k-labels-idx1-ubyte"
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "empty file, want IDX1 unsigned-byte labels (magic 0x00000801)"},
		{"image file", idxImages(1, 1, 1, []byte{0}), "wrong magic 0x00000803, want 0x00000801 (IDX1 unsigned-byte labels); this looks like a file of IDX3 unsigned-byte images"},
		{"short header", idxLabels(nil)[:6], "truncated: file ends inside the 8-byte header (got 6 bytes)"},
		{"2^31 labels", idxLabelsN(1<<31, nil), "header says 2147483648 labels, more than the limit 10000000"},
		{"truncated", idxLabelsN(10000, make([]byte, 17)), name + ": truncated: header says 10000 labels = 10000 bytes, got 17"},
		{"truncated gzip", gz(idxLabelsN(10000, make([]byte, 17))), name + ": truncated: header says 10000 labels = 10000 bytes, got 17"},
		{"trailing", idxLabelsN(1, []byte{1, 2}), "header says 1 labels = 1 bytes, but"},
		{"bad gzip checksum", badCRC(idxLabels([]byte{1, 2, 3})), "corrupt gzip stream: gzip: invalid checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, hidden := range []bool{false, true} {
				var r io.Reader = bytes.NewReader(tt.file)
				if hidden {
					r = hideLen{r}
				}
				_, err := ReadLabels(r, name)
				if err == nil || !strings.HasPrefix(err.Error(), name+": ") || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("hidden=%v: error\n%v\nwant it to start with the name and contain\n%s", hidden, err, tt.want)
				}
			}
		})
	}
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	imgs := write("imgs.gz", gz(idxImages(2, 2, 2, ramp(8))))
	labels := write("labels", idxLabels([]byte{3, 4}))
	trunc := write("train-images-idx3-ubyte.gz", gz(idxImages(60000, 28, 28, make([]byte, 1234))))
	truncPlain := write("train-images-idx3-ubyte", idxImages(60000, 28, 28, make([]byte, 1234)))
	missing := filepath.Join(dir, "nope")

	im, n, rows, cols, err := ReadImagesFile(imgs)
	if err != nil || n != 2 || rows != 2 || cols != 2 || !bytes.Equal(im, ramp(8)) {
		t.Errorf("ReadImagesFile = %v %d %d %d %v", im, n, rows, cols, err)
	}
	if l, err := ReadLabelsFile(labels); err != nil || !bytes.Equal(l, []byte{3, 4}) {
		t.Errorf("ReadLabelsFile = %v %v", l, err)
	}

	tests := []struct {
		name string
		read func() error
		want string
	}{
		{"images missing", func() error { _, _, _, _, err := ReadImagesFile(missing); return err }, missing + ": no such file or directory"},
		{"labels missing", func() error { _, err := ReadLabelsFile(missing); return err }, missing + ": no such file or directory"},
		{"images dir", func() error { _, _, _, _, err := ReadImagesFile(dir); return err }, dir + ": is a directory, want an IDX3 image file"},
		{"labels dir", func() error { _, err := ReadLabelsFile(dir); return err }, dir + ": is a directory, want an IDX1 label file"},
		{"truncated gzip", func() error { _, _, _, _, err := ReadImagesFile(trunc); return err }, trunc + ": truncated: header says 60000 images of 28x28 = 47040000 bytes, got 1234"},
		{"truncated plain", func() error { _, _, _, _, err := ReadImagesFile(truncPlain); return err }, truncPlain + ": truncated: header says 60000 images of 28x28 = 47040000 bytes, got 1234"},
		{"labels as images", func() error { _, _, _, _, err := ReadImagesFile(labels); return err }, labels + ": wrong magic 0x00000801, want 0x00000803 (IDX3 unsigned-byte images)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read()
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n%v\nwant it to start with\n%s", err, tt.want)
			}
		})
	}
	if _, err := ReadLabelsFile(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing-file error %v does not wrap fs.ErrNotExist", err)
	}
	// An *os.File passed to ReadImages reports its size.
	f, err := os.Open(truncPlain)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, _, _, err := ReadImages(f, "f"); err == nil || err.Error() != "f: truncated: header says 60000 images of 28x28 = 47040000 bytes, got 1234" {
		t.Errorf("ReadImages(*os.File) error %v", err)
	}
}

func TestLoadDir(t *testing.T) {
	m := newTiny()
	spellings := map[string][4]string{
		"gzip":  gzNames,
		"plain": {TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile},
		"dot":   {"train-images.idx3-ubyte", "train-labels.idx1-ubyte", "t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"},
		"mixed": {"train-images.idx3-ubyte.gz", TrainLabelsFile, TestImagesFile + ".gz", "t10k-labels.idx1-ubyte"},
	}
	for name, files := range spellings {
		t.Run(name, func(t *testing.T) {
			train, test, err := LoadDir(m.writeDir(t, files))
			if err != nil {
				t.Fatal(err)
			}
			want := &Set{Images: ramp(60), Labels: []byte{5, 0, 4, 1, 9}, N: 5, Rows: 4, Cols: 3, Classes: 10}
			if !reflect.DeepEqual(train, want) {
				t.Errorf("train = %+v, want %+v", train, want)
			}
			want = &Set{Images: ramp(36), Labels: []byte{7, 2, 1}, N: 3, Rows: 4, Cols: 3, Classes: 10}
			if !reflect.DeepEqual(test, want) {
				t.Errorf("test = %+v, want %+v", test, want)
			}
		})
	}
}

func TestLoadDirErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) string
		want  []string
	}{
		{"missing dir", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") },
			[]string{"nope: no such file or directory; want a directory holding train-images-idx3-ubyte[.gz]"}},
		{"file not dir", func(t *testing.T) string {
			return filepath.Join(newTiny().writeDir(t, gzNames), gzNames[0])
		}, []string{gzNames[0] + ": not a directory"}},
		{"missing file", func(t *testing.T) string {
			dir := newTiny().writeDir(t, gzNames)
			os.Remove(filepath.Join(dir, gzNames[3]))
			return dir
		}, []string{"no t10k-labels-idx1-ubyte found (tried t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz, t10k-labels.idx1-ubyte, t10k-labels.idx1-ubyte.gz)",
			"the directory must hold train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]"}},
		{"directory instead of file", func(t *testing.T) string {
			dir := newTiny().writeDir(t, gzNames)
			os.Mkdir(filepath.Join(dir, TrainImagesFile), 0o755)
			return dir
		}, []string{TrainImagesFile + ": is a directory, want an IDX file"}},
		{"label out of range", func(t *testing.T) string {
			m := newTiny()
			m.testLabels = idxLabels([]byte{7, 10, 1})
			return m.writeDir(t, gzNames)
		}, []string{gzNames[3] + ": label 10 at index 1 is out of range, want 0..9"}},
		{"count mismatch", func(t *testing.T) string {
			m := newTiny()
			m.trainLabels = idxLabels([]byte{5, 0, 4, 1})
			return m.writeDir(t, gzNames)
		}, []string{"image/label count mismatch: ", gzNames[0] + " has 5 images but ", gzNames[1] + " has 4 labels"}},
		{"size mismatch", func(t *testing.T) string {
			m := newTiny()
			m.testImages = idxImages(3, 3, 4, ramp(36))
			return m.writeDir(t, gzNames)
		}, []string{"image sizes differ: ", gzNames[0] + " holds 4x3 images but ", gzNames[2] + " holds 3x4"}},
		{"corrupt file", func(t *testing.T) string {
			dir := newTiny().writeDir(t, gzNames)
			os.WriteFile(filepath.Join(dir, gzNames[1]), badCRC(idxLabels([]byte{1, 2, 3, 4, 5})), 0o644)
			return dir
		}, []string{gzNames[1] + ": corrupt gzip stream"}},
		{"empty file", func(t *testing.T) string {
			dir := newTiny().writeDir(t, gzNames)
			os.WriteFile(filepath.Join(dir, gzNames[2]), nil, 0o644)
			return dir
		}, []string{gzNames[2] + ": empty file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.setup(t)
			_, _, err := LoadDir(dir)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "dataset: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nwant it to contain\n%s", err, w)
				}
			}
		})
	}
}

func TestLoadMNISTNot28(t *testing.T) {
	dir := newTiny().writeDir(t, gzNames)
	if _, _, err := LoadMNIST(dir); err == nil || !strings.Contains(err.Error(), "images are 4x3, want 28x28 for MNIST") {
		t.Errorf("LoadMNIST of 4x3 images: %v", err)
	}
}
