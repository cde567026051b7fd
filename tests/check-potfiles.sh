#!/bin/sh
# Fails when a source file with translatable strings is missing from
# po/POTFILES.in, or when POTFILES.in names a file that does not exist.
set -eu
srcdir=${1:-$(dirname "$0")/..}
cd "$srcdir"

listed=$(grep -v '^#' po/POTFILES.in | grep -v '^$' | sort)
status=0

for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in names $f, which does not exist"
    status=1
  fi
done

found=$( {
  grep -rlE '\b(_|N_|C_|NC_|g_dngettext|ngettext)\s*\(' src --include='*.c' || true
  grep -rl 'translatable="yes"' src --include='*.ui' || true
  ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml 2>/dev/null || true
} | sort -u)

for f in $found; do
  if ! printf '%s\n' "$listed" | grep -qx "$f"; then
    echo "$f has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done

[ "$status" -eq 0 ] && echo "po/POTFILES.in lists all $(printf '%s\n' "$listed" | wc -l) files with translatable strings"
exit $status
