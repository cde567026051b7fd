/* test-crash.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app, killed with SIGKILL at random moments, loses nothing it said it
 * kept. A child process (this program run with "--child") runs the real
 * window against the simulator, whose tasks keep changing, and pastes task
 * IDs, imports files of them and exports the list, over and over, while
 * the poller fetches updates. It says on standard output what the store
 * confirmed and which exports it started and finished. This test kills it
 * after a random delay, twenty times, and after each kill checks that a
 * copy of the history opens as it is, holds every task the child saw
 * stored (finished ones still finished), and that the export folder holds
 * only whole exports: the old file or the new one, no half-written or
 * temporary file. The next child starts on the history as the kill left
 * it and checks that it lists all those tasks; at the end the window opens
 * in this process and lists every task.
 *
 * The kill delays come from the test's random seed (printed by --tap and
 * --verbose; replay a run with --seed=R02S…).
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "luma-app-test.h"
#include "luma-application.h"
#include "luma-store.h"
#include "luma-test-sim.h"
#include "luma-window-private.h"
#include "luma-window.h"

#define N_ROUNDS          20
#define N_IDS             4000
/* When a round's kill comes: a random delay after the app is ready, or
 * after it starts (opening the history, recovering its WAL, loading), or a
 * few milliseconds after it starts an export or an import. */
typedef enum
{
  KILL_AT_WORK,
  KILL_IN_EXPORT,
  KILL_AT_WORK_2,
  KILL_IN_IMPORT,
  KILL_AT_START,
  N_KILL_MODES
} KillMode;
/* A child that is never killed stops by itself: the test then fails. */
#define CHILD_LIFETIME_S  90

static const char * const export_names[] = { "tasks.json", "tasks.jsonl", "tasks.csv" };
static const LumaExportFormat export_formats[] = { LUMA_EXPORT_JSON, LUMA_EXPORT_JSONL, LUMA_EXPORT_CSV };

/* The child */

static gboolean
wait_for_flag (gboolean *flag,
               guint     max_ms)
{
  LUMA_TEST_WAIT_UNTIL (*flag, max_ms);
  return *flag;
}

/* Lines end with ';': one cut short by the kill is told apart. */
static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  fputs (";\n", stdout);
  fflush (stdout);
}

static G_NORETURN void
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static void
fail (const char *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  say ("FAILED %s", text);
  exit (1);
}

typedef struct
{
  GPtrArray *loaded;
  GError    *error;
  gboolean   done;
} Load;

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Load *load = user_data;

  load->loaded = luma_store_load_finish (LUMA_STORE (object), result, &load->error);
  load->done = TRUE;
}

static gboolean
is_finished (LumaTask *task)
{
  LumaTaskState state = luma_task_get_state (task);

  return state == LUMA_TASK_STATE_COMPLETED || state == LUMA_TASK_STATE_FAILED;
}

/* The store runs its work in the order it was queued: a load queued after
 * the tracker saved @ids answers once that save is committed. Says which
 * IDs it holds, and which tasks it holds as finished. */
static void
confirm_saved (LumaWindow  *window,
               GPtrArray   *ids,
               GHashTable  *said_finished)
{
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  Load load = { 0 };

  luma_store_load_async (window->store, NULL, on_loaded, &load);
  if (!wait_for_flag (&load.done, 60000))
    fail ("the store did not answer");
  if (load.loaded == NULL)
    fail ("the store failed: %s", load.error->message);

  for (guint i = 0; i < load.loaded->len; i++)
    {
      LumaTask *task = g_ptr_array_index (load.loaded, i);
      const char *id = luma_task_get_id (task);

      g_hash_table_add (stored, (char *) id);
      if (is_finished (task) && !g_hash_table_contains (said_finished, id))
        {
          g_hash_table_add (said_finished, g_strdup (id));
          say ("FINISHED %s", id);
        }
    }

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);

      if (!g_hash_table_contains (stored, id))
        fail ("%s was added but not saved", id);
      say ("ADDED %s", id);
    }

  g_ptr_array_unref (load.loaded);
}

/* The next @n IDs of @all the list does not hold yet. */
static GPtrArray *
next_ids (LumaWindow  *window,
          char       **all,
          guint       *next,
          guint        n)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (; all[*next] != NULL && ids->len < n; (*next)++)
    if (luma_task_list_lookup (window->list, all[*next]) == NULL)
      g_ptr_array_add (ids, all[*next]);

  return ids;
}

