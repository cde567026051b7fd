/* test-fault-matrix.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every simulator fault × every request kind (one retrieve, a batch, a poll
 * round, luma-tasks-cli get): how many requests the simulator saw, the error
 * the caller gets, the task list unchanged, and the token never sent where
 * it does not belong. tests/core/FAULTS.md is this table in words. */

#include "config.h"

#include <string.h>

#include "luma-client.h"
#include "luma-error.h"
#include "luma-poller.h"
#include "luma-store.h"
#include "luma-task-list.h"
#include "luma-tracker.h"
#include "luma-test-sim.h"
#include "luma-test-network-monitor.h"

#define SEED_ID_1 LUMA_TEST_SIM_SEED_ID_1
#define SEED_ID_2 LUMA_TEST_SIM_SEED_ID_2
#define PORTRAIT_ID LUMA_TEST_SIM_PORTRAIT_ID
#define UNKNOWN_ID "00000000-0000-4000-8000-0000000000aa"

#define WAIT_LIMIT_S 240

/* One fault: what the simulator is told, and what every request kind must
 * show when the fault outlasts the retries. */
typedef struct
{
  const char    *kind;
  const char    *extra;       /* more members of the fault object, or NULL */
  guint          retries;     /* retries after the first request */
  LumaErrorCode  code;
  guint          status;      /* HTTP status in the error (0: none) */
  const char    *api_code;    /* the API's error code, or NULL */
  gboolean       trace_id;    /* the error carries a trace_id */
  gboolean       slow;        /* needs the 1 s client timeout */
  const char    *described;   /* luma_error_describe() to the letter, or NULL */
} Row;

static const Row rows[] = {
  { "http429", "\"retry_after\": 0", 5, LUMA_ERROR_TOO_MANY_REQUESTS, 429, "too_many_requests", TRUE, FALSE },
  { "http429-date", "\"retry_after\": 0", 5, LUMA_ERROR_TOO_MANY_REQUESTS, 429, "too_many_requests", TRUE, FALSE },
  { "http500", NULL, 3, LUMA_ERROR_SERVER, 500, "api_error", TRUE, FALSE },
  { "http504", NULL, 3, LUMA_ERROR_TIMEOUT, 504, "timeout", TRUE, FALSE },
  { "http502-html", NULL, 3, LUMA_ERROR_BAD_RESPONSE, 502, NULL, FALSE, FALSE },
  { "cut-body", NULL, 3, LUMA_ERROR_BAD_RESPONSE, 200, NULL, FALSE, FALSE },
  { "close", NULL, 3, LUMA_ERROR_NETWORK, 0, NULL, FALSE, FALSE },
  /* A body too slow or too large after "HTTP 200": the status explains
   * nothing and is left out of the text (it stays in the error). */
  { "slow-drip", "\"drip_ms\": 250", 3, LUMA_ERROR_TIMEOUT, 200, NULL, FALSE, TRUE,
    "The server did not answer within 1 second." },
  { "huge-body", NULL, 0, LUMA_ERROR_TOO_LARGE, 200, NULL, FALSE, FALSE,
    "The server's answer is larger than 64 MiB and was refused." },
  { "huge-body-chunked", NULL, 0, LUMA_ERROR_TOO_LARGE, 200, NULL, FALSE, FALSE,
    "The server's answer is larger than 64 MiB and was refused." },
  { "redirect", NULL, 0, LUMA_ERROR_REDIRECT, 307, NULL, FALSE, FALSE },
  { "http401", NULL, 0, LUMA_ERROR_INVALID_TOKEN, 401, "invalid_token", TRUE, FALSE },
  { "http403", NULL, 0, LUMA_ERROR_FORBIDDEN, 403, "forbidden", TRUE, FALSE },
};

/* More faults than any retry budget: the caller sees the final error. */
#define FAULT_COUNT_FINAL 10


/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

/* Iterates the main context until @condition holds, WAIT_LIMIT_S at most. */
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
pointer_is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  LumaBatchResult **out = user_data;
  g_autoptr(GError) error = NULL;

  /* Only cancellation fails a fetch; nothing here cancels. */
  *out = luma_client_fetch_finish (LUMA_CLIENT (object), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*out);
}

