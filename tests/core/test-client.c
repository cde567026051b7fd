/* test-client.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "luma-client-private.h"
#include "luma-error.h"
#include "luma-task-private.h"
#include "luma-test-sim.h"

#define SEED_ID_1 "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define SEED_ID_2 "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define UNKNOWN_ID_1 "00000000-0000-4000-8000-000000000001"
#define UNKNOWN_ID_2 "00000000-0000-4000-8000-000000000002"

#define WAIT_LIMIT_S 60

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until *@done, for WAIT_LIMIT_S at most. */
static void
wait_for (const gboolean *done)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;
  guint wake = g_timeout_add (50, wake_cb, NULL);

  while (!*done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake);
}

typedef struct
{
  gboolean         done;
  LumaBatchResult *batch;
  JsonObject      *record;
  gboolean         ok;
  GError          *error;
} Wait;

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->batch = luma_client_fetch_finish (LUMA_CLIENT (object), result, &wait->error);
  wait->done = TRUE;
}

static void
batch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->batch = luma_client_retrieve_batch_finish (LUMA_CLIENT (object), result, &wait->error);
  wait->done = TRUE;
}

static void
retrieve_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *wait = user_data;

  wait->record = luma_client_retrieve_finish (LUMA_CLIENT (object), result, &wait->error);
  wait->done = TRUE;
}

static void
check_token_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = luma_client_check_token_finish (LUMA_CLIENT (object), result, &wait->error);
  wait->done = TRUE;
}

static LumaBatchResult *
fetch_sync (LumaClient          *client,
            const char * const  *ids,
            guint                n_ids,
            GError             **error)
{
  Wait wait = { 0 };

  luma_client_fetch_async (client, ids, n_ids, NULL, fetch_cb, &wait);
  wait_for (&wait.done);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);

  return wait.batch;
}

static JsonObject *
retrieve_sync (LumaClient  *client,
               const char  *id,
               GError     **error)
{
  Wait wait = { 0 };

  luma_client_retrieve_async (client, id, NULL, retrieve_cb, &wait);
  wait_for (&wait.done);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);

  return wait.record;
}

static LumaClient *
client_for_sim (LumaTestSim *sim)
{
  g_autoptr(GError) error = NULL;
  LumaClient *client;

  client = luma_client_new (luma_test_sim_get_base_url (sim), luma_test_sim_get_token (sim), &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  /* Backoff in milliseconds, so retries do not make the tests slow. */
  luma_client_set_backoff_base_ms (client, 5);

  return client;
}

/* API requests (POST /luma/tasks) the simulator saw, on any port. */
static guint
count_api_requests (LumaTestSim *sim,
                    const char  *origin)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);

      if (!g_str_equal (json_object_get_string_member (entry, "path"), "/luma/tasks"))
        continue;
      if (origin != NULL && !g_str_equal (json_object_get_string_member (entry, "origin"), origin))
        continue;
      n++;
    }

  return n;
}

static const char *
record_id (JsonObject *record)
{
  return json_object_get_string_member (record, "id");
}

/* ------------------------------------------------------------------------ */

static void
test_client_base_url (void)
{
  static const struct {
    const char *url;
    const char *normalized;   /* NULL: refused */
  } cases[] = {
    { "https://api.acedata.cloud", "https://api.acedata.cloud" },
    { "https://api.acedata.cloud/", "https://api.acedata.cloud" },
    { " https://api.acedata.cloud/v1// ", "https://api.acedata.cloud/v1" },
    { "https://api.acedata.cloud:8443", "https://api.acedata.cloud:8443" },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
    { "http://127.1.2.3:8080/", "http://127.1.2.3:8080" },
    { "http://localhost:3000", "http://localhost:3000" },
    { "http://[::1]:3000", "http://[::1]:3000" },
    { "http://api.acedata.cloud", NULL },
    { "http://127.0.0.1.example.com", NULL },
    { "http://10.0.0.1", NULL },
    { "http://[::2]", NULL },
    { "ftp://127.0.0.1", NULL },
    { "https://", NULL },
    { "api.acedata.cloud", NULL },
    { "garbage", NULL },
    { "", NULL },
    { "https://user:secret@api.acedata.cloud", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LumaClient) client = luma_client_new (cases[i].url, "token", &error);

      if (cases[i].normalized != NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (client);
          g_assert_cmpstr (luma_client_get_base_url (client), ==, cases[i].normalized);
        }
      else
        {
          g_assert_error (error, LUMA_ERROR, LUMA_ERROR_INSECURE_URL);
          g_assert_null (client);
        }
    }
}

