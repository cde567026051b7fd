/* luma-task-list.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-task-list"

#include "config.h"

#include <string.h>

#include "luma-json-private.h"
#include "luma-task-list-private.h"
#include "luma-task-private.h"

/* Beyond this many separate runs, a removal is one compaction and one
 * items-changed over the whole span instead of one per run, which would
 * move the array's tail once per run. */
#define MAX_REMOVAL_RUNS 16

/* The sliced apply: what one main-loop iteration may spend, in µs. At
 * least 32 records are applied per slice, so it always progresses. */
#define APPLY_SLICE_US 3000

typedef struct
{
  LumaTask      *task;
  LumaTaskList  *list;
  LumaTaskWatch  watch;
  LumaTaskState  counted_state;    /* the state the counters hold it under */
} Entry;

struct _LumaTaskList
{
  GObject     parent_instance;

  GPtrArray  *tasks;               /* LumaTask*, one reference each */
  GHashTable *by_id;               /* task ID (owned by the task) → Entry* */
  guint       apply_slice_us;
  guint       counts[LUMA_TASK_STATE_OTHER + 1];
};

static void luma_task_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LumaTaskList, luma_task_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, luma_task_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_N_LOADING,
  PROP_N_UNFINISHED,
  PROP_N_COMPLETED,
  PROP_N_FAILED,
  PROP_N_NOT_FOUND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  guint n_items;
  guint counts[LUMA_TASK_STATE_OTHER + 1];
} Snapshot;

static guint
count_unfinished (const guint *counts)
{
  return counts[LUMA_TASK_STATE_PENDING] +
         counts[LUMA_TASK_STATE_PROCESSING] +
         counts[LUMA_TASK_STATE_OTHER];
}

static void
take_snapshot (LumaTaskList *self,
               Snapshot     *snapshot)
{
  snapshot->n_items = self->tasks->len;
  memcpy (snapshot->counts, self->counts, sizeof self->counts);
}

/* Notifies the counters that differ from @before, and only those. */
static void
notify_changes (LumaTaskList   *self,
                const Snapshot *before)
{
  static const struct {
    guint prop;
    LumaTaskState state;
  } simple[] = {
    { PROP_N_LOADING, LUMA_TASK_STATE_LOADING },
    { PROP_N_COMPLETED, LUMA_TASK_STATE_COMPLETED },
    { PROP_N_FAILED, LUMA_TASK_STATE_FAILED },
    { PROP_N_NOT_FOUND, LUMA_TASK_STATE_NOT_FOUND },
  };

  if (before->n_items != self->tasks->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (count_unfinished (before->counts) != count_unfinished (self->counts))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNFINISHED]);
  for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
    {
      if (before->counts[simple[i].state] != self->counts[simple[i].state])
        g_object_notify_by_pspec (G_OBJECT (self), properties[simple[i].prop]);
    }
}

static void
on_task_state_changed (LumaTask *task,
                       gpointer  data)
{
  Entry *entry = data;
  LumaTaskList *self = entry->list;
  LumaTaskState state = luma_task_get_state (task);
  Snapshot before;

  g_assert (entry->task == task);

  if (entry->counted_state == state)
    return;

  take_snapshot (self, &before);
  self->counts[entry->counted_state]--;
  self->counts[state]++;
  entry->counted_state = state;
  notify_changes (self, &before);
}

/* Indexes @task and counts it; the caller puts it in the array. */
static void
track (LumaTaskList *self,
       LumaTask     *task)
{
  Entry *entry = g_new (Entry, 1);

  entry->task = task;
  entry->list = self;
  entry->counted_state = luma_task_get_state (task);
  entry->watch.state_changed = on_task_state_changed;
  entry->watch.data = entry;
  entry->watch.next = NULL;
  _luma_task_add_watch (task, &entry->watch);
  self->counts[entry->counted_state]++;
  g_hash_table_insert (self->by_id, (gpointer) luma_task_get_id (task), entry);
}

