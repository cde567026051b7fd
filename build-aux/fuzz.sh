#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for SECONDS.
# New inputs that add coverage are merged into tests/fuzz/corpus/TARGET/, and
# any crash is saved there as crash-* — the core suite replays both.
#
# Usage: build-aux/fuzz.sh SECONDS [TARGET…]
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n "s/^  '\([a-z-]*\)',$/\1/p" tests/fuzz/meson.build)
fi

build-aux/install-deps.sh

if [ ! -f _build-fuzz/build.ninja ]; then
  CC=clang meson setup _build-fuzz -Dfuzzing=true --buildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false
fi
meson compile -C _build-fuzz

export G_SLICE=always-malloc
# No leak check here, not even LeakSanitizer's at exit: with the fast
# unwinding it stops at the system libraries, where json-glib's own leak on
# trailing data (tests/fuzz/lsan-json-glib.supp) can no longer be told from
# ours, and a whole run would end as a crash with no input. The replays in
# the sanitizer test build check leaks with full stacks.
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$top/_build-fuzz/tests/fuzz/lsan.supp:print_suppressions=0

printf '%-14s %14s %10s %8s %s\n' target executions exec/s corpus result
status=0
for t in "${targets[@]}"; do
  corpus=tests/fuzz/corpus/$t
  work=_build-fuzz/work-corpus/$t
  mkdir -p "$corpus" "$work"
  log=_build-fuzz/fuzz-$t.log
  result=ok
  # Leaks are left to the replays in the sanitizer test build (see
  # ASAN_OPTIONS above).
  if ! "_build-fuzz/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -print_final_stats=1 -detect_leaks=0 \
       -artifact_prefix="$corpus/crash-" -timeout=10 -rss_limit_mb=2048 \
       "$work" "$corpus" >"$log" 2>&1; then
    result="FAILED (see $log; the input is in $corpus/crash-*)"
    status=1
  fi
  # Keep only the inputs that add coverage to what the repository has.
  "_build-fuzz/tests/fuzz/fuzz-$t" -merge=1 "$corpus" "$work" >>"$log" 2>&1 || true
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  printf '%-14s %14s %10s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$(ls "$corpus" | wc -l)" "$result"
done
exit $status