static LumaBatchResult *
fetch_sync (LumaClient         *client,
            const char * const *ids,
            guint               n_ids)
{
  LumaBatchResult *batch = NULL;

  luma_client_fetch_async (client, ids, n_ids, NULL, fetch_cb, &batch);
  wait_until (pointer_is_set, &batch);

  return batch;
}

/* A folder in this test's private data folder (G_TEST_OPTION_ISOLATE_DIRS),
 * which GLib removes when the test ends. */
static char *
make_test_dir (const char *name)
{
  char *dir = g_build_filename (g_get_user_data_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static LumaClient *
client_for_sim (LumaTestSim *sim)
{
  g_autoptr(GError) error = NULL;
  LumaClient *client;

  client = luma_client_new (luma_test_sim_get_base_url (sim), luma_test_sim_get_token (sim), &error);
  g_assert_no_error (error);
  /* Backoff in milliseconds: the retries are counted, not waited for. */
  luma_client_set_backoff_base_ms (client, 5);

  return client;
}

static void
set_fault (LumaTestSim *sim,
           const Row   *row,
           int          count)
{
  g_autofree char *json = g_strdup_printf ("{\"next\": \"%s\", \"count\": %d%s%s}",
                                           row->kind, count,
                                           row->extra != NULL ? ", " : "",
                                           row->extra != NULL ? row->extra : "");

  luma_test_sim_set_fault_json (sim, json);
}

/* API requests the simulator saw; asserts that no request to the other
 * origin or to the media carried the token, or any Authorization at all. */
static guint
count_api_requests (LumaTestSim *sim)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      const char *path = json_object_get_string_member (entry, "path");
      const char *origin = json_object_get_string_member (entry, "origin");

      if (!g_str_equal (origin, "main") || g_str_has_prefix (path, "/media/"))
        g_assert_false (json_object_get_boolean_member (entry, "authorization"));

      if (g_str_equal (path, "/luma/tasks") && g_str_equal (origin, "main"))
        n++;
    }

  return n;
}

/* Requests of any kind that reached the other origin. */
static guint
count_other_origin (LumaTestSim *sim)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    if (!g_str_equal (json_object_get_string_member (json_array_get_object_element (log, i), "origin"), "main"))
      n++;

  return n;
}

/* The error a fault row must give, whichever request kind saw it. */
static void
assert_row_error (const Row    *row,
                  const GError *error,
                  const char   *token)
{
  g_autofree char *text = NULL;

  g_assert_error (error, LUMA_ERROR, (int) row->code);
  g_assert_cmpuint (luma_error_get_http_status (error), ==, row->status);
  g_assert_cmpstr (luma_error_get_api_code (error), ==, row->api_code);
  if (row->trace_id)
    g_assert_nonnull (luma_error_get_trace_id (error));

  /* What the user reads: a sentence, never the token. */
  text = luma_error_describe (error);
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_assert_null (strstr (error->message, token));
  g_assert_null (strstr (text, token));
  if (row->api_code != NULL)
    g_assert_nonnull (strstr (text, row->api_code));
  if (row->described != NULL)
    g_assert_cmpstr (text, ==, row->described);
}

/* ------------------------------------------------------------------------ */
/* Single retrieve and batch                                                */

