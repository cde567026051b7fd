/* test-task-list.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "luma-task-list.h"

/* Follows the model through its items-changed signals only, to check
 * every signal describes the change exactly. */
typedef struct
{
  GListModel *model;
  GPtrArray  *mirror;
  guint       n_signals;
  GHashTable *notifies;
} Watch;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  g_assert_cmpuint (position + removed, <=, watch->mirror->len);
  g_ptr_array_remove_range (watch->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (watch->mirror, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (watch->mirror->len, ==, g_list_model_get_n_items (model));
  watch->n_signals++;
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Watch      *watch)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (watch->notifies, pspec->name));

  g_hash_table_insert (watch->notifies, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static void
watch_start (Watch        *watch,
             LumaTaskList *list)
{
  watch->model = G_LIST_MODEL (list);
  watch->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (watch->model); i++)
    g_ptr_array_add (watch->mirror, g_list_model_get_item (watch->model, i));
  watch->n_signals = 0;
  watch->notifies = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), watch);
  g_signal_connect (list, "notify", G_CALLBACK (on_notify), watch);
}

static void
watch_check (Watch *watch)
{
  g_assert_cmpuint (watch->mirror->len, ==, g_list_model_get_n_items (watch->model));
  for (guint i = 0; i < watch->mirror->len; i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (watch->model, i);

      g_assert_true (task == g_ptr_array_index (watch->mirror, i));
    }
}

static guint
watch_notified (Watch      *watch,
                const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (watch->notifies, name));
}

static void
watch_reset (Watch *watch)
{
  watch->n_signals = 0;
  g_hash_table_remove_all (watch->notifies);
}

static void
watch_stop (Watch *watch)
{
  watch_check (watch);
  g_signal_handlers_disconnect_by_data (watch->model, watch);
  g_clear_pointer (&watch->mirror, g_ptr_array_unref);
  g_clear_pointer (&watch->notifies, g_hash_table_unref);
}

static char *
make_id (guint n)
{
  return g_strdup_printf ("%08x-0000-4000-8000-%012x", n, n);
}

static GStrv
make_ids (guint n)
{
  GStrv ids = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    ids[i] = make_id (i);

  return ids;
}

static JsonObject *
record_with_state (const char *id,
                   const char *response_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = g_strdup_printf ("{\"id\": \"%s\", \"response\": %s}", id, response_json);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
record_free (gpointer record)
{
  if (record != NULL)
    json_object_unref (record);
}

static guint
get_count (LumaTaskList *list,
           const char   *name)
{
  guint value = 0;

  g_object_get (list, name, &value, NULL);
  return value;
}

static void
test_list_add_ids (void)
{
  LumaTaskList *list = luma_task_list_new ();
  g_auto(GStrv) ids = make_ids (3);
  const char *again[] = { ids[1], "aaaaaaaa-0000-4000-8000-000000000000", ids[1] };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) added2 = NULL;
  Watch watch;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == LUMA_TYPE_TASK);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 0));

  watch_start (&watch, list);
  added = luma_task_list_add_ids (list, (const char * const *) ids, 3);
  g_assert_cmpuint (added->len, ==, 3);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-items"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-loading"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-unfinished"), ==, 0);
  g_assert_cmpuint (get_count (list, "n-items"), ==, 3);
  g_assert_cmpuint (get_count (list, "n-loading"), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (luma_task_list_lookup (list, ids[i]) == g_ptr_array_index (added, i));
      g_assert_cmpint (luma_task_get_state (g_ptr_array_index (added, i)), ==, LUMA_TASK_STATE_LOADING);
    }

  /* Known IDs are skipped, including repeats within the call. */
  watch_reset (&watch);
  added2 = luma_task_list_add_ids (list, again, G_N_ELEMENTS (again));
  g_assert_cmpuint (added2->len, ==, 1);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_cmpuint (get_count (list, "n-items"), ==, 4);
  g_assert_cmpstr (luma_task_get_id (g_ptr_array_index (added2, 0)), ==, again[1]);

  /* Nothing new: no signal at all. */
  watch_reset (&watch);
  g_clear_pointer (&added2, g_ptr_array_unref);
  added2 = luma_task_list_add_ids (list, (const char * const *) ids, 3);
  g_assert_cmpuint (added2->len, ==, 0);
  g_assert_cmpuint (watch.n_signals, ==, 0);
  g_assert_cmpuint (g_hash_table_size (watch.notifies), ==, 0);

  watch_stop (&watch);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&added2, g_ptr_array_unref);
  g_assert_finalize_object (list);
}