static void
test_client_parse_retry_after (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2015, 10, 21, 7, 27, 0);
  g_autoptr(GDateTime) real_now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (real_now, 30);
  g_autofree char *later_text = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  double delay;

  g_assert_cmpfloat (luma_client_parse_retry_after ("5", now), ==, 5.0);
  g_assert_cmpfloat (luma_client_parse_retry_after (" 120 ", now), ==, 120.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("0", now), ==, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("Wed, 21 Oct 2015 07:28:00 GMT", now), ==, 60.0);
  /* A date in the past means: now. */
  g_assert_cmpfloat (luma_client_parse_retry_after ("Wed, 21 Oct 2015 07:00:00 GMT", now), ==, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("Thu, 01 Jan 1970 00:00:00 GMT", now), ==, 0.0);

  /* Garbage is "cannot use". */
  g_assert_cmpfloat (luma_client_parse_retry_after (NULL, now), <, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("", now), <, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("soon", now), <, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("-5", now), <, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("1.5", now), <, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("10abc", now), <, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("99999999999999999999", now), <, 0.0);
  g_assert_cmpfloat (luma_client_parse_retry_after ("Wed, 32 Oct 2015 07:28:00 GMT", now), <, 0.0);

  /* NULL @now is the current time. */
  delay = luma_client_parse_retry_after (later_text, NULL);
  g_assert_cmpfloat (delay, >, 25.0);
  g_assert_cmpfloat (delay, <=, 30.0);
}

static void
test_client_retrieve (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonArray) log = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *entry;

  record = retrieve_sync (client, SEED_ID_1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  g_assert_cmpstr (record_id (record), ==, SEED_ID_1);
  g_assert_cmpstr (json_object_get_string_member (record, "trace_id"), ==, "0b7c1c1a-045c-4145-a434-609cba88f0a9");
  g_assert_true (json_object_has_member (json_object_get_object_member (record, "response"), "video_url"));

  log = luma_test_sim_get_log (sim);
  g_assert_cmpuint (json_array_get_length (log), ==, 1);
  entry = json_array_get_object_element (log, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (entry, "path"), ==, "/luma/tasks");
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "retrieve");
  g_assert_true (json_object_get_boolean_member (entry, "token_ok"));

  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_client_not_found (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GError) error = NULL;
  const char *one[] = { UNKNOWN_ID_1 };
  const char *mixed[] = { UNKNOWN_ID_1, SEED_ID_2, UNKNOWN_ID_2, SEED_ID_1 };

  /* Single: the service answers {}. */
  record = retrieve_sync (client, UNKNOWN_ID_1, &error);
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_NOT_FOUND);
  g_assert_null (record);
  g_clear_error (&error);

  batch = fetch_sync (client, one, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, 0);
  g_assert_cmpuint (batch->not_found->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (batch->not_found, 0), ==, UNKNOWN_ID_1);
  g_assert_cmpuint (batch->failed->len, ==, 0);
  g_assert_null (batch->error);
  g_clear_pointer (&batch, luma_batch_result_free);

  /* Batch: left out of items; the others keep the request's order. */
  batch = fetch_sync (client, mixed, G_N_ELEMENTS (mixed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, 2);
  g_assert_cmpstr (record_id (g_ptr_array_index (batch->records, 0)), ==, SEED_ID_2);
  g_assert_cmpstr (record_id (g_ptr_array_index (batch->records, 1)), ==, SEED_ID_1);
  g_assert_cmpuint (batch->not_found->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (batch->not_found, 0), ==, UNKNOWN_ID_1);
  g_assert_cmpstr (g_ptr_array_index (batch->not_found, 1), ==, UNKNOWN_ID_2);
  g_assert_null (batch->error);

  /* empty-object on a single retrieve is "not found" too. */
  luma_test_sim_set_fault (sim, "empty-object", 1);
  g_clear_pointer (&record, json_object_unref);
  record = retrieve_sync (client, SEED_ID_1, &error);
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_NOT_FOUND);
  g_assert_null (record);

  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_client_batch_chunking (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--generate", "120", NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(JsonArray) log = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = luma_test_sim_get_ids (sim);
  guint n_ids = g_strv_length (ids);
  guint n_batch_ids = 0;

  g_assert_cmpuint (n_ids, ==, 120);
  g_assert_cmpuint (luma_client_get_batch_size (client), ==, 50);
  g_assert_cmpuint (luma_client_get_max_in_flight (client), ==, 4);
  luma_test_sim_clear_log (sim);

  batch = fetch_sync (client, (const char * const *) ids, n_ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, 120);
  g_assert_cmpuint (batch->not_found->len, ==, 0);
  g_assert_cmpuint (batch->failed->len, ==, 0);
  g_assert_cmpuint (batch->n_skipped, ==, 0);
  for (guint i = 0; i < n_ids; i++)
    g_assert_cmpstr (record_id (g_ptr_array_index (batch->records, i)), ==, ids[i]);

  /* 120 IDs by 50: three requests, of 50, 50 and 20 IDs. */
  log = luma_test_sim_get_log (sim);
  g_assert_cmpuint (json_array_get_length (log), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      gint64 entry_ids = json_object_get_int_member (entry, "ids");

      g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "retrieve_batch");
      g_assert_cmpint (entry_ids, <=, 50);
      n_batch_ids += entry_ids;
    }
  g_assert_cmpuint (n_batch_ids, ==, 120);

  /* Another batch size. */
  luma_test_sim_clear_log (sim);
  luma_client_set_batch_size (client, 7);
  g_clear_pointer (&batch, luma_batch_result_free);
  batch = fetch_sync (client, (const char * const *) ids, n_ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, 120);
  g_assert_cmpuint (count_api_requests (sim, NULL), ==, 18);
}

