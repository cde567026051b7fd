/* test-store.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "luma-store.h"
#include "luma-task.h"

#define RECORD_FORMAT \
  "{\"_id\":\"66d297a3550a4144a5a5db42\",\"id\":\"%s\"," \
  "\"api_id\":\"94fc9028-5a9f-4875-aae4-38463bd30ac5\"," \
  "\"application_id\":\"06484a45-9d04-498a-98a7-67086dee8166\"," \
  "\"created_at\":1725077411.961," \
  "\"credential_id\":\"e6a879e5-a7c0-4f7b-9d6f-f9a837421a50\"," \
  "\"request\":{\"action\":\"generate\",\"prompt\":\"Astronauts shuttle from space to volcano — %u\"}," \
  "\"trace_id\":\"0b7c1c1a-045c-4145-a434-609cba88f0a9\"," \
  "\"user_id\":\"ad7afe47-cea9-4cda-980f-2ad8810e51cf\"," \
  "\"response\":{\"success\":true,\"task_id\":\"%s\"," \
  "\"video_id\":\"4b088fc8-2bbc-4706-80a6-a0fb118adc1a\"," \
  "\"prompt\":\"Astronauts shuttle from space to volcano\"," \
  "\"video_url\":\"https://platform.cdn.acedata.cloud/luma/%s.mp4\"," \
  "\"video_height\":752,\"video_width\":1360,\"state\":\"completed\"," \
  "\"thumbnail_url\":\"https://platform.cdn.acedata.cloud/luma/%s.jpg\"," \
  "\"thumbnail_width\":1360,\"thumbnail_height\":752,\"x_unknown\":[1,{\"a\":null}]}," \
  "\"finished_at\":1725077566.241}"

static char *
make_id (guint n)
{
  return g_strdup_printf ("%08x-0000-4000-8000-%012x", 0x5107e000 + (n >> 16), n);
}

static char *
make_record_json (const char *id,
                  guint       generation)
{
  return g_strdup_printf (RECORD_FORMAT, id, generation, id, id, id);
}

static LumaTask *
make_task (const char *id,
           gint64      added_at,
           const char *record_json)
{
  LumaTask *task = luma_task_new (id);

  g_assert_nonnull (task);
  luma_task_set_added_at (task, added_at);

  if (record_json != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_data (parser, record_json, -1, &error);
      g_assert_no_error (error);
      luma_task_update_from_record (task, json_node_get_object (json_parser_get_root (parser)));
    }

  return task;
}

static void
update_task (LumaTask *task,
             guint     generation)
{
  g_autofree char *json = make_record_json (luma_task_get_id (task), generation);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  luma_task_update_from_record (task, json_node_get_object (json_parser_get_root (parser)));
}

static char *
default_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "luma-tasks", "tasks.db", NULL);
}

static LumaStore *
open_store (const char  *path,
            char       **moved_aside)
{
  g_autoptr(GError) error = NULL;
  LumaStore *store = luma_store_new (path);

  g_assert_true (luma_store_open_sync (store, moved_aside, &error));
  g_assert_no_error (error);
  g_assert_true (luma_store_get_is_open (store));

  return store;
}

/* Reads one value of the database with a connection of its own. */
static char *
sql_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return text;
}

static void
sql_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static GPtrArray *
load (LumaStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks = luma_store_load_sync (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tasks);

  return tasks;
}

static void
assert_finalize_tasks (GPtrArray *tasks)
{
  while (tasks->len > 0)
    {
      LumaTask *task = g_ptr_array_steal_index (tasks, tasks->len - 1);

      g_assert_finalize_object (task);
    }
  g_ptr_array_unref (tasks);
}