static void
test_list_counts_follow_states (void)
{
  LumaTaskList *list = luma_task_list_new ();
  g_auto(GStrv) ids = make_ids (6);
  g_autoptr(GPtrArray) added = luma_task_list_add_ids (list, (const char * const *) ids, 6);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (record_free);
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) unchanged = NULL;
  g_auto(GStrv) unfinished = NULL;
  g_autofree char *stranger = make_id (999);
  Watch watch;

  g_ptr_array_add (records, record_with_state (ids[0], "{\"state\": \"pending\"}"));
  g_ptr_array_add (records, record_with_state (ids[1], "{\"state\": \"processing\"}"));
  g_ptr_array_add (records, record_with_state (ids[2], "{\"state\": \"completed\"}"));
  g_ptr_array_add (records, record_with_state (ids[3], "{\"success\": false}"));
  g_ptr_array_add (records, record_with_state (ids[4], "{\"state\": \"dreaming\"}"));
  g_ptr_array_add (records, record_with_state (stranger, "{\"state\": \"completed\"}"));
  g_ptr_array_add (records, NULL);

  watch_start (&watch, list);
  changed = luma_task_list_apply_records (list, records);
  g_assert_cmpuint (changed->len, ==, 5);
  g_assert_cmpuint (watch.n_signals, ==, 0);
  /* Each counter moved once for the whole batch. */
  g_assert_cmpuint (watch_notified (&watch, "n-loading"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-unfinished"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-completed"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-failed"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-not-found"), ==, 0);
  g_assert_cmpuint (watch_notified (&watch, "n-items"), ==, 0);

  g_assert_cmpuint (get_count (list, "n-loading"), ==, 1);
  g_assert_cmpuint (get_count (list, "n-unfinished"), ==, 3);
  g_assert_cmpuint (get_count (list, "n-completed"), ==, 1);
  g_assert_cmpuint (get_count (list, "n-failed"), ==, 1);
  g_assert_cmpuint (get_count (list, "n-not-found"), ==, 0);

  unfinished = luma_task_list_dup_unfinished_ids (list);
  g_assert_cmpuint (g_strv_length (unfinished), ==, 3);
  g_assert_cmpstr (unfinished[0], ==, ids[0]);
  g_assert_cmpstr (unfinished[1], ==, ids[1]);
  g_assert_cmpstr (unfinished[2], ==, ids[4]);

  /* The same records again change nothing. */
  watch_reset (&watch);
  unchanged = luma_task_list_apply_records (list, records);
  g_assert_cmpuint (unchanged->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (watch.notifies), ==, 0);

  /* A task moving on its own updates the counters. */
  luma_task_set_not_found (g_ptr_array_index (added, 5));
  g_assert_cmpuint (get_count (list, "n-loading"), ==, 0);
  g_assert_cmpuint (get_count (list, "n-not-found"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-not-found"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-completed"), ==, 0);

  watch_stop (&watch);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_assert_finalize_object (list);
}

