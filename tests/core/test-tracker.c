/* test-tracker.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine facade against the simulator over real HTTP, with the task
 * history in SQLite under the test's own XDG data folder.
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <sqlite3.h>

#include "luma-error.h"
#include "luma-test-sim.h"
#include "luma-tracker.h"
#include "luma-test-network-monitor.h"

#define ID_COMPLETED_A "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define ID_COMPLETED_B "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define ID_PENDING     "c0418d8d-e741-4736-88c8-55f341059913"
#define ID_PROCESSING  "512ee3da-2f62-41d0-9ce7-7e830ab98eec"
#define ID_FAILED      "aa9bc43f-35dd-48a9-ae6c-371573780e58"
#define ID_UNKNOWN     "0badc0de-0000-4000-8000-000000000000"

#define WAIT_SECONDS 20


typedef struct
{
  GPtrArray *errors;      /* GError* */
  GPtrArray *finished;    /* LumaTask* */
  guint      n_busy_changes;
  guint      n_retrying;
} Events;

static void
error_cb (LumaTracker  *tracker,
          const GError *error,
          Events       *events)
{
  g_ptr_array_add (events->errors, g_error_copy (error));
}

static void
finished_cb (LumaTracker *tracker,
             GPtrArray   *tasks,
             Events      *events)
{
  for (guint i = 0; i < tasks->len; i++)
    g_ptr_array_add (events->finished, g_object_ref (g_ptr_array_index (tasks, i)));
}

static void
busy_cb (LumaTracker *tracker,
         GParamSpec  *pspec,
         Events      *events)
{
  events->n_busy_changes++;
}

static void
retrying_cb (LumaTracker  *tracker,
             const GError *error,
             double        seconds,
             Events       *events)
{
  g_assert_nonnull (error);
  g_assert_cmpfloat (seconds, >=, 0);
  events->n_retrying++;
}

static void
events_init (Events      *events,
             LumaTracker *tracker)
{
  events->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  events->finished = g_ptr_array_new_with_free_func (g_object_unref);
  events->n_busy_changes = 0;
  events->n_retrying = 0;

  g_signal_connect (tracker, "error", G_CALLBACK (error_cb), events);
  g_signal_connect (tracker, "tasks-finished", G_CALLBACK (finished_cb), events);
  g_signal_connect (tracker, "notify::busy", G_CALLBACK (busy_cb), events);
  g_signal_connect (tracker, "retrying", G_CALLBACK (retrying_cb), events);
}

static void
events_clear (Events *events)
{
  g_clear_pointer (&events->errors, g_ptr_array_unref);
  g_clear_pointer (&events->finished, g_ptr_array_unref);
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

/* Iterates the main context until @condition holds, for WAIT_SECONDS at
 * most; a periodic source keeps the iterations coming. */
static gboolean
wait_for (Condition condition,
          gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint wake_id = g_timeout_add (20, wake_cb, NULL);
  gboolean met;

  while (!(met = condition (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake_id);

  return met;
}

static LumaClient *
make_client (LumaTestSim *sim,
             const char  *token)
{
  g_autoptr(GError) error = NULL;
  LumaClient *client;

  client = luma_client_new (luma_test_sim_get_base_url (sim), token, &error);
  g_assert_no_error (error);
  luma_client_set_backoff_base_ms (client, 10);

  return client;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *moved_aside;
  GError   *error;
} LoadWait;

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LoadWait *wait = user_data;

  wait->ok = luma_tracker_load_finish (LUMA_TRACKER (object), result,
                                       &wait->moved_aside, &wait->error);
  wait->done = TRUE;
}

static gboolean
load_done (gpointer data)
{
  return ((LoadWait *) data)->done;
}

static void
load_tracker (LumaTracker *tracker)
{
  LoadWait wait = { 0 };

  luma_tracker_load_async (tracker, NULL, load_cb, &wait);
  g_assert_true (wait_for (load_done, &wait));
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_assert_null (wait.moved_aside);
}

typedef struct
{
  LumaTaskList *list;
  const char   *id;
  LumaTaskState state;
} StateWait;

static gboolean
task_in_state (gpointer data)
{
  StateWait *wait = data;
  LumaTask *task = luma_task_list_lookup (wait->list, wait->id);

  return task != NULL && luma_task_get_state (task) == wait->state;
}

static void
assert_reaches_state (LumaTracker   *tracker,
                      const char    *id,
                      LumaTaskState  state)
{
  StateWait wait = { luma_tracker_get_list (tracker), id, state };

  if (!wait_for (task_in_state, &wait))
    {
      LumaTask *task = luma_task_list_lookup (wait.list, id);

      g_error ("Task %s did not reach state %d (it is %d)", id, state,
               task != NULL ? (int) luma_task_get_state (task) : -1);
    }
}

static gboolean
tracker_idle (gpointer data)
{
  return !luma_tracker_get_busy (LUMA_TRACKER (data));
}

static gboolean
has_errors (gpointer data)
{
  return ((Events *) data)->errors->len > 0;
}

/* Waits for the store's queued work and the completions it sent back. */
static void
drain_store (LumaStore *store)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  tasks = luma_store_load_sync (store, &error);
  g_assert_no_error (error);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* The same for a store that is not open. */
static void
drain_store_quietly (LumaStore *store)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GError) error = NULL;

  tasks = luma_store_load_sync (store, &error);
  g_assert_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NOT_OPEN);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static GPtrArray *