/* The engine's fetches keep no JSON trees: the same records, in the same
 * order, prepared only; IDs not found and the count of skipped items as
 * in a fetch that keeps them. */
static void
test_client_prepared_only (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--generate", "120", NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaBatchResult) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = luma_test_sim_get_ids (sim);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) asked = NULL;
  guint n_asked;

  /* Two IDs the service does not know, among the others. */
  g_strv_builder_addv (builder, (const char **) ids);
  g_strv_builder_add (builder, "00000000-0000-4000-8000-000000000001");
  g_strv_builder_add (builder, "00000000-0000-4000-8000-000000000002");
  asked = g_strv_builder_end (builder);
  n_asked = g_strv_length (asked);

  kept = fetch_sync (client, (const char * const *) asked, n_asked, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->records->len, ==, 120);

  for (guint way = 0; way < 2; way++)
    {
      g_autoptr(LumaBatchResult) batch = NULL;
      Wait wait = { 0 };
      GPtrArray *prepared;

      if (way == 0)
        _luma_client_retrieve_prepared_async (client, (const char * const *) asked, n_asked, NULL, batch_cb, &wait);
      else
        _luma_client_fetch_prepared_async (client, (const char * const *) asked, n_asked, NULL, fetch_cb, &wait);
      wait_for (&wait.done);
      g_assert_no_error (wait.error);
      batch = wait.batch;

      g_assert_cmpuint (batch->records->len, ==, 0);
      g_assert_cmpuint (_luma_batch_result_get_n_records (batch), ==, 120);
      g_assert_cmpuint (batch->not_found->len, ==, 2);
      g_assert_cmpuint (batch->failed->len, ==, 0);
      g_assert_cmpuint (batch->n_skipped, ==, kept->n_skipped);

      prepared = _luma_batch_result_get_prepared (batch);
      g_assert_nonnull (prepared);
      g_assert_cmpuint (prepared->len, ==, 120);
      for (guint i = 0; i < 120; i++)
        {
          LumaPreparedRecord *p = g_ptr_array_index (prepared, i);

          g_assert_cmpstr (_luma_batch_result_get_id (batch, i), ==, ids[i]);
          g_assert_cmpstr (_luma_batch_result_get_id (kept, i), ==, ids[i]);
          g_assert_cmpstr (_luma_prepared_record_get_json (p), ==,
                           _luma_prepared_record_get_json (g_ptr_array_index (_luma_batch_result_get_prepared (kept), i)));
        }

      /* A copy is prepared only as well. */
      {
        g_autoptr(LumaBatchResult) copy = luma_batch_result_copy (batch);

        g_assert_cmpuint (_luma_batch_result_get_n_records (copy), ==, 120);
        g_assert_true (_luma_batch_result_get_prepared (copy) == prepared);
      }
    }
}