static gboolean
all_listed (LumaWindow *window,
            GPtrArray  *ids)
{
  for (guint i = 0; i < ids->len; i++)
    if (luma_task_list_lookup (window->list, g_ptr_array_index (ids, i)) == NULL)
      return FALSE;

  return TRUE;
}

static void
paste_ids (LumaWindow *window,
           GPtrArray  *ids)
{
  g_autoptr(GString) text = g_string_new ("Tasks to watch:\n");

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "- %s (take %u)\n", (char *) g_ptr_array_index (ids, i), i);

  luma_window_add_text (window, text->str);
  if (!all_listed (window, ids))
    fail ("pasted IDs are not listed");
}

static void
import_ids (LumaWindow *window,
            GPtrArray  *ids,
            const char *import_dir,
            guint       n)
{
  g_autofree char *name = g_strdup_printf ("import-%d-%u.txt", (int) getpid (), n);
  g_autofree char *path = g_build_filename (import_dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (ids, i));
  if (!g_file_set_contents (path, text->str, text->len, &error))
    fail ("%s", error->message);

  say ("IMPORTING %u", ids->len);
  luma_window_open_files (window, &file, 1);
  LUMA_TEST_WAIT_UNTIL (all_listed (window, ids), 60000);
  if (!all_listed (window, ids))
    fail ("imported IDs are not listed");
}

static guint64
inode_of (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_ino : 0;
}

/* Exports every task; done when the file of that name is a new one (the
 * rename is the writer's last step). */
static void
export_all (LumaWindow *window,
            const char *export_dir,
            guint       which)
{
  g_autofree char *path = g_build_filename (export_dir, export_names[which], NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  guint64 old_inode = inode_of (path);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (window->list));

  say ("EXPORTING %s %u", export_names[which], n);
  _luma_window_export (window, LUMA_EXPORT_SCOPE_ALL, export_formats[which], file);
  LUMA_TEST_WAIT_UNTIL (inode_of (path) != old_inode && inode_of (path) != 0, 60000);
  if (inode_of (path) == old_inode || inode_of (path) == 0)
    fail ("the export of %s did not finish", export_names[which]);
  say ("EXPORTED %s %u", export_names[which], n);
}

/* The app's own start after a kill: every task seen stored before is
 * listed, and the ones stored finished are still finished. */
static void
check_restart (LumaWindow *window,
               const char *kept_path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (kept_path, &text, NULL, &error))
    fail ("%s", error->message);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (lines[i], " ", 2);
      LumaTask *task;

      if (words[0] == NULL || *words[0] == '\0')
        continue;
      task = luma_task_list_lookup (window->list, words[0]);
      if (task == NULL)
        fail ("%s was stored before the kill and is not listed after it", words[0]);
      if (words[1] != NULL && !is_finished (task))
        fail ("%s was stored finished and is “%s” after the kill", words[0],
              luma_task_get_state_word (task));
    }
}