store_contents (LumaStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks;

  tasks = luma_store_load_sync (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tasks);

  return tasks;
}

static void
assert_list_ids (LumaTaskList       *list,
                 const char * const *ids)
{
  guint n = g_strv_length ((char **) ids);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpstr (luma_task_get_id (task), ==, ids[i]);
    }
}

static void
assert_tasks_ids (GPtrArray          *tasks,
                  const char * const *ids)
{
  g_assert_cmpuint (tasks->len, ==, g_strv_length ((char **) ids));
  for (guint i = 0; i < tasks->len; i++)
    g_assert_cmpstr (luma_task_get_id (g_ptr_array_index (tasks, i)), ==, ids[i]);
}

/* Tears a tracker down the way the window does, and checks nothing of it
 * stays alive. */
static void
finish_tracker (LumaTracker *tracker,
                LumaStore   *store)
{
  g_assert_finalize_object (tracker);
  if (store != NULL)
    {
      drain_store (store);
      g_assert_finalize_object (store);
    }
}

static void
test_tracker_add_text (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  g_autoptr(LumaClient) client = make_client (sim, luma_test_sim_get_token (sim));
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  LumaStore *store = luma_store_new (NULL);
  LumaTracker *tracker = luma_tracker_new (store);
  LumaIdsReport report = { 0 };
  guint n_already = G_MAXUINT;
  Events events;
  LumaTask *task;

  events_init (&events, tracker);
  luma_tracker_set_client (tracker, client);
  g_assert_true (luma_tracker_get_poller (tracker) != NULL);
  load_tracker (tracker);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (luma_tracker_get_list (tracker))), ==, 0);

  added = luma_tracker_add_text (tracker,
                                 "curl … -d '{\"id\": \"50FC6182-FA86-4C7D-AC12-2FA27EC2F151\"}'\n"
                                 "no id on this line\n"
                                 "76a05f61-68ad-4c1a-838f-a00cd08cf65b, " ID_UNKNOWN "\n"
                                 "50fc6182-fa86-4c7d-ac12-2fa27ec2f151 again\n",
                                 &report, &n_already);
  g_assert_cmpuint (report.n_found, ==, 3);
  g_assert_cmpuint (report.n_duplicates, ==, 1);
  g_assert_cmpuint (report.n_lines_ignored, ==, 1);
  g_assert_cmpuint (n_already, ==, 0);
  assert_tasks_ids (added, (const char *[]) { ID_COMPLETED_A, ID_COMPLETED_B, ID_UNKNOWN, NULL });

  /* At once, before any answer: in the list, loading, the tracker busy. */
  for (guint i = 0; i < added->len; i++)
    g_assert_cmpint (luma_task_get_state (g_ptr_array_index (added, i)), ==, LUMA_TASK_STATE_LOADING);
  g_assert_true (luma_tracker_get_busy (tracker));
  assert_list_ids (luma_tracker_get_list (tracker),
                   (const char *[]) { ID_COMPLETED_A, ID_COMPLETED_B, ID_UNKNOWN, NULL });
  /* Added in this order: strictly growing times. */
  g_assert_cmpint (luma_task_get_added_at (g_ptr_array_index (added, 0)), <,
                   luma_task_get_added_at (g_ptr_array_index (added, 1)));
  g_assert_cmpint (luma_task_get_added_at (g_ptr_array_index (added, 1)), <,
                   luma_task_get_added_at (g_ptr_array_index (added, 2)));

  /* Then they fill in, and the unknown one is not found. */
  assert_reaches_state (tracker, ID_COMPLETED_A, LUMA_TASK_STATE_COMPLETED);
  assert_reaches_state (tracker, ID_COMPLETED_B, LUMA_TASK_STATE_COMPLETED);
  assert_reaches_state (tracker, ID_UNKNOWN, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_true (wait_for (tracker_idle, tracker));
  g_assert_cmpuint (events.n_busy_changes, >=, 2);
  task = luma_task_list_lookup (luma_tracker_get_list (tracker), ID_COMPLETED_A);
  g_assert_cmpstr (luma_task_get_prompt (task), ==, "Astronauts shuttle from space to volcano");
  g_assert_cmpuint (events.errors->len, ==, 0);
  /* Loading → completed is not "just finished": no notification. */
  g_assert_cmpuint (events.finished->len, ==, 0);

  /* Pasted again with one new ID: only that one is added. */
  again = luma_tracker_add_text (tracker, ID_COMPLETED_B " " ID_FAILED " " ID_UNKNOWN, NULL, &n_already);
  g_assert_cmpuint (n_already, ==, 2);
  assert_tasks_ids (again, (const char *[]) { ID_FAILED, NULL });
  assert_reaches_state (tracker, ID_FAILED, LUMA_TASK_STATE_FAILED);
  g_assert_true (wait_for (tracker_idle, tracker));

  /* The store has every task as the list shows it, records included. */
  stored = store_contents (store);
  assert_tasks_ids (stored, (const char *[]) { ID_COMPLETED_A, ID_COMPLETED_B, ID_UNKNOWN, ID_FAILED, NULL });
  for (guint i = 0; i < stored->len; i++)
    {
      LumaTask *copy = g_ptr_array_index (stored, i);
      LumaTask *live = luma_task_list_lookup (luma_tracker_get_list (tracker), luma_task_get_id (copy));

      g_assert_cmpint (luma_task_get_state (copy), ==, luma_task_get_state (live));
      g_assert_cmpstr (luma_task_get_record_json (copy), ==, luma_task_get_record_json (live));
      g_assert_cmpint (luma_task_get_added_at (copy), ==, luma_task_get_added_at (live));
    }

  events_clear (&events);
  finish_tracker (tracker, store);
}

