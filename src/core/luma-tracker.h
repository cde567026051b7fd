/* luma-tracker.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "luma-client.h"
#include "luma-ids.h"
#include "luma-poller.h"
#include "luma-store.h"
#include "luma-task-list.h"

G_BEGIN_DECLS

#define LUMA_TYPE_TRACKER (luma_tracker_get_type ())
#define LUMA_TYPE_TRACKER_REMOVAL (luma_tracker_removal_get_type ())

G_DECLARE_FINAL_TYPE (LumaTracker, luma_tracker, LUMA, TRACKER, GObject)

/* The engine as the window drives it, without a display: the task list
 * (model), the client that fetches, the poller that keeps unfinished tasks
 * refreshing, and the store that keeps them across restarts. Every change
 * the tracker makes to the list is saved in one transaction per change.
 *
 * Properties:
 *   "list"    LumaTaskList*, for the life of the tracker
 *   "client"  LumaClient*, NULL until set
 *   "poller"  LumaPoller*, NULL without a client; replaced (and notified)
 *             with every new client
 *   "store"   LumaStore*, may be NULL (nothing is kept)
 *   "busy"    a request is in flight: a fetch of the tracker's or a poll
 *
 * Signals:
 *   "error" (GError *error): something the user should hear of — a refused
 *     token, the network, the service, the store failing to save. Tasks are
 *     never removed because of it.
 *   "retrying" (GError *error, double seconds): the client waits before
 *     trying again ("Rate limited — retrying in 8 s").
 *   "tasks-finished" (GPtrArray *tasks): LumaTask* that were pending,
 *     processing or in an unknown state and just became completed or failed
 *     (for desktop notifications). */

/* What luma_tracker_remove_tasks() took out, to put back. */
typedef struct _LumaTrackerRemoval LumaTrackerRemoval;

GType               luma_tracker_removal_get_type   (void) G_GNUC_CONST;
LumaTrackerRemoval *luma_tracker_removal_ref        (LumaTrackerRemoval  *removal);
void                luma_tracker_removal_unref      (LumaTrackerRemoval  *removal);
guint               luma_tracker_removal_get_n_tasks (LumaTrackerRemoval *removal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LumaTrackerRemoval, luma_tracker_removal_unref)

/* @store may be NULL; it is opened by luma_tracker_load_async(). */
LumaTracker  *luma_tracker_new                 (LumaStore           *store);
LumaTaskList *luma_tracker_get_list            (LumaTracker         *self);
LumaStore    *luma_tracker_get_store           (LumaTracker         *self);
LumaClient   *luma_tracker_get_client          (LumaTracker         *self);
LumaPoller   *luma_tracker_get_poller          (LumaTracker         *self);
gboolean      luma_tracker_get_busy            (LumaTracker         *self);

/* Replaces the client (rebuilt by the window when the token or the base
 * URL change) and with it the poller. Tasks that never got an answer, or
 * whose last fetch failed, are fetched again with the new client. */
void          luma_tracker_set_client          (LumaTracker         *self,
                                                LumaClient          *client);
/* The poller's schedule (DESIGN §3 by default); tests make it short. */
void          luma_tracker_set_poll_intervals  (LumaTracker         *self,
                                                guint                first_ms,
                                                guint                max_ms,
                                                double               factor);
/* Whose word on the network the poller follows (the default monitor when
 * NULL). Replaces the poller. */
void          luma_tracker_set_network_monitor (LumaTracker         *self,
                                                GNetworkMonitor     *monitor);

/* Call once at start: opens the store and puts the stored tasks in the
 * list as they are read, in runs (the first few hundred at once, so a
 * window shows them before the rest is read), before any task added
 * meanwhile; then fetches the tasks that never got an answer. Without a
 * store it completes at once. @moved_aside receives the path a damaged
 * history was moved to (NULL when none was). On failure (e.g. a history
 * written by a newer version) the list starts empty and nothing is saved. */
void          luma_tracker_load_async          (LumaTracker         *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      luma_tracker_load_finish         (LumaTracker         *self,
                                                GAsyncResult        *result,
                                                char               **moved_aside,
                                                GError             **error);

/* Adds every task ID found in @text (DESIGN §3) that is not in the list
 * yet, as LOADING tasks at the end, saves them and fetches them; results
 * fill them in as they arrive. @report and @n_already_listed (IDs found
 * that were in the list already) may be NULL. Returns the tasks added
 * (transfer container, never NULL). */
GPtrArray    *luma_tracker_add_text            (LumaTracker         *self,
                                                const char          *text,
                                                LumaIdsReport       *report,
                                                guint               *n_already_listed);
/* The same for IDs already extracted (valid, lowercase). */
GPtrArray    *luma_tracker_add_ids             (LumaTracker         *self,
                                                const char * const  *ids,
                                                guint                n_ids,
                                                guint               *n_already_listed);

/* Removes @tasks (LumaTask*) from the list and the store. Returns what was
 * removed, for luma_tracker_undo_remove() (transfer full). */
LumaTrackerRemoval *luma_tracker_remove_tasks  (LumaTracker         *self,
                                                GPtrArray           *tasks);
/* Puts the removed tasks back at their old positions, in the list and in
 * the store. Returns the number put back (0 when undone already; a task
 * whose ID was added again meanwhile stays as it is). */
guint         luma_tracker_undo_remove         (LumaTracker         *self,
                                                LumaTrackerRemoval  *removal);

/* Fetches @tasks now (a NULL @tasks: every unfinished task through the
 * poller, which starts its schedule over, and every task that never got an
 * answer or whose last fetch failed). */
void          luma_tracker_refresh             (LumaTracker         *self,
                                                GPtrArray           *tasks);

G_END_DECLS