static int
run_child (guint32     seed,
           const char *ids_path,
           const char *kept_path,
           const char *export_dir,
           const char *import_dir)
{
  g_autofree char *base_url = g_strdup (g_getenv ("ACEDATACLOUD_API_BASE_URL"));
  g_autofree char *token = g_strdup (g_getenv ("ACEDATACLOUD_API_TOKEN"));
  g_autoptr(GHashTable) said_finished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(LumaApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *ids_text = NULL;
  g_auto(GStrv) all = NULL;
  gint64 deadline = g_get_monotonic_time () + CHILD_LIFETIME_S * G_USEC_PER_SEC;
  LumaWindow *window;
  guint next = 0;
  guint n_imports = 0;

  luma_test_init_gtk ();
  g_setenv ("ACEDATACLOUD_API_BASE_URL", base_url, TRUE);
  g_setenv ("ACEDATACLOUD_API_TOKEN", token, TRUE);

  if (!g_file_get_contents (ids_path, &ids_text, NULL, &error))
    fail ("%s", error->message);
  all = g_strsplit (g_strchomp (ids_text), "\n", -1);

  app = luma_test_app_new (&error);
  if (error != NULL)
    fail ("%s", error->message);

  window = luma_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  luma_tracker_set_poll_intervals (window->tracker, 200, 1000, 1.5);
  LUMA_TEST_WAIT_UNTIL (_luma_window_is_loaded (window), 60000);
  if (!_luma_window_is_loaded (window))
    fail ("the history did not load");
  if (window->history_notice != NULL)
    fail ("%s", window->history_notice);
  check_restart (window, kept_path);
  say ("READY %u", g_list_model_get_n_items (G_LIST_MODEL (window->list)));

  while (g_get_monotonic_time () < deadline)
    {
      int op = g_rand_int_range (rand, 0, 10);

      if (op < 6 && all[next] != NULL)
        {
          g_autoptr(GPtrArray) ids = next_ids (window, all, &next, g_rand_int_range (rand, 1, 40));

          if (ids->len > 0)
            {
              if (op < 3)
                paste_ids (window, ids);
              else
                import_ids (window, ids, import_dir, n_imports++);
              confirm_saved (window, ids, said_finished);
            }
        }
      else if (op < 9)
        {
          export_all (window, export_dir, g_rand_int_range (rand, 0, G_N_ELEMENTS (export_names)));
        }
      else
        {
          g_autoptr(GPtrArray) none = g_ptr_array_new ();

          /* Only the poller's updates for a while. */
          luma_test_iterate (g_rand_int_range (rand, 50, 300));
          confirm_saved (window, none, said_finished);
        }

      luma_test_iterate (g_rand_int_range (rand, 0, 30));
    }

  /* Never reached in a passing run: the parent kills this process. */
  luma_test_destroy_window (window);
  return 0;
}

/* The parent */

typedef struct
{
  int confirmed;  /* tasks in the last finished export; -1: none */
  int in_flight;  /* tasks in an export started and not seen finished; -1 */
} ExportState;

typedef struct
{
  GHashTable       *all_ids;      /* borrowed */
  GHashTable       *confirmed;    /* borrowed: IDs stored */
  GHashTable       *finished;     /* borrowed: IDs stored as finished */
  ExportState      *exports;      /* borrowed, one per export name */
  GSubprocess      *proc;
  GDataInputStream *out;
  guint             kill_delay_ms;
  guint             kill_id;
  KillMode          mode;
  gboolean          ready;
  gboolean          cut_line;
  gboolean          done;
  gboolean          killed;
  guint             n_added;
  guint             n_exported;
  char             *busy;         /* what the child was doing when killed */
} Round;

static const char * const kill_mode_names[] = {
  "it was ready", "an export started", "it was ready", "an import started", "the start",
};

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

static int
export_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (export_names); i++)
    if (g_str_equal (name, export_names[i]))
      return (int) i;

  return -1;
}