static void
test_client_concurrency (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--generate", "200", "--latency", "400", NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(JsonArray) log = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = luma_test_sim_get_ids (sim);
  guint n_ids = g_strv_length (ids);
  guint max_together = 0;
  gint64 start;
  double elapsed;

  luma_client_set_batch_size (client, 10);
  luma_test_sim_clear_log (sim);

  start = g_get_monotonic_time ();
  batch = fetch_sync (client, (const char * const *) ids, n_ids, &error);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, 200);

  /* 20 requests of 400 ms, 4 at a time: 5 rounds. */
  g_assert_cmpfloat (elapsed, >=, 1.9);
  g_assert_cmpfloat (elapsed, <, 10.0);

  /* Any window shorter than the latency sees at most one start per slot. */
  log = luma_test_sim_get_log (sim);
  g_assert_cmpuint (json_array_get_length (log), ==, 20);
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      double t = json_object_get_double_member (json_array_get_object_element (log, i), "time");
      guint together = 0;

      for (guint j = 0; j < json_array_get_length (log); j++)
        {
          double u = json_object_get_double_member (json_array_get_object_element (log, j), "time");

          if (u >= t && u < t + 0.35)
            together++;
        }
      max_together = MAX (max_together, together);
    }
  /* Never more than 4; and more than libsoup's default of 2 a host (a
   * loaded machine may spread one round's starts over the window). */
  g_assert_cmpuint (max_together, <=, 4);
  g_assert_cmpuint (max_together, >=, 3);
}

typedef struct
{
  const char    *kind;
  int            count;
  guint          expected_requests;
  LumaErrorCode  code;
  guint          status;
  const char    *api_code;
  gboolean       trace_id;
  const char    *message_part;
} FaultCase;

static void
retrying_count_cb (LumaClient   *client,
                   const GError *error,
                   double        delay,
                   guint        *n)
{
  g_assert_nonnull (error);
  g_assert_cmpfloat (delay, >=, 0.0);
  (*n)++;
}

static void
test_client_faults (void)
{
  static const FaultCase cases[] = {
    { "http500", 10, 4, LUMA_ERROR_SERVER, 500, "api_error", TRUE, "fetch failed" },
    { "http504", 10, 4, LUMA_ERROR_TIMEOUT, 504, "timeout", TRUE, NULL },
    { "http502-html", 10, 4, LUMA_ERROR_BAD_RESPONSE, 502, NULL, FALSE, "HTML page" },
    { "cut-body", 10, 4, LUMA_ERROR_BAD_RESPONSE, 200, NULL, FALSE, "cut off" },
    { "close", 10, 4, LUMA_ERROR_NETWORK, 0, NULL, FALSE, NULL },
    { "http401", 10, 1, LUMA_ERROR_INVALID_TOKEN, 401, "invalid_token", TRUE, NULL },
    { "http403", 10, 1, LUMA_ERROR_FORBIDDEN, 403, "forbidden", TRUE, "content moderation" },
    { "http429", 10, 6, LUMA_ERROR_TOO_MANY_REQUESTS, 429, "too_many_requests", TRUE, NULL },
    { "http500", 2, 3, 0, 0, NULL, FALSE, NULL },
    { "http429", 3, 4, 0, 0, NULL, FALSE, NULL },
    { "close", 1, 2, 0, 0, NULL, FALSE, NULL },
    { "cut-body", 3, 4, 0, 0, NULL, FALSE, NULL },
  };
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  const char *ids[] = { SEED_ID_1, SEED_ID_2 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const FaultCase *c = &cases[i];
      g_autoptr(LumaBatchResult) batch = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *fault = NULL;
      guint n_retrying = 0;
      gulong handler;

      g_test_message ("fault %s × %d", c->kind, c->count);
      luma_test_sim_clear_log (sim);
      /* Retry-After: 0, so 429 retries are quick too. */
      fault = g_strdup_printf ("{\"next\": \"%s\", \"count\": %d, \"retry_after\": 0}", c->kind, c->count);
      luma_test_sim_set_fault_json (sim, fault);
      handler = g_signal_connect (client, "retrying", G_CALLBACK (retrying_count_cb), &n_retrying);

      batch = fetch_sync (client, ids, G_N_ELEMENTS (ids), &error);
      g_assert_no_error (error);
      g_signal_handler_disconnect (client, handler);

      g_assert_cmpuint (count_api_requests (sim, NULL), ==, c->expected_requests);
      g_assert_cmpuint (n_retrying, ==, c->expected_requests - 1);

      if (c->code == 0)
        {
          /* Recovered after the retries. */
          g_assert_null (batch->error);
          g_assert_cmpuint (batch->records->len, ==, 2);
          g_assert_cmpuint (batch->failed->len, ==, 0);
          continue;
        }

      g_assert_cmpuint (batch->records->len, ==, 0);
      g_assert_cmpuint (batch->failed->len, ==, 2);
      g_assert_error (batch->error, LUMA_ERROR, (int) c->code);
      g_assert_cmpuint (luma_error_get_http_status (batch->error), ==, c->status);
      g_assert_cmpstr (luma_error_get_api_code (batch->error), ==, c->api_code);
      if (c->trace_id)
        g_assert_nonnull (luma_error_get_trace_id (batch->error));
      if (c->message_part != NULL)
        g_assert_nonnull (strstr (batch->error->message, c->message_part));
      g_assert_null (strstr (batch->error->message, luma_test_sim_get_token (sim)));

      luma_test_sim_set_fault (sim, "none", 1);
    }
}

