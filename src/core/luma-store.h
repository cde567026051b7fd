/* luma-store.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "luma-task.h"

G_BEGIN_DECLS

#define LUMA_TYPE_STORE (luma_store_get_type ())

G_DECLARE_FINAL_TYPE (LumaStore, luma_store, LUMA, STORE, GObject)

/* The task history in SQLite (WAL, schema version with migrations). All
 * work runs on one worker thread owned by the store; the calls below queue
 * it and never block the caller on the disk. */

/* @path NULL: $XDG_DATA_HOME/luma-tasks/tasks.db. */
LumaStore *luma_store_new                (const char          *path);
const char *luma_store_get_path          (LumaStore           *self);

/* Opens (creating or migrating). A database that cannot be opened is moved
 * aside to "tasks.db.broken-<time>" and a fresh one started: the finish then
 * succeeds and @moved_aside receives the new path of the old file. */
void       luma_store_open_async         (LumaStore           *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean   luma_store_open_finish        (LumaStore           *self,
                                          GAsyncResult        *result,
                                          char               **moved_aside,
                                          GError             **error);

/* Every stored task, in the order the user added them (LumaTask*). */
void       luma_store_load_async         (LumaStore           *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GPtrArray *luma_store_load_finish        (LumaStore           *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* Inserts or updates these tasks (ID, added time, record) in one
 * transaction. */
void       luma_store_save_tasks_async   (LumaStore           *self,
                                          LumaTask * const    *tasks,
                                          guint                n_tasks,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean   luma_store_save_tasks_finish  (LumaStore           *self,
                                          GAsyncResult        *result,
                                          GError             **error);

void       luma_store_remove_ids_async   (LumaStore           *self,
                                          const char * const  *ids,
                                          guint                n_ids,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean   luma_store_remove_ids_finish  (LumaStore           *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* Blocking variants for the CLI, tests and benchmarks (never the UI thread). */
gboolean   luma_store_open_sync          (LumaStore           *self,
                                          char               **moved_aside,
                                          GError             **error);
GPtrArray *luma_store_load_sync          (LumaStore           *self,
                                          GError             **error);
gboolean   luma_store_save_tasks_sync    (LumaStore           *self,
                                          LumaTask * const    *tasks,
                                          guint                n_tasks,
                                          GError             **error);

G_END_DECLS