static void
handle_line (Round      *round,
             const char *line)
{
  g_auto(GStrv) words = NULL;
  g_autofree char *body = NULL;
  gsize len = strlen (line);
  guint64 value;

  /* Only the very last line may have been cut short by the kill. */
  g_assert_false (round->cut_line);
  if (len == 0 || line[len - 1] != ';')
    {
      round->cut_line = TRUE;
      return;
    }
  body = g_strndup (line, len - 1);
  words = g_strsplit (body, " ", 3);

  if (g_str_equal (words[0], "FAILED"))
    g_error ("The app failed: %s", body + strlen ("FAILED "));

  g_assert_nonnull (words[1]);
  g_clear_pointer (&round->busy, g_free);

  if (g_str_equal (words[0], "READY"))
    {
      g_assert_true (g_ascii_string_to_unsigned (words[1], 10, 0, G_MAXUINT, &value, NULL));
      /* Every task stored so far, and perhaps some that were not yet. */
      g_assert_cmpuint (value, >=, g_hash_table_size (round->confirmed));
      round->ready = TRUE;
      if (round->mode == KILL_AT_WORK || round->mode == KILL_AT_WORK_2)
        schedule_kill (round);
    }
  else if (g_str_equal (words[0], "ADDED"))
    {
      g_assert_true (g_hash_table_contains (round->all_ids, words[1]));
      g_hash_table_add (round->confirmed, g_strdup (words[1]));
      round->n_added++;
    }
  else if (g_str_equal (words[0], "FINISHED"))
    {
      /* Seen in the store at all: kept from now on, and finished. */
      g_assert_true (g_hash_table_contains (round->all_ids, words[1]));
      g_hash_table_add (round->confirmed, g_strdup (words[1]));
      g_hash_table_add (round->finished, g_strdup (words[1]));
    }
  else if (g_str_equal (words[0], "IMPORTING"))
    {
      round->busy = g_strdup ("importing");
      if (round->mode == KILL_IN_IMPORT && round->ready)
        schedule_kill (round);
    }
  else if (g_str_equal (words[0], "EXPORTING") || g_str_equal (words[0], "EXPORTED"))
    {
      int which = export_index (words[1]);
      ExportState *state;

      g_assert_cmpint (which, >=, 0);
      state = &round->exports[which];
      g_assert_nonnull (words[2]);
      g_assert_true (g_ascii_string_to_unsigned (words[2], 10, 0, G_MAXINT, &value, NULL));
      if (g_str_equal (words[0], "EXPORTING"))
        {
          state->in_flight = (int) value;
          round->busy = g_strdup_printf ("exporting %s", words[1]);
          if (round->mode == KILL_IN_EXPORT && round->ready)
            schedule_kill (round);
        }
      else
        {
          g_assert_cmpint (state->in_flight, ==, (int) value);
          state->confirmed = (int) value;
          state->in_flight = -1;
          round->n_exported++;
        }
    }
  else
    {
      g_error ("Unexpected line from the app: %s", line);
    }
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  Round *round = user_data;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, &error);
  g_assert_no_error (error);

  if (line == NULL)
    {
      round->done = TRUE;
      return;
    }

  handle_line (round, line);
  g_data_input_stream_read_line_async (round->out, G_PRIORITY_DEFAULT, NULL, read_line_cb, round);
}

/* What the next start of the app checks (check_restart()). */
static void
write_kept (const char *path,
            GHashTable *confirmed,
            GHashTable *finished)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  const char *id;

  g_hash_table_iter_init (&iter, confirmed);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_string_append_printf (text, "%s%s\n", id, g_hash_table_contains (finished, id) ? " finished" : "");

  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
}

/* A copy of the history as the kill left it (the database and its WAL):
 * the next start of the app recovers the original itself. */
static char *
copy_history (const char *copy_dir)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "luma-tasks", NULL);
  static const char * const names[] = { "tasks.db", "tasks.db-wal", "tasks.db-shm" };

  g_assert_cmpint (g_mkdir_with_parents (copy_dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = g_build_filename (dir, names[i], NULL);
      g_autofree char *to = g_build_filename (copy_dir, names[i], NULL);
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      g_remove (to);
      if (!g_file_get_contents (from, &data, &length, &error))
        {
          g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
          continue;
        }
      g_file_set_contents (to, data, length, &error);
      g_assert_no_error (error);
    }

  return g_build_filename (copy_dir, "tasks.db", NULL);
}

/* After a kill, as the next start finds it: the history opens without
 * being moved aside as damaged (its quick_check passes), and holds every
 * task the app saw stored; the ones stored as finished are still so. */
static guint
verify_history (const char *copy_dir,
                GHashTable *confirmed,
                GHashTable *finished)
{
  g_autofree char *path = copy_history (copy_dir);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *moved_aside = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  GHashTableIter iter;
  const char *id;
  LumaStore *store;
  guint n;

  store = luma_store_new (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpuint (g_hash_table_size (confirmed), ==, 0);
      g_assert_finalize_object (store);
      return 0;
    }

  g_assert_true (luma_store_open_sync (store, &moved_aside, &error));
  g_assert_no_error (error);
  g_assert_null (moved_aside);
  loaded = luma_store_load_sync (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  for (guint i = 0; i < loaded->len; i++)
    {
      LumaTask *task = g_ptr_array_index (loaded, i);

      g_assert_true (g_hash_table_add (by_id, (char *) luma_task_get_id (task)));
    }

  g_hash_table_iter_init (&iter, confirmed);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      if (!g_hash_table_contains (by_id, id))
        g_error ("Task %s was stored before the kill and is gone after it", id);
    }

  for (guint i = 0; i < loaded->len; i++)
    {
      LumaTask *task = g_ptr_array_index (loaded, i);

      if (g_hash_table_contains (finished, luma_task_get_id (task)) && !is_finished (task))
        g_error ("Task %s was stored finished and is “%s” after the kill",
                 luma_task_get_id (task), luma_task_get_state_word (task));
    }

  n = loaded->len;
  g_clear_pointer (&loaded, g_ptr_array_unref);
  g_assert_finalize_object (store);

  return n;
}

