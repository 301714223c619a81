package rundir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"time"

	"github.com/dendrite-lab/dendrite/dataset"
)

// Provenance is provenance.json: what a run ran on, enough to run it again
// and to check that a resumed run or a re-test uses the same inputs.
type Provenance struct {
	Data        DataSource `json:"data"`
	InitWeights *FileSet   `json:"init_weights,omitempty"`
	Program     Program    `json:"program"`
	// Kernels names the inner loops that ran: "avx2+fma" or "go".
	Kernels string `json:"kernels"`
	Created string `json:"created"`
}

// DataSource is where the images came from: a folder of IDX files given
// with --data, or the MNIST bundled with a Go module.
type DataSource struct {
	// Dir is the absolute folder given with --data; empty for the bundled
	// MNIST.
	Dir string `json:"dir,omitempty"`
	// Module and Version name the Go module the bundled MNIST came from.
	Module  string `json:"module,omitempty"`
	Version string `json:"version,omitempty"`
	// Files are the IDX files read, with their digests.
	Files []FileDigest `json:"files"`
}

// FileSet is a folder of files and their digests.
type FileSet struct {
	Dir   string       `json:"dir"`
	Files []FileDigest `json:"files"`
}

// FileDigest is one file's base name, size and SHA-256.
type FileDigest struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Program is the build that wrote the run.
type Program struct {
	Module    string `json:"module"`
	Version   string `json:"version"`
	Revision  string `json:"vcs_revision,omitempty"`
	Modified  bool   `json:"vcs_modified,omitempty"`
	GoVersion string `json:"go_version"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
}

// ThisProgram describes the running binary from its build information.
func ThisProgram() Program {
	p := Program{GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Version: "(unknown)"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		p.Module, p.Version = bi.Main.Path, bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				p.Revision = s.Value
			case "vcs.modified":
				p.Modified = s.Value == "true"
			}
		}
	}
	return p
}

// DescribeData digests the IDX files of the data folder dir ("" = the
// bundled MNIST, located as dataset.LoadMNIST does).
func DescribeData(dir string) (DataSource, error) {
	var ds DataSource
	where := dir
	if dir == "" {
		d, err := dataset.MNISTDir()
		if err != nil {
			return ds, err
		}
		where = d
		ds.Module, ds.Version = dataset.GoMNISTModule, dataset.GoMNISTVersion
	} else {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return ds, err
		}
		ds.Dir = abs
	}
	paths, err := dataset.Files(where)
	if err != nil {
		return ds, err
	}
	for _, p := range paths {
		d, err := Digest(p)
		if err != nil {
			return ds, err
		}
		ds.Files = append(ds.Files, d)
	}
	return ds, nil
}

// DescribeFolder digests every regular file directly in dir (sorted by
// name).
func DescribeFolder(dir string) (*FileSet, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fs := &FileSet{Dir: abs}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		d, err := Digest(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		fs.Files = append(fs.Files, d)
	}
	sort.Slice(fs.Files, func(i, j int) bool { return fs.Files[i].Name < fs.Files[j].Name })
	return fs, nil
}

// Digest returns the SHA-256 of the regular file path. Other kinds of file
// (FIFOs, devices) are refused without being opened for reading.
func Digest(path string) (FileDigest, error) {
	st, err := os.Stat(path)
	if err != nil {
		return FileDigest{}, err
	}
	if !st.Mode().IsRegular() {
		return FileDigest{}, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return FileDigest{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileDigest{}, fmt.Errorf("read %s: %w", path, err)
	}
	return FileDigest{Name: filepath.Base(path), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// NewProvenance describes a run about to start on the data folder dataDir
// ("" = bundled MNIST) and the initial weights in initWeights ("" = none).
// kernels is sim.Kernels().
func NewProvenance(dataDir, initWeights, kernels string) (*Provenance, error) {
	ds, err := DescribeData(dataDir)
	if err != nil {
		return nil, err
	}
	p := &Provenance{Data: ds, Program: ThisProgram(), Kernels: kernels, Created: time.Now().UTC().Format(time.RFC3339)}
	if initWeights != "" {
		if p.InitWeights, err = DescribeFolder(initWeights); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ReadProvenance reads dir/provenance.json; a missing file wraps
// os.ErrNotExist (runs written before provenance was recorded).
func ReadProvenance(dir string) (*Provenance, error) {
	path := Path(dir, ProvenanceFile)
	b, err := readCapped(path, 1<<20)
	if err != nil {
		return nil, err
	}
	var p Provenance
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// WriteProvenance writes dir/provenance.json.
func WriteProvenance(dir string, p *Provenance) error { return WriteJSON(Path(dir, ProvenanceFile), p) }

// ErrOtherData is wrapped by CheckData's error when the data differ from
// the recorded data.
var ErrOtherData = errors.New("data differ from the run's recorded data")

// DataFor returns the data folder a command on the run dir should read:
// override when not empty, else the folder recorded in provenance.json ("" =
// bundled MNIST). A run without provenance.json yields override.
func DataFor(dir, override string) (string, *Provenance, error) {
	p, err := ReadProvenance(dir)
	if errors.Is(err, os.ErrNotExist) {
		return override, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	if override != "" {
		return override, p, nil
	}
	return p.Data.Dir, p, nil
}

// CheckData compares the IDX files of dataDir ("" = bundled MNIST) with the
// ones recorded in p and returns an error wrapping ErrOtherData that names
// the first file that differs. A nil p (no record) passes.
func CheckData(p *Provenance, dataDir string) error {
	if p == nil {
		return nil
	}
	ds, err := DescribeData(dataDir)
	if err != nil {
		return err
	}
	return CompareData(p, ds)
}

// CompareData is CheckData for data already described.
func CompareData(p *Provenance, ds DataSource) error {
	if p == nil {
		return nil
	}
	want := p.Data.Files
	if len(ds.Files) != len(want) {
		return fmt.Errorf("%w: %d files recorded, %d found", ErrOtherData, len(want), len(ds.Files))
	}
	for i, f := range ds.Files {
		if f.SHA256 != want[i].SHA256 {
			src := ds.Dir
			if src == "" {
				src = ds.Module + "@" + ds.Version
			}
			return fmt.Errorf("%w: %s in %s has SHA-256 %.12s…, the run recorded %s with %.12s…", ErrOtherData, f.Name, src, f.SHA256, want[i].Name, want[i].SHA256)
		}
	}
	return nil
}
