/* luma-poller.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-poller"

#include "config.h"

#include "luma-client-private.h"
#include "luma-poller.h"
#include "luma-task-list-private.h"

#define DEFAULT_FIRST_MS 5000
#define DEFAULT_MAX_MS   60000
#define DEFAULT_FACTOR   1.5

/* The schedule: the first poll comes first_ms after start (or after new
 * unfinished tasks appear), each next one interval × factor later, up to
 * max_ms. Tasks in a state word the app does not know are polled at the
 * slowest pace only: they are included in a poll made when the schedule has
 * reached max_ms (or on refresh_now), and when they are the only unfinished
 * tasks the schedule jumps to max_ms. */
struct _LumaPoller
{
  GObject          parent_instance;

  LumaClient      *client;
  LumaTaskList    *list;
  GNetworkMonitor *monitor;

  GCancellable    *cancellable;
  guint            timeout_id;
  gulong           unfinished_id;
  gulong           network_id;

  guint            first_ms;
  guint            max_ms;
  double           factor;
  guint            interval_ms;   /* the wait before the planned poll */
  guint            n_unfinished;

  gint64           next_poll;
  guint            started : 1;
  guint            busy : 1;
  guint            paused : 1;
  guint            restart_after_poll : 1;
  guint            applying : 1;
  guint            refresh_after_poll : 1;
};

G_DEFINE_FINAL_TYPE (LumaPoller, luma_poller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_LIST,
  PROP_NETWORK_MONITOR,
  PROP_BUSY,
  PROP_PAUSED,
  PROP_NEXT_POLL,
  N_PROPS
};

enum {
  POLLED,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void luma_poller_poll (LumaPoller *self,
                              gboolean    everything);

static void
set_busy (LumaPoller *self,
          gboolean    busy)
{
  busy = !!busy;
  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_paused (LumaPoller *self,
            gboolean    paused)
{
  paused = !!paused;
  if (self->paused == paused)
    return;

  self->paused = paused;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
set_next_poll (LumaPoller *self,
               gint64      next_poll)
{
  if (self->next_poll == next_poll)
    return;

  self->next_poll = next_poll;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_POLL]);
}

static void
unschedule (LumaPoller *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  set_next_poll (self, 0);
}

/* Unfinished tasks split into those in known states and unknown words. */
static char **
collect_ids (LumaPoller *self,
             gboolean    with_unknown_words,
             guint      *n_known,
             guint      *n_unknown)
{
  g_auto(GStrv) ids = luma_task_list_dup_unfinished_ids (self->list);
  GPtrArray *chosen = g_ptr_array_new ();
  guint known = 0;
  guint unknown = 0;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      LumaTask *task = luma_task_list_lookup (self->list, ids[i]);
      gboolean is_unknown_word = task != NULL &&
                                 luma_task_get_state (task) == LUMA_TASK_STATE_OTHER;

      if (is_unknown_word)
        unknown++;
      else
        known++;

      if (!is_unknown_word || with_unknown_words)
        g_ptr_array_add (chosen, g_strdup (ids[i]));
    }
  g_ptr_array_add (chosen, NULL);

  if (n_known != NULL)
    *n_known = known;
  if (n_unknown != NULL)
    *n_unknown = unknown;

  return (char **) g_ptr_array_free (chosen, FALSE);
}

static gboolean
poll_timeout_cb (gpointer user_data)
{
  LumaPoller *self = user_data;

  self->timeout_id = 0;
  set_next_poll (self, 0);
  luma_poller_poll (self, self->interval_ms >= self->max_ms);

  return G_SOURCE_REMOVE;
}

/* Plans the next poll after interval_ms, if there is anything to poll. */
static void
schedule (LumaPoller *self)
{
  guint n_known = 0;
  guint n_unknown = 0;
  g_auto(GStrv) ids = NULL;

  g_clear_handle_id (&self->timeout_id, g_source_remove);

  if (!self->started || self->paused || self->busy)
    {
      set_next_poll (self, 0);
      return;
    }

  ids = collect_ids (self, TRUE, &n_known, &n_unknown);
  if (n_known + n_unknown == 0)
    {
      set_next_poll (self, 0);
      return;
    }

  /* Only unknown words left: they go at the slowest pace. */
  if (n_known == 0)
    self->interval_ms = self->max_ms;

  self->timeout_id = g_timeout_add (self->interval_ms, poll_timeout_cb, self);
  set_next_poll (self, g_get_monotonic_time () + (gint64) self->interval_ms * 1000);
}

typedef struct
{
  GWeakRef         poller;
  LumaBatchResult *batch;
} PollApply;