static void
test_store_round_trip (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *moved_aside = NULL;
  g_autofree char *id_a = make_id (1);
  g_autofree char *id_b = make_id (2);
  g_autofree char *id_c = make_id (3);
  g_autofree char *id_d = make_id (4);
  g_autofree char *json_a = make_record_json (id_a, 1);
  g_autofree char *json_c = make_record_json (id_c, 3);
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;
  LumaTask *tasks[4];
  GPtrArray *loaded;
  LumaStore *store;
  GStatBuf st;

  /* Default path, folder created private. */
  store = open_store (NULL, &moved_aside);
  g_assert_null (moved_aside);
  g_assert_cmpstr (luma_store_get_path (store), ==, path);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Added out of ID order, two in the same microsecond: the order they were
   * saved in is the order they come back in. */
  tasks[0] = make_task (id_c, 1000, json_c);
  tasks[1] = make_task (id_a, 2000, json_a);
  tasks[2] = make_task (id_b, 2000, NULL);     /* still loading */
  tasks[3] = make_task (id_d, 3000, NULL);
  luma_task_set_not_found (tasks[3]);
  g_assert_cmpint (luma_task_get_state (tasks[3]), ==, LUMA_TASK_STATE_NOT_FOUND);

  g_assert_true (luma_store_save_tasks_sync (store, tasks, 2, &error));
  g_assert_no_error (error);
  g_assert_true (luma_store_save_tasks_sync (store, tasks + 2, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (luma_store_get_n_transactions (store), >=, 2);
  g_assert_finalize_object (store);

  /* The record bytes on disk are the task's, exactly. */
  stored = sql_text (path, "SELECT record FROM tasks WHERE id = (SELECT id FROM tasks ORDER BY added_at LIMIT 1)");
  g_assert_cmpstr (stored, ==, luma_task_get_record_json (tasks[0]));

  store = open_store (path, NULL);
  loaded = load (store);
  g_assert_cmpuint (loaded->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      LumaTask *task = g_ptr_array_index (loaded, i);

      g_assert_cmpstr (luma_task_get_id (task), ==, luma_task_get_id (tasks[i]));
      g_assert_cmpint (luma_task_get_added_at (task), ==, luma_task_get_added_at (tasks[i]));
      g_assert_cmpstr (luma_task_get_record_json (task), ==, luma_task_get_record_json (tasks[i]));
    }
  g_assert_cmpint (luma_task_get_state (g_ptr_array_index (loaded, 0)), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (luma_task_get_prompt (g_ptr_array_index (loaded, 0)), ==,
                   "Astronauts shuttle from space to volcano — 3");
  g_assert_cmpint (luma_task_get_state (g_ptr_array_index (loaded, 2)), ==, LUMA_TASK_STATE_LOADING);
  g_assert_cmpint (luma_task_get_state (g_ptr_array_index (loaded, 3)), ==, LUMA_TASK_STATE_NOT_FOUND);

  assert_finalize_tasks (loaded);
  g_assert_finalize_object (store);
  for (guint i = 0; i < 4; i++)
    g_assert_finalize_object (tasks[i]);
}

static void
test_store_update_in_place (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *positions_before = NULL;
  g_autofree char *positions_after = NULL;
  g_autoptr(GError) error = NULL;
  LumaTask *tasks[3];
  GPtrArray *loaded;
  LumaStore *store;

  store = open_store (path, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = make_id (10 + i);
      g_autofree char *json = make_record_json (id, 0);

      tasks[i] = make_task (id, 1000, json);
    }
  g_assert_true (luma_store_save_tasks_sync (store, tasks, 3, &error));
  g_assert_no_error (error);
  positions_before = sql_text (path, "SELECT group_concat (id || ':' || position) FROM tasks");

  /* Saved again, last first: updated where they are, nothing added. */
  update_task (tasks[2], 7);
  update_task (tasks[0], 8);
  {
    LumaTask *again[] = { tasks[2], tasks[0] };

    g_assert_true (luma_store_save_tasks_sync (store, again, 2, &error));
    g_assert_no_error (error);
  }
  positions_after = sql_text (path, "SELECT group_concat (id || ':' || position) FROM tasks");
  g_assert_cmpstr (positions_after, ==, positions_before);

  loaded = load (store);
  g_assert_cmpuint (loaded->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (luma_task_get_id (g_ptr_array_index (loaded, i)), ==, luma_task_get_id (tasks[i]));
      g_assert_cmpstr (luma_task_get_record_json (g_ptr_array_index (loaded, i)), ==,
                       luma_task_get_record_json (tasks[i]));
    }
  g_assert_nonnull (strstr (luma_task_get_prompt (g_ptr_array_index (loaded, 2)), "— 7"));

  assert_finalize_tasks (loaded);
  g_assert_finalize_object (store);
  for (guint i = 0; i < 3; i++)
    g_assert_finalize_object (tasks[i]);
}

static void
test_store_remove (void)
{
  g_autofree char *path = default_db_path ();
  g_autoptr(GError) error = NULL;
  LumaTask *tasks[4];
  GPtrArray *loaded;
  LumaStore *store;
  const char *ids[3];

  store = open_store (path, NULL);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = make_id (20 + i);

      tasks[i] = make_task (id, 1000 + i, NULL);
    }
  g_assert_true (luma_store_save_tasks_sync (store, tasks, 4, &error));
  g_assert_no_error (error);

  ids[0] = luma_task_get_id (tasks[1]);
  ids[1] = luma_task_get_id (tasks[3]);
  ids[2] = "00000000-0000-4000-8000-000000000000";   /* not stored: no error */
  g_assert_true (luma_store_remove_ids_sync (store, ids, 3, &error));
  g_assert_no_error (error);

  loaded = load (store);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (luma_task_get_id (g_ptr_array_index (loaded, 0)), ==, luma_task_get_id (tasks[0]));
  g_assert_cmpstr (luma_task_get_id (g_ptr_array_index (loaded, 1)), ==, luma_task_get_id (tasks[2]));
  assert_finalize_tasks (loaded);

  /* Saved again with its old added_at, a removed task is back at its place. */
  g_assert_true (luma_store_save_tasks_sync (store, &tasks[1], 1, &error));
  g_assert_no_error (error);
  loaded = load (store);
  g_assert_cmpuint (loaded->len, ==, 3);
  g_assert_cmpstr (luma_task_get_id (g_ptr_array_index (loaded, 1)), ==, luma_task_get_id (tasks[1]));
  assert_finalize_tasks (loaded);

  g_assert_finalize_object (store);
  for (guint i = 0; i < 4; i++)
    g_assert_finalize_object (tasks[i]);
}

/* Every task object costs about a hundred allocations, each unwound in
 * full by the sanitizer build's leak checker: that build saves fewer, in
 * the same single transaction. */
#ifdef __SANITIZE_ADDRESS__
#define N_MANY 500
#else
#define N_MANY 10000
#endif

static void
test_store_many_in_one_transaction (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *count = NULL;
  g_autofree char *expected = g_strdup_printf ("%u", N_MANY);
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) updated = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  GPtrArray *loaded;
  LumaStore *store;
  guint n_before;
  gint64 start;

  store = open_store (path, NULL);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_MANY; i++)
    {
      g_autofree char *id = make_id (1000 + i);
      g_autofree char *json = make_record_json (id, 0);
      g_autofree char *json_updated = make_record_json (id, 1);

      g_ptr_array_add (tasks, luma_task_new_from_json (id, 5000 + i / 100, json, FALSE));
      g_ptr_array_add (updated, luma_task_new_from_json (id, 5000 + i / 100, json_updated, FALSE));
    }

  g_test_message ("%u tasks built twice in %.1f ms", N_MANY, (g_get_monotonic_time () - start) / 1000.0);
  n_before = luma_store_get_n_transactions (store);
  start = g_get_monotonic_time ();
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) tasks->pdata, tasks->len, &error));
  g_assert_no_error (error);
  g_test_message ("%u new tasks saved in %.1f ms", N_MANY, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (luma_store_get_n_transactions (store), ==, n_before + 1);

  /* Every one updated: again one transaction. */
  start = g_get_monotonic_time ();
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) updated->pdata, updated->len, &error));
  g_assert_no_error (error);
  g_test_message ("%u updated tasks saved in %.1f ms", N_MANY, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (luma_store_get_n_transactions (store), ==, n_before + 2);

  count = sql_text (path, "SELECT count (*) FROM tasks");
  g_assert_cmpstr (count, ==, expected);
  g_free (count);
  count = sql_text (path, "SELECT count (*) FROM tasks WHERE json_extract (record, '$.request.prompt') LIKE '% 1'");
  g_assert_cmpstr (count, ==, expected);

  start = g_get_monotonic_time ();
  loaded = load (store);
  g_test_message ("%u tasks loaded in %.1f ms", N_MANY, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (loaded->len, ==, N_MANY);
  for (guint i = 0; i < loaded->len; i += 97)
    {
      g_assert_cmpstr (luma_task_get_id (g_ptr_array_index (loaded, i)), ==,
                       luma_task_get_id (g_ptr_array_index (updated, i)));
      g_assert_cmpstr (luma_task_get_record_json (g_ptr_array_index (loaded, i)), ==,
                       luma_task_get_record_json (g_ptr_array_index (updated, i)));
    }
  g_ptr_array_unref (loaded);

  g_assert_finalize_object (store);
}

static void
test_store_wal (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *mode = NULL;
  g_autofree char *version = NULL;
  LumaStore *store = open_store (path, NULL);

  mode = sql_text (path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  version = sql_text (path, "PRAGMA user_version");
  g_assert_cmpint (atoi (version), ==, LUMA_STORE_SCHEMA_VERSION);

  g_assert_finalize_object (store);
}

static void
test_store_migrate_empty_file (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *moved_aside = NULL;
  g_autofree char *version = NULL;
  g_autofree char *table = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = make_id (30);
  LumaTask *task = make_task (id, 42, NULL);
  GPtrArray *loaded;
  LumaStore *store;

  /* A zero-byte file is an empty version-0 database. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "", 0, NULL));

  store = open_store (path, &moved_aside);
  g_assert_null (moved_aside);
  version = sql_text (path, "PRAGMA user_version");
  g_assert_cmpint (atoi (version), ==, LUMA_STORE_SCHEMA_VERSION);
  table = sql_text (path, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name = 'tasks_order'");
  g_assert_cmpstr (table, ==, "tasks_order");

  g_assert_true (luma_store_save_tasks_sync (store, &task, 1, &error));
  g_assert_no_error (error);
  loaded = load (store);
  g_assert_cmpuint (loaded->len, ==, 1);
  assert_finalize_tasks (loaded);

  g_assert_finalize_object (store);
  g_assert_finalize_object (task);
}

static void
test_store_migrate_v0_database (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "v0", "tasks.db", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *kept = NULL;
  g_autofree char *version = NULL;
  LumaStore *store;

  /* A database of version 0 with something in it: migrated, not replaced. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sql_exec (path, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept');");

  store = open_store (path, NULL);
  version = sql_text (path, "PRAGMA user_version");
  g_assert_cmpint (atoi (version), ==, LUMA_STORE_SCHEMA_VERSION);
  kept = sql_text (path, "SELECT text FROM notes");
  g_assert_cmpstr (kept, ==, "kept");

  g_assert_finalize_object (store);
}

static guint
count_broken_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".broken-") != NULL && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      n++;

  return n;
}

static void
assert_moved_aside_name (const char *path,
                         const char *moved_aside)
{
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *quoted = g_regex_escape_string (path, -1);

  pattern = g_strdup_printf ("^%s\\.broken-[0-9]{8}-[0-9]{6}(-[0-9]+)?$", quoted);
  regex = g_regex_new (pattern, 0, 0, NULL);
  g_assert_true (g_regex_match (regex, moved_aside, 0, NULL));
}

/* A fresh database works after a broken one was moved aside. */
static void
assert_fresh_store_works (LumaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = make_id (77);
  g_autofree char *json = make_record_json (id, 77);
  LumaTask *task = make_task (id, 77, json);
  GPtrArray *loaded;

  loaded = load (store);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_ptr_array_unref (loaded);

  g_assert_true (luma_store_save_tasks_sync (store, &task, 1, &error));
  g_assert_no_error (error);
  loaded = load (store);
  g_assert_cmpuint (loaded->len, ==, 1);
  g_assert_cmpstr (luma_task_get_record_json (g_ptr_array_index (loaded, 0)), ==,
                   luma_task_get_record_json (task));
  assert_finalize_tasks (loaded);
  g_assert_finalize_object (task);
}

static void
test_store_corrupt_random_bytes (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *moved_aside = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *wal_path = NULL;
  g_autofree char *kept_wal = NULL;
  gsize kept_len = 0;
  char junk[65536];
  LumaStore *store;

  for (gsize i = 0; i < sizeof junk; i++)
    junk[i] = (char) g_test_rand_int_range (0, 256);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, junk, sizeof junk, NULL));
  wal_path = g_strconcat (path, "-wal", NULL);
  g_assert_true (g_file_set_contents (wal_path, "wal junk", -1, NULL));

  store = open_store (path, &moved_aside);
  g_assert_nonnull (moved_aside);
  assert_moved_aside_name (path, moved_aside);
  g_assert_cmpuint (count_broken_files (dir), ==, 1);

  /* Never silently lost: the old bytes are all there, with their WAL. */
  g_assert_true (g_file_get_contents (moved_aside, &kept, &kept_len, NULL));
  g_assert_cmpmem (kept, kept_len, junk, sizeof junk);
  {
    g_autofree char *moved_wal = g_strconcat (moved_aside, "-wal", NULL);

    g_assert_true (g_file_get_contents (moved_wal, &kept_wal, NULL, NULL));
    g_assert_cmpstr (kept_wal, ==, "wal junk");
  }

  assert_fresh_store_works (store);
  g_assert_finalize_object (store);
}

static void
test_store_corrupt_truncated (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *moved_aside = NULL;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  LumaStore *store;

  store = open_store (path, NULL);
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *id = make_id (40000 + i);
      g_autofree char *json = make_record_json (id, 0);

      g_ptr_array_add (tasks, luma_task_new_from_json (id, i, json, FALSE));
    }
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) tasks->pdata, tasks->len, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  /* Closed cleanly (WAL checkpointed), then cut in half. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 100000);
  g_assert_true (g_file_set_contents (path, contents, length / 2, NULL));

  store = open_store (path, &moved_aside);
  g_assert_nonnull (moved_aside);
  assert_moved_aside_name (path, moved_aside);
  g_assert_true (g_file_test (moved_aside, G_FILE_TEST_IS_REGULAR));
  assert_fresh_store_works (store);
  g_assert_finalize_object (store);
}

static void
test_store_newer_schema_refused (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *version = NULL;
  g_autofree char *moved_aside = NULL;
  g_autoptr(GError) error = NULL;
  LumaStore *store;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sql_exec (path, "CREATE TABLE tasks (id TEXT PRIMARY KEY, future BLOB); PRAGMA user_version = 99;");

  store = luma_store_new (path);
  g_assert_false (luma_store_open_sync (store, &moved_aside, &error));
  g_assert_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_assert_null (moved_aside);
  g_assert_false (luma_store_get_is_open (store));
  g_clear_error (&error);

  /* Nothing else works, and the file is left as it was. */
  g_assert_null (luma_store_load_sync (store, &error));
  g_assert_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NOT_OPEN);
  g_assert_finalize_object (store);

  g_assert_cmpuint (count_broken_files (dir), ==, 0);
  version = sql_text (path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "99");
}

