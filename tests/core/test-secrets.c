/* test-secrets.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The API token goes in the Authorization header of API requests to the
 * configured origin and nowhere else: not in logs (even with
 * G_MESSAGES_DEBUG=all), exports, error messages, the database, the media
 * cache or the settings. */

#include "config.h"

#include <string.h>

#include "luma-client.h"
#include "luma-error.h"
#include "luma-export.h"
#include "luma-media-cache.h"
#include "luma-store.h"
#include "luma-tracker.h"
#include "luma-test-sim.h"

#define TOKEN "tok-SECRET-3f9a7c21e5d84b06aa17"
#define SEED_ID_1 LUMA_TEST_SIM_SEED_ID_1
#define SEED_ID_2 LUMA_TEST_SIM_SEED_ID_2
#define PENDING_ID LUMA_TEST_SIM_PENDING_ID
#define PROCESSING_ID LUMA_TEST_SIM_PROCESSING_ID

#define WAIT_LIMIT_S 240

/* Every fault kind the simulator has. */
static const char *fault_kinds[] = {
  "http429", "http429-date", "http500", "http504", "http502-html", "cut-body", "close",
  "slow-drip", "huge-body", "huge-body-chunked", "redirect", "http401", "http403", "empty-object",
};

/* Every message logged in this process, at any level. */
static GString *log_text;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append (log_text, fields[i].value);
      else
        g_string_append_len (log_text, fields[i].value, fields[i].length);
      g_string_append_c (log_text, ' ');
    }
  g_string_append_c (log_text, '\n');

  /* Warnings keep their usual (fatal) handling; debug stays here. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  return G_LOG_WRITER_HANDLED;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition condition,
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake);
}

static gboolean
pointer_is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  LumaBatchResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = luma_client_fetch_finish (LUMA_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

static LumaBatchResult *
fetch_sync (LumaClient         *client,
            const char * const *ids,
            guint               n_ids)
{
  LumaBatchResult *batch = NULL;

  luma_client_fetch_async (client, ids, n_ids, NULL, fetch_cb, &batch);
  wait_until (pointer_is_set, &batch);

  return batch;
}

/* A folder in this test's private data folder (G_TEST_OPTION_ISOLATE_DIRS),
 * which GLib removes when the test ends. */
static char *
make_test_dir (const char *name)
{
  char *dir = g_build_filename (g_get_user_data_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static LumaTestSim *
start_sim (void)
{
  LumaTestSim *sim = luma_test_sim_start ("--token", TOKEN, NULL);

  g_assert_cmpstr (luma_test_sim_get_token (sim), ==, TOKEN);
  return sim;
}

static LumaClient *
client_for_sim (LumaTestSim *sim)
{
  g_autoptr(GError) error = NULL;
  LumaClient *client;

  client = luma_client_new (luma_test_sim_get_base_url (sim), TOKEN, &error);
  g_assert_no_error (error);
  luma_client_set_backoff_base_ms (client, 1);

  return client;
}

/* memmem() without _GNU_SOURCE: @data may hold NUL bytes (a database). */
static gboolean
contains_bytes (const char *data,
                gsize       size,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= size; i++)
    if (data[i] == needle[0] && memcmp (data + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}

static void
assert_no_token_in_bytes (const char *what,
                          const char *data,
                          gsize       size)
{
  g_test_message ("%s: %" G_GSIZE_FORMAT " bytes", what, size);
  g_assert_false (contains_bytes (data, size, TOKEN));
  /* Not even its distinctive part, cut or quoted. */
  g_assert_false (contains_bytes (data, size, "3f9a7c21e5d84b06"));
}

static void
assert_no_token_in_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  assert_no_token_in_bytes (path, contents, size);
}

/* Every regular file under @dir; returns how many. */
static guint
assert_no_token_in_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += assert_no_token_in_dir (path);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          assert_no_token_in_file (path);
          n++;
        }
    }

  return n;
}

/* No request to the other origin or for media carried an Authorization
 * header; returns how many such requests there were. */
static guint
assert_log_clean (LumaTestSim *sim)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      const char *path = json_object_get_string_member (entry, "path");
      const char *origin = json_object_get_string_member (entry, "origin");

      if (!g_str_equal (origin, "main") || g_str_has_prefix (path, "/media/"))
        {
          g_assert_false (json_object_get_boolean_member (entry, "authorization"));
          n++;
        }
    }

  return n;
}

/* ------------------------------------------------------------------------ */

/* Every fault's GError and its luma_error_describe() text, and everything
 * the engine logged meanwhile at debug level. */
