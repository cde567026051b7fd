/* luma-task-private.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "luma-task.h"

G_BEGIN_DECLS

/* A record read once, anywhere (the client's parse thread): its compact
 * JSON text and every field a task shows, immutable and reference-counted
 * (atomically), so that applying it on the main thread is only a few
 * comparisons. */
typedef struct _LumaPreparedRecord LumaPreparedRecord;

/* NULL when @record has no usable "id". @json (of @json_len bytes, or
 * NUL-terminated when -1) is @record's own text, kept as given unless it
 * spans lines; NULL serializes @record instead. */
LumaPreparedRecord *_luma_prepared_record_new      (JsonObject          *record,
                                                    const char          *json,
                                                    gssize               json_len);
LumaPreparedRecord *_luma_prepared_record_ref      (LumaPreparedRecord  *prepared);
void                _luma_prepared_record_unref    (LumaPreparedRecord  *prepared);
const char         *_luma_prepared_record_get_id   (LumaPreparedRecord  *prepared);
/* A GRefString. */
const char         *_luma_prepared_record_get_json (LumaPreparedRecord  *prepared);
/* The object it was made from, for identity checks only (not a reference). */
gconstpointer       _luma_prepared_record_get_source (LumaPreparedRecord *prepared);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LumaPreparedRecord, _luma_prepared_record_unref)

/* luma_task_new_from_record() and luma_task_update_from_record() for a
 * prepared record: the same results and notifications. */
LumaTask           *_luma_task_new_from_prepared    (LumaPreparedRecord *prepared);
gboolean            _luma_task_update_from_prepared (LumaTask           *self,
                                                     LumaPreparedRecord *prepared);

/* The fields a task shows, packed for the store beside its record (so
 * that loading the history needs no JSON parse), appended to @out;
 * FALSE, and nothing appended, without a record. */
gboolean            _luma_task_append_fields        (LumaTask           *self,
                                                     GByteArray         *out);
/* A task from a stored row and its packed fields; NULL when @fields is
 * not a packing this build reads (then parse @record_json instead). */
LumaTask           *_luma_task_new_from_stored      (const char         *id,
                                                     gint64              added_at,
                                                     const char         *record_json,
                                                     gsize               record_len,
                                                     gboolean            not_found,
                                                     const guint8       *fields,
                                                     gsize               fields_len);

/* What a list holding 100,000 tasks needs to keep its counts: told after
 * a task's state changed (after its notifications), without the cost of
 * a signal connection per task. The watch is the caller's memory, on the
 * task until removed; a task must have none left when finalized. */
typedef struct _LumaTaskWatch LumaTaskWatch;
struct _LumaTaskWatch
{
  void          (*state_changed) (LumaTask *task,
                                  gpointer  data);
  gpointer        data;
  LumaTaskWatch  *next;
};

void                _luma_task_add_watch            (LumaTask           *self,
                                                     LumaTaskWatch      *watch);
void                _luma_task_remove_watch         (LumaTask           *self,
                                                     LumaTaskWatch      *watch);

G_END_DECLS
