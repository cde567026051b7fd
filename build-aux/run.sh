#!/usr/bin/env bash
# Installs what is missing, builds into _build and starts Luma Tasks.
#
# With no API token configured (neither ACEDATACLOUD_API_TOKEN nor a token
# saved by the app in the keyring), it starts the bundled simulator of the
# Luma Tasks API on a free loopback port and points the app at it, so a
# newcomer sees the app work; the simulator stops when the app exits.
#
# Arguments are passed to the app (task IDs or files of text to add).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build-aux/install-deps.sh

if [ ! -f _build/build.ninja ]; then
  meson setup _build --buildtype=debugoptimized
fi
meson compile -C _build

export GSETTINGS_SCHEMA_DIR="$top/_build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"

have_saved_token() {
  command -v secret-tool >/dev/null 2>&1 || return 1
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || return 1
  timeout 5 secret-tool lookup xdg:schema io.github.lumatasks.LumaTasks.Token >/dev/null 2>&1
}

sim_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

sim=_build/tests/simulator/luma-tasks-sim
if [ -z "${ACEDATACLOUD_API_TOKEN:-}" ] && ! have_saved_token && [ -x "$sim" ]; then
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  "$sim" --port 0 --token demo-token --progress 90 >"$fifo" &
  sim_pid=$!
  exec 3<"$fifo"
  rm -f "$fifo"
  if ! IFS= read -r -t 10 base_url <&3; then
    echo "run.sh: the simulator did not start" >&2
    exit 1
  fi
  # Keep draining its standard output so it never blocks on a full pipe.
  cat <&3 >/dev/null &
  echo "No API token configured: using the bundled simulator at $base_url"
  export ACEDATACLOUD_API_BASE_URL="$base_url"
  export ACEDATACLOUD_API_TOKEN=demo-token
  export LUMA_TASKS_DEMO=1
fi

_build/src/app/luma-tasks "$@"