static void
test_store_not_open (void)
{
  g_autofree char *id = make_id (50);
  LumaTask *task = make_task (id, 1, NULL);
  g_autoptr(GError) error = NULL;
  LumaStore *store = luma_store_new (NULL);

  g_assert_false (luma_store_save_tasks_sync (store, &task, 1, &error));
  g_assert_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NOT_OPEN);
  g_clear_error (&error);

  /* Closed again after a successful open. */
  g_assert_true (luma_store_open_sync (store, NULL, &error));
  g_assert_no_error (error);
  luma_store_close (store);
  g_assert_false (luma_store_get_is_open (store));
  g_assert_false (luma_store_save_tasks_sync (store, &task, 1, &error));
  g_assert_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NOT_OPEN);
  g_clear_error (&error);

  /* And opened again. */
  g_assert_true (luma_store_open_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (luma_store_save_tasks_sync (store, &task, 1, &error));
  g_assert_no_error (error);

  g_assert_finalize_object (store);
  g_assert_finalize_object (task);
}

typedef struct
{
  GArray    *order;
  GThread   *main_thread;
  GPtrArray *loaded;
  char      *moved_aside;
  GError    *cancelled_error;
} AsyncData;

static void
note_done (AsyncData *data,
           guint      step)
{
  /* Every completion runs on the caller's thread. */
  g_assert_true (g_thread_self () == data->main_thread);
  g_array_append_val (data->order, step);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AsyncData *data = user_data;

  g_assert_true (luma_store_open_finish (LUMA_STORE (object), result, &data->moved_aside, &error));
  g_assert_no_error (error);
  note_done (data, 0);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AsyncData *data = user_data;

  g_assert_true (luma_store_save_tasks_finish (LUMA_STORE (object), result, &error));
  g_assert_no_error (error);
  note_done (data, data->order->len);
}