static void
run_client_kind (const char * const *ids,
                 guint               n_ids)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  const char *token = luma_test_sim_get_token (sim);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const Row *row = &rows[i];

      luma_client_set_timeout (client, row->slow ? 1 : LUMA_CLIENT_DEFAULT_TIMEOUT);

      /* Outlasting the retries: the final error, every ID failed. */
      {
        g_autoptr(LumaBatchResult) batch = NULL;

        g_test_message ("%s × %u IDs: final error", row->kind, n_ids);
        luma_test_sim_clear_log (sim);
        set_fault (sim, row, FAULT_COUNT_FINAL);
        batch = fetch_sync (client, ids, n_ids);
        g_assert_cmpuint (count_api_requests (sim), ==, row->retries + 1);
        /* The redirect is refused: the other origin never hears of us. */
        g_assert_cmpuint (count_other_origin (sim), ==, 0);
        g_assert_cmpuint (batch->records->len, ==, 0);
        g_assert_cmpuint (batch->failed->len, ==, n_ids);
        g_assert_cmpuint (batch->not_found->len, ==, 0);
        assert_row_error (row, batch->error, token);
        luma_test_sim_set_fault (sim, "none", 1);
      }

      /* Within the retries (the slow drip costs a second each: once is
       * enough): the answer comes through. */
      if (row->retries > 0 && !row->slow)
        {
          g_autoptr(LumaBatchResult) batch = NULL;

          g_test_message ("%s × %u IDs: recovers", row->kind, n_ids);
          luma_test_sim_clear_log (sim);
          set_fault (sim, row, (int) row->retries);
          batch = fetch_sync (client, ids, n_ids);
          g_assert_cmpuint (count_api_requests (sim), ==, row->retries + 1);
          g_assert_null (batch->error);
          g_assert_cmpuint (batch->records->len, ==, n_ids);
          g_assert_cmpuint (batch->failed->len, ==, 0);
          luma_test_sim_set_fault (sim, "none", 1);
        }
    }

  /* The client is still usable after every fault. */
  {
    g_autoptr(LumaBatchResult) batch = NULL;

    luma_test_sim_clear_log (sim);
    batch = fetch_sync (client, ids, n_ids);
    g_assert_null (batch->error);
    g_assert_cmpuint (batch->records->len, ==, n_ids);
    g_assert_cmpuint (count_api_requests (sim), ==, 1);
  }
}

static void
test_fault_matrix_single (void)
{
  const char *ids[] = { SEED_ID_1 };

  run_client_kind (ids, G_N_ELEMENTS (ids));
}

static void
test_fault_matrix_batch (void)
{
  const char *ids[] = { SEED_ID_1, SEED_ID_2, PORTRAIT_ID };

  run_client_kind (ids, G_N_ELEMENTS (ids));
}

/* ------------------------------------------------------------------------ */
/* Poll                                                                     */

typedef struct
{
  guint n_polls;
  guint n_errors;
} PollCount;

static void
polled_cb (LumaPoller      *poller,
           LumaBatchResult *batch,
           GPtrArray       *changed,
           PollCount       *count)
{
  count->n_polls++;
}

static void
poll_error_cb (LumaPoller   *poller,
               const GError *error,
               PollCount    *count)
{
  count->n_errors++;
}

typedef struct
{
  PollCount *count;
  guint      target;
} PollTarget;

static gboolean
polls_reached (gpointer data)
{
  PollTarget *t = data;

  return t->count->n_polls >= t->target;
}

static void
poll_round (LumaPoller *poller,
            PollCount  *count)
{
  PollTarget target = { count, count->n_polls + 1 };

  luma_poller_refresh_now (poller);
  wait_until (polls_reached, &target);
}

