#!/usr/bin/env bash
# The exported API's history (docs/library.md#api-changes): api/dendrite.txt must be current
# (`go run ./internal/cmd/apidump -w` writes it), and every commit that removed or changed a line
# of it must say why in a message line starting "API:". Unlike a comparison of HEAD with its
# parent, this checks every commit, including those between two CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
file=api/dendrite.txt
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
go run ./internal/cmd/apidump > "$tmp"
if ! diff -u "$file" "$tmp" > /dev/null; then
  diff -u "$file" "$tmp" | head -40 || true
  echo "$file is not the current API: run go run ./internal/cmd/apidump -w and commit it"
  echo "(with a message line starting \"API:\" if a line above was removed or changed)"
  exit 1
fi
lines() { git show "$1:$file" 2>/dev/null | grep -v '^#' | LC_ALL=C sort; }
bad=0
for c in $(git log --format=%H -- "$file"); do
  parent=$(git rev-parse -q --verify "$c^" 2>/dev/null) || continue # root or shallow boundary
  git cat-file -e "$parent:$file" 2>/dev/null || continue            # the file's first commit
  removed=$(LC_ALL=C comm -23 <(lines "$parent") <(lines "$c"))
  if [ -n "$removed" ] && ! git log -1 --format=%B "$c" | grep -q '^API:'; then
    echo "commit $(git log -1 --format='%h %s' "$c") removes or changes API lines without an \"API:\" line:"
    echo "$removed" | sed 's/^/  /' | head -20
    bad=1
  fi
done
if [ "$bad" = 0 ]; then echo "API history: $(grep -vc '^#' "$file") declarations; no unexplained removals"; fi
exit "$bad"
