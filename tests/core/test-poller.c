/* test-poller.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "luma-client.h"
#include "luma-error.h"
#include "luma-poller.h"
#include "luma-task-list.h"
#include "luma-test-sim.h"
#include "luma-test-network-monitor.h"

/* From the simulator's demo set. */
#define COMPLETED_ID "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define COMPLETED_ID_2 "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define PENDING_ID "c0418d8d-e741-4736-88c8-55f341059913"
#define PROCESSING_ID "512ee3da-2f62-41d0-9ce7-7e830ab98eec"
#define UNKNOWN_WORD_ID "d2d365c4-2983-494c-92cb-f959fb0b62f2"   /* "queued" */

#define WAIT_LIMIT_S 60


/* ------------------------------------------------------------------------ */

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition condition,
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake);
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run for @ms, without sleeping. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  wait_until (flag_is_set, &done);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  LumaBatchResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = luma_client_fetch_finish (LUMA_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* Adds @ids to @list and fills them from the service, as the window does. */
static void
add_and_fetch (LumaClient          *client,
               LumaTaskList        *list,
               const char * const  *ids,
               guint                n_ids)
{
  g_autoptr(GPtrArray) added = luma_task_list_add_ids (list, ids, n_ids);
  g_autoptr(GPtrArray) changed = NULL;
  LumaBatchResult *batch = NULL;

  luma_client_fetch_async (client, ids, n_ids, NULL, fetch_cb, &batch);
  wait_until (pointer_is_set, &batch);
  g_assert_null (batch->error);
  changed = luma_task_list_apply_records (list, batch->records);
  luma_batch_result_free (batch);
}

static LumaClient *
client_for_sim (LumaTestSim *sim)
{
  g_autoptr(GError) error = NULL;
  LumaClient *client;

  client = luma_client_new (luma_test_sim_get_base_url (sim), luma_test_sim_get_token (sim), &error);
  g_assert_no_error (error);
  luma_client_set_backoff_base_ms (client, 5);

  return client;
}

static guint
count_api_requests (LumaTestSim *sim)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);

      if (g_str_equal (json_object_get_string_member (entry, "path"), "/luma/tasks"))
        n++;
    }

  return n;
}

typedef struct
{
  guint  n_polls;
  guint  n_in_flight;
  guint  max_in_flight;
  guint  n_errors;
  gint64 last_ids;
} PollCount;

static void
busy_changed_cb (LumaPoller *poller,
                 GParamSpec *pspec,
                 PollCount  *count)
{
  if (luma_poller_get_busy (poller))
    {
      count->n_in_flight++;
      count->max_in_flight = MAX (count->max_in_flight, count->n_in_flight);
    }
  else
    {
      g_assert_cmpuint (count->n_in_flight, >, 0);
      count->n_in_flight--;
    }
}

static void
polled_cb (LumaPoller      *poller,
           LumaBatchResult *batch,
           GPtrArray       *changed,
           PollCount       *count)
{
  g_assert_nonnull (batch);
  g_assert_nonnull (changed);
  count->n_polls++;
}

static void
error_cb (LumaPoller   *poller,
          const GError *error,
          PollCount    *count)
{
  g_assert_nonnull (error);
  count->n_errors++;
}

static void
connect_counters (LumaPoller *poller,
                  PollCount  *count)
{
  g_signal_connect (poller, "notify::busy", G_CALLBACK (busy_changed_cb), count);
  g_signal_connect (poller, "polled", G_CALLBACK (polled_cb), count);
  g_signal_connect (poller, "error", G_CALLBACK (error_cb), count);
}

typedef struct
{
  LumaTaskList *list;
  const char  **ids;
} TasksFinished;