static void
test_list_remove_and_undo (void)
{
  LumaTaskList *list = luma_task_list_new ();
  g_auto(GStrv) ids = make_ids (5);
  g_autoptr(GPtrArray) added = luma_task_list_add_ids (list, (const char * const *) ids, 5);
  g_autoptr(JsonObject) done = record_with_state (ids[2], "{\"state\": \"completed\"}");
  LumaTask *task = g_object_ref (g_ptr_array_index (added, 2));
  guint position = 0;
  Watch watch;

  luma_task_update_from_record (task, done);
  g_assert_cmpuint (get_count (list, "n-completed"), ==, 1);

  watch_start (&watch, list);
  g_assert_true (luma_task_list_find (list, task, &position));
  g_assert_cmpuint (position, ==, 2);
  g_assert_true (luma_task_list_remove (list, ids[2]));
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_null (luma_task_list_lookup (list, ids[2]));
  g_assert_false (luma_task_list_find (list, task, NULL));
  g_assert_false (luma_task_list_remove (list, ids[2]));
  g_assert_cmpuint (get_count (list, "n-completed"), ==, 0);
  g_assert_cmpuint (get_count (list, "n-items"), ==, 4);

  /* Out of the list, its changes no longer count. */
  luma_task_set_not_found (task);
  g_assert_cmpuint (get_count (list, "n-not-found"), ==, 0);

  /* Undo: back where it was. */
  watch_reset (&watch);
  luma_task_list_insert (list, position, task);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_true (luma_task_list_find (list, task, &position));
  g_assert_cmpuint (position, ==, 2);
  g_assert_cmpuint (get_count (list, "n-not-found"), ==, 1);
  g_assert_cmpuint (watch_notified (&watch, "n-not-found"), ==, 1);

  /* The same ID twice is refused. */
  watch_reset (&watch);
  {
    LumaTask *twin = luma_task_new (ids[2]);

    luma_task_list_insert (list, 0, twin);
    g_assert_cmpuint (watch.n_signals, ==, 0);
    g_assert_true (luma_task_list_lookup (list, ids[2]) == task);
    g_assert_finalize_object (twin);
  }

  /* A position past the end appends. */
  {
    g_autoptr(LumaTask) first = g_object_ref (g_ptr_array_index (added, 0));

    g_assert_true (luma_task_list_remove (list, ids[0]));
    luma_task_list_insert (list, 1000, first);
    g_assert_true (luma_task_list_find (list, first, &position));
    g_assert_cmpuint (position, ==, 4);
  }

  watch_stop (&watch);
  g_clear_pointer (&added, g_ptr_array_unref);
  luma_task_list_remove_all (list);
  g_assert_finalize_object (task);
  g_assert_finalize_object (list);
}

static void
test_list_remove_tasks (gconstpointer data)
{
  guint n = 200;
  guint stride = GPOINTER_TO_UINT (data);
  LumaTaskList *list = luma_task_list_new ();
  g_auto(GStrv) ids = make_ids (n);
  g_autoptr(GPtrArray) added = luma_task_list_add_ids (list, (const char * const *) ids, n);
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
  g_autoptr(GArray) removals = NULL;
  g_autoptr(LumaTask) outsider = luma_task_new ("ffffffff-0000-4000-8000-000000000000");
  guint n_runs = 0;
  Watch watch;

  /* Runs of three, @stride apart, given in reverse order. */
  for (guint i = n; i-- > 0; )
    {
      if (i % stride < 3)
        g_ptr_array_add (doomed, g_ptr_array_index (added, i));
      if (i % stride == 0)
        n_runs++;
    }
  g_ptr_array_add (doomed, outsider);
  g_ptr_array_add (doomed, g_ptr_array_index (added, 0)); /* twice */

  watch_start (&watch, list);
  removals = luma_task_list_remove_tasks (list, doomed);
  g_assert_cmpuint (removals->len, ==, doomed->len - 2);
  g_assert_cmpuint (get_count (list, "n-items"), ==, n - removals->len);
  g_assert_cmpuint (get_count (list, "n-loading"), ==, n - removals->len);
  g_assert_cmpuint (watch_notified (&watch, "n-items"), ==, 1);
  /* One signal a run while they are few, one in all when they are many. */
  g_assert_cmpuint (watch.n_signals, ==, n_runs <= 16 ? n_runs : 1);
  watch_check (&watch);

  for (guint i = 0; i < removals->len; i++)
    {
      LumaTaskListRemoval *r = &g_array_index (removals, LumaTaskListRemoval, i);

      if (i > 0)
        g_assert_cmpuint (r->position, >, g_array_index (removals, LumaTaskListRemoval, i - 1).position);
      g_assert_true (r->task == g_ptr_array_index (added, r->position));
      g_assert_null (luma_task_list_lookup (list, luma_task_get_id (r->task)));
    }

  /* Undo in one signal, every task back in its place. */
  watch_reset (&watch);
  luma_task_list_restore (list, removals);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  watch_check (&watch);
  g_assert_cmpuint (get_count (list, "n-items"), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (task == g_ptr_array_index (added, i));
    }

  /* Restoring again does nothing: every ID is back. */
  watch_reset (&watch);
  luma_task_list_restore (list, removals);
  g_assert_cmpuint (watch.n_signals, ==, 0);

  watch_stop (&watch);
  g_clear_pointer (&removals, g_array_unref);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&doomed, g_ptr_array_unref);
  g_assert_finalize_object (list);
}