static void
test_tracker_refused_token (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--token", "right-token", NULL);
  g_autoptr(LumaClient) wrong = make_client (sim, "wrong-token");
  g_autoptr(LumaClient) right = make_client (sim, "right-token");
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  LumaStore *store = luma_store_new (NULL);
  LumaTracker *tracker = luma_tracker_new (store);
  const GError *error;
  Events events;
  LumaTask *task;

  events_init (&events, tracker);
  luma_tracker_set_client (tracker, wrong);
  load_tracker (tracker);

  added = luma_tracker_add_text (tracker, ID_COMPLETED_A "\n" ID_COMPLETED_B, NULL, NULL);
  g_assert_cmpuint (added->len, ==, 2);

  /* A 401 is reported, once, and no task is lost. */
  g_assert_true (wait_for (has_errors, &events));
  g_assert_true (wait_for (tracker_idle, tracker));
  g_assert_cmpuint (events.errors->len, ==, 1);
  error = g_ptr_array_index (events.errors, 0);
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_INVALID_TOKEN);
  g_assert_cmpuint (luma_error_get_http_status (error), ==, 401);

  assert_list_ids (luma_tracker_get_list (tracker), (const char *[]) { ID_COMPLETED_A, ID_COMPLETED_B, NULL });
  task = luma_task_list_lookup (luma_tracker_get_list (tracker), ID_COMPLETED_A);
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_LOADING);
  g_assert_error (luma_task_get_fetch_error (task), LUMA_ERROR, LUMA_ERROR_INVALID_TOKEN);
  stored = store_contents (store);
  g_assert_cmpuint (stored->len, ==, 2);

  /* The window sets a client with the right token: the tasks load. */
  luma_tracker_set_client (tracker, right);
  assert_reaches_state (tracker, ID_COMPLETED_A, LUMA_TASK_STATE_COMPLETED);
  assert_reaches_state (tracker, ID_COMPLETED_B, LUMA_TASK_STATE_COMPLETED);
  g_assert_null (luma_task_get_fetch_error (task));
  g_assert_true (wait_for (tracker_idle, tracker));
  g_assert_cmpuint (events.errors->len, ==, 1);

  events_clear (&events);
  finish_tracker (tracker, store);
}