static gboolean
tasks_finished (gpointer data)
{
  TasksFinished *tf = data;

  for (guint i = 0; tf->ids[i] != NULL; i++)
    {
      LumaTask *task = luma_task_list_lookup (tf->list, tf->ids[i]);
      LumaTaskState state = luma_task_get_state (task);

      if (state != LUMA_TASK_STATE_COMPLETED && state != LUMA_TASK_STATE_FAILED)
        return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */

static void
test_poller_progress (void)
{
  /* Every answer takes 300 ms: longer than the 100 ms interval. The tasks
   * finish 6 s after the simulator starts, late enough for the first fetch
   * to find them unfinished even under valgrind. */
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "6", "--latency", "300", NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaTaskList) list = luma_task_list_new ();
  g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  g_autoptr(LumaPoller) poller = NULL;
  g_autoptr(JsonArray) log = NULL;
  const char *ids[] = { COMPLETED_ID, PENDING_ID, PROCESSING_ID, NULL };
  const char *unfinished[] = { PENDING_ID, PROCESSING_ID, NULL };
  TasksFinished tf = { NULL, unfinished };
  PollCount count = { 0 };
  double last_time = 0;

  add_and_fetch (client, list, ids, 3);
  g_assert_true (luma_task_is_unfinished (luma_task_list_lookup (list, PENDING_ID)));
  g_assert_true (luma_task_is_unfinished (luma_task_list_lookup (list, PROCESSING_ID)));
  luma_test_sim_clear_log (sim);

  poller = g_object_new (LUMA_TYPE_POLLER,
                         "client", client,
                         "list", list,
                         "network-monitor", monitor,
                         NULL);
  luma_poller_set_intervals (poller, 100, 400, 1.5);
  connect_counters (poller, &count);
  g_assert_cmpint (luma_poller_get_next_poll (poller), ==, 0);

  luma_poller_start (poller);
  g_assert_cmpint (luma_poller_get_next_poll (poller), >, g_get_monotonic_time ());
  g_assert_false (luma_poller_get_paused (poller));

  tf.list = list;
  wait_until (tasks_finished, &tf);
  g_assert_cmpuint (count.n_polls, >=, 2);
  g_assert_cmpuint (count.max_in_flight, ==, 1);
  g_assert_cmpuint (count.n_errors, ==, 0);

  /* One poll in flight at a time: requests arrive at least a latency apart,
   * though the interval is shorter. */
  log = luma_test_sim_get_log (sim);
  g_assert_cmpuint (json_array_get_length (log), >=, 2);
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      double t = json_object_get_double_member (entry, "time");

      g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "retrieve_batch");
      /* The completed task is never polled: 2 IDs at most. */
      g_assert_cmpint (json_object_get_int_member (entry, "ids"), <=, 2);
      if (i > 0)
        g_assert_cmpfloat (t - last_time, >=, 0.28);
      last_time = t;
    }

  /* Nothing unfinished any more: no poll planned, none made. */
  spin (100);
  g_assert_cmpint (luma_poller_get_next_poll (poller), ==, 0);
  {
    guint n_before = count_api_requests (sim);

    spin (600);
    g_assert_cmpuint (count_api_requests (sim), ==, n_before);
  }

  luma_poller_stop (poller);
  g_assert_finalize_object (g_steal_pointer (&poller));
}

static void
test_poller_network (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaTaskList) list = luma_task_list_new ();
  g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  g_autoptr(LumaPoller) poller = NULL;
  const char *ids[] = { PENDING_ID };
  PollCount count = { 0 };
  gint64 back;

  add_and_fetch (client, list, ids, 1);
  luma_test_sim_clear_log (sim);

  poller = g_object_new (LUMA_TYPE_POLLER, "client", client, "list", list, "network-monitor", monitor, NULL);
  luma_poller_set_intervals (poller, 100, 100, 1.0);
  connect_counters (poller, &count);
  luma_poller_start (poller);

  /* Polls while the network is up. */
  spin (350);
  g_assert_cmpuint (count.n_polls, >=, 1);

  /* Down: paused, nothing planned, nothing sent. */
  test_network_monitor_set_available (monitor, FALSE);
  g_assert_true (luma_poller_get_paused (poller));
  g_assert_cmpint (luma_poller_get_next_poll (poller), ==, 0);
  spin (300);   /* a poll in flight at that moment ends */
  luma_test_sim_clear_log (sim);
  spin (500);
  g_assert_cmpuint (count_api_requests (sim), ==, 0);

  /* Back: a prompt poll, well before the first interval of 5 s would pass. */
  luma_poller_set_intervals (poller, 5000, 60000, 1.5);
  count.n_polls = 0;
  back = g_get_monotonic_time ();
  test_network_monitor_set_available (monitor, TRUE);
  g_assert_false (luma_poller_get_paused (poller));
  {
    guint target = 1;

    while (count.n_polls < target)
      {
        g_assert_cmpint (g_get_monotonic_time () - back, <, 3 * G_USEC_PER_SEC);
        g_main_context_iteration (NULL, TRUE);
      }
  }
  g_assert_cmpuint (count_api_requests (sim), ==, 1);
  g_assert_cmpint (luma_poller_get_next_poll (poller), >, g_get_monotonic_time () + 4 * G_USEC_PER_SEC);

  g_assert_finalize_object (g_steal_pointer (&poller));
}

