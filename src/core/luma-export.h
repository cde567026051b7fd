/* luma-export.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "luma-task.h"

G_BEGIN_DECLS

typedef enum
{
  LUMA_EXPORT_JSON,
  LUMA_EXPORT_JSONL,
  LUMA_EXPORT_CSV,
} LumaExportFormat;

#define LUMA_EXPORT_CSV_HEADER \
  "id,state,prompt,video_id,video_url,thumbnail_url,video_width,video_height," \
  "created_at,finished_at,elapsed_seconds,error_code,error_message,trace_id"

gboolean  luma_export_format_from_string (const char        *name,
                                          LumaExportFormat  *format);
const char *luma_export_format_to_string (LumaExportFormat   format);

/* DESIGN §6 writers over records (JsonObject*), in the given order; NULL
 * items are skipped. json: {"items": […], "count": N}, pretty-printed with
 * two spaces, a final newline; jsonl: one compact record a line, "\n";
 * csv: LUMA_EXPORT_CSV_HEADER then one row a record, CRLF. Records are
 * written member for member in their order; numbers in their shortest
 * exact form (1725077411.961). CSV: sizes are positive whole numbers else
 * empty; elapsed_seconds has at most 3 decimals, trailing zeros dropped
 * (154.28). */
GBytes   *luma_export_records_to_bytes   (GPtrArray         *records,
                                          LumaExportFormat   format);
/* Writes atomically: the new file is written unnamed (O_TMPFILE) in the
 * same folder and linked or renamed into place once whole, so a killed
 * process leaves the old file or the new one and nothing else. Where
 * O_TMPFILE is not supported, a hidden ".NAME.XXXXXX" beside the target
 * is written and renamed instead (removed on failure, though a killed
 * process leaves it). A failed or cancelled write leaves the old file as
 * it was. */
gboolean  luma_export_records_to_file    (GPtrArray         *records,
                                          LumaExportFormat   format,
                                          GFile             *file,
                                          GCancellable      *cancellable,
                                          GError           **error);
/* Same, off the calling thread; @tasks is an array of LumaTask*. Tasks with
 * no record yet are exported as {"id": …} (json, jsonl) or a row with the
 * ID and state word (csv: "loading", "not_found"). The csv state column is
 * the task's state word. Errors: G_IO_ERROR (CANCELLED, NOT_FOUND for a
 * missing folder, …); a failed write leaves no file behind. */
void      luma_export_tasks_async        (GPtrArray         *tasks,
                                          LumaExportFormat   format,
                                          GFile             *file,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
gboolean  luma_export_tasks_finish       (GAsyncResult      *result,
                                          GError           **error);

/* Called on the thread that started the export (its thread-default main
 * context), about a hundred times over a large export and once with
 * @n_done == @n_total, never after the export's callback: @progress_data
 * must stay valid until then. */
typedef void (*LumaExportProgressFunc) (guint    n_done,
                                        guint    n_total,
                                        gpointer user_data);

/* luma_export_tasks_async() with progress; finish with
 * luma_export_tasks_finish(). What the export needs of the tasks is taken
 * before this returns (references to their GRefStrings: no copying, a few
 * ms for 100,000 tasks), so they may change meanwhile. */
void      luma_export_tasks_with_progress_async (GPtrArray              *tasks,
                                                 LumaExportFormat        format,
                                                 GFile                  *file,
                                                 LumaExportProgressFunc  progress,
                                                 gpointer                progress_data,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data);

/* Tests: FALSE makes local writes use the hidden named file even where
 * O_TMPFILE works (TRUE by default). */
void      luma_export_set_unnamed_temporaries (gboolean       enabled);

/* "2024-08-31T04:10:11.961Z", rounded to the nearest millisecond; NULL
 * for a negative or non-finite time or one past the year 9999. */
char     *luma_export_format_time        (double             unix_seconds);

G_END_DECLS
