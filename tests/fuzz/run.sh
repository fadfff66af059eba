#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS: runs every libFuzzer target built in
# BUILD_DIR/tests/fuzz for SECONDS each, on a temporary copy of its committed
# corpus (corpus/<name>/ plus regressions/<name>/) so the repository does not
# grow. Prints one summary line per target; exits non-zero if any crashed.
# Crash inputs are kept in BUILD_DIR/fuzz-crashes/<name>/: fix the bug, then
# move them into tests/fuzz/regressions/<name>/ (a unit test replays them).
set -u
build=${1:?usage: run.sh BUILD_DIR SECONDS}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)

shopt -s nullglob
targets=()
for bin in "$build"/tests/fuzz/fuzz_*; do
  [[ -f $bin && -x $bin ]] && targets+=("$bin")
done
if ((${#targets[@]} == 0)); then
  echo "run.sh: no fuzz targets in $build/tests/fuzz (configure with the fuzz preset)" >&2
  exit 1
fi

# UBSan only reports by default; make a report a crash libFuzzer keeps.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

status=0
for bin in "${targets[@]}"; do
  name=$(basename "$bin")
  short=${name#fuzz_}
  work=$(mktemp -d)
  mkdir -p "$work/corpus" "$work/artifacts"
  for dir in "$here/corpus/$short" "$here/regressions/$short"; do
    [[ -d $dir ]] && cp "$dir"/* "$work/corpus/" 2>/dev/null
  done
  seeds=$(ls "$work/corpus" | wc -l)
  dict=()
  [[ -f $here/$short.dict ]] && dict=(-dict="$here/$short.dict")
  "$bin" "${dict[@]}" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
  rc=$?
  runs=$(grep -o 'number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(ls "$work/artifacts" | wc -l)
  result=ok
  if ((rc != 0 || crashes > 0)); then
    result=CRASH
    status=1
    mkdir -p "$build/fuzz-crashes/$short"
    cp "$work/artifacts"/* "$build/fuzz-crashes/$short/" 2>/dev/null
    grep -m1 -A12 'ERROR\|SUMMARY\|deadly signal' "$work/log" >&2
  fi
  echo "fuzz $name: ${seconds}s runs=${runs:-0} seeds=$seeds corpus_end=$(ls "$work/corpus" | wc -l) crashes=$crashes rc=$rc $result"
  rm -rf "$work"
done
exit $status
