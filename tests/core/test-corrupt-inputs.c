/* test-corrupt-inputs.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Hostile input on the engine's side: a database with a zeroed page or
 * nonsense rows, a cache entry nobody can read, a binary or a 1 GB file given
 * to the CLI, a pasted text of 10 MB. Each gets a clear answer, never a crash,
 * and the engine keeps working afterwards. */

#include "config.h"

#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "luma-ids.h"
#include "luma-media-cache.h"
#include "luma-store.h"
#include "luma-task.h"
#include "luma-test-sim.h"

#define SEED_ID_1 LUMA_TEST_SIM_SEED_ID_1
#define WAIT_LIMIT_S 120

/* A folder in this test's private data folder (G_TEST_OPTION_ISOLATE_DIRS),
 * which GLib removes when the test ends. */
static char *
make_test_dir (const char *name)
{
  char *dir = g_build_filename (g_get_user_data_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static char *
make_id (guint n)
{
  return g_strdup_printf ("%08x-0000-4000-8000-%012x", n, n);
}

static LumaTask *
make_task (guint n)
{
  g_autofree char *id = make_id (n);
  g_autofree char *pad = g_strnfill (600, 'p');
  g_autofree char *json = g_strdup_printf ("{\"id\": \"%s\", \"prompt\": \"task %u %s\", "
                                           "\"response\": {\"success\": true, \"state\": \"pending\"}}",
                                           id, n, pad);

  return luma_task_new_from_json (id, g_get_real_time () / G_USEC_PER_SEC, json, FALSE);
}

static LumaStore *
fill_store (const char *path,
            guint       n_tasks)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  LumaStore *store = luma_store_new (path);

  g_assert_true (luma_store_open_sync (store, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n_tasks; i++)
    g_ptr_array_add (tasks, make_task (i));
  g_assert_true (luma_store_save_tasks_sync (store, (LumaTask * const *) tasks->pdata, tasks->len, &error));
  g_assert_no_error (error);

  return store;
}

/* Saving and loading work (on whatever file the store now has). */
static void
assert_store_works (LumaStore *store)
{
  g_autoptr(LumaTask) task = make_task (100000);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  g_assert_true (luma_store_save_tasks_sync (store, &task, 1, &error));
  g_assert_no_error (error);
  loaded = luma_store_load_sync (store, &error);
  g_assert_no_error (error);
  g_ptr_array_set_free_func (loaded, g_object_unref);
  for (guint i = 0; i < loaded->len; i++)
    if (g_str_equal (luma_task_get_id (g_ptr_array_index (loaded, i)), luma_task_get_id (task)))
      found = TRUE;
  g_assert_true (found);
}

static void
test_corrupt_zeroed_page (void)
{
  g_autofree char *dir = make_test_dir ("luma-corrupt");
  g_autofree char *path = g_build_filename (dir, "tasks.db", NULL);
  g_autofree char *moved_aside = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  LumaStore *store;
  gsize size;
  gsize page = 4096;
  gboolean opened;

  store = fill_store (path, 400);
  luma_store_close (store);
  g_assert_finalize_object (store);

  /* A page of zeros in the middle, as a torn write leaves it. */
  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_cmpuint (size, >, 40 * page);
  memset (contents + (size / page / 2) * page, 0, page);
  g_assert_true (g_file_set_contents (path, contents, size, NULL));

  store = luma_store_new (path);
  opened = luma_store_open_sync (store, &moved_aside, &error);
  g_test_message ("opened %d, moved aside %s, error %s", opened, moved_aside,
                  error != NULL ? error->message : "none");
  g_assert_no_error (error);
  g_assert_true (opened);

  if (moved_aside != NULL)
    {
      /* Set aside whole: the bytes are kept for the user. */
      g_autofree char *kept = NULL;
      gsize kept_size;

      g_assert_true (g_file_get_contents (moved_aside, &kept, &kept_size, NULL));
      g_assert_cmpmem (kept, kept_size, contents, size);
    }
  else
    {
      /* SQLite may only notice the page when reading it: loading then
       * either fails with a sentence or returns what it could read. */
      loaded = luma_store_load_sync (store, &error);
      g_test_message ("load: %s", error != NULL ? error->message : "ok");
      if (loaded == NULL)
        {
          g_assert_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_FAILED);
          g_assert_cmpuint (strlen (error->message), >, 10);
          g_clear_error (&error);
        }
      else
        {
          g_ptr_array_set_free_func (loaded, g_object_unref);
          g_assert_cmpuint (loaded->len, <=, 400);
        }
    }

  luma_store_close (store);
  g_assert_finalize_object (store);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_free (message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static void
test_corrupt_bad_rows (void)
{
  g_autofree char *dir = make_test_dir ("luma-corrupt");
  g_autofree char *path = g_build_filename (dir, "tasks.db", NULL);
  g_autofree char *moved_aside = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  LumaStore *store;
  guint n_good = 0;

  store = fill_store (path, 5);
  luma_store_close (store);
  g_assert_finalize_object (store);

  /* Rows no version of Luma Tasks writes: an ID that is no task ID, an empty
   * one, a number; a record that is not JSON, a JSON array, a blob of binary,
   * a record of another task, an empty record. */
  exec_sql (path,
            "INSERT INTO tasks (id, position, added_at, not_found, record) VALUES "
            "('not-a-task-id', 100, 0, 0, '{\"id\": \"not-a-task-id\"}'),"
            "('', 101, 0, 0, NULL),"
            "(12345, 102, 0, 0, '{}'),"
            "('aaaaaaaa-0000-4000-8000-000000000001', 103, 0, 0, 'not json {'),"
            "('aaaaaaaa-0000-4000-8000-000000000002', 104, 0, 0, '[1, 2, 3]'),"
            "('aaaaaaaa-0000-4000-8000-000000000003', 105, 0, 0, X'00FF00FE01'),"
            "('aaaaaaaa-0000-4000-8000-000000000004', 106, 0, 0, "
            "  '{\"id\": \"bbbbbbbb-0000-4000-8000-000000000004\"}'),"
            "('aaaaaaaa-0000-4000-8000-000000000005', 107, -1, 7, ''),"
            "('AAAAAAAA-0000-4000-8000-000000000006', 108, 0, 0, NULL);");

  store = luma_store_new (path);
  g_assert_true (luma_store_open_sync (store, &moved_aside, &error));
  g_assert_no_error (error);
  g_assert_null (moved_aside);

  loaded = luma_store_load_sync (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_ptr_array_set_free_func (loaded, g_object_unref);
  g_test_message ("%u tasks loaded of 14 rows", loaded->len);

  /* Every good task is back with its record; whatever else came back is a
   * valid task ID (a bad record costs the record, not the task). */
  for (guint i = 0; i < loaded->len; i++)
    {
      LumaTask *task = g_ptr_array_index (loaded, i);
      const char *id = luma_task_get_id (task);

      g_assert_true (luma_ids_is_valid (id));
      if (g_str_has_prefix (id, "0000000"))
        {
          g_assert_nonnull (luma_task_get_record_json (task));
          n_good++;
        }
    }
  g_assert_cmpuint (n_good, ==, 5);

  assert_store_works (store);
  luma_store_close (store);
  g_assert_finalize_object (store);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  gboolean  done;
  GFile    *file;
  GError   *error;
} CacheWait;

static void
cache_fetch_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CacheWait *wait = user_data;

  wait->file = luma_media_cache_fetch_finish (LUMA_MEDIA_CACHE (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_done (CacheWait *wait)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (!wait->done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

/* A cache entry that cannot be read, even by root: a folder where the file
 * should be, or a link to nowhere. The fetch either replaces it with the
 * real file or fails with a sentence; the cache keeps working. */
static void
test_corrupt_unreadable_cache (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autofree char *dir = make_test_dir ("luma-corrupt");
  g_autoptr(GFile) cache_dir = g_file_new_for_path (dir);
  g_autoptr(LumaMediaCache) cache = luma_media_cache_new (cache_dir);
  g_autofree char *url = g_strdup_printf ("%s/media/%s.jpg", luma_test_sim_get_base_url (sim), SEED_ID_1);
  g_autoptr(GFile) entry = luma_media_cache_get_file (cache, SEED_ID_1, LUMA_MEDIA_KIND_THUMBNAIL);
  g_autofree char *entry_path = g_file_get_path (entry);
  g_autofree char *parent = g_path_get_dirname (entry_path);

  for (guint round = 0; round < 2; round++)
    {
      CacheWait wait = { 0 };
      CacheWait again = { 0 };

      g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
      if (round == 0)
        g_assert_cmpint (g_mkdir (entry_path, 0700), ==, 0);
      else
        g_assert_cmpint (symlink ("/nonexistent/luma-thumbnail.jpg", entry_path), ==, 0);

      luma_media_cache_fetch_async (cache, SEED_ID_1, url, LUMA_MEDIA_KIND_THUMBNAIL, NULL,
                                    NULL, NULL, cache_fetch_cb, &wait);
      wait_done (&wait);
      g_test_message ("round %u: %s", round, wait.error != NULL ? wait.error->message : "replaced");
      if (wait.file == NULL)
        {
          g_assert_nonnull (wait.error);
          g_assert_cmpuint (strlen (wait.error->message), >, 10);
          g_clear_error (&wait.error);
        }
      else
        {
          g_autofree char *data = NULL;
          gsize size;

          g_assert_true (g_file_load_contents (wait.file, NULL, &data, &size, NULL, NULL));
          g_assert_cmpuint (size, >, 100);
          g_clear_object (&wait.file);
        }

      /* Once the obstacle is gone, it is fetched afresh. (A folder is not
       * the cache's to delete: luma_media_cache_remove() only unlinks.) */
      if (g_file_test (entry_path, G_FILE_TEST_IS_DIR))
        g_assert_cmpint (g_rmdir (entry_path), ==, 0);
      luma_media_cache_remove (cache, SEED_ID_1, LUMA_MEDIA_KIND_THUMBNAIL);
      luma_media_cache_fetch_async (cache, SEED_ID_1, url, LUMA_MEDIA_KIND_THUMBNAIL, NULL,
                                    NULL, NULL, cache_fetch_cb, &again);
      wait_done (&again);
      g_assert_no_error (again.error);
      g_assert_nonnull (again.file);
      g_clear_object (&again.file);

      luma_media_cache_remove (cache, SEED_ID_1, LUMA_MEDIA_KIND_THUMBNAIL);
      g_unlink (entry_path);
    }
}

/* ------------------------------------------------------------------------ */

static int
run_cli (const char  *arg,
         char       **err,
         double      *seconds)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *cli = g_getenv ("LUMA_TASKS_CLI");
  gint64 start = g_get_monotonic_time ();

  g_assert_nonnull (cli);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "ACEDATACLOUD_API_TOKEN", "unused-token", TRUE);
  g_subprocess_launcher_setenv (launcher, "ACEDATACLOUD_API_BASE_URL", "http://127.0.0.1:9", TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, cli, "get", arg, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, err, &error);
  g_assert_no_error (error);
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_true (g_subprocess_get_if_exited (proc));
  /* Nothing asked of the service, nothing written. */
  g_assert_cmpstr (out, ==, "");

  return g_subprocess_get_exit_status (proc);
}

static void
test_corrupt_cli_files (void)
{
  g_autofree char *dir = make_test_dir ("luma-corrupt");
  g_autofree char *binary = g_build_filename (dir, "binary", NULL);
  g_autofree char *sparse = g_build_filename (dir, "sparse", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  gsize size;
  double seconds;
  int fd;

  /* A program, not a list of IDs. */
  g_assert_true (g_file_get_contents ("/bin/true", &contents, &size, NULL));
  g_assert_true (g_file_set_contents (binary, contents, size, NULL));
  g_assert_cmpint (run_cli (binary, &err, &seconds), ==, 2);
  g_test_message ("binary: %s", err);
  g_assert_nonnull (strstr (err, "No task ID found"));
  g_clear_pointer (&err, g_free);

  /* 1 GB of nothing: refused at once, before reading it. */
  fd = g_open (sparse, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 1 << 30), ==, 0);
  g_assert_cmpint (g_close (fd, NULL), ==, TRUE);
  g_assert_cmpint (run_cli (sparse, &err, &seconds), ==, 2);
  g_test_message ("1 GB: %s (%.2f s)", err, seconds);
  g_assert_nonnull (strstr (err, "too large"));
  g_assert_nonnull (strstr (err, sparse));
  g_assert_cmpfloat (seconds, <, 20.0);
  g_clear_pointer (&err, g_free);

  g_unlink (binary);
  g_unlink (sparse);
}

/* A pasted text of 10 MB with 20,000 IDs among log noise, each twice. */
static void
test_corrupt_paste_10mb (void)
{
  g_autoptr(GString) text = g_string_sized_new (11 * 1024 * 1024);
  g_auto(GStrv) ids = NULL;
  LumaIdsReport report = { 0 };
  gint64 start;
  double seconds;
  guint n = 0;

  while (text->len < 10 * 1024 * 1024)
    {
      g_autofree char *id = make_id (n % 20000 + 1);

      g_string_append_printf (text, "2026-11-29 12:00:00 INFO request %u finished, task_id=%s; "
                              "payload 0x%08x ok ------------------------------------------\n",
                              n, id, n * 2654435761u);
      if (n % 7 == 0)
        g_string_append (text, "no id on this line, only a 1234-5678 lookalike\n");
      n++;
    }
  g_assert_cmpuint (n, >, 40000);

  start = g_get_monotonic_time ();
  ids = luma_ids_extract (text->str, text->len, &report);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("%zu bytes, %u lines: %u IDs in %.3f s", text->len, n, report.n_found, seconds);

  g_assert_cmpuint (g_strv_length (ids), ==, 20000);
  g_assert_cmpuint (report.n_found, ==, 20000);
  g_assert_cmpuint (report.n_duplicates, ==, n - 20000);
  g_assert_cmpuint (report.n_lines_ignored, ==, (n + 6) / 7);
  g_assert_cmpstr (ids[0], ==, "00000001-0000-4000-8000-000000000001");
  g_assert_cmpfloat (seconds, <, 30.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/corrupt-inputs/zeroed-page", test_corrupt_zeroed_page);
  g_test_add_func ("/corrupt-inputs/bad-rows", test_corrupt_bad_rows);
  g_test_add_func ("/corrupt-inputs/unreadable-cache", test_corrupt_unreadable_cache);
  g_test_add_func ("/corrupt-inputs/cli-files", test_corrupt_cli_files);
  g_test_add_func ("/corrupt-inputs/paste-10mb", test_corrupt_paste_10mb);

  return g_test_run ();
}
