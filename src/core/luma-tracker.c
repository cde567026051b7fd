/* luma-tracker.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-tracker"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "luma-client-private.h"
#include "luma-error.h"
#include "luma-task-list-private.h"
#include "luma-tracker.h"

struct _LumaTrackerRemoval
{
  gatomicrefcount  ref_count;
  GArray          *removals;   /* LumaTaskListRemoval */
  gboolean         undone;
};

struct _LumaTracker
{
  GObject          parent_instance;

  LumaTaskList    *list;
  LumaClient      *client;
  LumaPoller      *poller;
  LumaStore       *store;
  GNetworkMonitor *monitor;

  /* The fetches of the current client: cancelled when the client is
   * replaced (their answers are ignored) and on dispose. */
  GCancellable    *cancellable;
  guint            fetch_generation;

  gulong           retrying_id;

  /* IDs unfinished when the running poll started: a task among them that
   * the poll changed into completed or failed has just finished. */
  GHashTable      *polled_unfinished;

  /* Added tasks get strictly growing added_at, so the store's order (by
   * added_at) is the order they were added in, even within one paste. */
  gint64           last_added_at;

  guint            poll_first_ms;
  guint            poll_max_ms;
  double           poll_factor;

  /* IDs a fetch of the tracker's is asking for now: not asked twice. */
  GHashTable      *in_flight;

  guint            n_fetches;
  gboolean         busy;
  gboolean         loaded;
  gboolean         store_failed;

  /* While the history loads: the tasks added meanwhile (the history goes
   * before them), and how many history tasks the list got so far. */
  GPtrArray       *early;
  guint            n_history;
};