static void
remove_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AsyncData *data = user_data;

  g_assert_true (luma_store_remove_ids_finish (LUMA_STORE (object), result, &error));
  g_assert_no_error (error);
  note_done (data, 3);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AsyncData *data = user_data;

  data->loaded = luma_store_load_finish (LUMA_STORE (object), result, &error);
  g_assert_no_error (error);
  note_done (data, 4);
}

static void
cancelled_load_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AsyncData *data = user_data;

  g_assert_null (luma_store_load_finish (LUMA_STORE (object), result, &data->cancelled_error));
  note_done (data, 5);
}

static void
test_store_async_in_order (void)
{
  g_autofree char *id_a = make_id (60);
  g_autofree char *id_b = make_id (61);
  g_autofree char *json_a = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncData data = { 0 };
  LumaTask *tasks[2];
  LumaStore *store;
  const char *remove_ids[1];

  data.order = g_array_new (FALSE, FALSE, sizeof (guint));
  data.main_thread = g_thread_self ();

  tasks[0] = make_task (id_a, 10, NULL);
  tasks[1] = make_task (id_b, 20, NULL);

  /* Queued all at once, each depending on the one before. */
  store = luma_store_new (NULL);
  luma_store_open_async (store, NULL, open_cb, &data);
  luma_store_save_tasks_async (store, tasks, 2, NULL, save_cb, &data);
  /* The record is copied when the call is made: changing the task later
   * does not change what this save writes. */
  update_task (tasks[0], 1);
  json_a = g_strdup (luma_task_get_record_json (tasks[0]));
  luma_store_save_tasks_async (store, tasks, 1, NULL, save_cb, &data);
  update_task (tasks[0], 2);
  remove_ids[0] = id_b;
  luma_store_remove_ids_async (store, remove_ids, 1, NULL, remove_cb, &data);
  luma_store_load_async (store, NULL, load_cb, &data);
  g_cancellable_cancel (cancellable);
  luma_store_load_async (store, cancellable, cancelled_load_cb, &data);

  for (guint i = 0; i < 10000 && data.order->len < 6; i++)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (data.order->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (g_array_index (data.order, guint, i), ==, i);

  g_assert_null (data.moved_aside);
  g_assert_cmpuint (data.loaded->len, ==, 1);
  g_assert_cmpstr (luma_task_get_id (g_ptr_array_index (data.loaded, 0)), ==, id_a);
  g_assert_cmpstr (luma_task_get_record_json (g_ptr_array_index (data.loaded, 0)), ==, json_a);
  g_assert_error (data.cancelled_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  assert_finalize_tasks (data.loaded);
  g_clear_error (&data.cancelled_error);
  g_array_unref (data.order);
  g_assert_finalize_object (store);
  g_assert_finalize_object (tasks[0]);
  g_assert_finalize_object (tasks[1]);
}

/* Stored fields: what a task shows comes back from the store exactly as
 * a parse of its record gives it. */

static void
assert_tasks_equal (LumaTask *a,
                    LumaTask *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;

      if (G_IS_PARAM_SPEC_BOXED (pspecs[i]))
        continue;

      g_value_init (&va, pspecs[i]->value_type);
      g_value_init (&vb, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (a), pspecs[i]->name, &va);
      g_object_get_property (G_OBJECT (b), pspecs[i]->name, &vb);
      if (g_param_values_cmp (pspecs[i], &va, &vb) != 0)
        {
          g_autofree char *sa = g_strdup_value_contents (&va);
          g_autofree char *sb = g_strdup_value_contents (&vb);

          g_error ("Task %s: %s is %s, expected %s", luma_task_get_id (a), pspecs[i]->name, sa, sb);
        }
    }
}

/* Records of every kind a task shows differently. */
static const char * const field_records[] = {
  NULL,   /* the completed RECORD_FORMAT */
  "{\"id\":\"%s\",\"created_at\":1725077411.5,\"request\":{\"action\":\"extend\",\"prompt\":\"A failed one\","
  "\"aspect_ratio\":\"9:16\"},\"response\":{\"success\":false,\"task_id\":\"%s\",\"state\":\"failed\","
  "\"error\":{\"code\":\"moderated\",\"message\":\"Prompt moderated — “quoted”\"}},\"finished_at\":1725077500}",
  "{\"id\":\"%s\",\"created_at\":1725077411,\"started_at\":1725077412.25,\"request\":{\"prompt\":\"\"},"
  "\"response\":{\"task_id\":\"%s\",\"state\":\"processing\"}}",
  "{\"id\":\"%s\",\"response\":{\"task_id\":\"%s\",\"state\":\"dreaming\",\"video_width\":4294967295}}",
  "{\"id\":\"%s\",\"trace_id\":\"t\",\"elapsed\":12.5}",
};

static LumaTask *
make_field_task (guint i,
                 guint kind)
{
  g_autofree char *id = make_id (90000 + i);
  g_autofree char *json = NULL;

  if (field_records[kind] == NULL)
    {
      json = make_record_json (id, i);
    }
  else
    {
      g_auto(GStrv) parts = g_strsplit (field_records[kind], "%s", -1);

      json = g_strjoinv (id, parts);
    }

  return make_task (id, 1000 + i, json);
}

static void
test_store_fields_round_trip (void)
{
  g_autofree char *path = default_db_path ();
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *n_packed = NULL;
  GPtrArray *loaded;
  LumaStore *store;

  for (guint kind = 0; kind < G_N_ELEMENTS (field_records); kind++)
    g_ptr_array_add (tasks, make_field_task (kind, kind));
  /* Lost by the service after it answered: the record stays. */
  g_ptr_array_add (tasks, make_field_task (20, 0));
  luma_task_set_not_found (g_ptr_array_index (tasks, tasks->len - 1));
  /* Never answered: no record, nothing packed. */
  {
    g_autofree char *id = make_id (90030);

    g_ptr_array_add (tasks, make_task (id, 1030, NULL));
  }

  store = open_store (path, NULL);
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) tasks->pdata, tasks->len, &error));
  g_assert_no_error (error);
  n_packed = sql_text (path, "SELECT count(*) FROM tasks WHERE fields IS NOT NULL");
  g_assert_cmpint (atoi (n_packed), ==, tasks->len - 1);

  loaded = load (store);
  g_assert_cmpuint (loaded->len, ==, tasks->len);
  for (guint i = 0; i < tasks->len; i++)
    {
      LumaTask *task = g_ptr_array_index (tasks, i);
      LumaTask *back = g_ptr_array_index (loaded, i);
      g_autoptr(LumaTask) parsed = NULL;

      assert_tasks_equal (back, task);
      /* And the same as the parse the store did before fields existed. */
      parsed = luma_task_new_from_json (luma_task_get_id (task), luma_task_get_added_at (task),
                                        luma_task_get_record_json (task),
                                        luma_task_get_state (task) == LUMA_TASK_STATE_NOT_FOUND);
      assert_tasks_equal (back, parsed);
    }
  g_assert_cmpint (luma_task_get_state (g_ptr_array_index (loaded, 1)), ==, LUMA_TASK_STATE_FAILED);
  g_assert_cmpstr (luma_task_get_state_word (g_ptr_array_index (loaded, 3)), ==, "dreaming");
  g_assert_cmpint (luma_task_get_state (g_ptr_array_index (loaded, 5)), ==, LUMA_TASK_STATE_NOT_FOUND);

  assert_finalize_tasks (loaded);
  g_assert_finalize_object (store);
}