static void
test_fault_matrix_poll (void)
{
  const char *ids[] = { LUMA_TEST_SIM_PENDING_ID, LUMA_TEST_SIM_PROCESSING_ID, LUMA_TEST_SIM_PENDING_STATE_ID };
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaTaskList) list = luma_task_list_new ();
  g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  g_autoptr(LumaPoller) poller = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(LumaBatchResult) first = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  const char *token = luma_test_sim_get_token (sim);
  char *good[G_N_ELEMENTS (ids)];
  LumaTaskState states[G_N_ELEMENTS (ids)];
  PollCount count = { 0 };

  /* The tasks as the window has them: added, then filled from the service. */
  added = luma_task_list_add_ids (list, ids, G_N_ELEMENTS (ids));
  first = fetch_sync (client, ids, G_N_ELEMENTS (ids));
  g_assert_null (first->error);
  changed = luma_task_list_apply_records (list, first->records);
  for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
    {
      LumaTask *task = luma_task_list_lookup (list, ids[j]);

      good[j] = g_strdup (luma_task_get_record_json (task));
      states[j] = luma_task_get_state (task);
      g_assert_true (states[j] == LUMA_TASK_STATE_PENDING || states[j] == LUMA_TASK_STATE_PROCESSING);
    }

  /* Rounds only when asked: the schedule's own would come after a minute. */
  poller = g_object_new (LUMA_TYPE_POLLER, "client", client, "list", list, "network-monitor", monitor, NULL);
  luma_poller_set_intervals (poller, 60000, 60000, 1.0);
  g_signal_connect (poller, "polled", G_CALLBACK (polled_cb), &count);
  g_signal_connect (poller, "error", G_CALLBACK (poll_error_cb), &count);
  luma_poller_start (poller);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const Row *row = &rows[i];
      guint n_errors = count.n_errors;

      g_test_message ("%s × poll: final error", row->kind);
      luma_client_set_timeout (client, row->slow ? 1 : LUMA_CLIENT_DEFAULT_TIMEOUT);
      luma_test_sim_clear_log (sim);
      set_fault (sim, row, FAULT_COUNT_FINAL);
      poll_round (poller, &count);
      g_assert_cmpuint (count_api_requests (sim), ==, row->retries + 1);
      g_assert_cmpuint (count_other_origin (sim), ==, 0);
      g_assert_cmpuint (count.n_errors, ==, n_errors + 1);

      /* Every task stays, with its last good record and the reason. */
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, G_N_ELEMENTS (ids));
      for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
        {
          LumaTask *task = luma_task_list_lookup (list, ids[j]);

          g_assert_nonnull (task);
          g_assert_cmpstr (luma_task_get_record_json (task), ==, good[j]);
          g_assert_cmpint (luma_task_get_state (task), ==, states[j]);
          assert_row_error (row, luma_task_get_fetch_error (task), token);
        }

      /* The next good round clears the reason. */
      luma_test_sim_set_fault (sim, "none", 1);
      poll_round (poller, &count);
      for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
        g_assert_null (luma_task_get_fetch_error (luma_task_list_lookup (list, ids[j])));

      if (row->retries > 0 && !row->slow)
        {
          g_test_message ("%s × poll: recovers", row->kind);
          luma_test_sim_clear_log (sim);
          set_fault (sim, row, (int) row->retries);
          poll_round (poller, &count);
          g_assert_cmpuint (count_api_requests (sim), ==, row->retries + 1);
          g_assert_cmpuint (count.n_errors, ==, n_errors + 1);
          for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
            {
              LumaTask *task = luma_task_list_lookup (list, ids[j]);

              g_assert_null (luma_task_get_fetch_error (task));
              g_assert_cmpstr (luma_task_get_record_json (task), ==, good[j]);
            }
          luma_test_sim_set_fault (sim, "none", 1);
        }
    }

  luma_poller_stop (poller);
  g_assert_finalize_object (g_steal_pointer (&poller));
  for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
    g_free (good[j]);
}

/* ------------------------------------------------------------------------ */
/* Poll through the tracker: the history on disk loses nothing either       */

static void
tracker_load_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_aside = NULL;

  g_assert_true (luma_tracker_load_finish (LUMA_TRACKER (object), result, &moved_aside, &error));
  g_assert_no_error (error);
  g_assert_null (moved_aside);
  *done = TRUE;
}

typedef struct
{
  LumaTaskList       *list;
  const char * const *ids;
  guint               n_ids;
  gboolean            with_error;   /* wait for the error, else for none */
} FetchErrorWait;

static gboolean
fetch_errors_are (gpointer data)
{
  FetchErrorWait *w = data;

  for (guint i = 0; i < w->n_ids; i++)
    {
      LumaTask *task = luma_task_list_lookup (w->list, w->ids[i]);

      if (task == NULL || luma_task_get_state (task) == LUMA_TASK_STATE_LOADING)
        return FALSE;
      if ((luma_task_get_fetch_error (task) != NULL) != w->with_error)
        return FALSE;
    }

  return TRUE;
}

static gboolean
tracker_is_idle (gpointer data)
{
  return !luma_tracker_get_busy (LUMA_TRACKER (data));
}