static void
test_poller_nothing_unfinished (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaTaskList) list = luma_task_list_new ();
  g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  g_autoptr(LumaPoller) poller = NULL;
  const char *done_ids[] = { COMPLETED_ID, COMPLETED_ID_2 };
  const char *pending_ids[] = { PENDING_ID };
  PollCount count = { 0 };

  add_and_fetch (client, list, done_ids, 2);
  luma_test_sim_clear_log (sim);

  poller = g_object_new (LUMA_TYPE_POLLER, "client", client, "list", list, "network-monitor", monitor, NULL);
  luma_poller_set_intervals (poller, 100, 200, 1.5);
  connect_counters (poller, &count);
  luma_poller_start (poller);

  g_assert_cmpint (luma_poller_get_next_poll (poller), ==, 0);
  spin (500);
  g_assert_cmpuint (count.n_polls, ==, 0);
  g_assert_cmpuint (count_api_requests (sim), ==, 0);

  /* A new unfinished task starts the schedule. */
  add_and_fetch (client, list, pending_ids, 1);
  g_assert_cmpint (luma_poller_get_next_poll (poller), >, 0);
  luma_test_sim_clear_log (sim);
  spin (450);
  g_assert_cmpuint (count.n_polls, >=, 1);
  g_assert_cmpuint (count_api_requests (sim), >=, 1);

  /* Refresh now polls at once, even a list of finished tasks only polls
   * what is unfinished. */
  count.n_polls = 0;
  luma_poller_refresh_now (poller);
  g_assert_true (luma_poller_get_busy (poller) || count.n_polls == 1);

  luma_poller_stop (poller);
  g_assert_false (luma_poller_get_busy (poller));
  g_assert_cmpint (luma_poller_get_next_poll (poller), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&poller));
}

static void
test_poller_unknown_word (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaTaskList) list = luma_task_list_new ();
  g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  g_autoptr(LumaPoller) poller = NULL;
  g_autoptr(JsonArray) log = NULL;
  const char *ids[] = { PENDING_ID, UNKNOWN_WORD_ID };
  PollCount count = { 0 };
  guint n_with_unknown = 0;
  guint n_without = 0;

  add_and_fetch (client, list, ids, 2);
  g_assert_cmpint (luma_task_get_state (luma_task_list_lookup (list, UNKNOWN_WORD_ID)), ==, LUMA_TASK_STATE_OTHER);
  luma_test_sim_clear_log (sim);

  /* 100, 200, 400, 800 (max): only the polls at the slowest pace carry the
   * task in an unknown state. */
  poller = g_object_new (LUMA_TYPE_POLLER, "client", client, "list", list, "network-monitor", monitor, NULL);
  luma_poller_set_intervals (poller, 100, 800, 2.0);
  connect_counters (poller, &count);
  luma_poller_start (poller);
  while (count.n_polls < 5)
    spin (50);
  luma_poller_stop (poller);

  log = luma_test_sim_get_log (sim);
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      gint64 n = json_object_get_int_member (json_array_get_object_element (log, i), "ids");

      if (n == 2)
        n_with_unknown++;
      else
        n_without++;
    }
  /* Polls 1–3 at 100, 200 and 400 ms; 4 and 5 at 800 ms. */
  g_assert_cmpuint (n_without, ==, 3);
  g_assert_cmpuint (n_with_unknown, ==, 2);

  /* Alone, the unknown word goes at the slowest pace from the start. */
  luma_task_list_remove (list, PENDING_ID);
  luma_poller_start (poller);
  {
    gint64 next = luma_poller_get_next_poll (poller);

    g_assert_cmpint (next - g_get_monotonic_time (), >, 600 * 1000);
  }

  g_assert_finalize_object (g_steal_pointer (&poller));
}

static void
test_poller_errors (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaTaskList) list = luma_task_list_new ();
  g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  g_autoptr(LumaPoller) poller = NULL;
  const char *ids[] = { PENDING_ID, PROCESSING_ID };
  PollCount count = { 0 };
  LumaTask *task;

  add_and_fetch (client, list, ids, 2);

  poller = g_object_new (LUMA_TYPE_POLLER, "client", client, "list", list, "network-monitor", monitor, NULL);
  luma_poller_set_intervals (poller, 100, 100, 1.0);
  connect_counters (poller, &count);
  luma_test_sim_set_fault (sim, "http401", 1);
  luma_poller_start (poller);
  while (count.n_polls < 1)
    spin (20);

  /* The failed poll keeps the tasks as they were, with the reason. */
  g_assert_cmpuint (count.n_errors, ==, 1);
  task = luma_task_list_lookup (list, PENDING_ID);
  g_assert_nonnull (task);
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_PENDING);
  g_assert_error (luma_task_get_fetch_error (task), LUMA_ERROR, LUMA_ERROR_INVALID_TOKEN);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  /* The next poll succeeds and clears it. */
  while (count.n_polls < 2)
    spin (20);
  g_assert_null (luma_task_get_fetch_error (task));
  g_assert_cmpuint (count.n_errors, ==, 1);

  luma_poller_stop (poller);
  g_assert_finalize_object (g_steal_pointer (&poller));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/poller/progress", test_poller_progress);
  g_test_add_func ("/poller/network", test_poller_network);
  g_test_add_func ("/poller/nothing-unfinished", test_poller_nothing_unfinished);
  g_test_add_func ("/poller/unknown-word", test_poller_unknown_word);
  g_test_add_func ("/poller/errors", test_poller_errors);

  return g_test_run ();
}
