/* luma-task-list.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "luma-task.h"

G_BEGIN_DECLS

#define LUMA_TYPE_TASK_LIST (luma_task_list_get_type ())

G_DECLARE_FINAL_TYPE (LumaTaskList, luma_task_list, LUMA, TASK_LIST, GObject)

/* A GListModel of LumaTask in the order the user added them, indexed by ID.
 * Properties "n-items", "n-loading", "n-unfinished" (pending, processing and
 * unknown words), "n-completed", "n-failed" and "n-not-found" follow the
 * tasks, each notified only when its value changes. Every bulk operation
 * emits items-changed once (remove_tasks: once per contiguous run, or once
 * over the whole span when the runs are many). */

/* One task taken out of the list, and where it was: its position before
 * the removal. */
typedef struct
{
  guint     position;
  LumaTask *task;      /* a reference */
} LumaTaskListRemoval;

LumaTaskList *luma_task_list_new                (void);
LumaTask     *luma_task_list_lookup             (LumaTaskList       *self,
                                                 const char         *id);
/* Appends a new LOADING task for each ID not yet in the list, in one
 * items-changed. Returns the tasks added (transfer container). */
GPtrArray    *luma_task_list_add_ids            (LumaTaskList       *self,
                                                 const char * const *ids,
                                                 guint               n_ids);
/* Appends tasks (already built, e.g. loaded from the store), skipping IDs
 * already present, in one items-changed. */
void          luma_task_list_append_tasks       (LumaTaskList       *self,
                                                 LumaTask * const   *tasks,
                                                 guint               n_tasks);
/* The same at @position (clamped to the end). */
void          luma_task_list_insert_tasks       (LumaTaskList       *self,
                                                 guint               position,
                                                 LumaTask * const   *tasks,
                                                 guint               n_tasks);
void          luma_task_list_insert             (LumaTaskList       *self,
                                                 guint               position,
                                                 LumaTask           *task);
gboolean      luma_task_list_remove             (LumaTaskList       *self,
                                                 const char         *id);
void          luma_task_list_remove_all         (LumaTaskList       *self);
gboolean      luma_task_list_find               (LumaTaskList       *self,
                                                 LumaTask           *task,
                                                 guint              *position);
/* Removes the tasks of @tasks that are in the list (others are skipped) —
 * the multi-selection removal. Returns what it removed, in ascending order
 * of position, as a GArray of LumaTaskListRemoval (transfer full: the array
 * unrefs its tasks when freed): keep it to undo with
 * luma_task_list_restore(). */
GArray       *luma_task_list_remove_tasks       (LumaTaskList       *self,
                                                 GPtrArray          *tasks);
/* Undo of luma_task_list_remove_tasks(): puts every task back at its old
 * position (clamped to the end), in one items-changed. A task whose ID was
 * added again meanwhile is skipped. @removals is not modified. */
void          luma_task_list_restore            (LumaTaskList       *self,
                                                 GArray             *removals);
/* Updates the tasks the records name; records of unknown IDs are ignored.
 * Returns the tasks that changed (transfer container). */
GPtrArray    *luma_task_list_apply_records      (LumaTaskList       *self,
                                                 GPtrArray          *records);
/* luma_task_list_apply_records() in slices of a few milliseconds, one per
 * main-loop iteration at G_PRIORITY_DEFAULT_IDLE, so that a large answer
 * never stalls the loop. Tasks notify as with the synchronous call; the
 * list's counters are notified once, at the end. @records must not change
 * until it finishes. Returns the tasks that changed (transfer full: the
 * array holds a reference to each), or NULL with G_IO_ERROR_CANCELLED —
 * the records applied by then stay applied. */
void          luma_task_list_apply_records_async  (LumaTaskList        *self,
                                                   GPtrArray           *records,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GPtrArray    *luma_task_list_apply_records_finish (LumaTaskList        *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* IDs of pending, processing and unknown-word tasks (transfer full,
 * NULL-terminated). */
char        **luma_task_list_dup_unfinished_ids (LumaTaskList       *self);

G_END_DECLS
