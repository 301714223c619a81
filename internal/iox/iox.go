// Package iox has the small I/O helpers the file readers share.
package iox

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"strings"
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
