/* luma-cli.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "luma-client.h"
#include "luma-error.h"
#include "luma-export.h"
#include "luma-ids.h"
#include "luma-media-cache.h"
#include "luma-secret.h"
#include "luma-task-state.h"

/* DESIGN §5 exit statuses. */
#define EXIT_FAILED  1
#define EXIT_USAGE   2
#define EXIT_PARTIAL 3

/* The --wait schedule: the poller's (DESIGN §3). */
#define WAIT_FIRST_MS  5000
#define WAIT_MAX_MS    60000
#define WAIT_FACTOR    1.5

/* The largest file of IDs `get` reads. */
#define MAX_ID_FILE_SIZE (64 * 1024 * 1024)

static const char *summary =
  N_("Commands:\n"
     "  get     Retrieve tasks by ID and print or save their details\n"
     "\n"
     "Run “luma-tasks-cli COMMAND --help” for the options of a command.");

static int
print_usage (GOptionContext *context,
             FILE           *stream)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fputs (help, stream);
  return stream == stdout ? EXIT_SUCCESS : EXIT_USAGE;
}

/* ------------------------------------------------------------------------ */
/* get                                                                      */

typedef struct
{
  /* Options */
  char       *base_url;
  char       *token;
  char       *format_name;
  char       *output;
  char       *download;
  gboolean    wait;
  int         timeout;
  int         batch_size;
  int         jobs;

  /* State */
  LumaExportFormat format;
  gboolean    progress;       /* standard error is a terminal */
  LumaClient *client;
  GStrv       ids;            /* in the order of the arguments */
  GHashTable *records;        /* id → JsonObject*, as last returned */
  GHashTable *not_found;      /* id set */
  GError     *error;          /* the first request failure */
  gboolean    timed_out;
} Get;

static void
get_clear (Get *get)
{
  g_clear_pointer (&get->base_url, g_free);
  g_clear_pointer (&get->token, g_free);
  g_clear_pointer (&get->format_name, g_free);
  g_clear_pointer (&get->output, g_free);
  g_clear_pointer (&get->download, g_free);
  g_clear_object (&get->client);
  g_clear_pointer (&get->ids, g_strfreev);
  g_clear_pointer (&get->records, g_hash_table_unref);
  g_clear_pointer (&get->not_found, g_hash_table_unref);
  g_clear_error (&get->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Get, get_clear)

static void
progress_line (Get        *get,
               const char *format,
               ...) G_GNUC_PRINTF (2, 3);

/* One line on a terminal, rewritten in place; nothing when redirected. */
static void
progress_line (Get        *get,
               const char *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (!get->progress)
    return;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("\r\033[K%s", text);
}

static void
progress_end (Get *get)
{
  if (get->progress)
    g_printerr ("\r\033[K");
}

static gboolean
read_stdin (GString  *text,
            GError  **error)
{
  char buffer[64 * 1024];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (text, buffer, n);

  if (ferror (stdin))
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not read standard input: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Arguments are task IDs, files of text, or "-" for standard input. */
static gboolean
get_collect_ids (Get         *get,
                 char       **args,
                 GError     **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  LumaIdsReport report = { 0 };

  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *arg = args[i];

      if (g_str_equal (arg, "-"))
        {
          if (!read_stdin (text, error))
            return FALSE;
        }
      else if (g_file_test (arg, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *contents = NULL;
          g_autoptr(GError) local_error = NULL;
          GStatBuf st;
          gsize length;

          /* A list of IDs is never this big: refuse before reading a huge
           * (or sparse) file into memory. */
          if (g_stat (arg, &st) == 0 && st.st_size > MAX_ID_FILE_SIZE)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("“%s” is too large to be a list of task IDs (over %d MiB)."),
                           arg, MAX_ID_FILE_SIZE / (1024 * 1024));
              return FALSE;
            }

          if (!g_file_get_contents (arg, &contents, &length, &local_error))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("Could not read “%s”: %s"), arg, local_error->message);
              return FALSE;
            }
          g_string_append_len (text, contents, length);
        }
      else
        {
          LumaIdsReport arg_report = { 0 };
          g_auto(GStrv) found = luma_ids_extract (arg, -1, &arg_report);

          if (found[0] == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("“%s” is neither a task ID nor a file."), arg);
              return FALSE;
            }
          g_string_append (text, arg);
        }

      g_string_append_c (text, '\n');
    }

  get->ids = luma_ids_extract (text->str, text->len, &report);
  if (get->ids[0] == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No task ID found in the arguments."));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  char     *token;
  gboolean  done;
} TokenLookup;