static void
test_client_one_chunk_fails (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--generate", "100", NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = luma_test_sim_get_ids (sim);

  /* One request at a time, so the fault hits the first chunk. */
  luma_client_set_max_in_flight (client, 1);
  luma_test_sim_set_fault (sim, "http401", 1);

  batch = fetch_sync (client, (const char * const *) ids, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->failed->len, ==, 50);
  g_assert_cmpstr (g_ptr_array_index (batch->failed, 0), ==, ids[0]);
  g_assert_cmpuint (batch->records->len, ==, 50);
  g_assert_cmpstr (record_id (g_ptr_array_index (batch->records, 0)), ==, ids[50]);
  g_assert_error (batch->error, LUMA_ERROR, LUMA_ERROR_INVALID_TOKEN);
}

static void
retrying_delay_cb (LumaClient   *client,
                   const GError *error,
                   double        delay,
                   double       *out)
{
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_TOO_MANY_REQUESTS);
  *out = delay;
}

static void
test_client_retry_after (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  const char *ids[] = { SEED_ID_1, SEED_ID_2 };

  for (guint form = 0; form < 2; form++)
    {
      g_autoptr(LumaBatchResult) batch = NULL;
      g_autoptr(GError) error = NULL;
      double delay = -1;
      gint64 start;
      double elapsed;

      /* A backoff of 10 s would fail the test: the header must win. */
      luma_client_set_backoff_base_ms (client, 10000);
      luma_test_sim_set_fault_json (sim, form == 0 ?
                                    "{\"next\": \"http429\", \"count\": 1, \"retry_after\": 1}" :
                                    "{\"next\": \"http429-date\", \"count\": 1, \"retry_after\": 2}");
      g_signal_connect (client, "retrying", G_CALLBACK (retrying_delay_cb), &delay);

      start = g_get_monotonic_time ();
      batch = fetch_sync (client, ids, 2, &error);
      elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      g_signal_handlers_disconnect_by_func (client, retrying_delay_cb, &delay);

      g_assert_no_error (error);
      g_assert_null (batch->error);
      g_assert_cmpuint (batch->records->len, ==, 2);

      if (form == 0)
        {
          g_assert_cmpfloat (delay, ==, 1.0);
          g_assert_cmpfloat (elapsed, >=, 0.95);
        }
      else
        {
          /* An HTTP date has whole seconds: 2 s from a moment within the last second. */
          g_assert_cmpfloat (delay, >, 0.9);
          g_assert_cmpfloat (delay, <=, 2.0);
          g_assert_cmpfloat (elapsed, >=, 0.9);
        }
      g_assert_cmpfloat (elapsed, <, 5.0);
    }
}

static void
test_client_timeout (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(GError) error = NULL;
  const char *ids[] = { SEED_ID_1, SEED_ID_2 };
  gint64 start;
  double elapsed;

  /* A byte every 200 ms: the connection is alive, the answer never ends in time. */
  luma_client_set_timeout (client, 1);
  g_assert_cmpuint (luma_client_get_timeout (client), ==, 1);
  luma_test_sim_set_fault_json (sim, "{\"next\": \"slow-drip\", \"count\": 10, \"drip_ms\": 200}");

  start = g_get_monotonic_time ();
  batch = fetch_sync (client, ids, 2, &error);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_error (batch->error, LUMA_ERROR, LUMA_ERROR_TIMEOUT);
  g_assert_cmpuint (batch->failed->len, ==, 2);
  /* A timeout is retried 3 times: 4 attempts of about 1 s. */
  g_assert_cmpuint (count_api_requests (sim, NULL), ==, 4);
  g_assert_cmpfloat (elapsed, >=, 3.5);
  g_assert_cmpfloat (elapsed, <, 15.0);
}