static void
test_tracker_no_client (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  g_autoptr(LumaClient) client = make_client (sim, luma_test_sim_get_token (sim));
  g_autoptr(GPtrArray) added = NULL;
  LumaTracker *tracker = luma_tracker_new (NULL);
  Events events;

  /* No store, no client: the tasks wait, loading, and the user is told. */
  events_init (&events, tracker);
  load_tracker (tracker);
  g_assert_null (luma_tracker_get_poller (tracker));

  added = luma_tracker_add_text (tracker, ID_COMPLETED_A, NULL, NULL);
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpuint (events.errors->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (events.errors, 0), LUMA_ERROR, LUMA_ERROR_NO_TOKEN);
  g_assert_cmpint (luma_task_get_state (g_ptr_array_index (added, 0)), ==, LUMA_TASK_STATE_LOADING);
  luma_tracker_refresh (tracker, NULL);
  g_assert_cmpuint (events.errors->len, ==, 2);

  luma_tracker_set_client (tracker, client);
  g_assert_nonnull (luma_tracker_get_poller (tracker));
  assert_reaches_state (tracker, ID_COMPLETED_A, LUMA_TASK_STATE_COMPLETED);
  g_assert_true (wait_for (tracker_idle, tracker));

  events_clear (&events);
  finish_tracker (tracker, NULL);
}

static void
test_tracker_remove_undo (void)
{
  const char * const all[] = { ID_COMPLETED_A, ID_PENDING, ID_COMPLETED_B, ID_FAILED, ID_PROCESSING, NULL };
  const char * const kept[] = { ID_COMPLETED_A, ID_COMPLETED_B, ID_PROCESSING, NULL };
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  g_autoptr(LumaClient) client = make_client (sim, luma_test_sim_get_token (sim));
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) selection = g_ptr_array_new ();
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(LumaTrackerRemoval) removal = NULL;
  g_autofree char *text = g_strjoinv ("\n", (char **) all);
  LumaStore *store = luma_store_new (NULL);
  LumaTracker *tracker = luma_tracker_new (store);
  LumaTaskList *list = luma_tracker_get_list (tracker);
  Events events;

  events_init (&events, tracker);
  luma_tracker_set_client (tracker, client);
  load_tracker (tracker);

  added = luma_tracker_add_text (tracker, text, NULL, NULL);
  g_assert_cmpuint (added->len, ==, 5);
  assert_reaches_state (tracker, ID_FAILED, LUMA_TASK_STATE_FAILED);
  g_assert_true (wait_for (tracker_idle, tracker));

  /* Remove the second and the fourth. */
  g_ptr_array_add (selection, luma_task_list_lookup (list, ID_PENDING));
  g_ptr_array_add (selection, luma_task_list_lookup (list, ID_FAILED));
  removal = luma_tracker_remove_tasks (tracker, selection);
  g_assert_cmpuint (luma_tracker_removal_get_n_tasks (removal), ==, 2);
  assert_list_ids (list, kept);
  stored = store_contents (store);
  assert_tasks_ids (stored, kept);
  g_clear_pointer (&stored, g_ptr_array_unref);

  /* Undo: back at their places, in the list and in the store. */
  g_assert_cmpuint (luma_tracker_undo_remove (tracker, removal), ==, 2);
  assert_list_ids (list, all);
  stored = store_contents (store);
  assert_tasks_ids (stored, all);
  g_assert_cmpint (luma_task_get_state (g_ptr_array_index (stored, 3)), ==, LUMA_TASK_STATE_FAILED);
  g_clear_pointer (&stored, g_ptr_array_unref);

  /* Only once. */
  g_assert_cmpuint (luma_tracker_undo_remove (tracker, removal), ==, 0);
  assert_list_ids (list, all);

  g_assert_cmpuint (events.errors->len, ==, 0);
  events_clear (&events);
  finish_tracker (tracker, store);

  /* And after a restart they are still where they were. */
  store = luma_store_new (NULL);
  tracker = luma_tracker_new (store);
  load_tracker (tracker);
  assert_list_ids (luma_tracker_get_list (tracker), all);
  finish_tracker (tracker, store);
}