static void
test_fault_matrix_tracker (void)
{
  const char *ids[] = { LUMA_TEST_SIM_PENDING_ID, LUMA_TEST_SIM_PROCESSING_ID, LUMA_TEST_SIM_PENDING_STATE_ID };
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  g_autofree char *dir = make_test_dir ("luma-matrix");
  g_autofree char *db = g_build_filename (dir, "tasks.db", NULL);
  g_autoptr(LumaStore) store = luma_store_new (db);
  g_autoptr(LumaTracker) tracker = luma_tracker_new (store);
  g_autoptr(GPtrArray) added = NULL;
  LumaTaskList *list = luma_tracker_get_list (tracker);
  const char *token = luma_test_sim_get_token (sim);
  char *good[G_N_ELEMENTS (ids)];
  gboolean loaded = FALSE;

  luma_tracker_set_network_monitor (tracker, G_NETWORK_MONITOR (monitor));
  luma_tracker_set_client (tracker, client);
  luma_tracker_set_poll_intervals (tracker, 60000, 60000, 1.0);
  luma_tracker_load_async (tracker, NULL, tracker_load_cb, &loaded);
  wait_until (flag_is_set, &loaded);

  added = luma_tracker_add_ids (tracker, ids, G_N_ELEMENTS (ids), NULL);
  g_assert_cmpuint (added->len, ==, G_N_ELEMENTS (ids));
  {
    FetchErrorWait w = { list, ids, G_N_ELEMENTS (ids), FALSE };

    wait_until (fetch_errors_are, &w);
    wait_until (tracker_is_idle, tracker);
  }
  for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
    good[j] = g_strdup (luma_task_get_record_json (luma_task_list_lookup (list, ids[j])));

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const Row *row = &rows[i];
      FetchErrorWait failed = { list, ids, G_N_ELEMENTS (ids), TRUE };
      FetchErrorWait cleared = { list, ids, G_N_ELEMENTS (ids), FALSE };
      g_autoptr(GPtrArray) stored = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s × tracker poll", row->kind);
      luma_client_set_timeout (client, row->slow ? 1 : LUMA_CLIENT_DEFAULT_TIMEOUT);
      luma_test_sim_clear_log (sim);
      set_fault (sim, row, FAULT_COUNT_FINAL);
      luma_tracker_refresh (tracker, NULL);
      wait_until (fetch_errors_are, &failed);
      wait_until (tracker_is_idle, tracker);
      g_assert_cmpuint (count_api_requests (sim), ==, row->retries + 1);
      g_assert_cmpuint (count_other_origin (sim), ==, 0);

      /* In the list and in the history on disk: every task, its last good
       * record. */
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, G_N_ELEMENTS (ids));
      for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
        {
          LumaTask *task = luma_task_list_lookup (list, ids[j]);

          g_assert_cmpstr (luma_task_get_record_json (task), ==, good[j]);
          assert_row_error (row, luma_task_get_fetch_error (task), token);
        }
      stored = luma_store_load_sync (store, &error);
      g_assert_no_error (error);
      g_ptr_array_set_free_func (stored, g_object_unref);
      g_assert_cmpuint (stored->len, ==, G_N_ELEMENTS (ids));
      for (guint j = 0; j < stored->len; j++)
        {
          LumaTask *task = g_ptr_array_index (stored, j);

          g_assert_cmpstr (luma_task_get_id (task), ==, ids[j]);
          g_assert_cmpstr (luma_task_get_record_json (task), ==, good[j]);
        }

      luma_test_sim_set_fault (sim, "none", 1);
      luma_tracker_refresh (tracker, NULL);
      wait_until (fetch_errors_are, &cleared);
      wait_until (tracker_is_idle, tracker);
    }

  luma_tracker_set_client (tracker, NULL);
  g_assert_finalize_object (g_steal_pointer (&tracker));
  luma_store_close (store);
  for (guint j = 0; j < G_N_ELEMENTS (ids); j++)
    g_free (good[j]);
}

/* ------------------------------------------------------------------------ */
/* Unknown IDs and {}                                                       */

