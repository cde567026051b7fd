/* test-store-crash.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A writer process saves batches of task updates in a loop; this test kills
 * it with SIGKILL at random moments and checks after each kill that the
 * history opens, passes the integrity check, and holds every transaction the
 * writer saw complete. The writer is this same program run with "--writer".
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <sqlite3.h>

#include "luma-store.h"
#include "luma-task.h"

#define N_SHARED       200
#define N_ROUNDS       12
#define WRITER_LIFETIME_US (30 * G_USEC_PER_SEC)

static char *
shared_id (guint n)
{
  return g_strdup_printf ("c0000000-0000-4000-8000-%012x", n);
}

static char *
generation_id (guint generation)
{
  return g_strdup_printf ("c1000000-0000-4000-8000-%012x", generation);
}

static void
set_generation (LumaTask *task,
                guint     generation)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *pad = g_strnfill (400, 'x');
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"id\":\"%s\",\"gen\":%u,\"pad\":\"%s\","
                          "\"response\":{\"state\":\"processing\"}}",
                          luma_task_get_id (task), generation, pad);
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    g_error ("Invalid test record");
  luma_task_update_from_record (task, json_node_get_object (json_parser_get_root (parser)));
}

static guint
task_generation (LumaTask *task)
{
  g_autoptr(JsonObject) record = luma_task_dup_record (task);

  if (record == NULL)
    return 0;

  return (guint) json_object_get_int_member_with_default (record, "gen", 0);
}

/* The child: saves generation after generation until it is killed. */
static int
run_writer (const char *path)
{
  g_autoptr(LumaStore) store = luma_store_new (path);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + WRITER_LIFETIME_US;
  guint generation = 0;

  if (!luma_store_open_sync (store, NULL, &error) ||
      (loaded = luma_store_load_sync (store, &error)) == NULL)
    {
      g_printerr ("writer: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < loaded->len; i++)
    {
      LumaTask *task = g_ptr_array_index (loaded, i);

      g_hash_table_insert (by_id, (char *) luma_task_get_id (task), task);
      generation = MAX (generation, task_generation (task));
    }

  for (guint i = 0; i < N_SHARED; i++)
    {
      g_autofree char *id = shared_id (i);
      LumaTask *task = g_hash_table_lookup (by_id, id);

      if (task != NULL)
        {
          g_ptr_array_add (batch, g_object_ref (task));
        }
      else
        {
          task = luma_task_new (id);
          luma_task_set_added_at (task, i);
          g_ptr_array_add (batch, task);
        }
    }

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *id = NULL;
      LumaTask *added;

      generation++;
      for (guint i = 0; i < N_SHARED; i++)
        set_generation (g_ptr_array_index (batch, i), generation);

      id = generation_id (generation);
      added = luma_task_new (id);
      luma_task_set_added_at (added, 1000000 + generation);
      set_generation (added, generation);
      g_ptr_array_add (batch, added);

      if (!luma_store_save_tasks_sync (store, (LumaTask **) batch->pdata, batch->len, &error))
        {
          g_printerr ("writer: %s\n", error->message);
          return 1;
        }

      g_ptr_array_remove_index (batch, batch->len - 1);

      /* Printed only once the transaction is committed. */
      printf ("%u\n", generation);
      fflush (stdout);
    }

  return 0;
}

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *out;
  guint             kill_delay_ms;
  guint             kill_id;
  guint             last_printed;
  gboolean          done;
  gboolean          killed;
} Round;

static gboolean
kill_cb (gpointer user_data)
{
  Round *round = user_data;

  g_subprocess_send_signal (round->proc, SIGKILL);
  round->killed = TRUE;
  round->kill_id = 0;

  return G_SOURCE_REMOVE;
}

static void
schedule_kill (Round *round)
{
  if (round->kill_id == 0 && !round->killed)
    round->kill_id = g_timeout_add (round->kill_delay_ms, kill_cb, round);
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  Round *round = user_data;
  guint64 value;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, &error);
  g_assert_no_error (error);

  if (line == NULL)
    {
      round->done = TRUE;
      return;
    }

  /* Each line is one write () of a few bytes, so it arrives whole. */
  g_assert_true (g_ascii_string_to_unsigned (line, 10, 1, G_MAXUINT, &value, NULL));
  g_assert_cmpuint (value, >, round->last_printed);
  round->last_printed = value;

  /* The writer is in its save loop: the kill lands during the saves. */
  schedule_kill (round);

  g_data_input_stream_read_line_async (round->out, G_PRIORITY_DEFAULT, NULL, read_line_cb, round);
}