static guint
parse_json_export (const char *text,
                   gsize       length,
                   GHashTable *all_ids)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *items;
  guint n;

  json_parser_load_from_data (parser, text, (gssize) length, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  items = json_object_get_array_member (root, "items");
  n = json_array_get_length (items);
  g_assert_cmpint (json_object_get_int_member (root, "count"), ==, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_true (g_hash_table_contains (all_ids, json_object_get_string_member (item, "id")));
    }
  g_assert_true (g_str_has_suffix (text, "}\n"));

  return n;
}

static guint
parse_jsonl_export (const char *text,
                    GHashTable *all_ids)
{
  g_auto(GStrv) lines = NULL;
  guint n;

  /* No tasks: an empty file. */
  if (*text == '\0')
    return 0;
  g_assert_true (g_str_has_suffix (text, "\n"));
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines) - 1;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *item;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      item = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (g_hash_table_contains (all_ids, json_object_get_string_member (item, "id")));
    }

  return n;
}

/* Rows of RFC 4180 CSV, each with the header's 14 fields, the last one
 * ended by CRLF. */
static guint
parse_csv_export (const char *text,
                  GHashTable *all_ids)
{
  g_autoptr(GString) first = g_string_new (NULL);
  gboolean in_quotes = FALSE;
  guint n_rows = 0;
  guint field = 0;

  g_assert_true (g_str_has_prefix (text, LUMA_EXPORT_CSV_HEADER "\r\n"));
  g_assert_true (g_str_has_suffix (text, "\r\n"));
  text += strlen (LUMA_EXPORT_CSV_HEADER "\r\n");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (in_quotes)
        {
          if (*p == '"' && p[1] == '"')
            p++;
          else if (*p == '"')
            in_quotes = FALSE;
          else if (field == 0)
            g_string_append_c (first, *p);
        }
      else if (*p == '"')
        {
          in_quotes = TRUE;
        }
      else if (*p == ',')
        {
          field++;
        }
      else if (*p == '\r' && p[1] == '\n')
        {
          g_assert_cmpuint (field, ==, 13);
          g_assert_true (g_hash_table_contains (all_ids, first->str));
          g_string_truncate (first, 0);
          n_rows++;
          field = 0;
          p++;
        }
      else if (field == 0)
        {
          g_string_append_c (first, *p);
        }
    }
  g_assert_false (in_quotes);

  return n_rows;
}

/* The number of tasks in a whole export, -1 when there is no file. */
static int
read_export (const char *dir,
             const char *name,
             guint       which,
             GHashTable *all_ids)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, &error))
    {
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      return -1;
    }
  g_assert_cmpuint (strlen (text), ==, length);

  switch (export_formats[which])
    {
    case LUMA_EXPORT_JSON:
      return (int) parse_json_export (text, length, all_ids);
    case LUMA_EXPORT_JSONL:
      return (int) parse_jsonl_export (text, all_ids);
    case LUMA_EXPORT_CSV:
    default:
      return (int) parse_csv_export (text, all_ids);
    }
}

/* The export an overwrite names ".NAME.XXXXXX" for the two system calls
 * between linking it into the folder and renaming it over NAME: which
 * export it is, or -1 for another name. */
static int
hidden_copy_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (export_names); i++)
    {
      gsize len = strlen (export_names[i]);

      if (name[0] == '.' && strncmp (name + 1, export_names[i], len) == 0 &&
          name[len + 1] == '.' && strlen (name + len + 2) == 6)
        return (int) i;
    }

  return -1;
}

/* Only finished exports, each whole: the one before an export the kill
 * interrupted, or that export's, and nothing else in the folder — but for
 * a kill between those two calls, which Linux cannot make one: that
 * leaves the interrupted export whole under its hidden name. */
