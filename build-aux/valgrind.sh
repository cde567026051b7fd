#!/usr/bin/env bash
# Runs the core test suite under valgrind memcheck: a debug build without
# sanitizers in _build-valgrind, every test binary wrapped by valgrind (the
# simulator and the CLI they start are not), no errors and no definite leaks
# allowed. Suppressions (tests/valgrind.supp) cover libraries only.
# Ends with one line: "valgrind: N passed, N failed (M s)".
#
# Usage: build-aux/valgrind.sh [MESON-TEST-ARGUMENT…]   e.g. client store
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

builddir=_build-valgrind
start=$(date +%s)

if ! command -v valgrind >/dev/null; then
  echo "valgrind is not installed"
  echo "valgrind: 0 passed, 1 failed (0 s)"
  exit 1
fi

# meson appends the wrapper's name: testlog-valgrind-valgrind.json. Removed
# first, so a failed build never leaves the last run's results to be counted.
rm -f "$builddir"/meson-logs/testlog-valgrind*.json

if [ -f "$builddir/build.ninja" ]; then
  meson setup --reconfigure "$builddir" --buildtype=debug >/dev/null
else
  meson setup "$builddir" --buildtype=debug >/dev/null
fi || { echo "valgrind: 0 passed, 1 failed (setup)"; exit 1; }
meson compile -C "$builddir" >/dev/null || { echo "valgrind: 0 passed, 1 failed (build)"; exit 1; }

# GLib's slice allocator and uninitialised-on-free memory confuse memcheck.
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly
export NO_AT_BRIDGE=1

wrap="valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite"
wrap+=" --show-leak-kinds=definite --error-exitcode=1 --num-callers=30"
wrap+=" --suppressions=$top/tests/valgrind.supp --gen-suppressions=all"

meson test -C "$builddir" --suite core --print-errorlogs --wrapper "$wrap" \
  --logbase testlog-valgrind --timeout-multiplier 10 "$@"

read -r p f < <(python3 - "$builddir"/meson-logs/testlog-valgrind*.json <<'PY'
import json, sys
p = f = 0
try:
    if len(sys.argv) < 2:
        raise OSError
    for line in open(sys.argv[1], encoding="utf-8"):
        line = line.strip()
        if line:
            r = json.loads(line).get("result")
            if r in ("OK", "EXPECTEDFAIL", "SKIP"):
                p += 1
            else:
                f += 1
except OSError:
    f = 1
print(p, f)
PY
)
echo "valgrind: $p passed, $f failed ($(( $(date +%s) - start )) s)"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
