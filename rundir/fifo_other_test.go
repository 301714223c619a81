//go:build !unix

package rundir

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs here") }