static void
lookup_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TokenLookup *lookup = user_data;
  g_autoptr(GError) error = NULL;

  lookup->token = luma_secret_lookup_token_finish (result, &error);
  if (error != NULL)
    g_debug ("No saved API token: %s", error->message);
  lookup->done = TRUE;
}

/* The Secret Service is asked only when a session bus can be found, so a
 * script on a server never waits for a keyring that is not there. */
static char *
get_lookup_saved_token (const char *base_url)
{
  g_autofree char *bus = NULL;
  TokenLookup lookup = { NULL, FALSE };

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      bus = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
      if (!g_file_test (bus, G_FILE_TEST_EXISTS))
        return NULL;
    }

  luma_secret_lookup_token_async (base_url, NULL, lookup_token_cb, &lookup);
  while (!lookup.done)
    g_main_context_iteration (NULL, TRUE);

  /* Nothing more to ask the keyring: let go of the bus now. */
  luma_secret_release ();
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return lookup.token;
}

static void
retrying_cb (LumaClient   *client,
             const GError *error,
             double        delay,
             Get          *get)
{
  guint seconds = (guint) (delay + 0.5);

  if (!get->progress)
    return;

  if (g_error_matches (error, LUMA_ERROR, LUMA_ERROR_TOO_MANY_REQUESTS))
    progress_line (get, g_dngettext (GETTEXT_PACKAGE,
                                     "Rate limited — retrying in %u second",
                                     "Rate limited — retrying in %u seconds",
                                     seconds), seconds);
  else
    progress_line (get, g_dngettext (GETTEXT_PACKAGE,
                                     "%s Retrying in %u second",
                                     "%s Retrying in %u seconds",
                                     seconds), error->message, seconds);
}

typedef struct
{
  LumaBatchResult *result;
  GError          *error;
  gboolean         done;
} FetchWait;

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  FetchWait *wait = user_data;

  wait->result = luma_client_fetch_finish (LUMA_CLIENT (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Fetches @ids and folds the answers into @get. Returns FALSE when the
 * deadline (monotonic µs, 0 for none) passed first. */
static gboolean
get_fetch (Get                *get,
           const char * const *ids,
           guint               n_ids,
           gint64              deadline)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FetchWait wait = { NULL, NULL, FALSE };
  guint timer = 0;

  if (deadline > 0)
    {
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        return FALSE;
      timer = g_timeout_add ((guint) MIN (left / 1000 + 1, G_MAXUINT), cancel_cb, cancellable);
    }

  luma_client_fetch_async (get->client, ids, n_ids, cancellable, fetch_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);

  if (timer != 0 && !g_cancellable_is_cancelled (cancellable))
    g_source_remove (timer);

  if (wait.result == NULL)
    {
      /* Only the deadline cancels. */
      g_clear_error (&wait.error);
      return FALSE;
    }

  for (guint i = 0; i < wait.result->records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (wait.result->records, i);
      const char *id = json_object_get_string_member (record, "id");

      g_hash_table_remove (get->not_found, id);
      g_hash_table_replace (get->records, g_strdup (id), json_object_ref (record));
    }

  for (guint i = 0; i < wait.result->not_found->len; i++)
    {
      const char *id = g_ptr_array_index (wait.result->not_found, i);

      g_hash_table_remove (get->records, id);
      g_hash_table_add (get->not_found, g_strdup (id));
    }

  if (wait.result->error != NULL && get->error == NULL)
    get->error = g_error_copy (wait.result->error);

  luma_batch_result_free (wait.result);

  return TRUE;
}

/* Fetches every ID once; on a terminal, in slices to show how far it got. */
static void
get_fetch_all (Get *get)
{
  guint n_ids = g_strv_length (get->ids);
  guint slice = n_ids;

  if (get->progress && n_ids > luma_client_get_batch_size (get->client))
    slice = luma_client_get_batch_size (get->client) * luma_client_get_max_in_flight (get->client) * 2;

  for (guint start = 0; start < n_ids && get->error == NULL; start += slice)
    {
      guint n = MIN (slice, n_ids - start);

      if (n_ids > slice)
        progress_line (get, _("Retrieving tasks: %u of %u…"), start, n_ids);
      get_fetch (get, (const char * const *) get->ids + start, n, 0);
    }

  progress_end (get);
}

static gboolean
record_is_unfinished (JsonObject *record)
{
  return luma_task_state_is_unfinished (luma_task_state_derive (record, NULL, NULL));
}

static GPtrArray *
get_unfinished_ids (Get *get)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; get->ids[i] != NULL; i++)
    {
      JsonObject *record = g_hash_table_lookup (get->records, get->ids[i]);

      if (record != NULL && record_is_unfinished (record))
        g_ptr_array_add (ids, get->ids[i]);
    }

  return ids;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* --wait: polls the unfinished tasks on the poller's schedule until every
 * one is completed or failed, or the timeout passes. */
