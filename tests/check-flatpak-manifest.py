#!/usr/bin/env python3
"""Checks the Flatpak manifest: valid JSON, the app ID, a GNOME runtime, and a
meson module that builds this project from its own source folder."""
import json
import sys

path, app_id = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    manifest = json.load(f)

errors = []
if manifest.get("id", manifest.get("app-id")) != app_id:
    errors.append(f"id is {manifest.get('id')!r}, expected {app_id!r}")
if manifest.get("runtime") != "org.gnome.Platform":
    errors.append("runtime is not org.gnome.Platform")
if manifest.get("sdk") != "org.gnome.Sdk":
    errors.append("sdk is not org.gnome.Sdk")
if manifest.get("command") != "luma-tasks":
    errors.append("command is not luma-tasks")
modules = [m for m in manifest.get("modules", []) if isinstance(m, dict)]
ours = [m for m in modules if m.get("name") == "luma-tasks"]
if not ours:
    errors.append("no module named luma-tasks")
elif ours[-1].get("buildsystem") != "meson":
    errors.append("the luma-tasks module does not build with meson")
if "--share=network" not in manifest.get("finish-args", []):
    errors.append("finish-args lack --share=network")

for e in errors:
    print(f"{path}: {e}")
if not errors:
    print(f"{path}: valid, {app_id}, {len(modules)} modules")
sys.exit(1 if errors else 0)