G_DEFINE_FINAL_TYPE (LumaTracker, luma_tracker, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (LumaTrackerRemoval, luma_tracker_removal,
                     luma_tracker_removal_ref, luma_tracker_removal_unref)

enum {
  PROP_0,
  PROP_LIST,
  PROP_CLIENT,
  PROP_POLLER,
  PROP_STORE,
  PROP_BUSY,
  N_PROPS
};

enum {
  ERROR,
  RETRYING,
  TASKS_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What one fetch of the tracker's needs when its answer comes. */
typedef struct
{
  GWeakRef    tracker;
  guint       generation;   /* the tracker's fetch_generation then */
  GStrv       ids;          /* what was asked for */
  GHashTable *unfinished;   /* IDs unfinished when the fetch started */
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_weak_ref_clear (&data->tracker);
  g_strfreev (data->ids);
  g_clear_pointer (&data->unfinished, g_hash_table_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FetchData, fetch_data_free)

static gboolean
state_is_finished (LumaTaskState state)
{
  return state == LUMA_TASK_STATE_COMPLETED || state == LUMA_TASK_STATE_FAILED;
}

static void
update_busy (LumaTracker *self)
{
  gboolean busy = self->n_fetches > 0 ||
                  (self->poller != NULL && luma_poller_get_busy (self->poller));

  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
emit_error (LumaTracker  *self,
            const GError *error)
{
  g_signal_emit (self, signals[ERROR], 0, error);
}

static void
emit_no_client (LumaTracker *self)
{
  g_autoptr(GError) error = NULL;

  error = luma_error_new_api (LUMA_ERROR_NO_TOKEN, 0, NULL, NULL, "%s",
                              _("No API token is set up: add one in Preferences to load these tasks."));
  emit_error (self, error);
}

/* Saving: one transaction for each batch of changes. */

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(LumaTracker) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  if (luma_store_save_tasks_finish (LUMA_STORE (object), result, &error))
    return;

  if (self == NULL)
    {
      g_message ("Could not save the task history: %s", error->message);
      return;
    }

  /* A store that could not be opened was reported by the load already. */
  if (self->store_failed && g_error_matches (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NOT_OPEN))
    return;

  emit_error (self, error);
}

static void
save_tasks (LumaTracker *self,
            GPtrArray   *tasks)
{
  GWeakRef *weak;

  if (self->store == NULL || self->store_failed || tasks == NULL || tasks->len == 0)
    return;

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);

  /* Not cancelled with the tracker: what was changed is written. */
  luma_store_save_tasks_async (self->store,
                               (LumaTask * const *) tasks->pdata, tasks->len,
                               NULL, save_done_cb, weak);
}

static void
remove_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(LumaTracker) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  if (luma_store_remove_ids_finish (LUMA_STORE (object), result, &error))
    return;

  if (self != NULL && !self->store_failed)
    emit_error (self, error);
}

/* Applying answers: what the tracker's fetches and the poller share. */

static GHashTable *
snapshot_unfinished (LumaTracker *self)
{
  g_auto(GStrv) ids = luma_task_list_dup_unfinished_ids (self->list);
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_add (set, g_steal_pointer (&ids[i]));

  return set;
}

static void
emit_finished (LumaTracker *self,
               GPtrArray   *changed,
               GHashTable  *unfinished)
{
  g_autoptr(GPtrArray) finished = g_ptr_array_new_with_free_func (g_object_unref);

  if (unfinished == NULL)
    return;

  for (guint i = 0; i < changed->len; i++)
    {
      LumaTask *task = g_ptr_array_index (changed, i);

      if (state_is_finished (luma_task_get_state (task)) &&
          g_hash_table_contains (unfinished, luma_task_get_id (task)))
        g_ptr_array_add (finished, g_object_ref (task));
    }

  if (finished->len > 0)
    g_signal_emit (self, signals[TASKS_FINISHED], 0, finished);
}

/* Adds the tasks of @ids that are in the list and not in @seen to @out. */
static void
collect_listed (LumaTracker *self,
                GPtrArray   *ids,
                GHashTable  *seen,
                GPtrArray   *out)
{
  for (guint i = 0; i < ids->len; i++)
    {
      LumaTask *task = luma_task_list_lookup (self->list, g_ptr_array_index (ids, i));

      if (task != NULL && g_hash_table_add (seen, task))
        g_ptr_array_add (out, task);
    }
}

/* The answer of a fetch of the tracker's: records fill tasks in, unknown
 * IDs become not found, failures stay on their tasks. @changed: the tasks
 * the records changed. Returns the tasks to save (transfer container). */
static GPtrArray *
apply_fetch_result (LumaTracker     *self,
                    LumaBatchResult *batch,
                    GPtrArray       *changed)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GPtrArray *to_save = g_ptr_array_new ();

  for (guint i = 0; i < changed->len; i++)
    if (g_hash_table_add (seen, g_ptr_array_index (changed, i)))
      g_ptr_array_add (to_save, g_ptr_array_index (changed, i));

  /* An answer clears the error of the fetch before. */
  for (guint i = 0; i < _luma_batch_result_get_n_records (batch); i++)
    {
      const char *id = _luma_batch_result_get_id (batch, i);
      g_autofree char *lower = g_ascii_strdown (id != NULL ? id : "", -1);
      LumaTask *task = luma_task_list_lookup (self->list, lower);

      if (task != NULL && luma_task_get_fetch_error (task) != NULL)
        luma_task_set_fetch_error (task, NULL);
    }

  for (guint i = 0; i < batch->not_found->len; i++)
    {
      LumaTask *task = luma_task_list_lookup (self->list, g_ptr_array_index (batch->not_found, i));

      if (task == NULL)
        continue;

      if (luma_task_get_state (task) != LUMA_TASK_STATE_NOT_FOUND)
        {
          luma_task_set_not_found (task);
          if (g_hash_table_add (seen, task))
            g_ptr_array_add (to_save, task);
        }
      if (luma_task_get_fetch_error (task) != NULL)
        luma_task_set_fetch_error (task, NULL);
    }

  for (guint i = 0; i < batch->failed->len; i++)
    {
      LumaTask *task = luma_task_list_lookup (self->list, g_ptr_array_index (batch->failed, i));

      if (task != NULL)
        luma_task_set_fetch_error (task, batch->error);
    }

  return to_save;
}

typedef struct
{
  FetchData       *data;
  LumaBatchResult *batch;
} FetchApply;

