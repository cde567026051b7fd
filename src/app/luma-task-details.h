/* luma-task-details.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "luma-task.h"

G_BEGIN_DECLS

#define LUMA_TYPE_TASK_DETAILS (luma_task_details_get_type ())

G_DECLARE_FINAL_TYPE (LumaTaskDetails, luma_task_details, LUMA, TASK_DETAILS, GtkBox)

GtkWidget *luma_task_details_new              (void);
LumaTask  *luma_task_details_get_task         (LumaTaskDetails *self);
/* @n_selected says what to show without a task: "No Task Selected" or how
 * many tasks are selected. */
void       luma_task_details_set_task         (LumaTaskDetails *self,
                                               LumaTask        *task,
                                               guint            n_selected);
/* The box on top where the preview of the task goes. */
GtkBox    *luma_task_details_get_preview_slot (LumaTaskDetails *self);
/* The text a row shows and copies ("id", "state", "prompt", "video-url",
 * "record", …); NULL when the task has no such value. */
char      *luma_task_details_dup_field        (LumaTaskDetails *self,
                                               const char      *field);

G_END_DECLS
