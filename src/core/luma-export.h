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

/* DESIGN §6 writers over records (JsonObject*), in the given order. */
GBytes   *luma_export_records_to_bytes   (GPtrArray         *records,
                                          LumaExportFormat   format);
/* Writes atomically (temporary file in the same folder, then rename). */
gboolean  luma_export_records_to_file    (GPtrArray         *records,
                                          LumaExportFormat   format,
                                          GFile             *file,
                                          GCancellable      *cancellable,
                                          GError           **error);
/* Same, off the calling thread; @tasks is an array of LumaTask*. Tasks with
 * no record yet are exported as {"id": …}. */
void      luma_export_tasks_async        (GPtrArray         *tasks,
                                          LumaExportFormat   format,
                                          GFile             *file,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
gboolean  luma_export_tasks_finish       (GAsyncResult      *result,
                                          GError           **error);

/* "2024-08-31T04:10:11.961Z"; NULL for a negative time. */
char     *luma_export_format_time        (double             unix_seconds);

G_END_DECLS