static void
fetch_apply_free (FetchApply *apply)
{
  g_clear_pointer (&apply->data, fetch_data_free);
  g_clear_pointer (&apply->batch, _luma_batch_result_free_later);
  g_free (apply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FetchApply, fetch_apply_free)

static void
fetch_ended (LumaTracker *self,
             FetchData   *data)
{
  g_assert (self->n_fetches > 0);
  self->n_fetches--;
  for (guint i = 0; data->ids[i] != NULL; i++)
    g_hash_table_remove (self->in_flight, data->ids[i]);
}

/* The records are in the list: the rest follows. */
static void
fetch_applied_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FetchApply) apply = user_data;
  g_autoptr(LumaTracker) self = g_weak_ref_get (&apply->data->tracker);
  LumaBatchResult *batch = apply->batch;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) to_save = NULL;

  changed = luma_task_list_apply_records_finish (LUMA_TASK_LIST (object), result, NULL);

  /* Gone, or its client replaced meanwhile (which cancelled the apply). */
  if (self == NULL || apply->data->generation != self->fetch_generation || changed == NULL)
    return;

  fetch_ended (self, apply->data);

  to_save = apply_fetch_result (self, batch, changed);
  save_tasks (self, to_save);
  update_busy (self);

  emit_finished (self, to_save, apply->data->unfinished);
  if (batch->error != NULL)
    emit_error (self, batch->error);
}

static void
fetch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FetchData) data = user_data;
  g_autoptr(LumaTracker) self = g_weak_ref_get (&data->tracker);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(GError) error = NULL;
  FetchApply *apply;

  batch = luma_client_fetch_finish (LUMA_CLIENT (object), result, &error);

  /* Gone, or asked with a client since replaced. */
  if (self == NULL || data->generation != self->fetch_generation)
    {
      g_clear_pointer (&batch, _luma_batch_result_free_later);
      return;
    }

  if (batch == NULL)
    {
      fetch_ended (self, data);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        emit_error (self, error);
      update_busy (self);
      return;
    }

  /* Applied in slices, the fetch still counted as running: a large
   * answer must not stall the loop. */
  apply = g_new0 (FetchApply, 1);
  apply->data = g_steal_pointer (&data);
  apply->batch = g_steal_pointer (&batch);
  _luma_task_list_apply_prepared_async (self->list, apply->batch->records,
                                        _luma_batch_result_get_prepared (apply->batch),
                                        self->cancellable, fetch_applied_cb, apply);
}

static void
fetch_ids (LumaTracker        *self,
           const char * const *ids,
           guint               n_ids)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  FetchData *data;
  guint n_asked = 0;

  if (n_ids == 0)
    return;

  if (self->client == NULL)
    {
      /* The tasks wait, LOADING, for a client: set_client fetches them. */
      emit_no_client (self);
      return;
    }

  builder = g_strv_builder_new ();
  for (guint i = 0; i < n_ids; i++)
    if (g_hash_table_add (self->in_flight, g_strdup (ids[i])))
      {
        g_strv_builder_add (builder, ids[i]);
        n_asked++;
      }

  if (n_asked == 0)
    return;

  data = g_new0 (FetchData, 1);
  g_weak_ref_init (&data->tracker, self);
  data->generation = self->fetch_generation;
  data->ids = g_strv_builder_end (builder);
  data->unfinished = snapshot_unfinished (self);

  self->n_fetches++;
  update_busy (self);

  _luma_client_fetch_prepared_async (self->client, (const char * const *) data->ids, n_asked,
                                     self->cancellable, fetch_done_cb, data);
}

static void
fetch_tasks (LumaTracker *self,
             GPtrArray   *tasks)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_sized_new (tasks->len);

  for (guint i = 0; i < tasks->len; i++)
    g_ptr_array_add (ids, (char *) luma_task_get_id (g_ptr_array_index (tasks, i)));

  fetch_ids (self, (const char * const *) ids->pdata, ids->len);
}

/* Tasks that never got an answer, or whose last fetch failed; unfinished
 * ones are left to the poller. */
static GPtrArray *
collect_unanswered (LumaTracker *self)
{
  GListModel *model = G_LIST_MODEL (self->list);
  guint n_items = g_list_model_get_n_items (model);
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (model, i);

      if (luma_task_get_state (task) == LUMA_TASK_STATE_LOADING ||
          (luma_task_get_fetch_error (task) != NULL && !luma_task_is_unfinished (task)))
        g_ptr_array_add (tasks, g_steal_pointer (&task));
    }

  return tasks;
}