static void
test_fault_matrix_unknown (void)
{
  const char *ids[] = { LUMA_TEST_SIM_PENDING_ID, UNKNOWN_ID, LUMA_TEST_SIM_PROCESSING_ID };
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  const char *token = luma_test_sim_get_token (sim);

  /* One unknown ID: the service answers {}, the caller reads "not found". */
  {
    const char *one[] = { UNKNOWN_ID };
    g_autoptr(LumaBatchResult) batch = NULL;

    luma_test_sim_clear_log (sim);
    batch = fetch_sync (client, one, 1);
    g_assert_cmpuint (count_api_requests (sim), ==, 1);
    g_assert_null (batch->error);
    g_assert_cmpuint (batch->records->len, ==, 0);
    g_assert_cmpuint (batch->not_found->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (batch->not_found, 0), ==, UNKNOWN_ID);
  }

  /* In a batch the service leaves it out: the others come through. */
  {
    g_autoptr(LumaBatchResult) batch = NULL;

    luma_test_sim_clear_log (sim);
    batch = fetch_sync (client, ids, G_N_ELEMENTS (ids));
    g_assert_cmpuint (count_api_requests (sim), ==, 1);
    g_assert_null (batch->error);
    g_assert_cmpuint (batch->records->len, ==, 2);
    g_assert_cmpuint (batch->not_found->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (batch->not_found, 0), ==, UNKNOWN_ID);
  }

  /* empty-object: a {} for a known ID is "not found" to a single retrieve,
   * and an unusable answer (no items) to a batch: not retried, not fatal. */
  {
    const char *one[] = { SEED_ID_1 };
    g_autoptr(LumaBatchResult) batch = NULL;

    luma_test_sim_clear_log (sim);
    luma_test_sim_set_fault (sim, "empty-object", FAULT_COUNT_FINAL);
    batch = fetch_sync (client, one, 1);
    g_assert_cmpuint (count_api_requests (sim), ==, 1);
    g_assert_null (batch->error);
    g_assert_cmpuint (batch->not_found->len, ==, 1);
    luma_test_sim_set_fault (sim, "none", 1);
  }
  {
    const char *three[] = { SEED_ID_1, SEED_ID_2, PORTRAIT_ID };
    static const Row empty = { "empty-object", NULL, 0, LUMA_ERROR_BAD_RESPONSE, 200, NULL, FALSE, FALSE };
    g_autoptr(LumaBatchResult) batch = NULL;

    luma_test_sim_clear_log (sim);
    luma_test_sim_set_fault (sim, "empty-object", FAULT_COUNT_FINAL);
    batch = fetch_sync (client, three, 3);
    g_assert_cmpuint (count_api_requests (sim), ==, 1);
    g_assert_cmpuint (batch->records->len, ==, 0);
    g_assert_cmpuint (batch->failed->len, ==, 3);
    g_assert_cmpuint (batch->not_found->len, ==, 0);
    assert_row_error (&empty, batch->error, token);
    luma_test_sim_set_fault (sim, "none", 1);
  }

  /* A poll round: the unknown task is marked not found, never removed; the
   * others keep polling. A {} answer to the poll's batch leaves all three
   * as they were, with the reason. */
  {
    g_autoptr(LumaTaskList) list = luma_task_list_new ();
    g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
    g_autoptr(LumaPoller) poller = NULL;
    g_autoptr(GPtrArray) added = luma_task_list_add_ids (list, ids, G_N_ELEMENTS (ids));
    g_autoptr(LumaBatchResult) first = fetch_sync (client, ids, G_N_ELEMENTS (ids));
    g_autoptr(GPtrArray) changed = luma_task_list_apply_records (list, first->records);
    g_autofree char *good = g_strdup (luma_task_get_record_json (luma_task_list_lookup (list, LUMA_TEST_SIM_PENDING_ID)));
    PollCount count = { 0 };

    /* As the window does with the first answer. */
    g_assert_cmpuint (first->not_found->len, ==, 1);
    luma_task_set_not_found (luma_task_list_lookup (list, UNKNOWN_ID));

    poller = g_object_new (LUMA_TYPE_POLLER, "client", client, "list", list, "network-monitor", monitor, NULL);
    luma_poller_set_intervals (poller, 60000, 60000, 1.0);
    g_signal_connect (poller, "polled", G_CALLBACK (polled_cb), &count);
    g_signal_connect (poller, "error", G_CALLBACK (poll_error_cb), &count);
    luma_poller_start (poller);

    luma_test_sim_clear_log (sim);
    poll_round (poller, &count);
    g_assert_cmpuint (count_api_requests (sim), ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
    g_assert_cmpint (luma_task_get_state (luma_task_list_lookup (list, UNKNOWN_ID)), ==, LUMA_TASK_STATE_NOT_FOUND);
    g_assert_cmpstr (luma_task_get_record_json (luma_task_list_lookup (list, LUMA_TEST_SIM_PENDING_ID)), ==, good);

    luma_test_sim_clear_log (sim);
    luma_test_sim_set_fault (sim, "empty-object", FAULT_COUNT_FINAL);
    poll_round (poller, &count);
    g_assert_cmpuint (count_api_requests (sim), ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
    g_assert_cmpstr (luma_task_get_record_json (luma_task_list_lookup (list, LUMA_TEST_SIM_PENDING_ID)), ==, good);
    g_assert_error (luma_task_get_fetch_error (luma_task_list_lookup (list, LUMA_TEST_SIM_PENDING_ID)),
                    LUMA_ERROR, LUMA_ERROR_BAD_RESPONSE);
    luma_test_sim_set_fault (sim, "none", 1);

    luma_poller_stop (poller);
    g_assert_finalize_object (g_steal_pointer (&poller));
  }
}

/* ------------------------------------------------------------------------ */
/* luma-tasks-cli get                                                       */

/* One CLI run against its own simulator, so all of them can run at once
 * (the CLI's backoff is the real one: seconds). */
typedef struct
{
  const Row   *row;           /* NULL: no fault */
  const char  *label;
  int          count;         /* fault count */
  const char  *extra;         /* replaces row->extra when set */
  gboolean     single;        /* one ID, else three */
  gboolean     unknown;       /* ask for an unknown ID too */
  int          expected_status;
  guint        expected_requests;

  LumaTestSim *sim;
  GSubprocess *proc;
  char        *out;
  char        *err;
  gboolean     done;
} CliRun;

static void
cli_communicate_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CliRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static void
cli_start (CliRun *run)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("LUMA_TASKS_CLI");

  g_assert_nonnull (cli);
  run->sim = luma_test_sim_startv (NULL);
  if (run->row != NULL)
    {
      g_autofree char *json = NULL;
      const char *extra = run->extra != NULL ? run->extra : run->row->extra;

      json = g_strdup_printf ("{\"next\": \"%s\", \"count\": %d%s%s}", run->row->kind, run->count,
                              extra != NULL ? ", " : "", extra != NULL ? extra : "");
      luma_test_sim_set_fault_json (run->sim, json);
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "ACEDATACLOUD_API_TOKEN", luma_test_sim_get_token (run->sim), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "ACEDATACLOUD_API_BASE_URL");
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "get");
  g_ptr_array_add (argv, (char *) "--base-url");
  g_ptr_array_add (argv, (char *) luma_test_sim_get_base_url (run->sim));
  g_ptr_array_add (argv, (char *) SEED_ID_1);
  if (!run->single)
    {
      g_ptr_array_add (argv, (char *) SEED_ID_2);
      g_ptr_array_add (argv, (char *) PORTRAIT_ID);
    }
  if (run->unknown)
    g_ptr_array_add (argv, (char *) UNKNOWN_ID);
  g_ptr_array_add (argv, NULL);

  run->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (run->proc, "", NULL, cli_communicate_cb, run);
}