/* Fields this build cannot read (another version, a damaged row) are
 * not an error: the record is parsed, and the fields written again. */
static void
test_store_fields_damaged (void)
{
  static const char * const junk[] = {
    "x''",                       /* empty */
    "x'02'",                     /* another version */
    "x'0104'",                   /* cut after the state */
    "x'01040900000063'",         /* a string longer than the blob */
    "randomblob(300)",
    "x'0104ffffffff'",           /* no state word, then cut */
  };
  g_autofree char *path = default_db_path ();
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  LumaStore *store;

  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    g_ptr_array_add (tasks, make_field_task (100 + i, i % G_N_ELEMENTS (field_records)));

  store = open_store (path, NULL);
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) tasks->pdata, tasks->len, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  /* The same packing as a valid one but with a word that is not UTF-8. */
  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE tasks SET fields = %s WHERE id = '%s'",
                                              junk[i], luma_task_get_id (g_ptr_array_index (tasks, i)));
      sql_exec (path, sql);
    }

  for (guint round = 0; round < 2; round++)
    {
      g_autofree char *n_junk = NULL;
      GPtrArray *loaded;

      store = open_store (path, NULL);
      loaded = load (store);
      g_assert_cmpuint (loaded->len, ==, tasks->len);
      for (guint i = 0; i < tasks->len; i++)
        assert_tasks_equal (g_ptr_array_index (loaded, i), g_ptr_array_index (tasks, i));
      assert_finalize_tasks (loaded);
      g_assert_finalize_object (store);

      /* Written again by the first load: every row reads without a parse. */
      n_junk = sql_text (path, "SELECT count(*) FROM tasks WHERE fields IS NULL OR length (fields) < 60");
      g_assert_cmpstr (n_junk, ==, "0");
    }
}