static void
test_secrets_errors_and_log (void)
{
  g_autoptr(LumaTestSim) sim = start_sim ();
  g_autoptr(LumaClient) client = client_for_sim (sim);
  const char *ids[] = { SEED_ID_1, SEED_ID_2 };

  g_string_truncate (log_text, 0);

  for (guint n = 1; n <= 2; n++)
    for (guint i = 0; i < G_N_ELEMENTS (fault_kinds); i++)
      {
        g_autoptr(LumaBatchResult) batch = NULL;
        g_autofree char *fault = g_strdup_printf ("{\"next\": \"%s\", \"count\": 10, \"retry_after\": 0, "
                                                  "\"drip_ms\": 300}", fault_kinds[i]);
        g_autofree char *text = NULL;
        GError *error;

        /* Only the drip needs a short timeout to fail in time. */
        luma_client_set_timeout (client, g_str_equal (fault_kinds[i], "slow-drip") ? 1 : LUMA_CLIENT_DEFAULT_TIMEOUT);
        luma_test_sim_set_fault_json (sim, fault);
        batch = fetch_sync (client, ids, n);
        luma_test_sim_set_fault (sim, "none", 1);

        /* A single {} is "not found", not an error. */
        if (n == 1 && g_str_equal (fault_kinds[i], "empty-object"))
          {
            g_assert_cmpuint (batch->not_found->len, ==, 1);
            continue;
          }

        error = batch->error;
        g_assert_nonnull (error);
        text = luma_error_describe (error);
        g_test_message ("%s × %u: %s", fault_kinds[i], n, text);
        assert_no_token_in_bytes (fault_kinds[i], error->message, strlen (error->message));
        assert_no_token_in_bytes (fault_kinds[i], text, strlen (text));
        if (luma_error_get_trace_id (error) != NULL)
          assert_no_token_in_bytes ("trace_id", luma_error_get_trace_id (error),
                                    strlen (luma_error_get_trace_id (error)));
      }

  /* The debug log did say something (the requests), just not the token. */
  g_assert_cmpuint (log_text->len, >, 0);
  g_assert_nonnull (strstr (log_text->str, "/luma/tasks"));
  assert_no_token_in_bytes ("in-process log", log_text->str, log_text->len);
  assert_log_clean (sim);
}

/* luma-tasks-cli get with G_MESSAGES_DEBUG=all, the token given every way,
 * through failures and successes, exports and downloads. */
static void
test_secrets_cli (void)
{
  g_autoptr(LumaTestSim) sim = start_sim ();
  g_autofree char *dir = make_test_dir ("luma-secrets");
  g_autofree char *media = g_build_filename (dir, "media", NULL);
  const char *cli = g_getenv ("LUMA_TASKS_CLI");
  static const struct {
    const char *fault;
    const char *format;
    gboolean    by_option;
    gboolean    download;
  } runs[] = {
    { "http401", NULL, FALSE, FALSE },
    { "redirect", NULL, TRUE, FALSE },
    { "http403", NULL, FALSE, FALSE },
    { "close", NULL, TRUE, FALSE },
    { "none", "json", TRUE, FALSE },
    { "none", "jsonl", FALSE, FALSE },
    { "none", "csv", FALSE, TRUE },
  };

  g_assert_nonnull (cli);
  g_assert_nonnull (dir);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *output = NULL;

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
      g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
      g_subprocess_launcher_unsetenv (launcher, "ACEDATACLOUD_API_BASE_URL");
      if (runs[i].by_option)
        g_subprocess_launcher_unsetenv (launcher, "ACEDATACLOUD_API_TOKEN");
      else
        g_subprocess_launcher_setenv (launcher, "ACEDATACLOUD_API_TOKEN", TOKEN, TRUE);

      g_ptr_array_add (argv, (char *) cli);
      g_ptr_array_add (argv, (char *) "get");
      g_ptr_array_add (argv, (char *) "--base-url");
      g_ptr_array_add (argv, (char *) luma_test_sim_get_base_url (sim));
      if (runs[i].by_option)
        {
          g_ptr_array_add (argv, (char *) "--token");
          g_ptr_array_add (argv, (char *) TOKEN);
        }
      if (runs[i].format != NULL)
        {
          output = g_strdup_printf ("%s/export.%s", dir, runs[i].format);
          g_ptr_array_add (argv, (char *) "--format");
          g_ptr_array_add (argv, (char *) runs[i].format);
          g_ptr_array_add (argv, (char *) "--output");
          g_ptr_array_add (argv, output);
        }
      if (runs[i].download)
        {
          g_ptr_array_add (argv, (char *) "--download");
          g_ptr_array_add (argv, media);
        }
      g_ptr_array_add (argv, (char *) SEED_ID_1);
      g_ptr_array_add (argv, (char *) SEED_ID_2);
      g_ptr_array_add (argv, NULL);

      luma_test_sim_set_fault (sim, runs[i].fault, 10);
      proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      luma_test_sim_set_fault (sim, "none", 1);

      g_test_message ("cli %s %s: exit %d", runs[i].fault, runs[i].format ? runs[i].format : "",
                      g_subprocess_get_exit_status (proc));
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, g_str_equal (runs[i].fault, "none") ? 0 : 1);
      /* The debug log is there, without the token. */
      g_assert_nonnull (strstr (err, "luma-client-DEBUG"));
      assert_no_token_in_bytes ("cli stdout", out, strlen (out));
      assert_no_token_in_bytes ("cli stderr", err, strlen (err));
      if (output != NULL)
        assert_no_token_in_file (output);
    }

  /* Four media files downloaded, none holding it; no media request or
   * request to the other origin carried it. */
  g_assert_cmpuint (assert_no_token_in_dir (media), ==, 4);
  g_assert_cmpuint (assert_log_clean (sim), >=, 4);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} LoadWait;

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LoadWait *wait = user_data;
  g_autofree char *moved_aside = NULL;

  wait->ok = luma_tracker_load_finish (LUMA_TRACKER (object), result, &moved_aside, &wait->error);
  wait->done = TRUE;
}

