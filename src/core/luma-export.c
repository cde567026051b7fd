/* luma-export.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-export"
/* O_TMPFILE. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "luma-export.h"
#include "luma-json-private.h"
#include "luma-task-state-private.h"

/* Progress is reported about this many times over an export. */
#define PROGRESS_STEPS 100
/* Cancellation is checked every this many rows. */
#define CANCEL_CHECK_ROWS 1024
/* Files are written this many bytes at a time, checking cancellation. */
#define WRITE_SLICE (1024 * 1024)

gboolean
luma_export_format_from_string (const char       *name,
                                LumaExportFormat *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  if (g_strcmp0 (name, "json") == 0)
    *format = LUMA_EXPORT_JSON;
  else if (g_strcmp0 (name, "jsonl") == 0)
    *format = LUMA_EXPORT_JSONL;
  else if (g_strcmp0 (name, "csv") == 0)
    *format = LUMA_EXPORT_CSV;
  else
    return FALSE;

  return TRUE;
}

const char *
luma_export_format_to_string (LumaExportFormat format)
{
  switch (format)
    {
    case LUMA_EXPORT_JSON: return "json";
    case LUMA_EXPORT_JSONL: return "jsonl";
    case LUMA_EXPORT_CSV: return "csv";
    default: return NULL;
    }
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm): no
 * GDateTime per row. */
static void
civil_from_days (gint64  days,
                 gint64 *year,
                 guint  *month,
                 guint  *day)
{
  gint64 era;
  guint doe, yoe, doy, mp;

  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = (guint) (days - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = (gint64) yoe + era * 400 + (*month <= 2);
}

/* Writes "2024-08-31T04:10:11.961Z" into @buf (at least 25 bytes); FALSE
 * for a time that is negative, not finite, or past the year 9999. Rounds
 * to the nearest millisecond, so 1725077411.961 (stored as
 * 1725077411.96099996…) gives .961. */
static gboolean
format_time (double  unix_seconds,
             char   *buf)
{
  gint64 ms, secs, days, year;
  guint month, day, sod;

  if (!isfinite (unix_seconds) || unix_seconds < 0 || unix_seconds >= 253402300800.0)
    return FALSE;

  ms = (gint64) llround (unix_seconds * 1000.0);
  secs = ms / 1000;
  days = secs / 86400;
  sod = (guint) (secs % 86400);
  civil_from_days (days, &year, &month, &day);
  if (year > 9999)
    return FALSE;

  g_snprintf (buf, 25, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ",
              (int) year, month, day, sod / 3600, (sod / 60) % 60, sod % 60,
              (guint) (ms % 1000));
  return TRUE;
}

char *
luma_export_format_time (double unix_seconds)
{
  char buf[32];

  if (!format_time (unix_seconds, buf))
    return NULL;

  return g_strdup (buf);
}

/* Seconds with millisecond precision, like the times, without trailing
 * zeros: 154.28, 154, 0.5. Shortest-form doubles would print a difference
 * of two times as 154.27999997138977. */
static void
append_seconds (GString *out,
                double   seconds)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;

  g_ascii_formatd (buf, sizeof buf, "%.3f", seconds);
  end = buf + strlen (buf);
  while (end > buf && end[-1] == '0')
    *--end = '\0';
  if (end > buf && end[-1] == '.')
    *--end = '\0';
  if (g_str_equal (buf, "-0"))
    g_string_append_c (out, '0');
  else
    g_string_append (out, buf);
}

/* One CSV row, fields borrowed from a record or from a task snapshot. */
typedef struct
{
  const char *id;
  const char *state;
  const char *prompt;
  const char *video_id;
  const char *video_url;
  const char *thumbnail_url;
  const char *error_code;
  const char *error_message;
  const char *trace_id;
  guint       video_width;     /* 0: absent */
  guint       video_height;
  double      created_at;      /* negative: absent */
  double      finished_at;
  double      elapsed;
} CsvRow;

