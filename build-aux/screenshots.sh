#!/usr/bin/env bash
# Takes the screenshots of data/screenshots/ (the metainfo and the README
# show them): the bundled simulator serves the demo tasks, the app runs
# under Xvfb, and ImageMagick's `import` saves the screen.
#
#   build-aux/screenshots.sh [BUILD_DIR]     (default: _build)
#
# Needs xvfb-run, dbus-run-session, gapplication and ImageMagick.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
out="$top/data/screenshots"

app="$build/src/app/luma-tasks"
sim="$build/tests/simulator/luma-tasks-sim"
for tool in xvfb-run dbus-run-session gapplication import convert xdotool; do
  command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is needed" >&2; exit 1; }
done
[ -x "$app" ] && [ -x "$sim" ] || { echo "screenshots.sh: build $build first" >&2; exit 1; }

if [ -z "${LUMA_SCREENSHOTS_INNER:-}" ]; then
  mkdir -p "$out"
  export LUMA_SCREENSHOTS_INNER=1
  # The pointer rests in the middle of the screen: on the details, away
  # from anything with a tooltip.
  exec xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- "$0" "$build"
fi

# Inside Xvfb and a private session bus from here on.
work=$(mktemp -d)
sim_pid=
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$build/data"
export GTK_A11Y=none NO_AT_BRIDGE=1 GTK_USE_PORTAL=0
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"

"$sim" --port 0 --token demo-token >"$work/sim.out" &
sim_pid=$!
for _ in $(seq 100); do
  [ -s "$work/sim.out" ] && break
  sleep 0.1
done
base_url=$(head -n 1 "$work/sim.out")
ids=$("$sim" --list-ids)

export ACEDATACLOUD_API_BASE_URL="$base_url"
export ACEDATACLOUD_API_TOKEN=demo-token
export LUMA_TASKS_DEMO=1

app_id=io.github.lumatasks.LumaTasks

# Saves the app's window (the screen, cut to what was drawn) as $1, once
# something was drawn.
shoot() {
  for _ in $(seq 40); do
    import -window root "$work/screen.png"
    if [ "$(convert "$work/screen.png" -format '%[fx:standard_deviation>0]' info:)" = 1 ]; then
      break
    fi
    sleep 0.5
  done
  convert "$work/screen.png" -trim +repage "$out/$1"
  echo "saved data/screenshots/$1"
}

start_app() {
  XDG_DATA_HOME="$1" "$app" "${@:2}" >"$work/app.log" 2>&1 &
  app_pid=$!
  sleep "${LUMA_SCREENSHOTS_WAIT:-10}"
}

stop_app() {
  gapplication action "$app_id" quit >/dev/null 2>&1 || kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=
}

# 1. The empty state: a fresh history.
start_app "$work/empty"
shoot empty-state.png
stop_app

# 2. The demo tasks, a completed one selected.
# shellcheck disable=SC2086
start_app "$work/data" $ids
gapplication action "$app_id" select-task "'50fc6182-fa86-4c7d-ac12-2fa27ec2f151'" || echo "screenshots.sh: could not select a task" >&2
sleep 2
shoot task-list-details.png

# 3. A failed task selected (refused by content moderation).
gapplication action "$app_id" select-task "'e00b66c0-ba49-4899-b09e-8c50223c7688'" || echo "screenshots.sh: could not select a task" >&2
sleep 2
shoot failed-task.png

# 4. The details pane playing a video, and failing to play one: the big
# play button sits in the middle of the preview's poster.
play_preview() {
  if command -v xdotool >/dev/null; then
    xdotool mousemove 740 210 click 1 mousemove 1500 900
    sleep "${LUMA_SCREENSHOTS_PLAY_WAIT:-5}"
  else
    echo "screenshots.sh: xdotool is needed to press Play" >&2
  fi
}
gapplication action "$app_id" select-task "'50fc6182-fa86-4c7d-ac12-2fa27ec2f151'" || echo "screenshots.sh: could not select a task" >&2
sleep 2
play_preview
shoot details-playing.png
gapplication action "$app_id" select-task "'4b439321-bcd7-43fd-8afd-99cffcaa9bf2'" || echo "screenshots.sh: could not select a task" >&2
sleep 2
play_preview
shoot details-error.png
stop_app
