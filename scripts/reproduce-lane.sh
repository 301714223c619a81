#!/usr/bin/env bash
# Runs paper reproductions one after another on one core, each with the
# paper's 20 repeated tests at the end. Each item is NAME:SEED. Re-running the
# same command resumes an interrupted run from its checkpoint and skips
# finished ones, so a lane can be continued across days.
#
#   scripts/reproduce-lane.sh BIN RUNS two-hidden-layers:1 one-hidden-layer:1 ...
#
# BIN is a built dendrite binary (pin one build for a whole reproduction),
# RUNS the parent folder of the run folders (RUNS/NAME/seed-SEED).
#
# Lanes share a list: start the same command twice, a few seconds apart, and
# each lane takes the next item that is neither finished nor running in the
# other (its run.lock names a live process), so both cores stay busy until
# the list is done, however long each item takes.
set -uo pipefail
bin=$1 runs=$2
shift 2
export GOMAXPROCS=1
host=$(uname -n)

# running DIR: the folder's run.lock names a live process of this host, or
# a process of another host (which cannot be checked: dendrite too treats
# such a lock as held)
running() {
  local pid h
  [ -f "$1/run.lock" ] || return 1
  read -r pid h < "$1/run.lock" || return 1
  [ -n "$pid" ] || return 1
  holder="pid $pid on ${h:-$host}"
  if [ -n "$h" ] && [ "$h" != "$host" ]; then return 0; fi
  kill -0 "$pid" 2>/dev/null
}

for item in "$@"; do
  name=${item%%:*} seed=${item##*:}
  dir=$runs/$name/seed-$seed
  if running "$dir"; then
    echo "== $name seed $seed is running in another lane ($holder; if that process is gone, remove $dir/run.lock); next"
    continue
  fi
  echo "== $(date -u +%FT%TZ) $name seed $seed"
  "$bin" reproduce "$name" --seeds 1 --first-seed "$seed" --out "$runs" \
    --repeat-tests 20 --resume --quiet
  rc=$?
  echo "== $(date -u +%FT%TZ) $name seed $seed exit $rc"
  if [ "$rc" = 3 ]; then exit 3; fi # interrupted: stop the lane, resume later
  if [ "$rc" != 0 ] && running "$dir"; then
    echo "== $name seed $seed was taken by another lane at the same moment; next"
    continue
  fi
  [ "$rc" = 0 ] || failed=1 # go on with the next item; report at the end
done
# 0 when every item this lane ran finished (an item another lane was running
# is that lane's to report; a last test like `[ "$rc" = 3 ]` would make the
# lane's status 1 even then, and stop anything chained after it).
exit "${failed:-0}"
