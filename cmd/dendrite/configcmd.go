package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/dendrite-lab/dendrite/config"
)

const configUsage = `usage: dendrite config [--config FILE] [--explain] [config flags]

Prints the config that dendrite train would run with the same --config file
and flags, resolved and validated, as JSON, without training. With --explain it
prints, for every key, its value and where it came from: "default", "profile"
(the chosen profile's default), "file", "flag" or "derived" (set from other
keys: the learning rates of the architecture, what rate mode implies).
Precedence: profile defaults < --config file < flags; a profile chosen by a
flag or in the file selects the defaults the same way.

Flags:
`

func configMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	apply := config.Flags(fs)
	cfgFile := fs.String("config", "", "config file (JSON or YAML)")
	explain := fs.Bool("explain", false, "say where each value came from")
	if done, code := parse(fs, args, "config", configUsage, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "config", usageErr{fmt.Sprintf("unexpected argument %q (flags start with --)", fs.Arg(0))})
	}
	raw := []byte("{}")
	if *cfgFile != "" {
		var err error
		if raw, err = config.ReadFileJSON(*cfgFile); err != nil {
			return failConfig(stderr, "config", err)
		}
	}
	var flags []string
	fs.Visit(func(f *flag.Flag) { flags = append(flags, f.Name) })
	origins, cfg, err := config.Explain(raw, *cfgFile, apply, flags)
	if err != nil {
		if *cfgFile != "" {
			err = fmt.Errorf("%s: %w", *cfgFile, err)
		}
		return failConfig(stderr, "config", err)
	}
	if !*explain {
		stdout.Write(cfg.JSON())
		return exitOK
	}
	b, err := json.MarshalIndent(origins, "", "  ")
	if err != nil {
		return fail(stderr, "config", err)
	}
	stdout.Write(append(b, '\n'))
	return exitOK
}