/* A history from before fields existed: migrated, loaded by parsing, and
 * packed for the next start. */
static void
test_store_migrate_v1_database (void)
{
  g_autofree char *path = default_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *version = NULL;
  g_autofree char *n_packed = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sql = g_string_new (NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_string_append (sql,
                   "CREATE TABLE tasks (id TEXT PRIMARY KEY NOT NULL, position INTEGER NOT NULL,"
                   " added_at INTEGER NOT NULL, not_found INTEGER NOT NULL DEFAULT 0, record TEXT);"
                   "CREATE INDEX tasks_order ON tasks (added_at, position);"
                   "PRAGMA user_version = 1;");
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(LumaTask) task = make_field_task (200 + i, i % G_N_ELEMENTS (field_records));
      char *quoted = sqlite3_mprintf ("%Q", luma_task_get_record_json (task));

      g_string_append_printf (sql, "INSERT INTO tasks VALUES ('%s', %u, %" G_GINT64_FORMAT ", %d, %s);",
                              luma_task_get_id (task), i, luma_task_get_added_at (task),
                              i == 7, i == 9 ? "NULL" : quoted);
      g_ptr_array_add (expected, luma_task_new_from_json (luma_task_get_id (task),
                                                          luma_task_get_added_at (task),
                                                          i == 9 ? NULL : luma_task_get_record_json (task),
                                                          i == 7));
      sqlite3_free (quoted);
    }
  sql_exec (path, sql->str);

  for (guint round = 0; round < 2; round++)
    {
      LumaStore *store = open_store (path, NULL);
      GPtrArray *loaded = load (store);

      g_assert_cmpuint (loaded->len, ==, expected->len);
      for (guint i = 0; i < expected->len; i++)
        assert_tasks_equal (g_ptr_array_index (loaded, i), g_ptr_array_index (expected, i));
      assert_finalize_tasks (loaded);
      g_assert_finalize_object (store);
    }

  version = sql_text (path, "PRAGMA user_version");
  g_assert_cmpint (atoi (version), ==, LUMA_STORE_SCHEMA_VERSION);
  n_packed = sql_text (path, "SELECT count(*) FROM tasks WHERE fields IS NOT NULL");
  g_assert_cmpstr (n_packed, ==, "39");
}