/* Tasks removed, the list changed, then undo: positions are clamped and
 * order among the restored holds. */
static void
test_list_restore_after_changes (void)
{
  LumaTaskList *list = luma_task_list_new ();
  g_auto(GStrv) ids = make_ids (6);
  g_autoptr(GPtrArray) added = luma_task_list_add_ids (list, (const char * const *) ids, 6);
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
  g_autoptr(GArray) removals = NULL;
  Watch watch;

  g_ptr_array_add (doomed, g_ptr_array_index (added, 4));
  g_ptr_array_add (doomed, g_ptr_array_index (added, 5));
  removals = luma_task_list_remove_tasks (list, doomed);
  luma_task_list_remove (list, ids[0]);
  luma_task_list_remove (list, ids[1]);

  watch_start (&watch, list);
  luma_task_list_restore (list, removals);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  watch_stop (&watch);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  {
    const guint expected[] = { 2, 3, 4, 5 };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autoptr(LumaTask) task = g_list_model_get_item (G_LIST_MODEL (list), i);

        g_assert_cmpstr (luma_task_get_id (task), ==, ids[expected[i]]);
      }
  }

  g_clear_pointer (&removals, g_array_unref);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&doomed, g_ptr_array_unref);
  g_assert_finalize_object (list);
}

static void
test_list_append_tasks (void)
{
  LumaTaskList *list = luma_task_list_new ();
  g_auto(GStrv) ids = make_ids (3);
  LumaTask *tasks[4];
  g_autoptr(GPtrArray) first = luma_task_list_add_ids (list, (const char * const *) ids, 1);
  Watch watch;

  for (guint i = 0; i < 3; i++)
    tasks[i] = luma_task_new (ids[i]);
  tasks[3] = g_object_ref (tasks[1]);

  watch_start (&watch, list);
  luma_task_list_append_tasks (list, tasks, 4);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  /* The first ID was already there: the list keeps its own task. */
  g_assert_true (luma_task_list_lookup (list, ids[0]) == g_ptr_array_index (first, 0));
  g_assert_true (luma_task_list_lookup (list, ids[2]) == tasks[2]);

  watch_reset (&watch);
  luma_task_list_remove_all (list);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_cmpuint (get_count (list, "n-items"), ==, 0);
  g_assert_cmpuint (get_count (list, "n-loading"), ==, 0);
  luma_task_list_remove_all (list);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  watch_stop (&watch);

  g_clear_pointer (&first, g_ptr_array_unref);
  g_object_unref (tasks[3]);
  for (guint i = 0; i < 3; i++)
    g_assert_finalize_object (tasks[i]);
  g_assert_finalize_object (list);
}

/* Inserting in the middle: one signal, the new tasks in their order at
 * the position, IDs already listed skipped. */