static void
fetch_unanswered (LumaTracker *self)
{
  g_autoptr(GPtrArray) tasks = collect_unanswered (self);

  if (self->client != NULL)
    fetch_tasks (self, tasks);
}

/* The poller. */

static void
poller_busy_cb (LumaTracker *self)
{
  if (luma_poller_get_busy (self->poller))
    {
      g_clear_pointer (&self->polled_unfinished, g_hash_table_unref);
      self->polled_unfinished = snapshot_unfinished (self);
    }

  update_busy (self);
}

static void
poller_polled_cb (LumaTracker     *self,
                  LumaBatchResult *batch,
                  GPtrArray       *changed)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) unfinished = g_steal_pointer (&self->polled_unfinished);
  g_autoptr(GPtrArray) to_save = g_ptr_array_new ();

  for (guint i = 0; i < changed->len; i++)
    if (g_hash_table_add (seen, g_ptr_array_index (changed, i)))
      g_ptr_array_add (to_save, g_ptr_array_index (changed, i));

  /* The poller marked these not found; they changed too. */
  collect_listed (self, batch->not_found, seen, to_save);

  save_tasks (self, to_save);
  emit_finished (self, changed, unfinished);
}

static void
poller_error_cb (LumaTracker  *self,
                 const GError *error)
{
  emit_error (self, error);
}

static void
drop_poller (LumaTracker *self)
{
  if (self->poller == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->poller, self);
  luma_poller_stop (self->poller);
  g_clear_object (&self->poller);
  g_clear_pointer (&self->polled_unfinished, g_hash_table_unref);
}

/* The poller follows the client: a new client, a new poller. */
static void
rebuild_poller (LumaTracker *self)
{
  gboolean had_poller = self->poller != NULL;

  drop_poller (self);

  if (self->client != NULL)
    {
      self->poller = g_object_new (LUMA_TYPE_POLLER,
                                   "client", self->client,
                                   "list", self->list,
                                   "network-monitor", self->monitor,
                                   NULL);
      luma_poller_set_intervals (self->poller, self->poll_first_ms,
                                 self->poll_max_ms, self->poll_factor);
      g_signal_connect_swapped (self->poller, "notify::busy", G_CALLBACK (poller_busy_cb), self);
      g_signal_connect_swapped (self->poller, "polled", G_CALLBACK (poller_polled_cb), self);
      g_signal_connect_swapped (self->poller, "error", G_CALLBACK (poller_error_cb), self);
      luma_poller_start (self->poller);
    }

  if (had_poller || self->poller != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLLER]);

  update_busy (self);
}

static void
client_retrying_cb (LumaTracker  *self,
                    const GError *error,
                    double        seconds)
{
  g_signal_emit (self, signals[RETRYING], 0, error, seconds);
}

/* GObject. */

static void
luma_tracker_dispose (GObject *object)
{
  LumaTracker *self = (LumaTracker *)object;

  g_cancellable_cancel (self->cancellable);
  drop_poller (self);
  if (self->client != NULL)
    g_clear_signal_handler (&self->retrying_id, self->client);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->monitor);
  g_clear_object (&self->list);
  g_ptr_array_set_size (self->early, 0);

  G_OBJECT_CLASS (luma_tracker_parent_class)->dispose (object);
}

static void
luma_tracker_finalize (GObject *object)
{
  LumaTracker *self = (LumaTracker *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->early, g_ptr_array_unref);

  G_OBJECT_CLASS (luma_tracker_parent_class)->finalize (object);
}

