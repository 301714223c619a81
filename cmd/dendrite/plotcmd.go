package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dendrite-lab/dendrite/plot"
	"github.com/dendrite-lab/dendrite/report"
	"github.com/dendrite-lab/dendrite/rundir"
)

func plotMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	labels := fs.String("labels", "", "comma-separated labels of the runs (several runs)")
	out := fs.String("out", "", "output folder (default DIR/plots; several runs: ./comparison)")
	if done, code := parse(fs, interleave(fs, args), "plot", "usage: dendrite plot DIR [DIR…] [--labels a,b] [--out DIR]\n\nDraws a run's figures (PNG and SVG); several runs: overlaid learning curves.\n\n", stdout, stderr); done {
		return code
	}
	dirs := fs.Args()
	if len(dirs) == 0 {
		return fail(stderr, "plot", usageErr{"usage: dendrite plot DIR [DIR…] [--labels a,b] [--out DIR]"})
	}
	for _, d := range dirs {
		if err := rundir.CheckRun(d); err != nil {
			return fail(stderr, "plot", err)
		}
	}
	var files []string
	var err error
	if len(dirs) == 1 {
		o := *out
		if o == "" {
			o = rundir.Path(dirs[0], rundir.PlotsDir)
		}
		files, err = plot.All(dirs[0], o)
	} else {
		var ls []string
		if *labels != "" {
			ls = strings.Split(*labels, ",")
			if len(ls) != len(dirs) {
				return fail(stderr, "plot", usageErr{fmt.Sprintf("--labels: got %d labels for %d runs", len(ls), len(dirs))})
			}
		}
		o := *out
		if o == "" {
			o = "comparison"
		}
		files, err = plot.Compare(dirs, ls, o)
	}
	if err != nil {
		return fail(stderr, "plot", err)
	}
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "dendrite plot: nothing recorded to draw yet")
	}
	return exitOK
}

func reportMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	out := fs.String("out", "", "HTML file (default DIR/report.html)")
	if done, code := parse(fs, interleave(fs, args), "report", "usage: dendrite report DIR [--out FILE]\n\nWrites one self-contained HTML page about a run.\n\n", stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		return fail(stderr, "report", usageErr{"usage: dendrite report DIR [--out FILE]"})
	}
	dir := fs.Arg(0)
	if err := rundir.CheckRun(dir); err != nil {
		return fail(stderr, "report", err)
	}
	o := *out
	if o == "" {
		o = rundir.Path(dir, rundir.ReportFile)
	}
	if err := report.Write(dir, o); err != nil {
		return fail(stderr, "report", err)
	}
	fmt.Fprintln(stdout, o)
	return exitOK
}

// interleave moves flags after positional arguments to the front, so that
// "dendrite plot A B --labels x,y" works like "dendrite plot --labels x,y A B".
// A flag of fs takes the next argument as its value unless it is a boolean
// flag (--resume NAME keeps NAME positional) or the value is joined with =.
// Everything after "--" stays positional.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			if f := fs.Lookup(name); f != nil {
				if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
					continue
				}
			}
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	if len(pos) > 0 {
		flags = append(flags, "--")
	}
	return append(flags, pos...)
}