static void
verify_exports (const char  *dir,
                ExportState *exports,
                GHashTable  *all_ids)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      int which = hidden_copy_index (name);

      if (export_index (name) >= 0)
        continue;
      if (which < 0 || exports[which].in_flight < 0)
        g_error ("A file was left in the export folder: “%s”", name);

      g_assert_cmpint (read_export (dir, name, which, all_ids), ==, exports[which].in_flight);
      g_test_message ("the kill came between the link and the rename of %s", export_names[which]);
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_assert_cmpint (g_remove (path), ==, 0);
      }
    }

  for (guint i = 0; i < G_N_ELEMENTS (export_names); i++)
    {
      ExportState *state = &exports[i];
      int n = read_export (dir, export_names[i], i, all_ids);

      if (state->in_flight >= 0 && n == state->in_flight)
        {
          /* The kill came after the rename, before the child said so. */
          state->confirmed = n;
        }
      else if (n != state->confirmed)
        {
          g_error ("%s holds %d tasks; the last export wrote %d, the interrupted one %d",
                   export_names[i], n, state->confirmed, state->in_flight);
        }
      state->in_flight = -1;
    }
}

/* Pending tasks (no response yet) that the simulator moves on over the
 * run, so the poller keeps getting and saving updates. */
static void
write_fixtures (const char *path,
                const char *ids_path,
                GHashTable *all_ids)
{
  g_autoptr(GString) fixtures = g_string_new ("[\n");
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_IDS; i++)
    {
      g_autofree char *id = g_strdup_printf ("%08x-%04x-4%03x-a%03x-%08x%04x",
                                             g_test_rand_int (), i,
                                             (guint) g_test_rand_int_range (0, 0x1000),
                                             (guint) g_test_rand_int_range (0, 0x1000),
                                             g_test_rand_int (), i);

      g_assert_true (g_hash_table_add (all_ids, g_strdup (id)));
      g_string_append_printf (ids, "%s\n", id);
      g_string_append_printf (fixtures,
                              "%s{\"id\": \"%s\", \"created_at\": %u.25, \"request\": "
                              "{\"action\": \"generate\", \"prompt\": \"Crash test, take %u: "
                              "a \\\"quoted\\\" word\\nand a second line\"}}\n",
                              i > 0 ? "," : "", id, 1725000000 + i, i);
    }
  g_string_append (fixtures, "]\n");

  g_file_set_contents (path, fixtures->str, fixtures->len, &error);
  g_assert_no_error (error);
  g_file_set_contents (ids_path, ids->str, ids->len, &error);
  g_assert_no_error (error);
}

static void
run_round (guint        r,
           const char  *self_exe,
           const char  *ids_path,
           const char  *kept_path,
           const char  *export_dir,
           const char  *import_dir,
           Round       *round)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seed = g_strdup_printf ("%u", (guint) g_test_rand_int ());
  gint64 start = g_get_monotonic_time ();

  round->mode = r % N_KILL_MODES;
  switch (round->mode)
    {
    case KILL_AT_START:
      round->kill_delay_ms = g_test_rand_int_range (0, 400);
      break;
    case KILL_IN_EXPORT:
    case KILL_IN_IMPORT:
      round->kill_delay_ms = g_test_rand_int_range (0, 15);
      break;
    case KILL_AT_WORK:
    case KILL_AT_WORK_2:
    case N_KILL_MODES:
    default:
      round->kill_delay_ms = g_test_rand_int_range (100, 1500);
      break;
    }

  /* The test's own folders: the child's history is the one checked here. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  round->proc = g_subprocess_launcher_spawn (launcher, &error, self_exe, "--child", seed,
                                             ids_path, kept_path, export_dir, import_dir, NULL);
  g_assert_no_error (error);
  round->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (round->proc));
  g_data_input_stream_read_line_async (round->out, G_PRIORITY_DEFAULT, NULL, read_line_cb, round);
  if (round->mode == KILL_AT_START)
    schedule_kill (round);

  /* Bounded: the child stops by itself after CHILD_LIFETIME_S. */
  while (!round->done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&round->kill_id, g_source_remove);

  g_subprocess_wait (round->proc, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_signaled (round->proc))
    g_error ("The app ended by itself (status %d)", g_subprocess_get_exit_status (round->proc));
  g_assert_cmpint (g_subprocess_get_term_sig (round->proc), ==, SIGKILL);

  g_test_message ("round %u: killed %u ms after %s (%.1f s in all)%s%s; %u added, %u exported",
                  r, round->kill_delay_ms, kill_mode_names[round->mode],
                  (g_get_monotonic_time () - start) / 1e6,
                  round->busy != NULL ? ", while " : "", round->busy != NULL ? round->busy : "",
                  round->n_added, round->n_exported);

  g_clear_object (&round->out);
  g_clear_object (&round->proc);
}