static char *
sql_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return text;
}

/* After a kill: the history opens as it is, is sound, and has every
 * transaction up to @confirmed, each one whole. */
static void
verify_history (const char *path,
                guint       confirmed)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *moved_aside = NULL;
  g_autofree char *check = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *loaded;
  LumaStore *store;
  guint shared_generation = 0;
  guint n_shared = 0;
  guint n_generations = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpuint (confirmed, ==, 0);
      return;
    }

  check = sql_text (path, "PRAGMA quick_check");
  g_assert_cmpstr (check, ==, "ok");

  store = luma_store_new (path);
  g_assert_true (luma_store_open_sync (store, &moved_aside, &error));
  g_assert_no_error (error);
  g_assert_null (moved_aside);
  loaded = luma_store_load_sync (store, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < loaded->len; i++)
    {
      LumaTask *task = g_ptr_array_index (loaded, i);
      const char *id = luma_task_get_id (task);

      g_hash_table_insert (by_id, (char *) id, task);
      if (g_str_has_prefix (id, "c0000000-"))
        {
          /* One transaction updates every shared task: never half of them. */
          if (n_shared == 0)
            shared_generation = task_generation (task);
          g_assert_cmpuint (task_generation (task), ==, shared_generation);
          n_shared++;
        }
      else
        {
          n_generations++;
        }
    }

  if (confirmed > 0)
    {
      g_assert_cmpuint (n_shared, ==, N_SHARED);
      g_assert_cmpuint (shared_generation, >=, confirmed);
    }
  /* Whole transactions only: one added task for each generation written. */
  g_assert_cmpuint (n_generations, ==, shared_generation);

  for (guint g = 1; g <= confirmed; g++)
    {
      g_autofree char *id = generation_id (g);
      LumaTask *task = g_hash_table_lookup (by_id, id);

      g_assert_nonnull (task);
      g_assert_cmpuint (task_generation (task), ==, g);
    }

  g_ptr_array_unref (loaded);
  g_assert_finalize_object (store);
}

static void
test_store_survives_sigkill (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "luma-tasks", "tasks.db", NULL);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  guint confirmed = 0;
  guint n_killed_mid_run = 0;

  g_assert_nonnull (self_exe);

  for (guint r = 0; r < N_ROUNDS; r++)
    {
      g_autoptr(GError) error = NULL;
      Round round = { 0 };
      /* One round in four is killed early, while the writer may be opening,
       * recovering the WAL or migrating; the others once it is saving. */
      gboolean early = r % 4 == 3;

      round.kill_delay_ms = early ? g_test_rand_int_range (5, 120) : g_test_rand_int_range (1, 250);
      round.proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                     self_exe, "--writer", path, NULL);
      g_assert_no_error (error);
      round.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (round.proc));
      g_data_input_stream_read_line_async (round.out, G_PRIORITY_DEFAULT, NULL, read_line_cb, &round);
      if (early)
        schedule_kill (&round);

      /* Bounded: the writer stops by itself after WRITER_LIFETIME_US. */
      while (!round.done)
        g_main_context_iteration (NULL, TRUE);
      g_clear_handle_id (&round.kill_id, g_source_remove);

      g_subprocess_wait (round.proc, NULL, &error);
      g_assert_no_error (error);
      if (!g_subprocess_get_if_signaled (round.proc))
        g_error ("The writer ended by itself (status %d)", g_subprocess_get_exit_status (round.proc));
      g_assert_cmpint (g_subprocess_get_term_sig (round.proc), ==, SIGKILL);

      if (round.last_printed > confirmed)
        n_killed_mid_run++;
      confirmed = MAX (confirmed, round.last_printed);
      g_test_message ("round %u: killed %u ms %s, %u generations confirmed", r,
                      round.kill_delay_ms, early ? "after start" : "into the saves", confirmed);

      verify_history (path, confirmed);

      g_object_unref (round.out);
      g_object_unref (round.proc);
    }

  g_assert_cmpuint (n_killed_mid_run, >=, N_ROUNDS / 2);
  g_assert_cmpuint (confirmed, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && strcmp (argv[1], "--writer") == 0)
    return run_writer (argv[2]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/survives-sigkill", test_store_survives_sigkill);

  return g_test_run ();
}
