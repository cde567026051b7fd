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
#define LUMA_STORE_ERROR (luma_store_error_quark ())

/* The schema version this build writes (PRAGMA user_version). */
#define LUMA_STORE_SCHEMA_VERSION 2

typedef enum
{
  LUMA_STORE_ERROR_FAILED,          /* SQLite failed (disk full, I/O, locked…) */
  LUMA_STORE_ERROR_NEWER_SCHEMA,    /* written by a newer Luma Tasks: left untouched */
  LUMA_STORE_ERROR_NOT_OPEN,        /* used before a successful open, or after close */
} LumaStoreErrorCode;

GQuark     luma_store_error_quark        (void);

G_DECLARE_FINAL_TYPE (LumaStore, luma_store, LUMA, STORE, GObject)

/* The task history in SQLite (WAL, schema version with migrations). All
 * work runs on one worker thread owned by the store; the calls below queue
 * it and never block the caller on the disk. Work runs in the order it was
 * queued, and async calls complete, in that order, on the main context that
 * was thread-default when they were made.
 *
 * Schema v1 (PRAGMA user_version = 1):
 *   tasks (id TEXT PRIMARY KEY,          the task ID
 *          position INTEGER NOT NULL,    insertion sequence, kept on update
 *          added_at INTEGER NOT NULL,    wall-clock µs when the user added it
 *          not_found INTEGER NOT NULL,   1: the service did not know it
 *          record TEXT)                  the record exactly as the service
 *                                        last returned it, NULL before that
 *   index tasks_order (added_at, position): the load order.
 * Tasks load in (added_at, position) order. A task keeps the added_at of
 * its first save; one removed and saved again with its old added_at (undo
 * of a removal) comes back at its old place.
 *
 * Pages of 32 KiB (a file made before keeps its own), synchronous=NORMAL (a killed process loses no committed
 * transaction), WAL checkpoints run by the worker when it is idle rather
 * than inside a save. */

/* @path NULL: $XDG_DATA_HOME/luma-tasks/tasks.db. */
LumaStore *luma_store_new                (const char          *path);
const char *luma_store_get_path          (LumaStore           *self);

/* Opens (creating or migrating). A database that cannot be opened is moved
 * aside to "tasks.db.broken-<time>" and a fresh one started: the finish then
 * succeeds and @moved_aside receives the new path of the old file. Cannot
 * be opened: not a database, SQLITE_CORRUPT/SQLITE_NOTADB on the first
 * reads, or a failing PRAGMA quick_check; its -wal and -shm go with it.
 * A database of a newer schema fails with LUMA_STORE_ERROR_NEWER_SCHEMA and
 * is left as it is. */
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

/* Receives tasks of a progressive load (LumaTask*, in load order); the
 * array is the store's: keep a reference to what you keep. */
typedef void (*LumaStoreLoadedFunc) (GPtrArray *tasks,
                                     gpointer   user_data);

/* luma_store_open_async() and luma_store_load_async() in one job, for a
 * start-up that shows the history as soon as it can: the rows are read
 * once (no separate integrity pass), and a file found damaged while they
 * are is moved aside (@moved_aside) and a fresh one started, as at open.
 *
 * With @loaded_func, the tasks are handed over in runs as they are read,
 * in order, on the caller's context and before @callback: the first run
 * is a few hundred tasks, to show at once, the later ones grow to a few
 * thousand. The finish then returns the tasks read after the last run.
 * When the file is found damaged after some runs, it returns no tasks and
 * @moved_aside: the tasks of those runs are not in the fresh history. */
void       luma_store_open_load_async    (LumaStore           *self,
                                          LumaStoreLoadedFunc  loaded_func,
                                          gpointer             loaded_data,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GPtrArray *luma_store_open_load_finish   (LumaStore           *self,
                                          GAsyncResult        *result,
                                          char               **moved_aside,
                                          GError             **error);

/* Inserts or updates these tasks (ID, added time, record, not found) in
 * one transaction. What the worker needs is taken before the call
 * returns; a large save is queued in parts, the worker writing one while
 * the next is taken. A save, once queued, runs even if @cancellable is
 * cancelled. */
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
gboolean   luma_store_remove_ids_sync    (LumaStore           *self,
                                          const char * const  *ids,
                                          guint                n_ids,
                                          GError             **error);

/* Waits for the queued work, then closes the database (checkpointing the
 * WAL). Later calls fail with LUMA_STORE_ERROR_NOT_OPEN until the store is
 * opened again. Finalizing the store closes it too. */
void       luma_store_close              (LumaStore           *self);
gboolean   luma_store_get_is_open        (LumaStore           *self);

/* Transactions committed by this store since it was created (tests). */
guint      luma_store_get_n_transactions (LumaStore           *self);

G_END_DECLS
