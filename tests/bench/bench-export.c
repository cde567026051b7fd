/* bench-export.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Figure 6: exporting 100,000 tasks to CSV and to JSON, in MB/s, through the
 * same asynchronous path the window uses. Target: CSV >= 50 MB/s.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "luma-bench.h"
#include "luma-bench-data.h"
#include "luma-export.h"
#include "luma-task.h"

#define N_TASKS 100000

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!luma_export_tasks_finish (result, &error))
    g_error ("export failed: %s", error->message);
  *done = TRUE;
}

static double
export_mb_per_s (GPtrArray        *tasks,
                 LumaExportFormat  format,
                 const char       *dir,
                 goffset          *size)
{
  g_autofree char *path = g_build_filename (dir, luma_export_format_to_string (format), NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  gboolean done = FALSE;
  gint64 start, elapsed;

  start = g_get_monotonic_time ();
  luma_export_tasks_async (tasks, format, file, NULL, on_exported, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  g_assert_nonnull (info);
  *size = g_file_info_get_size (info);

  return (*size / 1e6) / (elapsed / 1e6);
}

int
main (void)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *dir = g_dir_make_tmp ("luma-bench-export-XXXXXX", NULL);
  gboolean ok = TRUE;
  goffset csv_size, json_size;
  double csv_rate, json_rate;

  g_assert_nonnull (dir);

  for (guint i = 0; i < N_TASKS; i++)
    {
      g_autofree char *id = luma_bench_task_id (i);
      g_autofree char *json = luma_bench_record_json (i, TRUE);

      g_ptr_array_add (tasks, luma_task_new_from_json (id, g_get_real_time (), json, FALSE));
    }

  csv_rate = export_mb_per_s (tasks, LUMA_EXPORT_CSV, dir, &csv_size);
  json_rate = export_mb_per_s (tasks, LUMA_EXPORT_JSON, dir, &json_size);

  ok &= luma_bench_report ("6. export 100,000 tasks to CSV", csv_rate, "MB/s", LUMA_BENCH_AT_LEAST, 50);
  luma_bench_report ("6. export 100,000 tasks to CSV: file size", csv_size / 1e6, "MB", LUMA_BENCH_INFO, 0);
  luma_bench_report ("6. export 100,000 tasks to JSON", json_rate, "MB/s", LUMA_BENCH_INFO, 0);
  luma_bench_report ("6. export 100,000 tasks to JSON: file size", json_size / 1e6, "MB", LUMA_BENCH_INFO, 0);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_build_filename (dir, i == 0 ? "csv" : "json", NULL);
      g_unlink (path);
    }
  g_rmdir (dir);

  return ok ? 0 : 1;
}
