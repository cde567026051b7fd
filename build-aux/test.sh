#!/usr/bin/env bash
# Installs what is missing, builds twice — a normal build with warnings as
# errors, and one with AddressSanitizer and UndefinedBehaviorSanitizer — and
# runs the whole test suite of each headless (Xvfb, a private D-Bus session).
# Ends with one line: "N passed, N failed" over both builds.
#
# Usage: build-aux/test.sh [MESON-TEST-ARGUMENT…]   e.g. --suite core
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build-aux/install-deps.sh || { echo "could not install the build dependencies"; echo "0 passed, 1 failed"; exit 1; }

export G_SLICE=always-malloc
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:halt_on_error=1:abort_on_error=1:print_summary=1:detect_odr_violation=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export NO_AT_BRIDGE=1

passed=0
failed=0
skipped=0

# count BUILDDIR [LOG]: adds the results of its testlog.json (or LOG) to the totals.
count() {
  local log=$1/meson-logs/${2:-testlog.json}
  if [ ! -s "$log" ]; then
    failed=$((failed + 1))
    return
  fi
  read -r p f s < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if not line:
        continue
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif r == "SKIP":
        s += 1
    else:
        f += 1
print(p, f, s)
PY
)
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
}

# run_build BUILDDIR TIMEOUT-MULTIPLIER MESON-SETUP-OPTION…
run_build() {
  local builddir=$1 multiplier=$2
  shift 2
  echo "=== $builddir: meson setup $*"
  rm -f "$builddir/meson-logs/testlog.json"
  if [ -f "$builddir/build.ninja" ]; then
    meson setup --reconfigure "$builddir" "$@" >/dev/null || { failed=$((failed + 1)); return; }
  else
    meson setup "$builddir" "$@" || { failed=$((failed + 1)); return; }
  fi
  if ! meson compile -C "$builddir"; then
    echo "=== $builddir: build failed"
    failed=$((failed + 1))
    return
  fi
  xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- \
    meson test -C "$builddir" --print-errorlogs --timeout-multiplier "$multiplier" "${test_args[@]}"
  count "$builddir"
}

test_args=("$@")
run_build _build-test 1 --buildtype=debugoptimized --werror
run_build _build-asan 3 --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# --- valgrind memcheck over the core suite (about 4 minutes), counted in too.
build-aux/valgrind.sh
count _build-valgrind testlog-valgrind-valgrind.json
# --- end of valgrind

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