static void
append_csv_field (GString    *out,
                  const char *value)
{
  const char *quote;
  const char *run;

  if (value == NULL || *value == '\0')
    return;

  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }

  g_string_append_c (out, '"');
  for (run = value; (quote = strchr (run, '"')) != NULL; run = quote + 1)
    {
      g_string_append_len (out, run, quote - run + 1);
      g_string_append_c (out, '"');
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

static void
append_csv_uint (GString *out,
                 guint    value)
{
  if (value > 0)
    g_string_append_printf (out, "%u", value);
}

static void
append_csv_time (GString *out,
                 double   value)
{
  char buf[32];

  if (format_time (value, buf))
    g_string_append_len (out, buf, 24);
}

static void
append_csv_row (GString      *out,
                const CsvRow *row)
{
  append_csv_field (out, row->id);
  g_string_append_c (out, ',');
  append_csv_field (out, row->state);
  g_string_append_c (out, ',');
  append_csv_field (out, row->prompt);
  g_string_append_c (out, ',');
  append_csv_field (out, row->video_id);
  g_string_append_c (out, ',');
  append_csv_field (out, row->video_url);
  g_string_append_c (out, ',');
  append_csv_field (out, row->thumbnail_url);
  g_string_append_c (out, ',');
  append_csv_uint (out, row->video_width);
  g_string_append_c (out, ',');
  append_csv_uint (out, row->video_height);
  g_string_append_c (out, ',');
  append_csv_time (out, row->created_at);
  g_string_append_c (out, ',');
  append_csv_time (out, row->finished_at);
  g_string_append_c (out, ',');
  if (row->elapsed >= 0)
    append_seconds (out, row->elapsed);
  g_string_append_c (out, ',');
  append_csv_field (out, row->error_code);
  g_string_append_c (out, ',');
  append_csv_field (out, row->error_message);
  g_string_append_c (out, ',');
  append_csv_field (out, row->trace_id);
  g_string_append (out, "\r\n");
}

static double
read_time (JsonObject *object,
           const char *member)
{
  double value;

  if (!_luma_json_get_number (object, member, &value) || value < 0)
    return -1;

  return value;
}

/* elapsed if given, else finished_at - created_at, else absent: the same
 * rule as luma_task_get_elapsed(). */
static double
derive_elapsed (double elapsed,
                double created_at,
                double finished_at)
{
  if (elapsed >= 0)
    return elapsed;
  if (created_at >= 0 && finished_at >= created_at)
    return finished_at - created_at;
  return -1;
}

static void
csv_row_from_record (CsvRow     *row,
                     JsonObject *record)
{
  JsonObject *request = _luma_json_get_object (record, "request");
  JsonObject *response = _luma_json_get_object (record, "response");
  JsonObject *error_obj = _luma_json_get_object (response, "error");
  const char *reason;

  row->id = _luma_json_get_string (record, "id");
  _luma_task_state_derive_borrowed (record, &row->state, &reason);
  row->prompt = _luma_json_get_string (request, "prompt");
  if (row->prompt == NULL)
    row->prompt = _luma_json_get_string (response, "prompt");
  row->video_id = _luma_json_get_string (response, "video_id");
  row->video_url = _luma_json_get_string (response, "video_url");
  row->thumbnail_url = _luma_json_get_string (response, "thumbnail_url");
  row->video_width = _luma_json_get_uint (response, "video_width");
  row->video_height = _luma_json_get_uint (response, "video_height");
  row->created_at = read_time (record, "created_at");
  row->finished_at = read_time (record, "finished_at");
  row->elapsed = derive_elapsed (read_time (record, "elapsed"), row->created_at, row->finished_at);
  row->error_code = _luma_json_get_string (error_obj, "code");
  row->error_message = _luma_json_get_string (error_obj, "message");
  row->trace_id = _luma_json_get_string (record, "trace_id");
}

static void
append_json_items_start (GString *out)
{
  g_string_append (out, "{\n  \"items\": [");
}

static void
append_json_items_end (GString *out,
                       guint    count)
{
  if (count > 0)
    g_string_append (out, "\n  ");
  g_string_append_printf (out, "],\n  \"count\": %u\n}\n", count);
}

static void
append_json_item (GString    *out,
                  JsonObject *record,
                  guint       index)
{
  if (index > 0)
    g_string_append_c (out, ',');
  g_string_append (out, "\n    ");
  _luma_json_append_object (out, record, 2);
}

GBytes *
luma_export_records_to_bytes (GPtrArray        *records,
                              LumaExportFormat  format)
{
  GString *out;
  guint count = 0;

  g_return_val_if_fail (records != NULL, NULL);

  out = g_string_sized_new (records->len * 1024 + 256);

  switch (format)
    {
    case LUMA_EXPORT_JSON:
      append_json_items_start (out);
      for (guint i = 0; i < records->len; i++)
        {
          JsonObject *record = g_ptr_array_index (records, i);

          if (record != NULL)
            append_json_item (out, record, count++);
        }
      append_json_items_end (out, count);
      break;

    case LUMA_EXPORT_JSONL:
      for (guint i = 0; i < records->len; i++)
        {
          JsonObject *record = g_ptr_array_index (records, i);

          if (record == NULL)
            continue;
          _luma_json_append_object (out, record, -1);
          g_string_append_c (out, '\n');
        }
      break;

    case LUMA_EXPORT_CSV:
      g_string_append (out, LUMA_EXPORT_CSV_HEADER "\r\n");
      for (guint i = 0; i < records->len; i++)
        {
          JsonObject *record = g_ptr_array_index (records, i);
          CsvRow row;

          if (record == NULL)
            continue;
          csv_row_from_record (&row, record);
          append_csv_row (out, &row);
        }
      break;

    default:
      g_string_free (out, TRUE);
      g_return_val_if_reached (NULL);
    }

  return g_string_free_to_bytes (out);
}

static gint use_unnamed_temporaries = TRUE;

void
luma_export_set_unnamed_temporaries (gboolean enabled)
{
  g_atomic_int_set (&use_unnamed_temporaries, enabled ? TRUE : FALSE);
}

static void
set_write_error (GError     **error,
                 const char  *path,
                 int          saved_errno)
{
  g_autofree char *name = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not write “%s”: %s"), name, g_strerror (saved_errno));
}

/* In slices, so a cancelled export of a large file stops soon. */
static gboolean
write_all (int            fd,
           const char    *path,
           const char    *data,
           gsize          size,
           GCancellable  *cancellable,
           GError       **error)
{
  while (size > 0)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      n = write (fd, data, MIN (size, WRITE_SLICE));
      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          set_write_error (error, path, saved_errno);
          return FALSE;
        }
      data += n;
      size -= (gsize) n;
    }

  return TRUE;
}

