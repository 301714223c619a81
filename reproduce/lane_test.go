package reproduce_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeDendrite stands in for the binary in scripts/reproduce-lane.sh: it
// takes the run folder's lock as dendrite does (refusing a held one), works
// for a moment and records the item; a finished item is a no-op, as a
// finished run's --resume is.
const fakeDendrite = `#!/usr/bin/env bash
name=$2 seed=$6 out=$8
dir=$out/$name/seed-$seed
mkdir -p "$dir"
[ -f "$dir/done" ] && exit 0
if ! (set -o noclobber; echo "$$ $(uname -n)" > "$dir/run.lock") 2>/dev/null; then
  echo "$dir: run folder is in use by another process" >&2; exit 1
fi
sleep 0.4
echo "$name:$seed" >> "$out/ran"
touch "$dir/done"
rm "$dir/run.lock"
`

// Two lanes given the same list share it: every item runs exactly once, each
// lane runs some, and neither reports a failure for the items the other ran.
func TestLanesShareAList(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the lane script is bash")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "dendrite")
	if err := os.WriteFile(bin, []byte(fakeDendrite), 0o755); err != nil {
		t.Fatal(err)
	}
	runs := filepath.Join(tmp, "runs")
	items := []string{"a:1", "b:1", "a:2", "c:1", "c:2"}
	script, err := filepath.Abs("../scripts/reproduce-lane.sh")
	if err != nil {
		t.Fatal(err)
	}
	lane := func() (*exec.Cmd, *strings.Builder) {
		var out strings.Builder
		cmd := exec.Command("bash", append([]string{script, bin, runs}, items...)...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}
	c1, out1 := lane()
	time.Sleep(150 * time.Millisecond)
	c2, out2 := lane()
	for i, c := range []*exec.Cmd{c1, c2} {
		if err := c.Wait(); err != nil {
			t.Errorf("lane %d: %v\n%s", i+1, err, []string{out1.String(), out2.String()}[i])
		}
	}
	b, err := os.ReadFile(filepath.Join(runs, "ran"))
	if err != nil {
		t.Fatal(err)
	}
	ran := strings.Fields(string(b))
	slices.Sort(ran)
	want := slices.Clone(items)
	slices.Sort(want)
	if !slices.Equal(ran, want) {
		t.Errorf("items run: %v, want each of %v once", ran, want)
	}
	for i, out := range []string{out1.String(), out2.String()} {
		if !strings.Contains(out, "exit 0") {
			t.Errorf("lane %d ran no item:\n%s", i+1, out)
		}
	}
	// (or, when both reached an item at the same moment, found it taken)
	if all := out1.String() + out2.String(); !strings.Contains(all, "running in another lane") && !strings.Contains(all, "taken by another lane") {
		t.Errorf("no lane skipped an item the other was running:\n%s\n%s", out1.String(), out2.String())
	}
}