typedef struct
{
  GPtrArray *tasks;
  char      *moved_aside;
  GError    *error;
  gboolean   done;
} OpenLoad;

static void
open_load_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenLoad *data = user_data;

  data->tasks = luma_store_open_load_finish (LUMA_STORE (object), result, &data->moved_aside, &data->error);
  data->done = TRUE;
}

/* The runs of a progressive load, and whether any came after the finish. */
typedef struct
{
  OpenLoad  *load;
  GPtrArray *runs;      /* GPtrArray of LumaTask, one per run */
  gboolean   late;
} Runs;

static void
on_run (GPtrArray *tasks,
        gpointer   user_data)
{
  Runs *runs = user_data;
  GPtrArray *run = g_ptr_array_new_with_free_func (g_object_unref);

  if (runs->load->done)
    runs->late = TRUE;
  for (guint i = 0; i < tasks->len; i++)
    g_ptr_array_add (run, g_object_ref (g_ptr_array_index (tasks, i)));
  g_ptr_array_add (runs->runs, run);
}

static GPtrArray *
open_load_full (LumaStore  *store,
                Runs       *runs,
                char      **moved_aside)
{
  OpenLoad data = { 0 };

  if (runs != NULL)
    runs->load = &data;
  luma_store_open_load_async (store, runs != NULL ? on_run : NULL, runs, NULL, open_load_cb, &data);
  for (guint i = 0; i < 10000 && !data.done; i++)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (data.done);
  g_assert_no_error (data.error);
  g_assert_nonnull (data.tasks);
  *moved_aside = data.moved_aside;
  if (runs != NULL)
    runs->load = NULL;

  return data.tasks;
}

static GPtrArray *
open_load (LumaStore  *store,
           char      **moved_aside)
{
  return open_load_full (store, NULL, moved_aside);
}

/* Opening and loading in one pass: no integrity pass first, so damage is
 * found by the read itself, and handled as at open. */
static void
test_store_open_load (void)
{
  g_autofree char *path = default_db_path ();
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *moved_aside = NULL;
  gsize length = 0;
  GPtrArray *loaded;
  LumaStore *store;

  store = open_store (path, NULL);
  for (guint i = 0; i < 500; i++)
    g_ptr_array_add (tasks, make_field_task (300 + i, i % G_N_ELEMENTS (field_records)));
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) tasks->pdata, tasks->len, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  store = luma_store_new (path);
  loaded = open_load (store, &moved_aside);
  g_assert_null (moved_aside);
  g_assert_cmpuint (loaded->len, ==, tasks->len);
  for (guint i = 0; i < tasks->len; i++)
    assert_tasks_equal (g_ptr_array_index (loaded, i), g_ptr_array_index (tasks, i));
  assert_finalize_tasks (loaded);
  g_assert_finalize_object (store);

  /* A page in the middle of the rows zeroed: the read finds it. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 200000);
  memset (contents + length / 2 - (length / 2) % 16384, 0, 16384);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  store = luma_store_new (path);
  loaded = open_load (store, &moved_aside);
  g_assert_nonnull (moved_aside);
  assert_moved_aside_name (path, moved_aside);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_ptr_array_unref (loaded);
  {
    g_autofree char *kept = NULL;
    gsize kept_len = 0;

    g_assert_true (g_file_get_contents (moved_aside, &kept, &kept_len, NULL));
    g_assert_cmpmem (kept, kept_len, contents, length);
  }
  assert_fresh_store_works (store);
  g_assert_finalize_object (store);
}

/* A large save is queued in parts, written in one transaction: a part
 * that fails leaves nothing of the earlier ones, the save reports it, and
 * the next save works. */
