package main

import (
	"io"
	"strings"
)

// flagWords words the errors of run.Train, which name the fields of
// run.Options and config.Config, as the flags of dendrite train.
var flagWords = strings.NewReplacer(
	"Options.Resume ", "--resume ",
	"continue it: Options.Resume on ", "continue it with dendrite train --resume ",
	"continue it with Options.Resume", "continue it with dendrite train --resume DIR",
	"output folder ", "--out ",
	"set Options.Overwrite to replace it or choose another output folder", "pass --overwrite to replace it or choose another --out",
	"choose another output folder", "choose another --out",
	"Options.Overwrite", "--overwrite",
	"set Options.DataDir", "give --data",
	"Options.DataDir", "--data",
	"Options.InitWeights", "--init-weights",
	"set Options.AllowOtherData", "pass --allow-other-data",
	"Options.AllowOtherData", "--allow-other-data",
	"Config.Epochs ", "--epochs ",
	"Config.Etas", "--etas",
)

// flagWorded is an error reworded for the command line; it still wraps
// the original (errors.Is and errors.As see through it).
type flagWorded struct {
	msg string
	err error
}

func (e flagWorded) Error() string { return e.msg }
func (e flagWorded) Unwrap() error { return e.err }

// asFlags returns err worded with the command's flags.
func asFlags(err error) error {
	if err == nil {
		return nil
	}
	m := flagWords.Replace(err.Error())
	if m == err.Error() {
		return err
	}
	return flagWorded{m, err}
}

// flagWriter words what run.Train writes (its notices) with the flags.
type flagWriter struct{ w io.Writer }

func (f flagWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(f.w, flagWords.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
