// Package iox has the small I/O helpers the file readers share.
package iox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Remaining returns the number of bytes left in r, or -1 if unknown. Readers
// use it to refuse a header that claims more data than the input holds
// before allocating for it.
func Remaining(r io.Reader) int64 {
	switch r := r.(type) {
	case *bytes.Reader:
		return int64(r.Len())
	case *strings.Reader:
		return int64(r.Len())
	case *bytes.Buffer:
		return int64(r.Len())
	case interface {
		Stat() (fs.FileInfo, error)
		io.Seeker
	}:
		st, err := r.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return -1
		}
		pos, err := r.Seek(0, io.SeekCurrent)
		if err != nil || pos > st.Size() {
			return -1
		}
		return st.Size() - pos
	}
	return -1
}

// UnwrapPathError drops the operation and path from an *fs.PathError, for
// messages that name the file already; errors.Is still sees the cause.
func UnwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// OpenRegular opens path for reading after checking, without opening it,
// that it is a regular file: opening a FIFO blocks until a writer comes, and
// a device such as /dev/zero never ends. want describes the file expected
// ("a .npy file"), for the message. The error does not name path: callers
// add it.
func OpenRegular(path, want string) (*os.File, fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, UnwrapPathError(err)
	}
	if err := Regular(st, want); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, UnwrapPathError(err)
	}
	// Stat the open file too: path may have been replaced in between.
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = Regular(st, want)
		}
		return nil, nil, UnwrapPathError(err)
	}
	return f, st, nil
}

// Regular returns an error saying what fi is when it is not a regular file.
func Regular(fi fs.FileInfo, want string) error {
	m := fi.Mode()
	var kind string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	default:
		kind = "not a regular file"
		return fmt.Errorf("%s, want %s", kind, want)
	}
	return fmt.Errorf("is %s, want %s", kind, want)
}

// ReadFile reads the regular file at path, refusing it (before reading)
// when it holds more than max bytes. want describes the file for messages.
// Errors do not name path: callers add it.
func ReadFile(path, want string, max int64) ([]byte, error) {
	f, st, err := OpenRegular(path, want)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > max {
		return nil, fmt.Errorf("%d bytes, more than the limit of %s for %s", st.Size(), Bytes(max), want)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, UnwrapPathError(err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("more than the limit of %s for %s", Bytes(max), want)
	}
	return b, nil
}

// Bytes formats a byte count for messages ("1 MiB", "3.5 GiB", "512 bytes").
func Bytes(n int64) string {
	const (
		kib = 1 << 10
		mib = 1 << 20
		gib = 1 << 30
	)
	f := func(v float64, unit string) string {
		s := strconv.FormatFloat(v, 'f', 1, 64)
		s = strings.TrimSuffix(s, ".0")
		return s + " " + unit
	}
	switch {
	case n >= gib:
		return f(float64(n)/gib, "GiB")
	case n >= mib:
		return f(float64(n)/mib, "MiB")
	case n >= kib:
		return f(float64(n)/kib, "KiB")
	}
	return fmt.Sprintf("%d bytes", n)
}

// Quote quotes s for an error message, shortened to about max bytes so that
// a huge value is not echoed; the total length is said instead.
func Quote(s string, max int) string {
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}