typedef struct
{
  LumaTaskList *list;
  const char   *id;
} TaskFilled;

static gboolean
task_filled (gpointer data)
{
  TaskFilled *t = data;
  LumaTask *task = luma_task_list_lookup (t->list, t->id);

  return task != NULL && luma_task_get_state (task) != LUMA_TASK_STATE_LOADING;
}

static gboolean
tracker_idle (gpointer data)
{
  return !luma_tracker_get_busy (LUMA_TRACKER (data));
}

static void
read_db_files (const char *db)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        assert_no_token_in_file (path);
    }
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadWait *wait = user_data;

  wait->ok = luma_export_tasks_finish (result, &wait->error);
  wait->done = TRUE;
}

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

/* A tracker round (add, fetch, a failed poll with the reason, a good one),
 * then the database, its WAL, the exports of every format and the media
 * cache, byte by byte. */
static void
test_secrets_at_rest (void)
{
  g_autoptr(LumaTestSim) sim = start_sim ();
  g_autofree char *dir = make_test_dir ("luma-secrets");
  g_autofree char *db = g_build_filename (dir, "tasks.db", NULL);
  g_autofree char *cache_dir = g_build_filename (dir, "cache", NULL);
  g_autoptr(LumaStore) store = luma_store_new (db);
  g_autoptr(LumaTracker) tracker = luma_tracker_new (store);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(GPtrArray) added = NULL;
  LumaTaskList *list = luma_tracker_get_list (tracker);
  const char *ids[] = { SEED_ID_1, SEED_ID_2, PENDING_ID, PROCESSING_ID };
  LoadWait load = { 0 };

  luma_tracker_set_client (tracker, client);
  luma_tracker_set_poll_intervals (tracker, 60000, 60000, 1.0);
  luma_tracker_load_async (tracker, NULL, load_cb, &load);
  wait_until (flag_is_set, &load.done);
  g_assert_no_error (load.error);
  g_assert_true (load.ok);

  added = luma_tracker_add_ids (tracker, ids, G_N_ELEMENTS (ids), NULL);
  g_assert_cmpuint (added->len, ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      TaskFilled t = { list, ids[i] };

      wait_until (task_filled, &t);
    }

  /* A refused poll leaves its reason on the tasks; then a good one. */
  luma_test_sim_set_fault (sim, "http401", 1);
  luma_tracker_refresh (tracker, NULL);
  wait_until (tracker_idle, tracker);
  luma_tracker_refresh (tracker, NULL);
  wait_until (tracker_idle, tracker);
  luma_test_sim_set_fault (sim, "none", 1);

  /* While open (the WAL holds the latest writes), then closed. */
  {
    g_autoptr(GPtrArray) loaded = NULL;
    g_autoptr(GError) error = NULL;

    loaded = luma_store_load_sync (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (loaded->len, ==, G_N_ELEMENTS (ids));
  }
  read_db_files (db);

  /* Exports, every format. */
  {
    g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
      g_ptr_array_add (tasks, g_list_model_get_item (G_LIST_MODEL (list), i));

    for (LumaExportFormat f = LUMA_EXPORT_JSON; f <= LUMA_EXPORT_CSV; f++)
      {
        g_autofree char *path = g_strdup_printf ("%s/export.%s", dir, luma_export_format_to_string (f));
        g_autoptr(GFile) file = g_file_new_for_path (path);
        LoadWait wait = { 0 };

        luma_export_tasks_async (tasks, f, file, NULL, export_cb, &wait);
        wait_until (flag_is_set, &wait.done);
        g_assert_no_error (wait.error);
        g_assert_true (wait.ok);
        assert_no_token_in_file (path);
      }
  }

  /* The media cache, filled as the preview does. */
  {
    g_autoptr(GFile) cache_file = g_file_new_for_path (cache_dir);
    g_autoptr(LumaMediaCache) cache = luma_media_cache_new (cache_file);
    const char *base = luma_test_sim_get_base_url (sim);

    for (guint k = 0; k < 2; k++)
      {
        LumaMediaKind kind = k == 0 ? LUMA_MEDIA_KIND_VIDEO : LUMA_MEDIA_KIND_THUMBNAIL;
        g_autofree char *url = g_strdup_printf ("%s/media/%s%s", base, SEED_ID_1,
                                                luma_media_kind_get_extension (kind));
        CacheWait wait = { 0 };

        luma_media_cache_fetch_async (cache, SEED_ID_1, url, kind, NULL, NULL, NULL, cache_fetch_cb, &wait);
        wait_until (flag_is_set, &wait.done);
        g_assert_no_error (wait.error);
        g_assert_nonnull (wait.file);
        g_clear_object (&wait.file);
      }
    g_assert_cmpuint (assert_no_token_in_dir (cache_dir), >=, 2);
  }

  luma_tracker_set_client (tracker, NULL);
  g_assert_finalize_object (g_steal_pointer (&tracker));
  luma_store_close (store);
  read_db_files (db);
  assert_log_clean (sim);
}

/* GSettings holds no token: the schema has no key for one, and nothing in
 * the sources writes one there. */
static void
test_secrets_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GSettings) settings = NULL;

  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  g_assert_nonnull (schema);
  keys = g_settings_schema_list_keys (schema);
  g_assert_cmpuint (g_strv_length (keys), >, 0);
  settings = g_settings_new (APP_ID);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (keys[i], "token"));
      g_assert_null (strstr (keys[i], "secret"));
      g_assert_null (strstr (keys[i], "password"));
      assert_no_token_in_bytes (keys[i], text, strlen (text));
    }

  /* The sources: no g_settings_set* call names a token. */
  {
    const char *srcdir = g_getenv ("G_TEST_SRCDIR");
    g_autofree char *src = g_build_filename (srcdir, "..", "src", NULL);
    const char *subdirs[] = { "core", "app", "cli" };
    guint n_files = 0;

    for (guint d = 0; d < G_N_ELEMENTS (subdirs); d++)
      {
        g_autofree char *path = g_build_filename (src, subdirs[d], NULL);
        g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
        const char *name;

        if (dir == NULL)
          continue;
        while ((name = g_dir_read_name (dir)) != NULL)
          {
            g_autofree char *file = NULL;
            g_autofree char *contents = NULL;
            g_auto(GStrv) lines = NULL;

            if (!g_str_has_suffix (name, ".c"))
              continue;
            file = g_build_filename (path, name, NULL);
            g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
            n_files++;
            lines = g_strsplit (contents, "\n", -1);
            for (guint l = 0; lines[l] != NULL; l++)
              if (strstr (lines[l], "g_settings_set") != NULL && strstr (lines[l], "token") != NULL)
                g_error ("%s:%u writes a token to GSettings: %s", file, l + 1, lines[l]);
          }
      }
    g_assert_cmpuint (n_files, >, 10);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  /* As G_MESSAGES_DEBUG=all: every debug message is made and captured. */
  g_log_set_debug_enabled (TRUE);

  g_test_add_func ("/secrets/errors-and-log", test_secrets_errors_and_log);
  g_test_add_func ("/secrets/cli", test_secrets_cli);
  g_test_add_func ("/secrets/at-rest", test_secrets_at_rest);
  g_test_add_func ("/secrets/settings", test_secrets_settings);

  status = g_test_run ();
  g_string_free (log_text, TRUE);

  return status;
}