static void
untrack (LumaTaskList *self,
         LumaTask     *task)
{
  Entry *entry = g_hash_table_lookup (self->by_id, luma_task_get_id (task));

  g_assert (entry != NULL && entry->task == task);

  _luma_task_remove_watch (task, &entry->watch);
  self->counts[entry->counted_state]--;
  g_hash_table_remove (self->by_id, luma_task_get_id (task));
}

/* Whether @task itself (not just a task of the same ID) is in the list. */
static gboolean
contains (LumaTaskList *self,
          LumaTask     *task)
{
  Entry *entry = g_hash_table_lookup (self->by_id, luma_task_get_id (task));

  return entry != NULL && entry->task == task;
}

static GType
luma_task_list_get_item_type (GListModel *model)
{
  return LUMA_TYPE_TASK;
}

static guint
luma_task_list_get_n_items (GListModel *model)
{
  return LUMA_TASK_LIST (model)->tasks->len;
}

static gpointer
luma_task_list_get_item (GListModel *model,
                         guint       position)
{
  LumaTaskList *self = LUMA_TASK_LIST (model);

  if (position >= self->tasks->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->tasks, position));
}

static void
luma_task_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = luma_task_list_get_item_type;
  iface->get_n_items = luma_task_list_get_n_items;
  iface->get_item = luma_task_list_get_item;
}

static void
drop_all (LumaTaskList *self)
{
  for (guint i = 0; i < self->tasks->len; i++)
    {
      LumaTask *task = g_ptr_array_index (self->tasks, i);

      untrack (self, task);
      g_object_unref (task);
    }
  g_ptr_array_set_size (self->tasks, 0);
}

static void
luma_task_list_dispose (GObject *object)
{
  LumaTaskList *self = (LumaTaskList *) object;

  if (self->tasks != NULL)
    drop_all (self);

  G_OBJECT_CLASS (luma_task_list_parent_class)->dispose (object);
}

static void
luma_task_list_finalize (GObject *object)
{
  LumaTaskList *self = (LumaTaskList *) object;

  g_clear_pointer (&self->tasks, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);

  G_OBJECT_CLASS (luma_task_list_parent_class)->finalize (object);
}