/* Writes @data to @fd; the old file's data is at stake when @replacing,
 * so the new data reach the disk before they take its name (as
 * G_FILE_SET_CONTENTS_CONSISTENT does). Closes @fd. */
static gboolean
write_and_close (int            fd,
                 const char    *path,
                 const char    *data,
                 gsize          size,
                 gboolean       replacing,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gboolean ok;

  ok = write_all (fd, path, data, size, cancellable, error);
  if (ok && replacing && fsync (fd) != 0)
    {
      set_write_error (error, path, errno);
      ok = FALSE;
    }
  if (close (fd) != 0 && ok)
    {
      set_write_error (error, path, errno);
      ok = FALSE;
    }

  return ok;
}

static char *
temporary_template (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);

  return g_build_filename (dir, name, NULL);
}

/* Renames the finished @temp_path over @path; on failure removes it. */
static gboolean
rename_into_place (const char  *temp_path,
                   const char  *path,
                   GError     **error)
{
  int saved_errno;

  if (rename (temp_path, path) == 0)
    return TRUE;

  saved_errno = errno;
  g_unlink (temp_path);
  set_write_error (error, path, saved_errno);

  return FALSE;
}

/* Gives the unnamed file @fd the name @path, replacing what is there: a
 * new name is linked straight into place; an existing one is replaced by
 * a rename from a hidden name, which exists only between two system
 * calls. */