static void
get_wait (Get *get)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) get->timeout * G_USEC_PER_SEC;
  guint interval = WAIT_FIRST_MS;

  while (get->error == NULL)
    {
      g_autoptr(GPtrArray) unfinished = get_unfinished_ids (get);
      gint64 left = deadline - g_get_monotonic_time ();
      gboolean fired = FALSE;
      guint delay;

      if (unfinished->len == 0)
        break;

      if (left <= 0)
        {
          get->timed_out = TRUE;
          break;
        }

      delay = (guint) MIN ((gint64) interval, left / 1000 + 1);
      progress_line (get, g_dngettext (GETTEXT_PACKAGE,
                                       "Waiting for %u unfinished task; next check in %u s…",
                                       "Waiting for %u unfinished tasks; next check in %u s…",
                                       unfinished->len),
                     unfinished->len, (delay + 999) / 1000);

      g_timeout_add (delay, set_flag_cb, &fired);
      while (!fired)
        g_main_context_iteration (NULL, TRUE);

      if (g_get_monotonic_time () >= deadline)
        {
          get->timed_out = TRUE;
          break;
        }

      if (!get_fetch (get, (const char * const *) unfinished->pdata, unfinished->len, deadline))
        {
          get->timed_out = TRUE;
          break;
        }

      interval = (guint) MIN ((double) WAIT_MAX_MS, interval * WAIT_FACTOR);
    }

  progress_end (get);
}

static GPtrArray *
get_records_in_order (Get *get)
{
  GPtrArray *records = g_ptr_array_new ();

  for (guint i = 0; get->ids[i] != NULL; i++)
    {
      JsonObject *record = g_hash_table_lookup (get->records, get->ids[i]);

      if (record != NULL)
        g_ptr_array_add (records, record);
    }

  return records;
}

