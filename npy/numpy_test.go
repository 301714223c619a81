package npy

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// havePython reports whether python3 with numpy is available.
func havePython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found; skipping the numpy interoperability test")
	}
	if out, err := exec.Command("python3", "-c", "import numpy").CombinedOutput(); err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		t.Skipf("numpy is not importable (%v: %s); skipping the numpy interoperability test", err, lines[len(lines)-1])
	}
}

// TestNumpyInterop checks that numpy reads what we write and that we read
// what numpy writes. It is skipped when python3 or numpy is missing.
func TestNumpyInterop(t *testing.T) {
	havePython(t)
	dir := t.TempDir()
	// Ours -> numpy.
	if err := WriteFile(filepath.Join(dir, "f.npy"), []int{2, 3}, []float64{1, 2.5, -3, 4, 5, 1e-300}); err != nil {
		t.Fatal(err)
	}
	if err := WriteInt64File(filepath.Join(dir, "i.npy"), []int{3}, []int64{-1, 0, 1 << 62}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "s.npy"), nil, []float64{7}); err != nil {
		t.Fatal(err)
	}
	check := `
import numpy as np, sys, os
d = sys.argv[1]
f = np.load(os.path.join(d, "f.npy"))
assert f.dtype == np.float64 and f.shape == (2, 3), (f.dtype, f.shape)
assert (f == np.array([[1, 2.5, -3], [4, 5, 1e-300]])).all(), f
i = np.load(os.path.join(d, "i.npy"))
assert i.dtype == np.int64 and i.tolist() == [-1, 0, 1 << 62], i
s = np.load(os.path.join(d, "s.npy"))
assert s.shape == () and s == 7, s
with open(os.path.join(d, "f.npy"), "rb") as fh:
    ours = fh.read()
import io
b = io.BytesIO()
np.save(b, f)
assert b.getvalue() == ours, "numpy.save writes different bytes"
`
	if out, err := exec.Command("python3", "-c", check, dir).CombinedOutput(); err != nil {
		t.Fatalf("numpy rejected our files: %v\n%s", err, out)
	}

	// numpy -> ours.
	gen := `
import numpy as np, sys, os
d = sys.argv[1]
base = np.arange(24).reshape(2, 3, 4)
for dt in ["<f8", "<f4", "<f2", "<i8", "<i4", "<i2", "|i1", "|u1", "<u2", "<u4", "<u8", ">f8", ">i4", ">u2"]:
    name = dt.replace("<", "le_").replace(">", "be_").replace("|", "na_")
    np.save(os.path.join(d, name + ".npy"), base.astype(dt))
    np.save(os.path.join(d, name + "_F.npy"), np.asfortranarray(base.astype(dt)))
np.save(os.path.join(d, "bool.npy"), (base % 3 == 0))
np.save(os.path.join(d, "scalar.npy"), np.float64(2.5))
np.save(os.path.join(d, "empty.npy"), np.zeros((0, 784)))
np.lib.format.write_array(open(os.path.join(d, "v2.npy"), "wb"), base.astype("<f8"), version=(2, 0))
np.lib.format.write_array(open(os.path.join(d, "v3.npy"), "wb"), base.astype("<f8"), version=(3, 0))
`
	if out, err := exec.Command("python3", "-c", gen, dir).CombinedOutput(); err != nil {
		t.Fatalf("numpy could not write test files: %v\n%s", err, out)
	}
	want := make([]float64, 24)
	for i := range want {
		want[i] = float64(i)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*_*.npy"))
	if err != nil {
		t.Fatal(err)
	}
	names = append(names, filepath.Join(dir, "v2.npy"), filepath.Join(dir, "v3.npy"))
	for _, name := range names {
		a, err := ReadFile(name)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if !reflect.DeepEqual(a.Shape, []int{2, 3, 4}) || !reflect.DeepEqual(a.Data, want) {
			t.Errorf("%s: got %v %v", filepath.Base(name), a.Shape, a.Data)
		}
	}
	if a, err := ReadFile(filepath.Join(dir, "bool.npy")); err != nil || a.Data[0] != 1 || a.Data[1] != 0 || a.Data[3] != 1 {
		t.Errorf("bool.npy: %v %v", a, err)
	}
	if a, err := ReadFile(filepath.Join(dir, "scalar.npy")); err != nil || len(a.Shape) != 0 || a.Data[0] != 2.5 {
		t.Errorf("scalar.npy: %v %v", a, err)
	}
	if a, err := ReadFile(filepath.Join(dir, "empty.npy")); err != nil || !reflect.DeepEqual(a.Shape, []int{0, 784}) || len(a.Data) != 0 {
		t.Errorf("empty.npy: %v %v", a, err)
	}
}