static void
luma_task_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LumaTaskList *self = LUMA_TASK_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->tasks->len);
      break;
    case PROP_N_LOADING:
      g_value_set_uint (value, self->counts[LUMA_TASK_STATE_LOADING]);
      break;
    case PROP_N_UNFINISHED:
      g_value_set_uint (value, count_unfinished (self->counts));
      break;
    case PROP_N_COMPLETED:
      g_value_set_uint (value, self->counts[LUMA_TASK_STATE_COMPLETED]);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->counts[LUMA_TASK_STATE_FAILED]);
      break;
    case PROP_N_NOT_FOUND:
      g_value_set_uint (value, self->counts[LUMA_TASK_STATE_NOT_FOUND]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
count_property (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT, 0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
luma_task_list_class_init (LumaTaskListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = luma_task_list_dispose;
  object_class->finalize = luma_task_list_finalize;
  object_class->get_property = luma_task_list_get_property;

  properties[PROP_N_ITEMS] = count_property ("n-items");
  properties[PROP_N_LOADING] = count_property ("n-loading");
  properties[PROP_N_UNFINISHED] = count_property ("n-unfinished");
  properties[PROP_N_COMPLETED] = count_property ("n-completed");
  properties[PROP_N_FAILED] = count_property ("n-failed");
  properties[PROP_N_NOT_FOUND] = count_property ("n-not-found");

  g_object_class_install_properties (object_class, N_PROPS, properties);

}

static void
luma_task_list_init (LumaTaskList *self)
{
  self->tasks = g_ptr_array_new ();
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->apply_slice_us = APPLY_SLICE_US;
}

LumaTaskList *
luma_task_list_new (void)
{
  return g_object_new (LUMA_TYPE_TASK_LIST, NULL);
}

LumaTask *
luma_task_list_lookup (LumaTaskList *self,
                       const char   *id)
{
  Entry *entry;

  g_return_val_if_fail (LUMA_IS_TASK_LIST (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL ? entry->task : NULL;
}

/* Emits the signal for @n_added tasks appended, then the counters. */
static void
finish_append (LumaTaskList   *self,
               const Snapshot *before)
{
  guint n_added = self->tasks->len - before->n_items;

  if (n_added == 0)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), before->n_items, 0, n_added);
  notify_changes (self, before);
}

GPtrArray *
luma_task_list_add_ids (LumaTaskList       *self,
                        const char * const *ids,
                        guint               n_ids)
{
  GPtrArray *added;
  Snapshot before;

  g_return_val_if_fail (LUMA_IS_TASK_LIST (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  take_snapshot (self, &before);
  added = g_ptr_array_sized_new (n_ids);

  for (guint i = 0; i < n_ids; i++)
    {
      LumaTask *task;

      if (ids[i] == NULL || *ids[i] == '\0' || g_hash_table_contains (self->by_id, ids[i]))
        continue;

      task = luma_task_new (ids[i]);
      track (self, task);
      g_ptr_array_add (self->tasks, task);
      g_ptr_array_add (added, task);
    }

  finish_append (self, &before);

  return added;
}

void
luma_task_list_append_tasks (LumaTaskList     *self,
                             LumaTask * const *tasks,
                             guint             n_tasks)
{
  g_return_if_fail (LUMA_IS_TASK_LIST (self));
  g_return_if_fail (tasks != NULL || n_tasks == 0);

  luma_task_list_insert_tasks (self, self->tasks->len, tasks, n_tasks);
}

void
luma_task_list_insert_tasks (LumaTaskList     *self,
                             guint             position,
                             LumaTask * const *tasks,
                             guint             n_tasks)
{
  Snapshot before;
  guint n_old;
  guint n_added = 0;

  g_return_if_fail (LUMA_IS_TASK_LIST (self));
  g_return_if_fail (tasks != NULL || n_tasks == 0);

  take_snapshot (self, &before);
  n_old = self->tasks->len;
  position = MIN (position, n_old);

  /* Appended first, then moved into place in one go. */
  for (guint i = 0; i < n_tasks; i++)
    {
      LumaTask *task = tasks[i];

      if (!LUMA_IS_TASK (task) || g_hash_table_contains (self->by_id, luma_task_get_id (task)))
        continue;

      track (self, task);
      g_ptr_array_add (self->tasks, g_object_ref (task));
      n_added++;
    }

  if (n_added == 0)
    return;

  if (position < n_old)
    {
      g_autofree gpointer *tail = g_memdup2 (self->tasks->pdata + position,
                                             (n_old - position) * sizeof (gpointer));

      memmove (self->tasks->pdata + position, self->tasks->pdata + n_old, n_added * sizeof (gpointer));
      memcpy (self->tasks->pdata + position + n_added, tail, (n_old - position) * sizeof (gpointer));
    }

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n_added);
  notify_changes (self, &before);
}

void
luma_task_list_insert (LumaTaskList *self,
                       guint         position,
                       LumaTask     *task)
{
  Snapshot before;

  g_return_if_fail (LUMA_IS_TASK_LIST (self));
  g_return_if_fail (LUMA_IS_TASK (task));

  /* An undo after the user added the same ID again: keep the newer one. */
  if (g_hash_table_contains (self->by_id, luma_task_get_id (task)))
    {
      g_debug ("Task %s is already in the list", luma_task_get_id (task));
      return;
    }

  take_snapshot (self, &before);
  position = MIN (position, self->tasks->len);
  track (self, task);
  g_ptr_array_insert (self->tasks, position, g_object_ref (task));

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  notify_changes (self, &before);
}

gboolean
luma_task_list_find (LumaTaskList *self,
                     LumaTask     *task,
                     guint        *position)
{
  g_return_val_if_fail (LUMA_IS_TASK_LIST (self), FALSE);
  g_return_val_if_fail (LUMA_IS_TASK (task), FALSE);

  if (!contains (self, task))
    return FALSE;

  return g_ptr_array_find (self->tasks, task, position);
}

gboolean
luma_task_list_remove (LumaTaskList *self,
                       const char   *id)
{
  LumaTask *task;
  Snapshot before;
  guint position;

  g_return_val_if_fail (LUMA_IS_TASK_LIST (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  task = luma_task_list_lookup (self, id);
  if (task == NULL || !g_ptr_array_find (self->tasks, task, &position))
    return FALSE;

  take_snapshot (self, &before);
  untrack (self, task);
  g_ptr_array_remove_index (self->tasks, position);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  notify_changes (self, &before);
  g_object_unref (task);

  return TRUE;
}

static void
clear_removal (gpointer data)
{
  LumaTaskListRemoval *removal = data;

  g_clear_object (&removal->task);
}

GArray *
luma_task_list_remove_tasks (LumaTaskList *self,
                             GPtrArray    *tasks)
{
  g_autoptr(GHashTable) doomed = NULL;
  GArray *removals;
  Snapshot before;
  guint n_runs = 0;

  g_return_val_if_fail (LUMA_IS_TASK_LIST (self), NULL);
  g_return_val_if_fail (tasks != NULL, NULL);

  removals = g_array_new (FALSE, FALSE, sizeof (LumaTaskListRemoval));
  g_array_set_clear_func (removals, clear_removal);

  doomed = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < tasks->len; i++)
    {
      LumaTask *task = g_ptr_array_index (tasks, i);

      if (LUMA_IS_TASK (task) && contains (self, task))
        g_hash_table_add (doomed, task);
    }

  if (g_hash_table_size (doomed) == 0)
    return removals;

  /* One pass finds the positions, in order, and counts the runs. */
  for (guint i = 0; i < self->tasks->len; i++)
    {
      LumaTask *task = g_ptr_array_index (self->tasks, i);
      LumaTaskListRemoval removal;

      if (!g_hash_table_contains (doomed, task))
        continue;

      if (removals->len == 0 ||
          g_array_index (removals, LumaTaskListRemoval, removals->len - 1).position != i - 1)
        n_runs++;

      removal.position = i;
      removal.task = task;   /* takes the list's reference */
      g_array_append_val (removals, removal);
    }

  take_snapshot (self, &before);
  for (guint i = 0; i < removals->len; i++)
    untrack (self, g_array_index (removals, LumaTaskListRemoval, i).task);

  if (n_runs <= MAX_REMOVAL_RUNS)
    {
      /* From the last run to the first, so each signal's positions hold. */
      guint end = removals->len;

      while (end > 0)
        {
          guint start = end - 1;
          guint first;

          while (start > 0 &&
                 g_array_index (removals, LumaTaskListRemoval, start - 1).position ==
                 g_array_index (removals, LumaTaskListRemoval, start).position - 1)
            start--;

          first = g_array_index (removals, LumaTaskListRemoval, start).position;
          g_ptr_array_remove_range (self->tasks, first, end - start);
          g_list_model_items_changed (G_LIST_MODEL (self), first, end - start, 0);
          end = start;
        }
    }
  else
    {
      guint first = g_array_index (removals, LumaTaskListRemoval, 0).position;
      guint last = g_array_index (removals, LumaTaskListRemoval, removals->len - 1).position;
      guint span = last - first + 1;
      guint w = first;

      for (guint r = first; r < self->tasks->len; r++)
        {
          gpointer task = g_ptr_array_index (self->tasks, r);

          if (!g_hash_table_contains (doomed, task))
            self->tasks->pdata[w++] = task;
        }
      g_ptr_array_set_size (self->tasks, w);
      g_list_model_items_changed (G_LIST_MODEL (self), first, span, span - removals->len);
    }

  notify_changes (self, &before);

  return removals;
}

void
luma_task_list_restore (LumaTaskList *self,
                        GArray       *removals)
{
  g_autoptr(GPtrArray) merged = NULL;
  GPtrArray *old;
  Snapshot before;
  guint first = G_MAXUINT;
  guint last = 0;
  guint n_restored = 0;
  guint j = 0;

  g_return_if_fail (LUMA_IS_TASK_LIST (self));
  g_return_if_fail (removals != NULL);
  g_return_if_fail (g_array_get_element_size (removals) == sizeof (LumaTaskListRemoval));

  take_snapshot (self, &before);
  old = self->tasks;
  merged = g_ptr_array_sized_new (old->len + removals->len);

  /* Inserting in ascending order of the old positions puts every task
   * back where it was, whatever happened in between. */
  for (guint i = 0; i < removals->len; i++)
    {
      LumaTaskListRemoval *removal = &g_array_index (removals, LumaTaskListRemoval, i);

      if (!LUMA_IS_TASK (removal->task) ||
          g_hash_table_contains (self->by_id, luma_task_get_id (removal->task)))
        continue;

      while (merged->len < removal->position && j < old->len)
        g_ptr_array_add (merged, g_ptr_array_index (old, j++));

      first = MIN (first, merged->len);
      last = merged->len;
      track (self, removal->task);
      g_ptr_array_add (merged, g_object_ref (removal->task));
      n_restored++;
    }

  if (n_restored == 0)
    return;

  while (j < old->len)
    g_ptr_array_add (merged, g_ptr_array_index (old, j++));

  self->tasks = g_steal_pointer (&merged);
  merged = old;  /* freed on return; it holds no references of its own */

  g_list_model_items_changed (G_LIST_MODEL (self), first,
                              last - first + 1 - n_restored, last - first + 1);
  notify_changes (self, &before);
}

void
luma_task_list_remove_all (LumaTaskList *self)
{
  Snapshot before;

  g_return_if_fail (LUMA_IS_TASK_LIST (self));

  if (self->tasks->len == 0)
    return;

  take_snapshot (self, &before);
  drop_all (self);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, before.n_items, 0);
  notify_changes (self, &before);
}

/* The task a record names: as written, else in lower case (the list keys
 * IDs as the user gave them, the service may answer in another case). */
static LumaTask *
lookup_record_task (LumaTaskList *self,
                    const char   *id)
{
  LumaTask *task = luma_task_list_lookup (self, id);

  if (task == NULL)
    {
      g_autofree char *lower = g_ascii_strdown (id, -1);

      task = luma_task_list_lookup (self, lower);
    }

  return task;
}

/* One record, prepared or not. Returns the task if it changed. */
static LumaTask *
apply_one (LumaTaskList       *self,
           JsonObject         *record,
           LumaPreparedRecord *prepared)
{
  LumaTask *task;

  if (prepared != NULL)
    {
      task = lookup_record_task (self, _luma_prepared_record_get_id (prepared));
      return task != NULL && _luma_task_update_from_prepared (task, prepared) ? task : NULL;
    }

  if (record == NULL)
    return NULL;

  {
    const char *id = _luma_json_get_string (record, "id");

    if (id == NULL)
      return NULL;

    task = lookup_record_task (self, id);
    return task != NULL && luma_task_update_from_record (task, record) ? task : NULL;
  }
}

GPtrArray *
luma_task_list_apply_records (LumaTaskList *self,
                              GPtrArray    *records)
{
  GPtrArray *changed;

  g_return_val_if_fail (LUMA_IS_TASK_LIST (self), NULL);
  g_return_val_if_fail (records != NULL, NULL);

  changed = g_ptr_array_new ();

  /* The counters move once for the whole batch. */
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < records->len; i++)
    {
      LumaTask *task = apply_one (self, g_ptr_array_index (records, i), NULL);

      if (task != NULL)
        g_ptr_array_add (changed, task);
    }
  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

void
_luma_task_list_set_apply_slice (LumaTaskList *self,
                                 guint         slice_us)
{
  g_return_if_fail (LUMA_IS_TASK_LIST (self));
  self->apply_slice_us = slice_us;
}

typedef struct
{
  GPtrArray *records;     /* JsonObject*, or NULL */
  GPtrArray *prepared;    /* LumaPreparedRecord*, or NULL */
  guint      n;
  guint      next;
  GPtrArray *changed;     /* LumaTask*, a reference each */
  gboolean   frozen;
  GSource   *idle;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_pointer (&data->records, g_ptr_array_unref);
  g_clear_pointer (&data->prepared, g_ptr_array_unref);
  g_clear_pointer (&data->changed, g_ptr_array_unref);
  if (data->idle != NULL)
    {
      g_source_destroy (data->idle);
      g_clear_pointer (&data->idle, g_source_unref);
    }
  g_free (data);
}

static void
apply_thaw (LumaTaskList *self,
            ApplyData    *data)
{
  if (data->frozen)
    {
      data->frozen = FALSE;
      g_object_thaw_notify (G_OBJECT (self));
    }
}

static gboolean
apply_slice_cb (gpointer user_data)
{
  GTask *task = user_data;
  LumaTaskList *self = g_task_get_source_object (task);
  ApplyData *data = g_task_get_task_data (task);
  gint64 deadline = g_get_monotonic_time () + self->apply_slice_us;

  if (g_task_return_error_if_cancelled (task))
    {
      apply_thaw (self, data);
      g_clear_pointer (&data->idle, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  while (data->next < data->n)
    {
      guint i = data->next++;
      LumaTask *changed;

      changed = apply_one (self,
                           data->records != NULL && i < data->records->len ? g_ptr_array_index (data->records, i) : NULL,
                           data->prepared != NULL ? g_ptr_array_index (data->prepared, i) : NULL);
      if (changed != NULL)
        g_ptr_array_add (data->changed, g_object_ref (changed));

      if ((data->next & 31) == 0 && g_get_monotonic_time () >= deadline)
        return G_SOURCE_CONTINUE;
    }

  apply_thaw (self, data);
  g_clear_pointer (&data->idle, g_source_unref);
  g_task_return_pointer (task, g_steal_pointer (&data->changed), (GDestroyNotify) g_ptr_array_unref);

  return G_SOURCE_REMOVE;
}

void
_luma_task_list_apply_prepared_async (LumaTaskList        *self,
                                      GPtrArray           *records,
                                      GPtrArray           *prepared,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ApplyData *data;

  g_return_if_fail (LUMA_IS_TASK_LIST (self));
  g_return_if_fail (records != NULL || prepared != NULL);
  g_return_if_fail (records == NULL || prepared == NULL || records->len == 0 || records->len == prepared->len);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _luma_task_list_apply_prepared_async);

  data = g_new0 (ApplyData, 1);
  data->records = records != NULL ? g_ptr_array_ref (records) : NULL;
  data->prepared = prepared != NULL ? g_ptr_array_ref (prepared) : NULL;
  data->n = prepared != NULL ? prepared->len : records->len;
  data->changed = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);

  /* As in the synchronous apply, the counters move once, at the end. */
  g_object_freeze_notify (G_OBJECT (self));
  data->frozen = TRUE;

  /* A slice every millisecond at the default priority: an idle source
   * would starve behind GTK's redraws while a spinner turns on a slow
   * renderer, leaving tasks "Loading"; the gap between slices lets input
   * and frames through. */
  data->idle = g_timeout_source_new (1);
  g_source_set_priority (data->idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (data->idle, apply_slice_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (data->idle, "[luma] apply records");
  g_source_attach (data->idle, g_task_get_context (task));
}

void
luma_task_list_apply_records_async (LumaTaskList        *self,
                                    GPtrArray           *records,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (records != NULL);

  _luma_task_list_apply_prepared_async (self, records, NULL, cancellable, callback, user_data);
}

GPtrArray *
luma_task_list_apply_records_finish (LumaTaskList  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (LUMA_IS_TASK_LIST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char **
luma_task_list_dup_unfinished_ids (LumaTaskList *self)
{
  GStrvBuilder *builder;
  char **ids;

  g_return_val_if_fail (LUMA_IS_TASK_LIST (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->tasks->len; i++)
    {
      LumaTask *task = g_ptr_array_index (self->tasks, i);

      if (luma_task_is_unfinished (task))
        g_strv_builder_add (builder, luma_task_get_id (task));
    }
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return ids;
}