static void
test_client_too_large (void)
{
  static const char *kinds[] = { "huge-body", "huge-body-chunked" };
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  const char *ids[] = { SEED_ID_1, SEED_ID_2 };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(LumaBatchResult) batch = NULL;
      g_autoptr(GError) error = NULL;

      luma_test_sim_clear_log (sim);
      luma_test_sim_set_fault (sim, kinds[i], 10);
      batch = fetch_sync (client, ids, 2, &error);
      g_assert_no_error (error);
      g_assert_error (batch->error, LUMA_ERROR, LUMA_ERROR_TOO_LARGE);
      g_assert_cmpuint (batch->failed->len, ==, 2);
      /* Not retried. */
      g_assert_cmpuint (count_api_requests (sim, NULL), ==, 1);
      luma_test_sim_set_fault (sim, "none", 1);
    }

  /* The client is still usable afterwards. */
  {
    g_autoptr(LumaBatchResult) batch = NULL;
    g_autoptr(GError) error = NULL;

    batch = fetch_sync (client, ids, 2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (batch->records->len, ==, 2);
  }
}

static void
test_client_redirect (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(JsonArray) log = NULL;
  g_autoptr(GError) error = NULL;
  const char *ids[] = { SEED_ID_1, SEED_ID_2 };

  luma_test_sim_set_fault (sim, "redirect", 10);
  batch = fetch_sync (client, ids, 2, &error);
  g_assert_no_error (error);
  g_assert_error (batch->error, LUMA_ERROR, LUMA_ERROR_REDIRECT);
  g_assert_cmpuint (luma_error_get_http_status (batch->error), ==, 307);
  g_assert_cmpuint (batch->failed->len, ==, 2);

  /* The other origin never saw a request, let alone the token. */
  log = luma_test_sim_get_log (sim);
  g_assert_cmpuint (json_array_get_length (log), ==, 1);
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);

      g_assert_cmpstr (json_object_get_string_member (entry, "origin"), ==, "main");
    }
  g_assert_cmpuint (count_api_requests (sim, "other"), ==, 0);
}

static void
test_client_no_token (void)
{
  g_autoptr(LumaClient) client = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GError) error = NULL;

  client = luma_client_new ("http://127.0.0.1:9", NULL, &error);
  g_assert_no_error (error);

  record = retrieve_sync (client, SEED_ID_1, &error);
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_NO_TOKEN);
  g_assert_null (record);
  g_clear_error (&error);

  /* Blank is no token either. */
  luma_client_set_token (client, "  ");
  record = retrieve_sync (client, SEED_ID_1, &error);
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_NO_TOKEN);
}