static gboolean
cli_all_done (gpointer data)
{
  GArray *runs = data;

  for (guint i = 0; i < runs->len; i++)
    if (!g_array_index (runs, CliRun, i).done)
      return FALSE;

  return TRUE;
}

static void
cli_check (CliRun *run)
{
  const char *token = luma_test_sim_get_token (run->sim);

  g_test_message ("cli %s: exit %d, stderr: %s", run->label,
                  g_subprocess_get_exit_status (run->proc), run->err);
  g_assert_true (g_subprocess_get_if_exited (run->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (run->proc), ==, run->expected_status);
  g_assert_cmpuint (count_api_requests (run->sim), ==, run->expected_requests);
  g_assert_cmpuint (count_other_origin (run->sim), ==, 0);

  /* Neither the answer nor the debug log shows the token. */
  g_assert_null (strstr (run->out, token));
  g_assert_null (strstr (run->err, token));

  if (run->expected_status == 1)
    {
      const Row *row = run->row;
      g_autofree char *status = g_strdup_printf ("HTTP %u", row->status);

      /* A failure that retrieved nothing writes nothing. */
      g_assert_cmpstr (run->out, ==, "");
      g_assert_nonnull (strstr (run->err, "luma-tasks-cli get: "));
      if (row->described != NULL)
        {
          g_autofree char *line = g_strdup_printf ("\nluma-tasks-cli get: %s\n", row->described);

          /* The last line, to the letter: no "(HTTP 200)". */
          g_assert_true (g_str_has_suffix (run->err, line) ||
                         g_str_equal (run->err, line + 1));
        }
      else if (row->status != 0)
        g_assert_nonnull (strstr (run->err, status));
      if (row->api_code != NULL)
        g_assert_nonnull (strstr (run->err, row->api_code));
      if (row->trace_id)
        g_assert_nonnull (strstr (run->err, "trace_id "));
    }
  else
    {
      /* The export, whole. */
      g_assert_nonnull (strstr (run->out, SEED_ID_1));
      if (run->expected_status == 3)
        g_assert_nonnull (strstr (run->err, "not found"));
    }
}

static void
test_fault_matrix_cli (void)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, TRUE, sizeof (CliRun));
  static const Row slow_ok = { "slow-drip", NULL, 0, 0, 0, NULL, FALSE, TRUE };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      CliRun run = { 0 };

      /* The CLI's request timeout is 30 s: a drip that outlasts it would
       * take minutes. A slow but steady answer must still come through. */
      if (rows[i].slow)
        continue;

      run.row = &rows[i];
      run.label = rows[i].kind;
      run.count = FAULT_COUNT_FINAL;
      /* Retry-After: 1 s, as the service sends; the 429 rows then take 5 s. */
      if (g_str_has_prefix (rows[i].kind, "http429"))
        run.extra = "\"retry_after\": 1";
      run.expected_status = 1;
      run.expected_requests = rows[i].retries + 1;
      g_array_append_val (runs, run);
    }

  {
    CliRun run = { .row = &slow_ok, .label = "slow-drip (1 ms a byte)", .count = 1,
                   .extra = "\"drip_ms\": 1", .expected_status = 0, .expected_requests = 1 };
    g_array_append_val (runs, run);
  }
  {
    CliRun run = { .row = &rows[2], .label = "http500 ×2, recovers", .count = 2,
                   .expected_status = 0, .expected_requests = 3 };
    g_array_append_val (runs, run);
  }
  {
    CliRun run = { .row = &rows[11], .label = "http401, single", .count = FAULT_COUNT_FINAL, .single = TRUE,
                   .expected_status = 1, .expected_requests = 1 };
    g_array_append_val (runs, run);
  }
  {
    CliRun run = { .label = "unknown ID in a batch", .unknown = TRUE,
                   .expected_status = 3, .expected_requests = 1 };
    g_array_append_val (runs, run);
  }
  {
    static const Row empty = { "empty-object", NULL, 0, 0, 0, NULL, FALSE, FALSE };
    CliRun run = { .row = &empty, .label = "empty-object, single", .count = FAULT_COUNT_FINAL, .single = TRUE,
                   .expected_status = 3, .expected_requests = 1 };
    g_array_append_val (runs, run);
  }

  for (guint i = 0; i < runs->len; i++)
    cli_start (&g_array_index (runs, CliRun, i));
  wait_until (cli_all_done, runs);

  for (guint i = 0; i < runs->len; i++)
    {
      CliRun *run = &g_array_index (runs, CliRun, i);

      /* empty-object answers a single ID with {}: not found, exit 3, and
       * nothing to export (an empty list). */
      if (run->expected_status == 3 && run->single)
        {
          g_assert_cmpint (g_subprocess_get_exit_status (run->proc), ==, 3);
          g_assert_cmpuint (count_api_requests (run->sim), ==, 1);
          g_assert_nonnull (strstr (run->err, "not found"));
          g_assert_null (strstr (run->err, luma_test_sim_get_token (run->sim)));
        }
      else
        {
          cli_check (run);
        }
    }

  for (guint i = 0; i < runs->len; i++)
    {
      CliRun *run = &g_array_index (runs, CliRun, i);

      g_clear_object (&run->proc);
      g_clear_pointer (&run->out, g_free);
      g_clear_pointer (&run->err, g_free);
      g_clear_pointer (&run->sim, luma_test_sim_stop);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/fault-matrix/single", test_fault_matrix_single);
  g_test_add_func ("/fault-matrix/batch", test_fault_matrix_batch);
  g_test_add_func ("/fault-matrix/poll", test_fault_matrix_poll);
  g_test_add_func ("/fault-matrix/tracker", test_fault_matrix_tracker);
  g_test_add_func ("/fault-matrix/unknown", test_fault_matrix_unknown);
  g_test_add_func ("/fault-matrix/cli", test_fault_matrix_cli);

  return g_test_run ();
}