static gboolean
get_write (Get        *get,
           GPtrArray  *records,
           GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize size;

  if (get->output != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (get->output);

      return luma_export_records_to_file (records, get->format, file, NULL, error);
    }

  bytes = luma_export_records_to_bytes (records, get->format);
  data = g_bytes_get_data (bytes, &size);
  if ((size > 0 && fwrite (data, 1, size, stdout) != size) || fflush (stdout) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write to standard output: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* --download: the video and thumbnail of every completed task, atomically,
 * skipping files already complete. Keeps going after a failure so one dead
 * link does not cost the rest; returns FALSE if any failed. */
static gboolean
get_download (Get *get)
{
  g_autoptr(GFile) dir = g_file_new_for_commandline_arg (get->download);
  gboolean ok = TRUE;

  for (guint i = 0; get->ids[i] != NULL; i++)
    {
      JsonObject *record = g_hash_table_lookup (get->records, get->ids[i]);
      g_autoptr(GError) error = NULL;

      if (record == NULL)
        continue;

      if (!luma_media_download_task_sync (NULL, record, dir, get->progress, &error))
        {
          g_autofree char *text = luma_error_describe (error);

          g_printerr (_("luma-tasks-cli get: could not save the media of %s: %s\n"), get->ids[i], text);
          ok = FALSE;
        }
    }

  return ok;
}

static int
cli_get (int    argc,
         char **argv)
{
  g_auto(Get) get = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) args = NULL;
  const char *env_url;
  const char *env_token;
  int status_download = EXIT_SUCCESS;
  int status;
  const GOptionEntry entries[] = {
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &get.base_url,
      N_("The API's address (default $ACEDATACLOUD_API_BASE_URL, else https://api.acedata.cloud)"), N_("URL") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &get.token,
      N_("The API token (default $ACEDATACLOUD_API_TOKEN, else the token Luma Tasks saved)"), N_("TOKEN") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &get.format_name,
      N_("Output format: json, jsonl or csv (default json)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &get.output,
      N_("Write to FILE, atomically (default standard output)"), N_("FILE") },
    { "wait", 'w', 0, G_OPTION_ARG_NONE, &get.wait,
      N_("Poll until every task is completed or failed"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &get.timeout,
      N_("With --wait, give up after SECONDS (default 600)"), N_("SECONDS") },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &get.batch_size,
      N_("Task IDs per request (default 50)"), N_("N") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &get.jobs,
      N_("Requests in flight at once (default 4)"), N_("N") },
    { "download", 'd', 0, G_OPTION_ARG_FILENAME, &get.download,
      N_("Also save each completed task’s video and thumbnail in DIR"), N_("DIR") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &args, NULL, NULL },
    { NULL }
  };

  get.timeout = 600;
  get.batch_size = LUMA_CLIENT_DEFAULT_BATCH_SIZE;
  get.jobs = LUMA_CLIENT_DEFAULT_MAX_IN_FLIGHT;

  g_set_prgname ("luma-tasks-cli get");
  context = g_option_context_new (_("ID|FILE|- …"));
  g_option_context_set_summary (context,
                                _("Retrieve Luma tasks by ID and write their details as the API returned them.\n"
                                  "Arguments are task IDs, files of text, or “-” for standard input: every\n"
                                  "task ID in them is used once, in the order first seen."));
  description = g_strdup_printf ("%s\n\n%s",
                                 _("Exit status:\n"
                                   "  0  every task was retrieved (with --wait: every task finished)\n"
                                   "  1  a request failed; standard error names the API error code,\n"
                                   "     the HTTP status and the trace_id\n"
                                   "  2  usage error, or no task ID found\n"
                                   "  3  partial: some IDs were not found, or --wait timed out; what\n"
                                   "     was retrieved is still written"),
                                 _("Environment:\n"
                                   "  ACEDATACLOUD_API_TOKEN     the API token, when --token is not given\n"
                                   "  ACEDATACLOUD_API_BASE_URL  the API's address, when --base-url is not given"));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("luma-tasks-cli get: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (!luma_export_format_from_string (get.format_name != NULL ? get.format_name : "json", &get.format))
    {
      g_printerr (_("luma-tasks-cli get: unknown format “%s” (use json, jsonl or csv)\n"), get.format_name);
      return EXIT_USAGE;
    }

  if (get.timeout <= 0 || get.batch_size <= 0 || get.batch_size > 1000 || get.jobs <= 0 || get.jobs > 32)
    {
      g_printerr (_("luma-tasks-cli get: --timeout must be positive, --batch-size between 1 and 1000, --jobs between 1 and 32\n"));
      return EXIT_USAGE;
    }

  if (args == NULL || args[0] == NULL)
    {
      g_printerr (_("luma-tasks-cli get: give task IDs, files or “-”\n"));
      return print_usage (context, stderr);
    }

  if (!get_collect_ids (&get, args, &error))
    {
      g_printerr ("luma-tasks-cli get: %s\n", error->message);
      return EXIT_USAGE;
    }

  env_url = g_getenv ("ACEDATACLOUD_API_BASE_URL");
  if (get.base_url == NULL)
    get.base_url = g_strdup (env_url != NULL && *env_url != '\0' ? env_url : DEFAULT_API_BASE_URL);

  get.client = luma_client_new (get.base_url, NULL, &error);
  if (get.client == NULL)
    {
      g_printerr ("luma-tasks-cli get: %s\n", error->message);
      return EXIT_USAGE;
    }

  env_token = g_getenv ("ACEDATACLOUD_API_TOKEN");
  if (get.token == NULL && env_token != NULL && *env_token != '\0')
    get.token = g_strdup (env_token);
  if (get.token == NULL)
    get.token = get_lookup_saved_token (luma_client_get_base_url (get.client));
  if (get.token == NULL || *get.token == '\0')
    {
      g_printerr (_("luma-tasks-cli get: no API token: use --token, set ACEDATACLOUD_API_TOKEN, or save one in Luma Tasks\n"));
      return EXIT_USAGE;
    }

  luma_client_set_token (get.client, get.token);
  luma_client_set_batch_size (get.client, (guint) get.batch_size);
  luma_client_set_max_in_flight (get.client, (guint) get.jobs);

  get.progress = isatty (STDERR_FILENO);
  get.records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  get.not_found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (get.client, "retrying", G_CALLBACK (retrying_cb), &get);

  get_fetch_all (&get);

  if (get.wait && get.error == NULL)
    get_wait (&get);

  if (get.download != NULL && !get_download (&get))
    status_download = EXIT_FAILED;

  /* A failure that retrieved nothing writes nothing: an existing --output
   * file is left as it was. */
  records = get_records_in_order (&get);
  if ((records->len > 0 || get.error == NULL) && !get_write (&get, records, &error))
    {
      g_printerr ("luma-tasks-cli get: %s\n", error->message);
      return EXIT_FAILED;
    }

  if (get.error != NULL)
    {
      g_autofree char *text = luma_error_describe (get.error);

      g_printerr ("luma-tasks-cli get: %s\n", text);
      status = EXIT_FAILED;
    }
  else if (g_hash_table_size (get.not_found) > 0 || get.timed_out)
    {
      guint n_not_found = g_hash_table_size (get.not_found);

      if (n_not_found > 0)
        g_printerr (g_dngettext (GETTEXT_PACKAGE,
                                 "luma-tasks-cli get: %u task was not found\n",
                                 "luma-tasks-cli get: %u tasks were not found\n",
                                 n_not_found), n_not_found);
      if (get.timed_out)
        g_printerr (_("luma-tasks-cli get: some tasks were still unfinished after %d seconds\n"), get.timeout);
      status = EXIT_PARTIAL;
    }
  else
    {
      status = EXIT_SUCCESS;
    }

  /* A media download that failed is a failed request too. */
  if (status_download == EXIT_FAILED)
    return EXIT_FAILED;

  return status;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };

  /* Standard output carries the export: every log message goes to standard error. */
  g_log_writer_default_set_use_stderr (TRUE);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_summary (context, _("Follow Luma video generation tasks from scripts."));
  g_option_context_set_description (context, _(summary));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("luma-tasks-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (version)
    {
      g_print ("luma-tasks-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (argc < 2)
    return print_usage (context, stderr);

  if (g_str_equal (argv[1], "get"))
    return cli_get (argc - 1, argv + 1);

  g_printerr (_("luma-tasks-cli: unknown command “%s”\n"), argv[1]);
  return EXIT_USAGE;
}