static LumaApplication *app;

static void
test_crash_app_survives_sigkill (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *work = g_build_filename (g_get_user_cache_dir (), "crash-test", NULL);
  g_autofree char *export_dir = g_build_filename (work, "exports", NULL);
  g_autofree char *import_dir = g_build_filename (work, "imports", NULL);
  g_autofree char *ids_path = g_build_filename (work, "ids.txt", NULL);
  g_autofree char *kept_path = g_build_filename (work, "kept.txt", NULL);
  g_autofree char *copy_dir = g_build_filename (work, "history-copy", NULL);
  g_autofree char *fixtures_path = g_build_filename (work, "fixtures.json", NULL);
  g_autoptr(GHashTable) all_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) confirmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) finished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(LumaTestSim) sim = NULL;
  ExportState exports[G_N_ELEMENTS (export_names)];
  guint n_mid_export = 0;
  guint n_mid_import = 0;
  guint n_exported = 0;
  guint n_stored = 0;
  LumaWindow *window;
  GHashTableIter iter;
  const char *id;

  g_assert_nonnull (self_exe);
  g_assert_cmpint (g_mkdir_with_parents (export_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (import_dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (exports); i++)
    exports[i] = (ExportState) { -1, -1 };

  write_fixtures (fixtures_path, ids_path, all_ids);
  /* Each answer held back a little: a kill finds polls in flight. */
  sim = luma_test_sim_start ("--fixtures", fixtures_path, "--progress", "12", "--latency", "20", NULL);
  g_setenv ("ACEDATACLOUD_API_BASE_URL", luma_test_sim_get_base_url (sim), TRUE);
  g_setenv ("ACEDATACLOUD_API_TOKEN", luma_test_sim_get_token (sim), TRUE);

  for (guint r = 0; r < N_ROUNDS; r++)
    {
      Round round = {
        .all_ids = all_ids,
        .confirmed = confirmed,
        .finished = finished,
        .exports = exports,
      };

      write_kept (kept_path, confirmed, finished);
      run_round (r, self_exe, ids_path, kept_path, export_dir, import_dir, &round);
      if (g_str_has_prefix (round.busy ? round.busy : "", "exporting"))
        n_mid_export++;
      else if (g_strcmp0 (round.busy, "importing") == 0)
        n_mid_import++;
      g_clear_pointer (&round.busy, g_free);
      n_exported += round.n_exported;

      n_stored = verify_history (copy_dir, confirmed, finished);
      verify_exports (export_dir, exports, all_ids);
      g_test_message ("round %u: %u tasks in the history, %u seen stored, %u of them finished", r,
                      n_stored, g_hash_table_size (confirmed), g_hash_table_size (finished));
    }

  /* The runs did what they are for. */
  g_assert_cmpuint (g_hash_table_size (confirmed), >, 50);
  g_assert_cmpuint (g_hash_table_size (finished), >, 0);
  g_assert_cmpuint (n_exported, >, 0);
  g_test_message ("%u kills during an export, %u during an import", n_mid_export, n_mid_import);

  /* And the app itself starts on what is left and lists every task. */
  window = luma_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  LUMA_TEST_WAIT_UNTIL (_luma_window_is_loaded (window), 60000);
  g_assert_true (_luma_window_is_loaded (window));
  g_assert_null (window->history_notice);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->list)), ==, n_stored);
  g_hash_table_iter_init (&iter, confirmed);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_assert_nonnull (luma_task_list_lookup (window->list, id));
  g_hash_table_iter_init (&iter, finished);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_assert_true (is_finished (luma_task_list_lookup (window->list, id)));
  luma_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  guint64 seed;
  int status;

  if (argc == 7 && strcmp (argv[1], "--child") == 0)
    {
      if (!g_ascii_string_to_unsigned (argv[2], 10, 0, G_MAXUINT32, &seed, NULL))
        return 2;
      return run_child ((guint32) seed, argv[3], argv[4], argv[5], argv[6]);
    }

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  luma_test_init_gtk ();

  app = luma_test_app_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/crash/app-survives-sigkill", test_crash_app_survives_sigkill);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