static void
luma_tracker_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LumaTracker *self = LUMA_TRACKER (object);

  switch (prop_id)
    {
    case PROP_LIST:
      g_value_set_object (value, self->list);
      break;

    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_POLLER:
      g_value_set_object (value, self->poller);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_tracker_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LumaTracker *self = LUMA_TRACKER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      luma_tracker_set_client (self, g_value_get_object (value));
      break;

    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_tracker_class_init (LumaTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = luma_tracker_dispose;
  object_class->finalize = luma_tracker_finalize;
  object_class->get_property = luma_tracker_get_property;
  object_class->set_property = luma_tracker_set_property;

  properties[PROP_LIST] =
    g_param_spec_object ("list", NULL, NULL,
                         LUMA_TYPE_TASK_LIST,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         LUMA_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_POLLER] =
    g_param_spec_object ("poller", NULL, NULL,
                         LUMA_TYPE_POLLER,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LUMA_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  signals[RETRYING] =
    g_signal_new ("retrying",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_DOUBLE);

  signals[TASKS_FINISHED] =
    g_signal_new ("tasks-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
luma_tracker_init (LumaTracker *self)
{
  self->list = luma_task_list_new ();
  self->cancellable = g_cancellable_new ();
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->early = g_ptr_array_new_with_free_func (g_object_unref);
  self->poll_first_ms = 5000;
  self->poll_max_ms = 60000;
  self->poll_factor = 1.5;
}

/* Public API. */

LumaTracker *
luma_tracker_new (LumaStore *store)
{
  g_return_val_if_fail (store == NULL || LUMA_IS_STORE (store), NULL);

  return g_object_new (LUMA_TYPE_TRACKER, "store", store, NULL);
}

LumaTaskList *
luma_tracker_get_list (LumaTracker *self)
{
  g_return_val_if_fail (LUMA_IS_TRACKER (self), NULL);

  return self->list;
}

LumaStore *
luma_tracker_get_store (LumaTracker *self)
{
  g_return_val_if_fail (LUMA_IS_TRACKER (self), NULL);

  return self->store;
}

LumaClient *
luma_tracker_get_client (LumaTracker *self)
{
  g_return_val_if_fail (LUMA_IS_TRACKER (self), NULL);

  return self->client;
}

LumaPoller *
luma_tracker_get_poller (LumaTracker *self)
{
  g_return_val_if_fail (LUMA_IS_TRACKER (self), NULL);

  return self->poller;
}

gboolean
luma_tracker_get_busy (LumaTracker *self)
{
  g_return_val_if_fail (LUMA_IS_TRACKER (self), FALSE);

  return self->busy;
}

void
luma_tracker_set_client (LumaTracker *self,
                         LumaClient  *client)
{
  g_return_if_fail (LUMA_IS_TRACKER (self));
  g_return_if_fail (client == NULL || LUMA_IS_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_clear_signal_handler (&self->retrying_id, self->client);

  /* What the old client is still asking for, the new one asks again. */
  if (self->n_fetches > 0)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      g_hash_table_remove_all (self->in_flight);
      self->n_fetches = 0;
      self->fetch_generation++;
    }

  g_set_object (&self->client, client);

  if (self->client != NULL)
    self->retrying_id = g_signal_connect_swapped (self->client, "retrying",
                                                  G_CALLBACK (client_retrying_cb), self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);

  rebuild_poller (self);

  /* What the last client could not load, the new one may. */
  if (self->loaded)
    fetch_unanswered (self);
}

void
luma_tracker_set_poll_intervals (LumaTracker *self,
                                 guint        first_ms,
                                 guint        max_ms,
                                 double       factor)
{
  g_return_if_fail (LUMA_IS_TRACKER (self));
  g_return_if_fail (first_ms > 0);
  g_return_if_fail (max_ms >= first_ms);
  g_return_if_fail (factor >= 1.0);

  self->poll_first_ms = first_ms;
  self->poll_max_ms = max_ms;
  self->poll_factor = factor;

  if (self->poller != NULL)
    luma_poller_set_intervals (self->poller, first_ms, max_ms, factor);
}

void
luma_tracker_set_network_monitor (LumaTracker     *self,
                                  GNetworkMonitor *monitor)
{
  g_return_if_fail (LUMA_IS_TRACKER (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  if (!g_set_object (&self->monitor, monitor))
    return;

  if (self->poller != NULL)
    rebuild_poller (self);
}

/* Loading. */

static void
load_finished (LumaTracker *self,
               GTask       *task,
               char        *moved_aside)
{
  self->loaded = TRUE;
  g_ptr_array_set_size (self->early, 0);
  fetch_unanswered (self);
  g_task_return_pointer (task, moved_aside, g_free);
}

/* Where the history goes: before the first task added while it loads. */
static guint
history_position (LumaTracker *self)
{
  for (guint i = 0; i < self->early->len; i++)
    {
      guint position;

      if (luma_task_list_find (self->list, g_ptr_array_index (self->early, i), &position))
        return position;
    }

  return g_list_model_get_n_items (G_LIST_MODEL (self->list));
}

static void
insert_history (LumaTracker *self,
                GPtrArray   *tasks)
{
  if (self->list == NULL)
    return;

  for (guint i = 0; i < tasks->len; i++)
    {
      LumaTask *task = g_ptr_array_index (tasks, i);
      LumaTask *listed;
      guint position;

      self->last_added_at = MAX (self->last_added_at, luma_task_get_added_at (task));

      /* An ID added again while its history loads: the history task,
       * with its record and its place, wins. */
      if (self->early->len == 0)
        continue;
      listed = luma_task_list_lookup (self->list, luma_task_get_id (task));
      if (listed != NULL && g_ptr_array_find (self->early, listed, &position))
        {
          luma_task_list_remove (self->list, luma_task_get_id (listed));
          g_ptr_array_remove_index (self->early, position);
        }
    }

  luma_task_list_insert_tasks (self->list, history_position (self),
                               (LumaTask * const *) tasks->pdata, tasks->len);
  self->n_history += tasks->len;
}

/* A history that turned out unreadable after part of it was listed: that
 * part is gone with it. */
static void
drop_history (LumaTracker *self)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->n_history == 0 || self->list == NULL)
    return;

  for (guint i = 0; i < self->early->len; i++)
    if (luma_task_list_find (self->list, g_ptr_array_index (self->early, i), NULL))
      g_ptr_array_add (kept, g_object_ref (g_ptr_array_index (self->early, i)));

  luma_task_list_remove_all (self->list);
  luma_task_list_append_tasks (self->list, (LumaTask * const *) kept->pdata, kept->len);
  self->n_history = 0;
}

static void
store_loaded_cb (GPtrArray *tasks,
                 gpointer   user_data)
{
  GTask *task = user_data;

  insert_history (g_task_get_source_object (task), tasks);
}

static void
store_load_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LumaTracker *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  char *moved_aside = NULL;

  loaded = luma_store_open_load_finish (LUMA_STORE (object), result, &moved_aside, &error);
  if (loaded == NULL)
    {
      self->store_failed = !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      self->loaded = TRUE;
      drop_history (self);
      g_ptr_array_set_size (self->early, 0);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (moved_aside != NULL)
    drop_history (self);

  insert_history (self, loaded);
  load_finished (self, task, moved_aside);
}

void
luma_tracker_load_async (LumaTracker         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LUMA_IS_TRACKER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_tracker_load_async);

  if (self->store == NULL)
    {
      load_finished (self, task, NULL);
      return;
    }

  /* The GTask outlives the runs: they all come before its return. */
  luma_store_open_load_async (self->store, store_loaded_cb, task,
                              cancellable, store_load_cb, g_object_ref (task));
}

gboolean
luma_tracker_load_finish (LumaTracker   *self,
                          GAsyncResult  *result,
                          char         **moved_aside,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (LUMA_IS_TRACKER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == luma_tracker_load_async, FALSE);

  path = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (moved_aside != NULL)
    *moved_aside = g_steal_pointer (&path);

  return TRUE;
}

/* Adding. */

GPtrArray *
luma_tracker_add_ids (LumaTracker        *self,
                      const char * const *ids,
                      guint               n_ids,
                      guint              *n_already_listed)
{
  GPtrArray *added;
  guint n_listed = 0;

  g_return_val_if_fail (LUMA_IS_TRACKER (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  for (guint i = 0; i < n_ids; i++)
    if (luma_task_list_lookup (self->list, ids[i]) != NULL)
      n_listed++;

  added = luma_task_list_add_ids (self->list, ids, n_ids);
  if (!self->loaded && self->store != NULL)
    for (guint i = 0; i < added->len; i++)
      g_ptr_array_add (self->early, g_object_ref (g_ptr_array_index (added, i)));

  for (guint i = 0; i < added->len; i++)
    {
      LumaTask *task = g_ptr_array_index (added, i);
      gint64 added_at = MAX (luma_task_get_added_at (task), self->last_added_at + 1);

      luma_task_set_added_at (task, added_at);
      self->last_added_at = added_at;
    }

  /* Kept before the first answer, so a crash loses no pasted ID. */
  save_tasks (self, added);
  fetch_tasks (self, added);

  if (n_already_listed != NULL)
    *n_already_listed = n_listed;

  return added;
}

GPtrArray *
luma_tracker_add_text (LumaTracker   *self,
                       const char    *text,
                       LumaIdsReport *report,
                       guint         *n_already_listed)
{
  g_auto(GStrv) ids = NULL;

  g_return_val_if_fail (LUMA_IS_TRACKER (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  ids = luma_ids_extract (text, -1, report);

  return luma_tracker_add_ids (self, (const char * const *) ids, g_strv_length (ids),
                               n_already_listed);
}

/* Removing. */

LumaTrackerRemoval *
luma_tracker_removal_ref (LumaTrackerRemoval *removal)
{
  g_return_val_if_fail (removal != NULL, NULL);

  g_atomic_ref_count_inc (&removal->ref_count);

  return removal;
}

void
luma_tracker_removal_unref (LumaTrackerRemoval *removal)
{
  g_return_if_fail (removal != NULL);

  if (g_atomic_ref_count_dec (&removal->ref_count))
    {
      g_array_unref (removal->removals);
      g_free (removal);
    }
}

guint
luma_tracker_removal_get_n_tasks (LumaTrackerRemoval *removal)
{
  g_return_val_if_fail (removal != NULL, 0);

  return removal->removals->len;
}

LumaTrackerRemoval *
luma_tracker_remove_tasks (LumaTracker *self,
                           GPtrArray   *tasks)
{
  LumaTrackerRemoval *removal;
  g_autoptr(GPtrArray) ids = NULL;

  g_return_val_if_fail (LUMA_IS_TRACKER (self), NULL);
  g_return_val_if_fail (tasks != NULL, NULL);

  removal = g_new0 (LumaTrackerRemoval, 1);
  g_atomic_ref_count_init (&removal->ref_count);
  removal->removals = luma_task_list_remove_tasks (self->list, tasks);

  ids = g_ptr_array_sized_new (removal->removals->len);
  for (guint i = 0; i < removal->removals->len; i++)
    {
      LumaTaskListRemoval *r = &g_array_index (removal->removals, LumaTaskListRemoval, i);

      g_ptr_array_add (ids, (char *) luma_task_get_id (r->task));
    }

  if (self->store != NULL && !self->store_failed && ids->len > 0)
    {
      GWeakRef *weak = g_new0 (GWeakRef, 1);

      g_weak_ref_init (weak, self);
      luma_store_remove_ids_async (self->store, (const char * const *) ids->pdata, ids->len,
                                   NULL, remove_done_cb, weak);
    }

  return removal;
}

guint
luma_tracker_undo_remove (LumaTracker        *self,
                          LumaTrackerRemoval *removal)
{
  g_autoptr(GPtrArray) restored = NULL;

  g_return_val_if_fail (LUMA_IS_TRACKER (self), 0);
  g_return_val_if_fail (removal != NULL, 0);

  if (removal->undone)
    return 0;
  removal->undone = TRUE;

  luma_task_list_restore (self->list, removal->removals);

  /* Only the tasks that went back: an ID added again meanwhile stays. */
  restored = g_ptr_array_new ();
  for (guint i = 0; i < removal->removals->len; i++)
    {
      LumaTaskListRemoval *r = &g_array_index (removal->removals, LumaTaskListRemoval, i);

      if (luma_task_list_lookup (self->list, luma_task_get_id (r->task)) == r->task)
        g_ptr_array_add (restored, r->task);
    }

  /* Saved with their old added_at, they load at their old places. */
  save_tasks (self, restored);

  return restored->len;
}

/* Refreshing. */

void
luma_tracker_refresh (LumaTracker *self,
                      GPtrArray   *tasks)
{
  g_return_if_fail (LUMA_IS_TRACKER (self));

  if (tasks != NULL)
    {
      fetch_tasks (self, tasks);
      return;
    }

  if (self->client == NULL)
    {
      emit_no_client (self);
      return;
    }

  luma_poller_refresh_now (self->poller);
  fetch_unanswered (self);
}
