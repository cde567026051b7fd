/* luma-poller.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "luma-client.h"
#include "luma-task-list.h"

G_BEGIN_DECLS

#define LUMA_TYPE_POLLER (luma_poller_get_type ())

G_DECLARE_FINAL_TYPE (LumaPoller, luma_poller, LUMA, POLLER, GObject)

/* Keeps every unfinished task of @list refreshing (DESIGN §3): one
 * retrieve_batch for all of them, first after 5 s, then ×1.5 up to 60 s, one
 * poll in flight at most, paused while the network is down.
 *
 * Properties: "busy" (a poll is in flight), "paused" (network down),
 * "next-poll" (monotonic µs of the next poll, 0 when none is planned).
 * Signals: "polled" (LumaBatchResult*, GPtrArray *changed_tasks) after each
 * poll was applied to the list, "error" (GError*) when a poll failed. The
 * result's records are read only into the tasks: its records array is
 * empty (_luma_batch_result_get_n_records() counts them).
 *
 * Construct-only properties: "client", "list", and "network-monitor" (any
 * GNetworkMonitor; g_network_monitor_get_default() when not given — tests
 * pass one of their own to simulate the network going down). When the
 * network comes back, a poll is made at once and the schedule starts over.
 *
 * Tasks in a state word the app does not know are polled at the slowest
 * pace: they are included only in polls made once the schedule has reached
 * its longest interval (and in refresh_now), and when they are the only
 * unfinished tasks, the schedule goes straight to its longest interval.
 * New unfinished tasks in the list ("n-unfinished" grows) start the schedule
 * over; with none, no poll is planned ("next-poll" is 0).
 *
 * A poll applies the records with luma_task_list_apply_records(), marks the
 * IDs the service left out as not found, and sets the fetch error on the
 * tasks of a failed chunk (clearing it on those that came back): it never
 * removes or resets a task. */

LumaPoller *luma_poller_new           (LumaClient   *client,
                                       LumaTaskList *list);
void        luma_poller_set_intervals (LumaPoller   *self,
                                       guint         first_ms,
                                       guint         max_ms,
                                       double        factor);
void        luma_poller_start         (LumaPoller   *self);
void        luma_poller_stop          (LumaPoller   *self);
/* Polls now (F5), and restarts the schedule from the first interval. */
void        luma_poller_refresh_now   (LumaPoller   *self);
gboolean    luma_poller_get_busy      (LumaPoller   *self);
gboolean    luma_poller_get_paused    (LumaPoller   *self);
gint64      luma_poller_get_next_poll (LumaPoller   *self);

G_END_DECLS
