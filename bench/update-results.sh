#!/usr/bin/env bash
# Puts one run's table (bench/results/STAMP.md) into bench/RESULTS.md between
# the "bench:latest" markers, leaving the hand-written rest of the file alone.
# usage: bench/update-results.sh bench/results/STAMP.md
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=${1:?usage: update-results.sh RUN_TABLE.md}
OUT=$ROOT/bench/RESULTS.md
BEGIN='<!-- bench:latest (written by bench/run.sh) -->'
END='<!-- /bench:latest -->'
if [ ! -f "$OUT" ] || ! grep -qF "$BEGIN" "$OUT"; then
  { [ -f "$OUT" ] && cat "$OUT" || printf '# Benchmark results\n'; printf '\n## Latest run\n\n%s\n%s\n' "$BEGIN" "$END"; } > "$OUT.tmp"
  mv "$OUT.tmp" "$OUT"
fi
awk -v b="$BEGIN" -v e="$END" -v run="$RUN" '
  $0 == b {print; while ((getline l < run) > 0) print l; skip = 1; next}
  $0 == e {skip = 0}
  !skip {print}' "$OUT" > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