static void
test_store_save_in_parts (void)
{
  g_autofree char *path = default_db_path ();
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *doomed = make_id (2000 + 2500);
  g_autofree char *trigger = NULL;
  g_autofree char *count = NULL;
  LumaStore *store;
  guint n_before;

  store = open_store (path, NULL);
  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *id = make_id (2000 + i);
      g_autofree char *json = make_record_json (id, 0);

      g_ptr_array_add (tasks, luma_task_new_from_json (id, 7000 + i, json, FALSE));
    }
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *id = make_id (9000 + i);

      g_ptr_array_add (more, luma_task_new_from_json (id, 9000 + i, NULL, FALSE));
    }

  /* The task in the third part cannot be written. */
  trigger = g_strdup_printf ("CREATE TRIGGER refuse BEFORE INSERT ON tasks WHEN NEW.id = '%s' "
                             "BEGIN SELECT RAISE (ABORT, 'refused'); END", doomed);
  sql_exec (path, trigger);

  n_before = luma_store_get_n_transactions (store);
  g_assert_false (luma_store_save_tasks_sync (store, (LumaTask **) tasks->pdata, tasks->len, &error));
  g_assert_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_clear_error (&error);
  g_assert_cmpuint (luma_store_get_n_transactions (store), ==, n_before);
  count = sql_text (path, "SELECT count (*) FROM tasks");
  g_assert_cmpstr (count, ==, "0");
  g_clear_pointer (&count, g_free);

  /* No transaction was left open: a small save, then the large one. */
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) more->pdata, more->len, &error));
  g_assert_no_error (error);
  sql_exec (path, "DROP TRIGGER refuse");
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) tasks->pdata, tasks->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (luma_store_get_n_transactions (store), ==, n_before + 2);
  count = sql_text (path, "SELECT count (*) FROM tasks");
  g_assert_cmpstr (count, ==, "3010");

  g_assert_finalize_object (store);
}

/* A progressive load: the tasks come in runs, in order, all before the
 * finish, which returns the rest; the first run is small enough to show
 * at once. A file found damaged after some runs: the finish returns no
 * task, and the file is moved aside as ever. */
static void
test_store_open_load_runs (void)
{
  g_autofree char *path = default_db_path ();
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *moved_aside = NULL;
  Runs runs = { NULL, g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref), FALSE };
  gsize length = 0;
  GPtrArray *rest;
  LumaStore *store;

  store = open_store (path, NULL);
  for (guint i = 0; i < 6000; i++)
    g_ptr_array_add (tasks, make_field_task (1000 + i, i % G_N_ELEMENTS (field_records)));
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask **) tasks->pdata, tasks->len, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  store = luma_store_new (path);
  rest = open_load_full (store, &runs, &moved_aside);
  g_assert_null (moved_aside);
  g_assert_false (runs.late);
  g_assert_cmpuint (runs.runs->len, >=, 3);
  g_assert_cmpuint (((GPtrArray *) runs.runs->pdata[0])->len, >, 0);
  g_assert_cmpuint (((GPtrArray *) runs.runs->pdata[0])->len, <=, 512);
  for (guint r = 0; r < runs.runs->len; r++)
    g_ptr_array_extend (all, runs.runs->pdata[r], NULL, NULL);
  g_ptr_array_extend (all, rest, NULL, NULL);
  g_assert_cmpuint (all->len, ==, tasks->len);
  for (guint i = 0; i < tasks->len; i++)
    assert_tasks_equal (g_ptr_array_index (all, i), g_ptr_array_index (tasks, i));
  g_ptr_array_set_size (all, 0);
  g_ptr_array_set_size (runs.runs, 0);
  assert_finalize_tasks (rest);
  g_assert_finalize_object (store);

  /* Pages in the second half zeroed: found after the first runs went out. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 2000000);
  for (guint tenth = 5; tenth < 10; tenth++)
    memset (contents + length / 10 * tenth - (length / 10 * tenth) % 16384, 0, 16384);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  store = luma_store_new (path);
  rest = open_load_full (store, &runs, &moved_aside);
  g_assert_nonnull (moved_aside);
  assert_moved_aside_name (path, moved_aside);
  g_assert_cmpuint (runs.runs->len, >=, 1);
  g_assert_false (runs.late);
  g_assert_cmpuint (rest->len, ==, 0);
  g_ptr_array_unref (rest);
  g_ptr_array_unref (runs.runs);
  assert_fresh_store_works (store);
  g_assert_finalize_object (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/round-trip", test_store_round_trip);
  g_test_add_func ("/store/update-in-place", test_store_update_in_place);
  g_test_add_func ("/store/remove", test_store_remove);
  g_test_add_func ("/store/many-in-one-transaction", test_store_many_in_one_transaction);
  g_test_add_func ("/store/wal", test_store_wal);
  g_test_add_func ("/store/migrate/empty-file", test_store_migrate_empty_file);
  g_test_add_func ("/store/migrate/v0-database", test_store_migrate_v0_database);
  g_test_add_func ("/store/corrupt/random-bytes", test_store_corrupt_random_bytes);
  g_test_add_func ("/store/corrupt/truncated", test_store_corrupt_truncated);
  g_test_add_func ("/store/newer-schema-refused", test_store_newer_schema_refused);
  g_test_add_func ("/store/not-open", test_store_not_open);
  g_test_add_func ("/store/async-in-order", test_store_async_in_order);
  g_test_add_func ("/store/fields/round-trip", test_store_fields_round_trip);
  g_test_add_func ("/store/fields/damaged", test_store_fields_damaged);
  g_test_add_func ("/store/migrate/v1-database", test_store_migrate_v1_database);
  g_test_add_func ("/store/open-load", test_store_open_load);
  g_test_add_func ("/store/open-load/runs", test_store_open_load_runs);
  g_test_add_func ("/store/save-in-parts", test_store_save_in_parts);

  return g_test_run ();
}
