/* luma-task.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "luma-task-state.h"

G_BEGIN_DECLS

#define LUMA_TYPE_TASK (luma_task_get_type ())

G_DECLARE_FINAL_TYPE (LumaTask, luma_task, LUMA, TASK, GObject)

/* Times are float Unix seconds as the service writes them; a negative value
 * means absent. Sizes of 0 mean absent.
 *
 * The strings returned by get_id, get_record_json, get_prompt,
 * get_failure_reason, get_video_id, get_video_url, get_thumbnail_url and
 * get_trace_id are GRefStrings: g_ref_string_acquire() one to keep it past
 * the task's next update, or to hand it to another thread, without a copy.
 * State words, action and aspect ratio are interned (g_intern_string).
 *
 * Every getter has a read-only property, notified only on change: "id",
 * "state" (LumaTaskState), "state-word", "failure-reason", "unfinished",
 * "prompt", "action", "aspect-ratio", "video-id", "video-url",
 * "video-width", "video-height", "thumbnail-url", "thumbnail-width",
 * "thumbnail-height", "trace-id", "created-at", "started-at",
 * "finished-at", "elapsed", "added-at" (writable), "record-json",
 * "fetch-error" (a boxed GError) and "fetch-error-message". */

LumaTask      *luma_task_new                  (const char   *id);
/* NULL when the record has no usable "id". */
LumaTask      *luma_task_new_from_record      (JsonObject   *record);
/* The store's fast load path: @record_json (may be NULL) as returned by
 * luma_task_get_record_json(), parsed once and kept as given (made compact
 * if it spans lines); a record that does not parse or names another ID is
 * ignored. @not_found marks a task
 * the service did not know (fields of the record are kept, see
 * luma_task_set_not_found()). Sends no notifications. */
LumaTask      *luma_task_new_from_json        (const char   *id,
                                               gint64        added_at,
                                               const char   *record_json,
                                               gboolean      not_found);
/* Takes the record as the service last returned it; notifies only the
 * properties whose value changed. Returns TRUE if anything changed. A
 * record whose "id" is missing or names another task is refused (FALSE,
 * nothing changes). Members that are missing, null or of the wrong type
 * leave their field absent; unknown members stay in the record JSON. */
gboolean       luma_task_update_from_record   (LumaTask     *self,
                                               JsonObject   *record);
/* State NOT_FOUND; the fields and record the task had are kept. */
void           luma_task_set_not_found        (LumaTask     *self);
/* The last error met while fetching this task (NULL clears it). It never
 * changes the state: a task that fails to refresh keeps what it had. */
void           luma_task_set_fetch_error      (LumaTask     *self,
                                               const GError *error);
const GError  *luma_task_get_fetch_error      (LumaTask     *self);

const char    *luma_task_get_id               (LumaTask     *self);
LumaTaskState  luma_task_get_state            (LumaTask     *self);
const char    *luma_task_get_state_word       (LumaTask     *self);
const char    *luma_task_get_failure_reason   (LumaTask     *self);
gboolean       luma_task_is_unfinished        (LumaTask     *self);
const char    *luma_task_get_prompt           (LumaTask     *self);
const char    *luma_task_get_action           (LumaTask     *self);
const char    *luma_task_get_aspect_ratio     (LumaTask     *self);
const char    *luma_task_get_video_id         (LumaTask     *self);
const char    *luma_task_get_video_url        (LumaTask     *self);
guint          luma_task_get_video_width      (LumaTask     *self);
guint          luma_task_get_video_height     (LumaTask     *self);
const char    *luma_task_get_thumbnail_url    (LumaTask     *self);
guint          luma_task_get_thumbnail_width  (LumaTask     *self);
guint          luma_task_get_thumbnail_height (LumaTask     *self);
const char    *luma_task_get_trace_id         (LumaTask     *self);
double         luma_task_get_created_at       (LumaTask     *self);
double         luma_task_get_started_at       (LumaTask     *self);
double         luma_task_get_finished_at      (LumaTask     *self);
/* elapsed if given, else finished_at - created_at, else negative. */
double         luma_task_get_elapsed          (LumaTask     *self);
/* Wall-clock microseconds when the user added the task. */
gint64         luma_task_get_added_at         (LumaTask     *self);
void           luma_task_set_added_at         (LumaTask     *self,
                                               gint64        added_at);

/* The record exactly as the service last returned it, unknown members
 * included: compact JSON (NULL before the first answer), or parsed anew. */
const char    *luma_task_get_record_json      (LumaTask     *self);
JsonObject    *luma_task_dup_record           (LumaTask     *self);

G_END_DECLS
