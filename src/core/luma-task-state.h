/* luma-task-state.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define LUMA_TYPE_TASK_STATE (luma_task_state_get_type ())

typedef enum
{
  LUMA_TASK_STATE_LOADING,     /* added, no answer from the service yet */
  LUMA_TASK_STATE_NOT_FOUND,   /* the service answered {} / left it out of a batch */
  LUMA_TASK_STATE_PENDING,
  LUMA_TASK_STATE_PROCESSING,
  LUMA_TASK_STATE_COMPLETED,
  LUMA_TASK_STATE_FAILED,
  LUMA_TASK_STATE_OTHER,       /* a state word the app does not know, shown as it is */
} LumaTaskState;

GType         luma_task_state_get_type       (void) G_GNUC_CONST;

/* DESIGN §2, in one place. @state_word receives the word to show ("completed",
 * or the unknown word as the service wrote it); @reason the failure reason of
 * a failed task (error.message, else error.code, else "unknown"), NULL
 * otherwise. Both may be NULL. @record may be NULL (→ pending). Members of
 * the wrong type count as absent: a `response` that is not an object is
 * pending (rule 1), a `state` that is not a non-empty string falls through
 * to rules 4 and 5, and `success` must be a boolean. */
LumaTaskState luma_task_state_derive         (JsonObject    *record,
                                              char         **state_word,
                                              char         **reason);
/* Pending, processing and unknown words: the ones that are polled. */
gboolean      luma_task_state_is_unfinished  (LumaTaskState  state);
/* "loading", "not_found", "pending", "processing", "completed", "failed",
 * or NULL for LUMA_TASK_STATE_OTHER (use the word instead). */
const char   *luma_task_state_to_string      (LumaTaskState  state);

G_END_DECLS
