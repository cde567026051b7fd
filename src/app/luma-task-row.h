/* luma-task-row.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "luma-task.h"

G_BEGIN_DECLS

#define LUMA_TYPE_TASK_ROW (luma_task_row_get_type ())

G_DECLARE_FINAL_TYPE (LumaTaskRow, luma_task_row, LUMA, TASK_ROW, GtkBox)

GtkWidget *luma_task_row_new                 (void);
LumaTask  *luma_task_row_get_task            (LumaTaskRow *self);
void       luma_task_row_set_task            (LumaTaskRow *self,
                                              LumaTask    *task);
/* Refreshes the relative time against @now_us (wall-clock microseconds):
 * the window calls it for the bound rows from one timer. */
void       luma_task_row_update_time         (LumaTaskRow *self,
                                              gint64       now_us);
/* The slot the thumbnail goes into (a GtkStack holding a placeholder). */
GtkStack  *luma_task_row_get_thumbnail_slot  (LumaTaskRow *self);
const char *luma_task_row_get_title          (LumaTaskRow *self);
const char *luma_task_row_get_state_label    (LumaTaskRow *self);
const char *luma_task_row_get_detail         (LumaTaskRow *self);
const char *luma_task_row_get_time           (LumaTaskRow *self);

G_END_DECLS
