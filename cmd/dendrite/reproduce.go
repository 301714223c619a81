package main

import "io"

func reproduceMain(args []string, stdout, stderr io.Writer) int {
	return fail(stderr, "reproduce", usageErr{"reproduce is being written"})
}
