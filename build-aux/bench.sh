#!/usr/bin/env bash
# Builds an optimized tree in _build-bench, runs every benchmark against the
# simulator on loopback (meson test --benchmark) and prints one table: each
# figure, its target, and whether it holds. Exits non-zero when one fails.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build-aux/install-deps.sh || exit 1

if [ ! -f _build-bench/build.ninja ]; then
  meson setup _build-bench --buildtype=release -Db_ndebug=false || exit 1
fi
meson compile -C _build-bench || exit 1

log=_build-bench/bench-output.txt
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  meson test -C _build-bench --benchmark --num-processes 1 --verbose "$@" >"$log" 2>&1
status=$?

printf '\n%-58s %14s  %-22s %s\n' "figure" "value" "target" "verdict"
printf '%s\n' "$(printf '%.0s-' $(seq 1 108))"
grep -h $'^FIGURE\t' "$log" | while IFS=$'\t' read -r _ name value unit target verdict; do
  printf '%-58s %10s %-3s  %-22s %s\n' "$name" "$value" "$unit" "$target" "$verdict"
done
failed=$(grep -c $'\tfails$' "$log" || true)
echo
echo "$(grep -c $'\tholds$' "$log" || true) targets hold, $failed fail (full output: $log)"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