static gboolean
link_into_place (int            fd,
                 const char    *path,
                 GError       **error)
{
  g_autofree char *proc_path = g_strdup_printf ("/proc/self/fd/%d", fd);

  if (linkat (AT_FDCWD, proc_path, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
    return TRUE;
  if (errno != EEXIST)
    {
      set_write_error (error, path, errno);
      return FALSE;
    }

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *temp_path = temporary_template (path);
      char *x = temp_path + strlen (temp_path) - 6;
      static const char letters[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

      for (guint i = 0; i < 6; i++)
        x[i] = letters[g_random_int_range (0, sizeof letters - 1)];

      if (linkat (AT_FDCWD, proc_path, AT_FDCWD, temp_path, AT_SYMLINK_FOLLOW) != 0)
        {
          if (errno == EEXIST)
            continue;
          set_write_error (error, path, errno);
          return FALSE;
        }

      return rename_into_place (temp_path, path, error);
    }

  set_write_error (error, path, EEXIST);
  return FALSE;
}

/* An unnamed file in the target's folder (O_TMPFILE), named only once it
 * is whole: whenever the process dies, even by SIGKILL, the folder holds
 * the old file or the new one, never half of one and no leftover. -1 with
 * errno EOPNOTSUPP when the kernel or the file system cannot. */
static int
open_unnamed (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (!g_atomic_int_get (&use_unnamed_temporaries))
    {
      errno = EOPNOTSUPP;
      return -1;
    }

  fd = open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  /* Kernels before 3.11 answer EISDIR (or EINVAL) for an O_TMPFILE they
   * do not know; file systems without it EOPNOTSUPP. */
  if (fd < 0 && (errno == EISDIR || errno == EINVAL))
    errno = EOPNOTSUPP;

  return fd;
}

/* Without O_TMPFILE: a hidden, uniquely named file next to the target,
 * renamed into place, and removed on any failure. */
static gboolean
write_named (const char    *path,
             const char    *data,
             gsize          size,
             gboolean       replacing,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *temp_path = temporary_template (path);
  int fd;

  fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      set_write_error (error, path, errno);
      return FALSE;
    }

  if (!write_and_close (fd, path, data, size, replacing, cancellable, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }

  return rename_into_place (temp_path, path, error);
}

/* The new file is written beside the old one and takes its name in one
 * rename (or link), so the folder never shows half a file. */
static gboolean
write_atomically (GFile         *file,
                  GBytes        *bytes,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GError) link_error = NULL;
  GStatBuf st;
  const char *path;
  gboolean replacing;
  gboolean ok;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  int fd;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  path = g_file_peek_path (file);
  if (path == NULL)
    {
      /* Not a local file: GIO's replace writes aside and renames too. */
      return g_file_replace_contents (file, data, size, NULL, FALSE,
                                      G_FILE_CREATE_NONE, NULL, cancellable, error);
    }

  replacing = g_lstat (path, &st) == 0;

  fd = open_unnamed (path);
  if (fd < 0 && errno == EOPNOTSUPP)
    return write_named (path, data, size, replacing, cancellable, error);
  if (fd < 0)
    {
      set_write_error (error, path, errno);
      return FALSE;
    }

  /* Closing the unnamed file before it is linked drops it: a failed or
   * cancelled write leaves nothing behind. */
  ok = write_all (fd, path, data, size, cancellable, error);
  if (ok && replacing && fsync (fd) != 0)
    {
      set_write_error (error, path, errno);
      ok = FALSE;
    }
  if (ok)
    {
      ok = link_into_place (fd, path, &link_error);
      /* Linking goes through /proc: without it mounted, write a named file. */
      if (!ok && g_error_matches (link_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
          !g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR))
        {
          close (fd);
          return write_named (path, data, size, replacing, cancellable, error);
        }
      if (!ok)
        g_propagate_error (error, g_steal_pointer (&link_error));
    }
  if (close (fd) != 0 && ok)
    {
      set_write_error (error, path, errno);
      ok = FALSE;
    }

  return ok;
}

gboolean
luma_export_records_to_file (GPtrArray         *records,
                             LumaExportFormat   format,
                             GFile             *file,
                             GCancellable      *cancellable,
                             GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (records != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = luma_export_records_to_bytes (records, format);
  if (bytes == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The export format is not known."));
      return FALSE;
    }

  return write_atomically (file, bytes, cancellable, error);
}

/* What the worker thread needs of one task, taken on the calling thread
 * (LumaTask is not thread-safe) without copying: the task's strings are
 * GRefStrings, so this only takes references. */
typedef struct
{
  char       *id;
  const char *state_word;       /* interned */
  char       *record_json;
  char       *prompt;
  char       *video_id;
  char       *video_url;
  char       *thumbnail_url;
  char       *trace_id;
  guint       video_width;
  guint       video_height;
  double      created_at;
  double      finished_at;
  double      elapsed;
} TaskSnapshot;

typedef struct
{
  TaskSnapshot          *tasks;
  guint                  n_tasks;
  LumaExportFormat       format;
  GFile                 *file;
  LumaExportProgressFunc progress;
  gpointer               progress_data;
} ExportData;

static char *
acquire (const char *ref_string)
{
  return ref_string != NULL ? g_ref_string_acquire ((char *) ref_string) : NULL;
}

static void
release (char *ref_string)
{
  if (ref_string != NULL)
    g_ref_string_release (ref_string);
}

static void
export_data_free (ExportData *data)
{
  for (guint i = 0; i < data->n_tasks; i++)
    {
      TaskSnapshot *snap = &data->tasks[i];

      release (snap->id);
      release (snap->record_json);
      release (snap->prompt);
      release (snap->video_id);
      release (snap->video_url);
      release (snap->thumbnail_url);
      release (snap->trace_id);
    }
  g_free (data->tasks);
  g_clear_object (&data->file);
  g_free (data);
}

static void
snapshot_task (TaskSnapshot     *snap,
               LumaTask         *task,
               LumaExportFormat  format)
{
  snap->id = acquire (luma_task_get_id (task));
  snap->state_word = luma_task_get_state_word (task);
  snap->record_json = acquire (luma_task_get_record_json (task));

  if (format != LUMA_EXPORT_CSV)
    return;

  snap->prompt = acquire (luma_task_get_prompt (task));
  snap->video_id = acquire (luma_task_get_video_id (task));
  snap->video_url = acquire (luma_task_get_video_url (task));
  snap->thumbnail_url = acquire (luma_task_get_thumbnail_url (task));
  snap->trace_id = acquire (luma_task_get_trace_id (task));
  snap->video_width = luma_task_get_video_width (task);
  snap->video_height = luma_task_get_video_height (task);
  snap->created_at = luma_task_get_created_at (task);
  snap->finished_at = luma_task_get_finished_at (task);
  snap->elapsed = luma_task_get_elapsed (task);
}

static JsonObject *
parse_record (JsonParser *parser,
              const char *record_json)
{
  JsonNode *root;

  if (record_json == NULL || !json_parser_load_from_data (parser, record_json, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || JSON_NODE_TYPE (root) != JSON_NODE_OBJECT)
    return NULL;

  return json_node_get_object (root);
}

typedef struct
{
  GTask *task;
  guint  done;
  guint  total;
} ProgressReport;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;
  ExportData *data = g_task_get_task_data (report->task);

  /* Nothing after the export's callback ran: its data may be gone. */
  if (!g_task_get_completed (report->task))
    data->progress (report->done, report->total, data->progress_data);

  return G_SOURCE_REMOVE;
}

static void
progress_report_free (gpointer user_data)
{
  ProgressReport *report = user_data;

  g_object_unref (report->task);
  g_free (report);
}

static void
report_progress (GTask *task,
                 guint  done,
                 guint  total)
{
  ExportData *data = g_task_get_task_data (task);
  ProgressReport *report;
  GSource *source;

  if (data->progress == NULL)
    return;

  report = g_new (ProgressReport, 1);
  report->task = g_object_ref (task);
  report->done = done;
  report->total = total;

  /* Always a source on the caller's context, never g_main_context_invoke():
   * when nobody iterates that context, invoke() would run the callback
   * right here, on the writer's thread. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, report_progress_cb, report, progress_report_free);
  g_source_set_static_name (source, "[luma-export] progress");
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

static void
append_id_only (GString    *out,
                const char *id,
                int         indent)
{
  g_string_append (out, indent >= 0 ? "{\n      \"id\": " : "{\"id\":");
  _luma_json_append_string (out, id);
  g_string_append (out, indent >= 0 ? "\n    }" : "}");
}

static void
export_tasks_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint step = MAX (1, data->n_tasks / PROGRESS_STEPS);
  GString *out;

  out = g_string_sized_new ((gsize) data->n_tasks * 768 + 256);

  if (data->format == LUMA_EXPORT_JSON)
    append_json_items_start (out);
  else if (data->format == LUMA_EXPORT_CSV)
    g_string_append (out, LUMA_EXPORT_CSV_HEADER "\r\n");

  for (guint i = 0; i < data->n_tasks; i++)
    {
      TaskSnapshot *snap = &data->tasks[i];

      if (i % CANCEL_CHECK_ROWS == 0 && g_cancellable_is_cancelled (cancellable))
        {
          g_string_free (out, TRUE);
          g_task_return_error_if_cancelled (task);
          return;
        }

      if (data->format == LUMA_EXPORT_JSON)
        {
          /* The record text is re-indented, not parsed: exact and fast. */
          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append (out, "\n    ");
          if (snap->record_json != NULL)
            _luma_json_append_pretty_text (out, snap->record_json, 2);
          else
            append_id_only (out, snap->id, 2);
        }
      else if (data->format == LUMA_EXPORT_JSONL)
        {
          /* The task keeps its record compact already. */
          if (snap->record_json != NULL)
            g_string_append (out, snap->record_json);
          else
            append_id_only (out, snap->id, -1);
          g_string_append_c (out, '\n');
        }
      else
        {
          CsvRow row = {
            .id = snap->id,
            .state = snap->state_word,
            .prompt = snap->prompt,
            .video_id = snap->video_id,
            .video_url = snap->video_url,
            .thumbnail_url = snap->thumbnail_url,
            .trace_id = snap->trace_id,
            .video_width = snap->video_width,
            .video_height = snap->video_height,
            .created_at = snap->created_at,
            .finished_at = snap->finished_at,
            .elapsed = snap->elapsed,
          };
          JsonObject *record = NULL;

          /* Only a record that names an error is worth parsing here. */
          if (snap->record_json != NULL && strstr (snap->record_json, "\"error\"") != NULL)
            record = parse_record (parser, snap->record_json);
          if (record != NULL)
            {
              JsonObject *error_obj =
                _luma_json_get_object (_luma_json_get_object (record, "response"), "error");

              row.error_code = _luma_json_get_string (error_obj, "code");
              row.error_message = _luma_json_get_string (error_obj, "message");
            }
          append_csv_row (out, &row);
        }

      if ((i + 1) % step == 0 || i + 1 == data->n_tasks)
        report_progress (task, i + 1, data->n_tasks);
    }

  if (data->format == LUMA_EXPORT_JSON)
    append_json_items_end (out, data->n_tasks);

  bytes = g_string_free_to_bytes (out);
  if (!write_atomically (data->file, bytes, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
luma_export_tasks_with_progress_async (GPtrArray              *tasks,
                                       LumaExportFormat        format,
                                       GFile                  *file,
                                       LumaExportProgressFunc  progress,
                                       gpointer                progress_data,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (tasks != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_export_tasks_async);
  g_task_set_name (task, "luma-export-tasks");

  if (luma_export_format_to_string (format) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The export format is not known."));
      return;
    }

  data = g_new0 (ExportData, 1);
  data->format = format;
  data->file = g_object_ref (file);
  data->progress = progress;
  data->progress_data = progress_data;
  data->tasks = g_new0 (TaskSnapshot, tasks->len);
  for (guint i = 0; i < tasks->len; i++)
    {
      LumaTask *item = g_ptr_array_index (tasks, i);

      if (!LUMA_IS_TASK (item))
        continue;
      snapshot_task (&data->tasks[data->n_tasks++], item, format);
    }
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);

  g_task_run_in_thread (task, export_tasks_thread);
}

void
luma_export_tasks_async (GPtrArray           *tasks,
                         LumaExportFormat     format,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  luma_export_tasks_with_progress_async (tasks, format, file, NULL, NULL,
                                         cancellable, callback, user_data);
}

gboolean
luma_export_tasks_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == luma_export_tasks_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