static void
poll_apply_free (PollApply *apply)
{
  g_weak_ref_clear (&apply->poller);
  g_clear_pointer (&apply->batch, _luma_batch_result_free_later);
  g_free (apply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PollApply, poll_apply_free)

/* The whole answer is in the list: the rest of the poll's end. */
static void
poll_applied_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PollApply) apply = user_data;
  g_autoptr(LumaPoller) self = g_weak_ref_get (&apply->poller);
  LumaBatchResult *batch = apply->batch;
  g_autoptr(GPtrArray) changed = NULL;

  changed = luma_task_list_apply_records_finish (LUMA_TASK_LIST (object), result, NULL);

  /* Dropped, stopped or disposed meanwhile: they set the state themselves. */
  if (self == NULL || changed == NULL)
    return;

  for (guint i = 0; i < _luma_batch_result_get_n_records (batch); i++)
    {
      const char *id = _luma_batch_result_get_id (batch, i);
      LumaTask *task = id != NULL ? luma_task_list_lookup (self->list, id) : NULL;

      if (task != NULL && luma_task_get_fetch_error (task) != NULL)
        luma_task_set_fetch_error (task, NULL);
    }

  for (guint i = 0; i < batch->not_found->len; i++)
    {
      LumaTask *task = luma_task_list_lookup (self->list, g_ptr_array_index (batch->not_found, i));

      if (task != NULL)
        luma_task_set_not_found (task);
    }

  /* A failed chunk keeps its tasks as they were, with the reason attached. */
  for (guint i = 0; i < batch->failed->len; i++)
    {
      LumaTask *task = luma_task_list_lookup (self->list, g_ptr_array_index (batch->failed, i));

      if (task != NULL)
        luma_task_set_fetch_error (task, batch->error);
    }

  self->applying = FALSE;

  if (self->restart_after_poll)
    self->interval_ms = self->first_ms;
  else
    self->interval_ms = (guint) MIN ((double) self->max_ms, self->interval_ms * self->factor);
  self->restart_after_poll = FALSE;

  set_busy (self, FALSE);

  g_signal_emit (self, signals[POLLED], 0, batch, changed);
  if (batch->error != NULL)
    g_signal_emit (self, signals[ERROR], 0, batch->error);

  if (self->refresh_after_poll && self->started && !self->paused)
    {
      self->refresh_after_poll = FALSE;
      self->restart_after_poll = TRUE;
      luma_poller_poll (self, TRUE);
      return;
    }

  schedule (self);
}

static void
poll_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(LumaPoller) self = g_weak_ref_get (weak);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(GError) error = NULL;
  PollApply *apply;

  g_weak_ref_clear (weak);
  g_free (weak);

  batch = luma_client_retrieve_batch_finish (LUMA_CLIENT (object), result, &error);

  /* A poller dropped while its poll was in flight has nothing to update. */
  if (self == NULL)
    {
      g_clear_pointer (&batch, _luma_batch_result_free_later);
      return;
    }

  if (batch == NULL)
    {
      /* Only stop() or dispose cancel a poll: they set the state themselves. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_busy (self, FALSE);
      g_signal_emit (self, signals[ERROR], 0, error);
      schedule (self);
      return;
    }

  /* Applied in slices: 10,000 records at once would stall the loop. */
  self->applying = TRUE;
  apply = g_new0 (PollApply, 1);
  g_weak_ref_init (&apply->poller, self);
  apply->batch = g_steal_pointer (&batch);
  _luma_task_list_apply_prepared_async (self->list, apply->batch->records,
                                        _luma_batch_result_get_prepared (apply->batch),
                                        self->cancellable, poll_applied_cb, apply);
}

static void
luma_poller_poll (LumaPoller *self,
                  gboolean    everything)
{
  g_auto(GStrv) ids = NULL;
  GWeakRef *weak;

  g_assert (!self->busy);

  if (!self->started || self->paused)
    return;

  ids = collect_ids (self, everything, NULL, NULL);
  if (ids[0] == NULL)
    {
      self->restart_after_poll = FALSE;
      schedule (self);
      return;
    }

  unschedule (self);
  set_busy (self, TRUE);

  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);

  _luma_client_retrieve_prepared_async (self->client,
                                        (const char * const *) ids,
                                        g_strv_length (ids),
                                        self->cancellable,
                                        poll_done_cb,
                                        weak);
}

static void
cancel_poll (LumaPoller *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  self->refresh_after_poll = FALSE;
  self->applying = FALSE;
  set_busy (self, FALSE);
}

static void
n_unfinished_changed_cb (LumaPoller *self)
{
  guint n_unfinished = 0;
  gboolean more;

  g_object_get (self->list, "n-unfinished", &n_unfinished, NULL);
  more = n_unfinished > self->n_unfinished;
  self->n_unfinished = n_unfinished;

  if (!self->started)
    return;

  /* Counts change while a poll is applied too: the poll's end reschedules. */
  if (self->busy)
    {
      if (more && !self->applying)
        self->restart_after_poll = TRUE;
      return;
    }

  if (n_unfinished == 0)
    {
      unschedule (self);
      return;
    }

  /* New unfinished tasks start the schedule over; fewer keep its pace. */
  if (more || self->timeout_id == 0)
    {
      self->interval_ms = self->first_ms;
      schedule (self);
    }
}

