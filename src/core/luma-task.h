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
 * means absent. Sizes of 0 mean absent. */

LumaTask      *luma_task_new                  (const char   *id);
/* NULL when the record has no usable "id". */
LumaTask      *luma_task_new_from_record      (JsonObject   *record);
/* Takes the record as the service last returned it; notifies only the
 * properties whose value changed. Returns TRUE if anything changed. */
gboolean       luma_task_update_from_record   (LumaTask     *self,
                                               JsonObject   *record);
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