static void
test_tracker_restart (void)
{
  const char * const ids[] = { ID_COMPLETED_B, ID_UNKNOWN, ID_PROCESSING, ID_COMPLETED_A, NULL };
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  g_autoptr(LumaClient) client = make_client (sim, luma_test_sim_get_token (sim));
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) late = NULL;
  g_autoptr(GHashTable) records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *text = g_strjoinv (" ", (char **) ids);
  LumaStore *store = luma_store_new (NULL);
  LumaTracker *tracker = luma_tracker_new (store);
  LumaTaskList *list;
  Events events;

  luma_tracker_set_client (tracker, client);
  load_tracker (tracker);
  added = luma_tracker_add_text (tracker, text, NULL, NULL);
  assert_reaches_state (tracker, ID_UNKNOWN, LUMA_TASK_STATE_NOT_FOUND);
  assert_reaches_state (tracker, ID_PROCESSING, LUMA_TASK_STATE_PROCESSING);
  assert_reaches_state (tracker, ID_COMPLETED_A, LUMA_TASK_STATE_COMPLETED);
  g_assert_true (wait_for (tracker_idle, tracker));
  for (guint i = 0; i < added->len; i++)
    {
      LumaTask *task = g_ptr_array_index (added, i);

      g_hash_table_insert (records, g_strdup (luma_task_get_id (task)),
                           g_strdup (luma_task_get_record_json (task)));
    }
  g_clear_pointer (&added, g_ptr_array_unref);
  finish_tracker (tracker, store);

  /* A new tracker on the same history finds every task as it was, and
   * fetches none of the answered ones again. */
  luma_test_sim_clear_log (sim);
  store = luma_store_new (NULL);
  tracker = luma_tracker_new (store);
  events_init (&events, tracker);
  list = luma_tracker_get_list (tracker);
  /* No poll of the processing task while this test counts requests. */
  luma_tracker_set_poll_intervals (tracker, 600000, 600000, 1.0);
  luma_tracker_set_client (tracker, client);

  /* Added while the history loads: it goes after the stored tasks. */
  late = luma_tracker_add_text (tracker, ID_FAILED, NULL, NULL);
  load_tracker (tracker);
  assert_list_ids (list, (const char *[]) { ID_COMPLETED_B, ID_UNKNOWN, ID_PROCESSING, ID_COMPLETED_A,
                                            ID_FAILED, NULL });
  for (guint i = 0; ids[i] != NULL; i++)
    {
      LumaTask *task = luma_task_list_lookup (list, ids[i]);

      g_assert_cmpstr (luma_task_get_record_json (task), ==, g_hash_table_lookup (records, ids[i]));
    }
  g_assert_cmpint (luma_task_get_state (luma_task_list_lookup (list, ID_UNKNOWN)), ==,
                   LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpint (luma_task_get_state (luma_task_list_lookup (list, ID_PROCESSING)), ==,
                   LUMA_TASK_STATE_PROCESSING);
  assert_reaches_state (tracker, ID_FAILED, LUMA_TASK_STATE_FAILED);
  g_assert_true (wait_for (tracker_idle, tracker));

  {
    g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);

    /* One request: the late task's; nothing stored was fetched again. */
    g_assert_cmpuint (json_array_get_length (log), ==, 1);
  }

  events_clear (&events);
  finish_tracker (tracker, store);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static gboolean
two_finished (gpointer data)
{
  return ((Events *) data)->finished->len >= 2;
}