static void
test_list_insert_tasks (void)
{
  LumaTaskList *list = luma_task_list_new ();
  g_auto(GStrv) ids = make_ids (6);
  g_autoptr(GPtrArray) first = luma_task_list_add_ids (list, (const char * const *) ids, 4);
  LumaTask *tasks[3];
  const guint expected[] = { 0, 1, 4, 5, 2, 3 };
  Watch watch;

  tasks[0] = luma_task_new (ids[4]);
  tasks[1] = luma_task_new (ids[1]);
  tasks[2] = luma_task_new (ids[5]);

  watch_start (&watch, list);
  luma_task_list_insert_tasks (list, 2, tasks, 3);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpstr (luma_task_get_id (task), ==, ids[expected[i]]);
    }
  g_assert_true (luma_task_list_lookup (list, ids[1]) == g_ptr_array_index (first, 1));
  g_assert_cmpuint (get_count (list, "n-items"), ==, 6);

  /* Past the end: appended. */
  watch_reset (&watch);
  luma_task_list_remove (list, ids[5]);
  luma_task_list_insert_tasks (list, 100, &tasks[2], 1);
  g_assert_cmpuint (watch.n_signals, ==, 2);
  {
    g_autoptr(LumaTask) last = g_list_model_get_item (G_LIST_MODEL (list), 5);

    g_assert_true (last == tasks[2]);
  }
  watch_stop (&watch);

  g_clear_pointer (&first, g_ptr_array_unref);
  luma_task_list_remove_all (list);
  for (guint i = 0; i < 3; i++)
    g_assert_finalize_object (tasks[i]);
  g_assert_finalize_object (list);
}

static void
test_list_bulk (void)
{
  const guint n = 100000;
  LumaTaskList *list = luma_task_list_new ();
  g_auto(GStrv) ids = make_ids (n);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (record_free);
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
  g_autoptr(GArray) removals = NULL;
  gint64 start;
  Watch watch;

  watch_start (&watch, list);
  start = g_get_monotonic_time ();
  added = luma_task_list_add_ids (list, (const char * const *) ids, n);
  g_test_message ("added %u IDs in %.1f ms", n, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (added->len, ==, n);
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  g_assert_true (luma_task_list_lookup (list, ids[n - 1]) == g_ptr_array_index (added, n - 1));
  g_assert_cmpuint (get_count (list, "n-loading"), ==, n);

  for (guint i = 0; i < n; i += 10)
    g_ptr_array_add (records, record_with_state (ids[i], "{\"state\": \"completed\"}"));
  start = g_get_monotonic_time ();
  changed = luma_task_list_apply_records (list, records);
  g_test_message ("applied %u records in %.1f ms", records->len,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (changed->len, ==, n / 10);
  g_assert_cmpuint (get_count (list, "n-completed"), ==, n / 10);
  g_assert_cmpuint (watch.n_signals, ==, 1);

  /* Remove every completed task (10,000 runs) and undo. */
  g_ptr_array_extend (doomed, changed, NULL, NULL);
  start = g_get_monotonic_time ();
  removals = luma_task_list_remove_tasks (list, doomed);
  g_test_message ("removed %u tasks in %.1f ms", removals->len,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (removals->len, ==, n / 10);
  g_assert_cmpuint (watch.n_signals, ==, 2);
  g_assert_cmpuint (get_count (list, "n-completed"), ==, 0);
  luma_task_list_restore (list, removals);
  g_assert_cmpuint (watch.n_signals, ==, 3);
  g_assert_cmpuint (get_count (list, "n-completed"), ==, n / 10);
  watch_stop (&watch);

  start = g_get_monotonic_time ();
  g_clear_pointer (&removals, g_array_unref);
  g_clear_pointer (&changed, g_ptr_array_unref);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&doomed, g_ptr_array_unref);
  g_assert_finalize_object (list);
  g_test_message ("freed in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/task-list/add-ids", test_list_add_ids);
  g_test_add_func ("/task-list/counts-follow-states", test_list_counts_follow_states);
  g_test_add_func ("/task-list/remove-and-undo", test_list_remove_and_undo);
  g_test_add_data_func ("/task-list/remove-tasks/few-runs", GUINT_TO_POINTER (40),
                        test_list_remove_tasks);
  g_test_add_data_func ("/task-list/remove-tasks/many-runs", GUINT_TO_POINTER (5),
                        test_list_remove_tasks);
  g_test_add_func ("/task-list/restore-after-changes", test_list_restore_after_changes);
  g_test_add_func ("/task-list/append-tasks", test_list_append_tasks);
  g_test_add_func ("/task-list/insert-tasks", test_list_insert_tasks);
  g_test_add_func ("/task-list/bulk", test_list_bulk);

  return g_test_run ();
}