static void
network_changed_cb (LumaPoller *self)
{
  gboolean available = g_network_monitor_get_network_available (self->monitor);

  if (!available)
    {
      if (!self->paused)
        {
          set_paused (self, TRUE);
          unschedule (self);
        }
      return;
    }

  if (!self->paused)
    return;

  set_paused (self, FALSE);
  if (!self->started)
    return;

  /* Back online: poll promptly, then start the schedule over. */
  if (self->busy)
    {
      self->refresh_after_poll = TRUE;
      return;
    }

  self->restart_after_poll = TRUE;
  self->interval_ms = self->first_ms;
  luma_poller_poll (self, TRUE);
}

static void
luma_poller_constructed (GObject *object)
{
  LumaPoller *self = (LumaPoller *) object;

  G_OBJECT_CLASS (luma_poller_parent_class)->constructed (object);

  g_assert (LUMA_IS_CLIENT (self->client));
  g_assert (LUMA_IS_TASK_LIST (self->list));

  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());

  g_object_get (self->list, "n-unfinished", &self->n_unfinished, NULL);
  self->unfinished_id = g_signal_connect_swapped (self->list, "notify::n-unfinished",
                                                  G_CALLBACK (n_unfinished_changed_cb), self);
  self->network_id = g_signal_connect_swapped (self->monitor, "network-changed",
                                               G_CALLBACK (network_changed_cb), self);
  self->paused = !g_network_monitor_get_network_available (self->monitor);
}

static void
luma_poller_dispose (GObject *object)
{
  LumaPoller *self = (LumaPoller *) object;

  self->started = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  g_clear_signal_handler (&self->unfinished_id, self->list);
  g_clear_signal_handler (&self->network_id, self->monitor);
  g_clear_object (&self->list);
  g_clear_object (&self->client);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (luma_poller_parent_class)->dispose (object);
}

static void
luma_poller_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LumaPoller *self = LUMA_POLLER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_LIST:
      g_value_set_object (value, self->list);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_NEXT_POLL:
      g_value_set_int64 (value, self->next_poll);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_poller_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LumaPoller *self = LUMA_POLLER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_LIST:
      self->list = g_value_dup_object (value);
      break;
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_poller_class_init (LumaPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = luma_poller_constructed;
  object_class->dispose = luma_poller_dispose;
  object_class->get_property = luma_poller_get_property;
  object_class->set_property = luma_poller_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         LUMA_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LIST] =
    g_param_spec_object ("list", NULL, NULL,
                         LUMA_TYPE_TASK_LIST,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* Whose word on the network counts; the default monitor when NULL. */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL,
                         G_TYPE_NETWORK_MONITOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_NEXT_POLL] =
    g_param_spec_int64 ("next-poll", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[POLLED] =
    g_signal_new ("polled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  LUMA_TYPE_BATCH_RESULT | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);

  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
luma_poller_init (LumaPoller *self)
{
  self->first_ms = DEFAULT_FIRST_MS;
  self->max_ms = DEFAULT_MAX_MS;
  self->factor = DEFAULT_FACTOR;
  self->interval_ms = DEFAULT_FIRST_MS;
}

LumaPoller *
luma_poller_new (LumaClient   *client,
                 LumaTaskList *list)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (client), NULL);
  g_return_val_if_fail (LUMA_IS_TASK_LIST (list), NULL);

  return g_object_new (LUMA_TYPE_POLLER,
                       "client", client,
                       "list", list,
                       NULL);
}

void
luma_poller_set_intervals (LumaPoller *self,
                           guint       first_ms,
                           guint       max_ms,
                           double      factor)
{
  g_return_if_fail (LUMA_IS_POLLER (self));
  g_return_if_fail (first_ms > 0);
  g_return_if_fail (max_ms >= first_ms);
  g_return_if_fail (factor >= 1.0);

  self->first_ms = first_ms;
  self->max_ms = max_ms;
  self->factor = factor;
  self->interval_ms = first_ms;

  if (self->timeout_id != 0)
    schedule (self);
}

void
luma_poller_start (LumaPoller *self)
{
  g_return_if_fail (LUMA_IS_POLLER (self));

  if (self->started)
    return;

  self->started = TRUE;
  self->interval_ms = self->first_ms;
  schedule (self);
}

void
luma_poller_stop (LumaPoller *self)
{
  g_return_if_fail (LUMA_IS_POLLER (self));

  self->started = FALSE;
  unschedule (self);
  cancel_poll (self);
}

void
luma_poller_refresh_now (LumaPoller *self)
{
  g_return_if_fail (LUMA_IS_POLLER (self));

  if (!self->started || self->paused)
    return;

  if (self->busy)
    {
      self->refresh_after_poll = TRUE;
      return;
    }

  self->restart_after_poll = TRUE;
  self->interval_ms = self->first_ms;
  luma_poller_poll (self, TRUE);
}

gboolean
luma_poller_get_busy (LumaPoller *self)
{
  g_return_val_if_fail (LUMA_IS_POLLER (self), FALSE);

  return self->busy;
}

gboolean
luma_poller_get_paused (LumaPoller *self)
{
  g_return_val_if_fail (LUMA_IS_POLLER (self), FALSE);

  return self->paused;
}

gint64
luma_poller_get_next_poll (LumaPoller *self)
{
  g_return_val_if_fail (LUMA_IS_POLLER (self), 0);

  return self->next_poll;
}