static void
test_tracker_poll_finishes (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "4", NULL);
  g_autoptr(LumaClient) client = make_client (sim, luma_test_sim_get_token (sim));
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  LumaStore *store = luma_store_new (NULL);
  LumaTracker *tracker = luma_tracker_new (store);
  LumaPoller *first_poller;
  guint n_poller_changes = 0;
  guint n_transactions;
  Events events;

  events_init (&events, tracker);
  luma_tracker_set_poll_intervals (tracker, 100, 300, 1.5);
  luma_tracker_set_client (tracker, client);
  first_poller = luma_tracker_get_poller (tracker);
  g_object_add_weak_pointer (G_OBJECT (first_poller), (gpointer *) &first_poller);
  g_signal_connect (tracker, "notify::poller", G_CALLBACK (count_notify_cb), &n_poller_changes);

  /* A new network monitor: a new poller, and the old one is gone. */
  luma_tracker_set_network_monitor (tracker, monitor);
  g_assert_cmpuint (n_poller_changes, ==, 1);
  g_assert_null (first_poller);
  g_assert_nonnull (luma_tracker_get_poller (tracker));
  g_assert_false (luma_poller_get_paused (luma_tracker_get_poller (tracker)));
  load_tracker (tracker);

  added = luma_tracker_add_text (tracker, ID_PENDING " " ID_PROCESSING " " ID_COMPLETED_A, NULL, NULL);
  g_assert_cmpuint (added->len, ==, 3);

  /* The poller carries the two unfinished ones to their end: each is
   * reported once as just finished, and saved. */
  g_assert_true (wait_for (two_finished, &events));
  g_assert_true (wait_for (tracker_idle, tracker));
  g_assert_cmpuint (events.finished->len, ==, 2);
  for (guint i = 0; i < events.finished->len; i++)
    {
      LumaTask *task = g_ptr_array_index (events.finished, i);

      g_assert_true (g_str_equal (luma_task_get_id (task), ID_PENDING) ||
                     g_str_equal (luma_task_get_id (task), ID_PROCESSING));
      g_assert_false (luma_task_is_unfinished (task));
    }
  g_assert_true (luma_task_get_id (g_ptr_array_index (events.finished, 0)) !=
                 luma_task_get_id (g_ptr_array_index (events.finished, 1)));

  n_transactions = luma_store_get_n_transactions (store);
  stored = store_contents (store);
  g_assert_cmpuint (stored->len, ==, 3);
  for (guint i = 0; i < stored->len; i++)
    g_assert_false (luma_task_is_unfinished (g_ptr_array_index (stored, i)));
  /* Saves are batches: two adds and a few polls, not one per task update. */
  g_assert_cmpuint (n_transactions, <=, 20);

  g_assert_cmpuint (events.errors->len, ==, 0);
  events_clear (&events);
  finish_tracker (tracker, store);
}

static void
test_tracker_refresh_and_retry (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  g_autoptr(LumaClient) client = make_client (sim, luma_test_sim_get_token (sim));
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) selection = g_ptr_array_new ();
  LumaTracker *tracker = luma_tracker_new (NULL);
  Events events;

  events_init (&events, tracker);
  luma_tracker_set_client (tracker, client);
  load_tracker (tracker);

  /* The first answer is a 500: the client retries (and says so). */
  luma_test_sim_set_fault (sim, "http500", 1);
  added = luma_tracker_add_text (tracker, ID_COMPLETED_A, NULL, NULL);
  assert_reaches_state (tracker, ID_COMPLETED_A, LUMA_TASK_STATE_COMPLETED);
  g_assert_true (wait_for (tracker_idle, tracker));
  g_assert_cmpuint (events.n_retrying, ==, 1);
  g_assert_cmpuint (events.errors->len, ==, 0);

  /* "Refresh this task" asks again, at once. */
  luma_test_sim_clear_log (sim);
  g_ptr_array_add (selection, g_ptr_array_index (added, 0));
  luma_tracker_refresh (tracker, selection);
  g_assert_true (luma_tracker_get_busy (tracker));
  g_assert_true (wait_for (tracker_idle, tracker));
  {
    g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);

    g_assert_cmpuint (json_array_get_length (log), ==, 1);
  }

  events_clear (&events);
  finish_tracker (tracker, NULL);
}