static void
test_client_unreachable (void)
{
  g_autoptr(LumaClient) client = NULL;
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(GError) error = NULL;
  const char *ids[] = { SEED_ID_1, SEED_ID_2 };
  guint n_retrying = 0;

  /* Port 9 (discard) has nobody listening on loopback here: connection refused. */
  client = luma_client_new ("http://127.0.0.1:9", "token", &error);
  g_assert_no_error (error);
  luma_client_set_backoff_base_ms (client, 5);
  g_signal_connect (client, "retrying", G_CALLBACK (retrying_count_cb), &n_retrying);

  batch = fetch_sync (client, ids, 2, &error);
  g_assert_no_error (error);
  g_assert_error (batch->error, LUMA_ERROR, LUMA_ERROR_NETWORK);
  g_assert_cmpuint (n_retrying, ==, 3);
  g_assert_cmpuint (batch->failed->len, ==, 2);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_client_cancel (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--generate", "120", "--latency", "3000", NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  g_auto(GStrv) ids = luma_test_sim_get_ids (sim);
  const char *two[] = { SEED_ID_1, SEED_ID_2 };

  /* While requests are in flight. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    Wait wait = { 0 };
    gint64 start = g_get_monotonic_time ();

    luma_client_retrieve_batch_async (client, (const char * const *) ids, 120, cancellable, batch_cb, &wait);
    g_timeout_add (100, cancel_cb, cancellable);
    wait_for (&wait.done);
    g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (wait.batch);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
    g_clear_error (&wait.error);
  }

  /* While waiting to retry. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(LumaTestSim) fast = luma_test_sim_startv (NULL);
    g_autoptr(LumaClient) fast_client = client_for_sim (fast);
    Wait wait = { 0 };
    gint64 start;

    luma_client_set_backoff_base_ms (fast_client, 20000);
    luma_test_sim_set_fault (fast, "http500", 10);
    start = g_get_monotonic_time ();
    luma_client_fetch_async (fast_client, two, 2, cancellable, fetch_cb, &wait);
    g_timeout_add (300, cancel_cb, cancellable);
    wait_for (&wait.done);
    g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    g_clear_error (&wait.error);
    g_assert_finalize_object (g_steal_pointer (&fast_client));
  }

  /* Already cancelled. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    Wait wait = { 0 };

    g_cancellable_cancel (cancellable);
    luma_client_retrieve_async (client, SEED_ID_1, cancellable, retrieve_cb, &wait);
    wait_for (&wait.done);
    g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&wait.error);
  }
}

static void
test_client_check_token (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--token", "right-token", NULL);
  g_autoptr(LumaClient) client = client_for_sim (sim);
  Wait wait = { 0 };

  luma_client_check_token_async (client, NULL, check_token_cb, &wait);
  wait_for (&wait.done);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);

  memset (&wait, 0, sizeof wait);
  luma_client_set_token (client, "wrong-token");
  luma_client_check_token_async (client, NULL, check_token_cb, &wait);
  wait_for (&wait.done);
  g_assert_false (wait.ok);
  g_assert_error (wait.error, LUMA_ERROR, LUMA_ERROR_INVALID_TOKEN);
  g_assert_cmpuint (luma_error_get_http_status (wait.error), ==, 401);
  g_assert_null (strstr (wait.error->message, "wrong-token"));
  g_clear_error (&wait.error);

  /* The sim saw one request each, with an Authorization header. */
  g_assert_cmpuint (count_api_requests (sim, "main"), ==, 2);
}

/* ------------------------------------------------------------------------ */
/* Answers the simulator does not give: an in-process HTTP/1.1 server on
 * GIO (each connection answered on a worker thread, then closed). */

typedef struct
{
  GSocketService *service;
  char           *base_url;
  int             n_requests;
  int             n_authorized;
} LocalServer;

static gboolean
local_run_cb (GThreadedSocketService *service,
              GSocketConnection      *connection,
              GObject                *source_object,
              gpointer                user_data)
{
  LocalServer *local = user_data;
  static const char skipped[] =
    "{\"items\": [1, \"x\", null, {\"no\": \"id\"}, {\"id\": 5},"
    " {\"id\": \"" SEED_ID_1 "\", \"extra\": true}], \"count\": 6}";
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autofree char *request_line = NULL;
  g_autofree char *answer = NULL;
  g_auto(GStrv) request = NULL;
  const char *status = "404 Not Found";
  const char *content_type = "text/plain";
  const char *body = "";
  g_autofree char *extra = g_strdup ("");
  gsize content_length = 0;
  char *line;

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  request_line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  if (request_line == NULL)
    return TRUE;
  request = g_strsplit (request_line, " ", 3);

  while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL && *line != '\0')
    {
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        content_length = g_ascii_strtoull (line + 15, NULL, 10);
      else if (g_ascii_strcasecmp (line, "Authorization: Bearer local-token") == 0)
        g_atomic_int_inc (&local->n_authorized);
      g_free (line);
    }
  g_free (line);
  if (content_length > 0)
    {
      g_autofree char *discard = g_malloc (content_length);

      g_input_stream_read_all (G_INPUT_STREAM (in), discard, content_length, NULL, NULL, NULL);
    }

  g_atomic_int_inc (&local->n_requests);

  if (g_strv_length (request) >= 2 && g_str_equal (request[1], "/moved/luma/tasks"))
    {
      status = "307 Temporary Redirect";
      g_free (extra);
      extra = g_strconcat ("Location: ", local->base_url, "/skipped/luma/tasks\r\n", NULL);
    }
  else if (g_strv_length (request) >= 2 && g_str_equal (request[1], "/skipped/luma/tasks"))
    {
      status = "200 OK";
      content_type = "application/json";
      body = skipped;
    }
  else if (g_strv_length (request) >= 2 && g_str_equal (request[1], "/array/luma/tasks"))
    {
      status = "200 OK";
      content_type = "application/json";
      body = "[1, 2]";
    }
  else if (g_strv_length (request) >= 2 && g_str_equal (request[1], "/text/luma/tasks"))
    {
      status = "200 OK";
      body = "all good";
    }

  answer = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n%s",
                            status, content_type, strlen (body), extra, body);
  g_output_stream_write_all (out, answer, strlen (answer), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  return TRUE;
}

