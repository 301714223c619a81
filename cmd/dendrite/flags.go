package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parse parses args with fs. -h prints the full usage (from usage, or the
// flag defaults) to stdout; any other mistake prints one line to stderr. It
// returns done = true with the exit code when the command should stop.
func parse(fs *flag.FlagSet, args []string, cmd, usage string, stdout, stderr io.Writer) (done bool, code int) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case err == nil:
		return false, 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return true, exitOK
	default:
		fmt.Fprintf(stderr, "dendrite %s: %v (dendrite %s -h lists the flags)\n", cmd, err, cmd)
		return true, exitUsage
	}
}