static void
test_tracker_client_replaced_mid_fetch (void)
{
  g_autoptr(LumaTestSim) slow = luma_test_sim_start ("--latency", "5000", NULL);
  g_autoptr(LumaTestSim) quick = luma_test_sim_start (NULL);
  g_autoptr(LumaClient) slow_client = make_client (slow, luma_test_sim_get_token (slow));
  g_autoptr(LumaClient) quick_client = make_client (quick, luma_test_sim_get_token (quick));
  g_autoptr(GPtrArray) added = NULL;
  LumaTracker *tracker = luma_tracker_new (NULL);
  gint64 start;
  Events events;

  events_init (&events, tracker);
  luma_tracker_set_client (tracker, slow_client);
  load_tracker (tracker);

  added = luma_tracker_add_text (tracker, ID_COMPLETED_A " " ID_COMPLETED_B, NULL, NULL);
  g_assert_true (luma_tracker_get_busy (tracker));

  /* The window rebuilds the client (a new base URL): the slow answer is
   * not waited for, the new client asks again. */
  start = g_get_monotonic_time ();
  luma_tracker_set_client (tracker, quick_client);
  assert_reaches_state (tracker, ID_COMPLETED_A, LUMA_TASK_STATE_COMPLETED);
  assert_reaches_state (tracker, ID_COMPLETED_B, LUMA_TASK_STATE_COMPLETED);
  g_assert_true (wait_for (tracker_idle, tracker));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (events.errors->len, ==, 0);

  events_clear (&events);
  finish_tracker (tracker, NULL);
}

static void
test_tracker_damaged_history (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "luma-tasks", "tasks.db", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  LumaStore *store = luma_store_new (NULL);
  LumaTracker *tracker = luma_tracker_new (store);
  LoadWait wait = { 0 };
  Events events;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "<html>not a database</html>", -1, NULL));

  /* The load says where the old file went, and the list starts empty. */
  events_init (&events, tracker);
  luma_tracker_load_async (tracker, NULL, load_cb, &wait);
  g_assert_true (wait_for (load_done, &wait));
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_assert_nonnull (wait.moved_aside);
  g_assert_true (g_str_has_prefix (wait.moved_aside, path));
  g_assert_true (g_file_test (wait.moved_aside, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (luma_tracker_get_list (tracker))), ==, 0);

  /* The fresh history keeps what is added next (no client: it waits). */
  added = luma_tracker_add_text (tracker, ID_COMPLETED_A, NULL, NULL);
  stored = store_contents (store);
  assert_tasks_ids (stored, (const char *[]) { ID_COMPLETED_A, NULL });

  g_free (wait.moved_aside);
  events_clear (&events);
  finish_tracker (tracker, store);
}

static void
test_tracker_newer_history (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "luma-tasks", "tasks.db", NULL);
  g_autoptr(LumaStore) writer = luma_store_new (NULL);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  LumaStore *store;
  LumaTracker *tracker;
  LoadWait wait = { 0 };
  Events events;
  char *sql_error = NULL;
  sqlite3 *db = NULL;

  /* A history written by a later version of the app. */
  g_assert_true (luma_store_open_sync (writer, NULL, &error));
  g_assert_no_error (error);
  luma_store_close (writer);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 7", NULL, NULL, &sql_error), ==, SQLITE_OK);
  sqlite3_close (db);

  store = luma_store_new (NULL);
  tracker = luma_tracker_new (store);
  events_init (&events, tracker);
  luma_tracker_load_async (tracker, NULL, load_cb, &wait);
  g_assert_true (wait_for (load_done, &wait));
  g_assert_false (wait.ok);
  g_assert_error (wait.error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NEWER_SCHEMA);
  g_assert_null (wait.moved_aside);

  /* The app still works, keeping nothing, and says nothing more of it. */
  added = luma_tracker_add_text (tracker, ID_COMPLETED_A, NULL, NULL);
  g_assert_cmpuint (added->len, ==, 1);
  drain_store_quietly (store);
  g_assert_cmpuint (events.errors->len, ==, 1);   /* the missing client only */
  g_assert_error ((GError *) g_ptr_array_index (events.errors, 0), LUMA_ERROR, LUMA_ERROR_NO_TOKEN);

  g_clear_error (&wait.error);
  events_clear (&events);
  g_assert_finalize_object (tracker);
  g_assert_finalize_object (store);
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
on_list_changed (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 GArray     *changes)
{
  Change change = { position, removed, added };

  g_array_append_val (changes, change);
}

