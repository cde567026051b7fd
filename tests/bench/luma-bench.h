/* luma-bench.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every benchmark prints: one line a figure, which build-aux/bench.sh
 * gathers into a table —
 *   FIGURE<TAB>name<TAB>value<TAB>unit<TAB>target<TAB>holds|fails|info
 */

#pragma once

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

typedef enum
{
  LUMA_BENCH_INFO,        /* a figure shown for context, with no target */
  LUMA_BENCH_AT_MOST,     /* holds when value <= target */
  LUMA_BENCH_AT_LEAST,    /* holds when value >= target */
} LumaBenchKind;

/* Prints the figure; returns FALSE when it has a target that does not hold. */
static inline gboolean
luma_bench_report (const char    *name,
                   double         value,
                   const char    *unit,
                   LumaBenchKind  kind,
                   double         target)
{
  const char *verdict = "info";
  char target_text[64] = "";
  gboolean holds = TRUE;

  switch (kind)
    {
    case LUMA_BENCH_AT_MOST:
      holds = value <= target;
      verdict = holds ? "holds" : "fails";
      g_snprintf (target_text, sizeof target_text, "<= %g %s", target, unit);
      break;

    case LUMA_BENCH_AT_LEAST:
      holds = value >= target;
      verdict = holds ? "holds" : "fails";
      g_snprintf (target_text, sizeof target_text, ">= %g %s", target, unit);
      break;

    case LUMA_BENCH_INFO:
    default:
      g_snprintf (target_text, sizeof target_text, "-");
      break;
    }

  printf ("FIGURE\t%s\t%.3f\t%s\t%s\t%s\n", name, value, unit, target_text, verdict);
  fflush (stdout);

  return holds;
}

/* Resident set size of this process, in bytes (0 if unknown). */
static inline gsize
luma_bench_rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  if (line == NULL)
    return 0;

  return (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) * 1024;
}

/* Removes @path and everything below it (a benchmark's scratch folder). */
static inline void
luma_bench_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

          luma_bench_remove_tree (child);
          g_object_unref (info);
        }
    }
  g_remove (path);
}