static void
test_client_answers (void)
{
  LocalServer local = { 0 };
  g_autoptr(GError) error = NULL;
  const char *ids[] = { SEED_ID_1, SEED_ID_2, UNKNOWN_ID_1 };
  guint16 port;

  local.service = g_threaded_socket_service_new (2);
  {
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_socket_listener_add_address (G_SOCKET_LISTENER (local.service), any_port, G_SOCKET_TYPE_STREAM,
                                   G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
    g_assert_no_error (error);
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  }
  local.base_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_signal_connect (local.service, "run", G_CALLBACK (local_run_cb), &local);
  g_socket_service_start (local.service);

  /* Unusable items are skipped and counted; a same-origin redirect is
   * followed once, with the token. */
  {
    g_autofree char *url = g_strconcat (local.base_url, "/moved", NULL);
    g_autoptr(LumaClient) client = luma_client_new (url, "local-token", &error);
    g_autoptr(LumaBatchResult) batch = NULL;

    g_assert_no_error (error);
    batch = fetch_sync (client, ids, G_N_ELEMENTS (ids), &error);
    g_assert_no_error (error);
    g_assert_null (batch->error);
    g_assert_cmpuint (batch->n_skipped, ==, 5);
    g_assert_cmpuint (batch->records->len, ==, 1);
    g_assert_true (json_object_get_boolean_member (g_ptr_array_index (batch->records, 0), "extra"));
    g_assert_cmpuint (batch->not_found->len, ==, 2);
    g_assert_cmpint (g_atomic_int_get (&local.n_requests), ==, 2);
    g_assert_cmpint (g_atomic_int_get (&local.n_authorized), ==, 2);
  }

  /* JSON that is not an object, and not JSON at all. */
  {
    static const char *paths[] = { "/array", "/text" };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autofree char *url = g_strconcat (local.base_url, paths[i], NULL);
        g_autoptr(LumaClient) client = luma_client_new (url, "local-token", &error);
        g_autoptr(LumaBatchResult) batch = NULL;

        g_assert_no_error (error);
        g_atomic_int_set (&local.n_requests, 0);
        batch = fetch_sync (client, ids, G_N_ELEMENTS (ids), &error);
        g_assert_no_error (error);
        g_assert_error (batch->error, LUMA_ERROR, LUMA_ERROR_BAD_RESPONSE);
        g_assert_cmpuint (luma_error_get_http_status (batch->error), ==, 200);
        g_assert_cmpuint (batch->failed->len, ==, 3);
        /* A 200 with a wrong body is not retried. */
        g_assert_cmpint (g_atomic_int_get (&local.n_requests), ==, 1);
      }
  }

  g_socket_service_stop (local.service);
  g_socket_listener_close (G_SOCKET_LISTENER (local.service));
  g_free (local.base_url);
  g_clear_object (&local.service);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/client/base-url", test_client_base_url);
  g_test_add_func ("/client/parse-retry-after", test_client_parse_retry_after);
  g_test_add_func ("/client/retrieve", test_client_retrieve);
  g_test_add_func ("/client/not-found", test_client_not_found);
  g_test_add_func ("/client/batch-chunking", test_client_batch_chunking);
  g_test_add_func ("/client/prepared-only", test_client_prepared_only);
  g_test_add_func ("/client/concurrency", test_client_concurrency);
  g_test_add_func ("/client/faults", test_client_faults);
  g_test_add_func ("/client/one-chunk-fails", test_client_one_chunk_fails);
  g_test_add_func ("/client/retry-after", test_client_retry_after);
  g_test_add_func ("/client/timeout", test_client_timeout);
  g_test_add_func ("/client/too-large", test_client_too_large);
  g_test_add_func ("/client/redirect", test_client_redirect);
  g_test_add_func ("/client/no-token", test_client_no_token);
  g_test_add_func ("/client/unreachable", test_client_unreachable);
  g_test_add_func ("/client/cancel", test_client_cancel);
  g_test_add_func ("/client/check-token", test_client_check_token);
  g_test_add_func ("/client/answers", test_client_answers);

  return g_test_run ();
}