/* The history comes into the list in runs as the store reads it, the
 * first small; tasks added meanwhile stay after it, except an ID the
 * history holds, which it gets back as it was stored. */
static void
test_tracker_load_runs (void)
{
  g_autoptr(GPtrArray) stored = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GPtrArray) early = NULL;
  g_autoptr(GError) error = NULL;
  const char *late_id = "0badc0de-0000-4000-8000-00000000beef";
  const char *early_ids[2];
  LumaStore *store = luma_store_new (NULL);
  LumaTracker *tracker;
  LumaTaskList *list;
  LumaTask *dup;
  guint n_inserts = 0;

  luma_store_open_sync (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *id = g_strdup_printf ("0badc0de-0000-4000-8000-%012x", i);

      g_ptr_array_add (stored, luma_task_new_from_json (id, 1000 + i, NULL, TRUE));
    }
  luma_store_save_tasks_sync (store, (LumaTask * const *) stored->pdata, stored->len, &error);
  g_assert_no_error (error);
  luma_store_close (store);

  tracker = luma_tracker_new (store);
  list = luma_tracker_get_list (tracker);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_list_changed), changes);

  early_ids[0] = luma_task_get_id (g_ptr_array_index (stored, 5));
  early_ids[1] = late_id;
  early = luma_tracker_add_ids (tracker, early_ids, 2, NULL);
  g_assert_cmpuint (early->len, ==, 2);
  load_tracker (tracker);

  /* The early two, then the runs: the first of a few hundred tasks. */
  g_assert_cmpuint (changes->len, >=, 4);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 2);
  for (guint i = 1; i < changes->len; i++)
    {
      Change *change = &g_array_index (changes, Change, i);

      if (change->added == 0)
        continue;
      if (n_inserts++ == 0)
        {
          g_assert_cmpuint (change->position, ==, 0);
          g_assert_cmpuint (change->added, <=, 512);
        }
    }
  g_assert_cmpuint (n_inserts, >=, 3);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3001);
  for (guint i = 0; i < stored->len; i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpstr (luma_task_get_id (task), ==, luma_task_get_id (g_ptr_array_index (stored, i)));
    }
  {
    g_autoptr(LumaTask) last = g_list_model_get_item (G_LIST_MODEL (list), 3000);

    g_assert_true (last == g_ptr_array_index (early, 1));
  }
  dup = luma_task_list_lookup (list, early_ids[0]);
  g_assert_true (dup != g_ptr_array_index (early, 0));
  g_assert_cmpint (luma_task_get_state (dup), ==, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpint (luma_task_get_added_at (dup), ==, 1005);

  g_signal_handlers_disconnect_by_func (list, on_list_changed, changes);
  finish_tracker (tracker, store);
}

int
main (int   argc,
      char *argv[])
{
  /* The simulator's control requests go to loopback: no proxy lookup,
   * which would need the desktop's proxy settings schema. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tracker/add-text", test_tracker_add_text);
  g_test_add_func ("/tracker/refused-token", test_tracker_refused_token);
  g_test_add_func ("/tracker/no-client", test_tracker_no_client);
  g_test_add_func ("/tracker/remove-undo", test_tracker_remove_undo);
  g_test_add_func ("/tracker/restart", test_tracker_restart);
  g_test_add_func ("/tracker/poll-finishes", test_tracker_poll_finishes);
  g_test_add_func ("/tracker/refresh-and-retry", test_tracker_refresh_and_retry);
  g_test_add_func ("/tracker/client-replaced-mid-fetch", test_tracker_client_replaced_mid_fetch);
  g_test_add_func ("/tracker/damaged-history", test_tracker_damaged_history);
  g_test_add_func ("/tracker/load-runs", test_tracker_load_runs);
  g_test_add_func ("/tracker/newer-history", test_tracker_newer_history);

  return g_test_run ();
}
