/* bench-store.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Figure 5: one poll round that updates 10,000 tasks, written to the store.
 * Target: <= 100 ms, in one transaction. Also shown: loading the 10,000
 * tasks back, the start-up path of the window.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "luma-bench.h"
#include "luma-bench-data.h"
#include "luma-store.h"
#include "luma-task.h"

#define N_TASKS 10000

int
main (void)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *dir = g_dir_make_tmp ("luma-bench-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tasks.db", NULL);
  g_autoptr(LumaStore) store = luma_store_new (path);
  g_autoptr(GError) error = NULL;
  guint transactions_before;
  gint64 start, save_us, load_us;
  gboolean ok = TRUE;

  if (!luma_store_open_sync (store, NULL, &error))
    g_error ("%s", error->message);

  /* The tasks as a first answer left them: all processing. */
  for (guint i = 0; i < N_TASKS; i++)
    {
      g_autofree char *id = luma_bench_task_id (i);
      g_autofree char *json = luma_bench_record_json (i, FALSE);

      g_ptr_array_add (tasks, luma_task_new_from_json (id, g_get_real_time (), json, FALSE));
    }
  if (!luma_store_save_tasks_sync (store, (LumaTask * const *) tasks->pdata, tasks->len, &error))
    g_error ("%s", error->message);

  /* The poll round: every task completes. */
  for (guint i = 0; i < N_TASKS; i++)
    {
      g_autofree char *json = luma_bench_record_json (i, TRUE);
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_data (parser, json, -1, &error))
        g_error ("%s", error->message);
      luma_task_update_from_record (g_ptr_array_index (tasks, i),
                                    json_node_get_object (json_parser_get_root (parser)));
    }

  transactions_before = luma_store_get_n_transactions (store);
  start = g_get_monotonic_time ();
  if (!luma_store_save_tasks_sync (store, (LumaTask * const *) tasks->pdata, tasks->len, &error))
    g_error ("%s", error->message);
  save_us = g_get_monotonic_time () - start;

  ok &= luma_bench_report ("5. poll round updating 10,000 tasks in the store",
                           save_us / 1000.0, "ms", LUMA_BENCH_AT_MOST, 100);
  ok &= luma_bench_report ("5. transactions for that poll round",
                           luma_store_get_n_transactions (store) - transactions_before,
                           "commits", LUMA_BENCH_AT_MOST, 1);

  start = g_get_monotonic_time ();
  loaded = luma_store_load_sync (store, &error);
  load_us = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, N_TASKS);
  luma_bench_report ("5. loading 10,000 tasks from the store", load_us / 1000.0, "ms", LUMA_BENCH_INFO, 0);

  luma_store_close (store);
  g_clear_object (&store);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
        g_unlink (file);
      }
  }
  g_rmdir (dir);

  return ok ? 0 : 1;
}
