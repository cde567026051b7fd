/* test-batch-apply.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A large answer's way to the list: the client's parse thread slices and
 * prepares each record, and the list applies the records in slices. Both
 * must give exactly what the plain, synchronous way gives.
 */

#include "config.h"

#include <string.h>

#include "bench/luma-bench-data.h"
#include "luma-client-private.h"
#include "luma-error.h"
#include "luma-json-private.h"
#include "luma-task-list-private.h"
#include "luma-task-private.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A retrieve_batch answer of @n bench records, every third one processing. */
static GBytes *
make_body (guint n)
{
  GString *body = g_string_new ("{\"success\":true,\"items\":[");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *record = luma_bench_record_json (i, i % 3 != 0);

      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, record);
    }
  g_string_append_printf (body, "],\"count\":%u}", n);

  return g_string_free_to_bytes (body);
}

static LumaTaskList *
make_list (guint n)
{
  LumaTaskList *list = luma_task_list_new ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = luma_bench_task_id (i);

      g_strv_builder_add (builder, id);
    }
  ids = g_strv_builder_end (builder);
  added = luma_task_list_add_ids (list, (const char * const *) ids, n);
  g_assert_cmpuint (added->len, ==, n);

  return list;
}

static void
assert_tasks_equal (LumaTask *a,
                    LumaTask *b)
{
  /* A record may name its task in another case. */
  g_assert_cmpint (g_ascii_strcasecmp (luma_task_get_id (a), luma_task_get_id (b)), ==, 0);
  g_assert_cmpstr (luma_task_get_record_json (a), ==, luma_task_get_record_json (b));
  g_assert_cmpint (luma_task_get_state (a), ==, luma_task_get_state (b));
  g_assert_cmpstr (luma_task_get_state_word (a), ==, luma_task_get_state_word (b));
  g_assert_cmpstr (luma_task_get_failure_reason (a), ==, luma_task_get_failure_reason (b));
  g_assert_cmpstr (luma_task_get_prompt (a), ==, luma_task_get_prompt (b));
  g_assert_true (luma_task_get_action (a) == luma_task_get_action (b));
  g_assert_true (luma_task_get_aspect_ratio (a) == luma_task_get_aspect_ratio (b));
  g_assert_cmpstr (luma_task_get_video_id (a), ==, luma_task_get_video_id (b));
  g_assert_cmpstr (luma_task_get_video_url (a), ==, luma_task_get_video_url (b));
  g_assert_cmpuint (luma_task_get_video_width (a), ==, luma_task_get_video_width (b));
  g_assert_cmpuint (luma_task_get_video_height (a), ==, luma_task_get_video_height (b));
  g_assert_cmpstr (luma_task_get_thumbnail_url (a), ==, luma_task_get_thumbnail_url (b));
  g_assert_cmpuint (luma_task_get_thumbnail_width (a), ==, luma_task_get_thumbnail_width (b));
  g_assert_cmpuint (luma_task_get_thumbnail_height (a), ==, luma_task_get_thumbnail_height (b));
  g_assert_cmpstr (luma_task_get_trace_id (a), ==, luma_task_get_trace_id (b));
  g_assert_cmpfloat (luma_task_get_created_at (a), ==, luma_task_get_created_at (b));
  g_assert_cmpfloat (luma_task_get_started_at (a), ==, luma_task_get_started_at (b));
  g_assert_cmpfloat (luma_task_get_finished_at (a), ==, luma_task_get_finished_at (b));
  g_assert_cmpfloat (luma_task_get_elapsed (a), ==, luma_task_get_elapsed (b));
}

static void
on_notify_log (GObject    *object,
               GParamSpec *pspec,
               GString    *log)
{
  g_string_append_printf (log, "%s;", pspec->name);
}

/* Records of every shape: completed, processing, failed with a reason,
 * fields missing or of the wrong type. */
static const char *shapes[] = {
  "{\"id\":\"t1\",\"created_at\":1725077411.961,\"finished_at\":1725077566.241,"
  "\"request\":{\"action\":\"generate\",\"prompt\":\"a\",\"aspect_ratio\":\"16:9\"},"
  "\"response\":{\"success\":true,\"state\":\"completed\",\"video_url\":\"https://x/v.mp4\","
  "\"video_width\":1360,\"video_height\":752.0,\"thumbnail_url\":\"https://x/t.jpg\","
  "\"thumbnail_width\":1360,\"thumbnail_height\":752,\"video_id\":\"v\"},\"trace_id\":\"tr\"}",
  "{\"id\":\"t1\",\"response\":{\"success\":false,\"error\":{\"code\":\"c\",\"message\":\"It broke.\"}}}",
  "{\"id\":\"t1\",\"response\":{\"state\":\"dreaming\",\"prompt\":\"from the response\"},\"elapsed\":3}",
  "{\"id\":\"t1\",\"created_at\":\"soon\",\"request\":[1],\"response\":null,\"trace_id\":5,\"extra\":{\"k\":[true]}}",
  "{\"id\":\"T1\",\"response\":{\"state\":\"processing\",\"video_width\":-3,\"thumbnail_width\":1.5}}",
};

static void
test_prepared_equals_record (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(JsonObject) record = parse_object (shapes[i]);
      g_autoptr(LumaPreparedRecord) prepared = _luma_prepared_record_new (record, shapes[i], -1);
      g_autoptr(LumaTask) plain = luma_task_new_from_record (record);
      g_autoptr(LumaTask) fast = _luma_task_new_from_prepared (prepared);
      g_autoptr(LumaTask) updated_plain = luma_task_new ("t1");
      g_autoptr(LumaTask) updated_fast = luma_task_new ("t1");
      g_autoptr(GString) log_plain = g_string_new (NULL);
      g_autoptr(GString) log_fast = g_string_new (NULL);
      g_autofree char *compact = _luma_json_object_to_string (record);

      /* The service's own text, already compact: kept as given. */
      g_assert_cmpstr (_luma_prepared_record_get_json (prepared), ==, shapes[i]);
      g_assert_cmpstr (compact, ==, shapes[i]);
      assert_tasks_equal (plain, fast);

      g_signal_connect (updated_plain, "notify", G_CALLBACK (on_notify_log), log_plain);
      g_signal_connect (updated_fast, "notify", G_CALLBACK (on_notify_log), log_fast);
      g_assert_true (luma_task_update_from_record (updated_plain, record));
      g_assert_true (_luma_task_update_from_prepared (updated_fast, prepared));
      g_assert_cmpstr (log_plain->str, ==, log_fast->str);
      g_assert_cmpstr (log_fast->str, !=, "");
      assert_tasks_equal (updated_plain, updated_fast);
      assert_tasks_equal (plain, updated_fast);

      /* The same record again changes nothing, and says nothing. */
      g_string_truncate (log_fast, 0);
      g_assert_false (_luma_task_update_from_prepared (updated_fast, prepared));
      g_assert_cmpstr (log_fast->str, ==, "");

      /* Another task's record is refused. */
      {
        g_autoptr(LumaTask) other = luma_task_new ("t2");

        g_assert_false (_luma_task_update_from_prepared (other, prepared));
        g_assert_null (luma_task_get_record_json (other));
      }
    }
}

static void
test_prepared_text (void)
{
  const char *spaced = "{ \"id\" : \"s\", \"created_at\" : 1.50 }";
  const char *lines = "{\n  \"id\": \"l\",\n  \"created_at\": 1.50\n}";
  g_autoptr(JsonObject) spaced_record = parse_object (spaced);
  g_autoptr(JsonObject) lines_record = parse_object (lines);
  g_autoptr(JsonObject) no_id = parse_object ("{\"id\":\"\"}");
  g_autoptr(LumaPreparedRecord) kept = _luma_prepared_record_new (spaced_record, spaced, strlen (spaced));
  g_autoptr(LumaPreparedRecord) compacted = _luma_prepared_record_new (lines_record, lines, strlen (lines));
  g_autoptr(LumaPreparedRecord) written = _luma_prepared_record_new (lines_record, NULL, 0);

  /* Faithful to the service's bytes on one line; spanning lines, written
   * compact as luma_task_new_from_json() does. */
  g_assert_cmpstr (_luma_prepared_record_get_json (kept), ==, spaced);
  g_assert_cmpstr (_luma_prepared_record_get_json (compacted), ==, "{\"id\":\"l\",\"created_at\":1.5}");
  g_assert_cmpstr (_luma_prepared_record_get_json (written), ==, "{\"id\":\"l\",\"created_at\":1.5}");
  g_assert_cmpstr (_luma_prepared_record_get_id (kept), ==, "s");
  g_assert_null (_luma_prepared_record_new (no_id, NULL, 0));
}

static void
test_parse_body (void)
{
  const char *body =
    "{\"success\":true,\"items\":[\n"
    "  {\"id\":\"a\",\"created_at\":1725077411.961,\"p\":\"x\\\"]\"},\n"
    "  42,\n"
    "  {\"no_id\":true},\n"
    "  {\n    \"id\": \"b\",\n    \"created_at\": 1.0\n  },\n"
    "  { \"id\" : \"c\" }\n"
    "],\"count\":5}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(LumaBatchResult) copy = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *prepared;

  batch = _luma_client_parse_batch_body (bytes, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, 3);
  g_assert_cmpuint (batch->n_skipped, ==, 2);

  prepared = _luma_batch_result_get_prepared (batch);
  g_assert_nonnull (prepared);
  g_assert_cmpuint (prepared->len, ==, 3);
  g_assert_cmpstr (_luma_prepared_record_get_json (g_ptr_array_index (prepared, 0)), ==,
                   "{\"id\":\"a\",\"created_at\":1725077411.961,\"p\":\"x\\\"]\"}");
  g_assert_cmpstr (_luma_prepared_record_get_json (g_ptr_array_index (prepared, 1)), ==,
                   "{\"id\":\"b\",\"created_at\":1.0}");
  g_assert_cmpstr (_luma_prepared_record_get_json (g_ptr_array_index (prepared, 2)), ==,
                   "{ \"id\" : \"c\" }");
  for (guint i = 0; i < 3; i++)
    g_assert_true (_luma_prepared_record_get_source (g_ptr_array_index (prepared, i)) ==
                   g_ptr_array_index (batch->records, i));

  /* A copy keeps them; records changed since leave them behind. */
  copy = luma_batch_result_copy (batch);
  g_assert_true (_luma_batch_result_get_prepared (copy) == prepared);
  g_ptr_array_remove_index (copy->records, 0);
  g_assert_null (_luma_batch_result_get_prepared (copy));
  g_ptr_array_add (copy->records, json_object_ref (g_ptr_array_index (batch->records, 0)));
  g_assert_null (_luma_batch_result_get_prepared (copy));
}

static void
test_parse_body_errors (void)
{
  const char *bodies[] = {
    "{\"items\":[{\"id\":\"a\"}",
    "{\"count\":0}",
    "<html></html>",
    "",
    "{\"success\":false,\"error\":{\"code\":\"x\",\"message\":\"No.\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (bodies[i], strlen (bodies[i]));
      g_autoptr(LumaBatchResult) batch = NULL;
      g_autoptr(GError) error = NULL;

      batch = _luma_client_parse_batch_body (bytes, TRUE, &error);
      g_assert_null (batch);
      /* The last is the API's own error, not a broken answer. */
      if (i < 4)
        g_assert_error (error, LUMA_ERROR, LUMA_ERROR_BAD_RESPONSE);
      else
        g_assert_true (error != NULL && error->domain == LUMA_ERROR && error->code != LUMA_ERROR_BAD_RESPONSE);
    }
}

typedef struct
{
  GPtrArray *changed;
  GError    *error;
  gboolean   done;
} Wait;

static void
on_applied (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->changed = luma_task_list_apply_records_finish (LUMA_TASK_LIST (object), result, &wait->error);
  wait->done = TRUE;
}

/* Runs the loop until @wait is done; returns the iterations it took. */
static guint
wait_done (Wait *wait)
{
  guint iterations = 0;

  while (!wait->done)
    {
      g_assert_cmpuint (iterations, <, 100000);
      g_main_context_iteration (NULL, TRUE);
      iterations++;
    }

  return iterations;
}

static void
on_counted (GObject    *object,
            GParamSpec *pspec,
            guint      *count)
{
  (*count)++;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

#define N_SLICED 2000

static void
test_sliced_equals_sync (void)
{
  g_autoptr(GBytes) body = make_body (N_SLICED);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(LumaTaskList) sync_list = make_list (N_SLICED);
  g_autoptr(LumaTaskList) sliced_list = make_list (N_SLICED);
  g_autoptr(LumaTaskList) public_list = make_list (N_SLICED);
  g_autoptr(GPtrArray) sync_changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) sync_log = g_string_new (NULL);
  g_autoptr(GString) sliced_log = g_string_new (NULL);
  LumaTaskList *lists[] = { sync_list, sliced_list, public_list };
  guint n_completed_notes[3] = { 0 };
  guint n_items_changed[3] = { 0 };
  Wait sliced = { 0 };
  Wait public = { 0 };
  guint iterations;

  batch = _luma_client_parse_batch_body (body, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, N_SLICED);

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      g_signal_connect (lists[l], "notify::n-completed", G_CALLBACK (on_counted), &n_completed_notes[l]);
      g_signal_connect (lists[l], "items-changed", G_CALLBACK (on_items_changed), &n_items_changed[l]);
    }
  /* A completed record and a processing one: what each task notifies. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(LumaTask) sync_task = g_list_model_get_item (G_LIST_MODEL (sync_list), i);
      g_autoptr(LumaTask) sliced_task = g_list_model_get_item (G_LIST_MODEL (sliced_list), i);

      g_signal_connect (sync_task, "notify", G_CALLBACK (on_notify_log), sync_log);
      g_signal_connect (sliced_task, "notify", G_CALLBACK (on_notify_log), sliced_log);
    }

  /* The shortest slices, whatever the machine's speed. */
  _luma_task_list_set_apply_slice (sliced_list, 0);
  sync_changed = luma_task_list_apply_records (sync_list, batch->records);
  _luma_task_list_apply_prepared_async (sliced_list, batch->records, _luma_batch_result_get_prepared (batch),
                                        NULL, on_applied, &sliced);
  iterations = wait_done (&sliced);
  luma_task_list_apply_records_async (public_list, batch->records, NULL, on_applied, &public);
  wait_done (&public);

  g_assert_no_error (sliced.error);
  g_assert_no_error (public.error);
  /* Slices, not one long iteration. */
  g_assert_cmpuint (iterations, >, 1);
  g_assert_cmpstr (sync_log->str, !=, "");
  g_assert_cmpstr (sync_log->str, ==, sliced_log->str);

  g_assert_cmpuint (sync_changed->len, ==, N_SLICED);
  g_assert_cmpuint (sliced.changed->len, ==, N_SLICED);
  g_assert_cmpuint (public.changed->len, ==, N_SLICED);
  for (guint i = 0; i < N_SLICED; i++)
    {
      LumaTask *a = g_ptr_array_index (sync_changed, i);
      LumaTask *b = g_ptr_array_index (sliced.changed, i);
      LumaTask *c = g_ptr_array_index (public.changed, i);

      g_assert_true (luma_task_list_lookup (sliced_list, luma_task_get_id (b)) == b);
      assert_tasks_equal (a, b);
      assert_tasks_equal (a, c);
    }

  /* No items-changed, and the counters notified once, as the sync way. */
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      guint n_completed = 0;

      g_object_get (lists[l], "n-completed", &n_completed, NULL);
      g_assert_cmpuint (n_completed, ==, N_SLICED - (N_SLICED + 2) / 3);
      g_assert_cmpuint (n_items_changed[l], ==, 0);
      g_assert_cmpuint (n_completed_notes[l], ==, 1);
    }

  g_clear_pointer (&sliced.changed, g_ptr_array_unref);
  g_clear_pointer (&public.changed, g_ptr_array_unref);
}

static void
assert_counts_consistent (LumaTaskList *list)
{
  guint n_items, n_loading, n_unfinished, n_completed, n_failed, n_not_found;

  g_object_get (list, "n-items", &n_items, "n-loading", &n_loading, "n-unfinished", &n_unfinished,
                "n-completed", &n_completed, "n-failed", &n_failed, "n-not-found", &n_not_found, NULL);
  g_assert_cmpuint (n_loading + n_unfinished + n_completed + n_failed + n_not_found, ==, n_items);
}

static void
test_cancel (gconstpointer data)
{
  guint n_slices = GPOINTER_TO_UINT (data);
  g_autoptr(GBytes) body = make_body (N_SLICED);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(LumaTaskList) list = make_list (N_SLICED);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LumaTask) first = NULL;
  guint n_loading = 0;
  guint n_not_found_notes = 0;
  Wait wait = { 0 };

  batch = _luma_client_parse_batch_body (body, TRUE, &error);
  g_assert_no_error (error);

  _luma_task_list_set_apply_slice (list, 0);
  _luma_task_list_apply_prepared_async (list, batch->records, _luma_batch_result_get_prepared (batch),
                                        cancellable, on_applied, &wait);
  /* Let @n_slices slices run: an iteration may also end with nothing
   * dispatched, so count the slices by the tasks they fill in. */
  {
    guint last = N_SLICED;
    guint seen = 0;

    for (guint i = 0; seen < n_slices && !wait.done && i < 100000; i++)
      {
        guint now;

        g_main_context_iteration (NULL, TRUE);
        g_object_get (list, "n-loading", &now, NULL);
        if (now < last)
          {
            seen++;
            last = now;
          }
      }
  }
  g_assert_false (wait.done);
  g_cancellable_cancel (cancellable);
  wait_done (&wait);

  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (wait.changed);
  g_clear_error (&wait.error);

  /* What was applied stays, the rest waits, and the counters agree. */
  g_object_get (list, "n-loading", &n_loading, NULL);
  if (n_slices == 0)
    g_assert_cmpuint (n_loading, ==, N_SLICED);
  else
    g_assert_cmpuint (n_loading, <, N_SLICED);
  g_assert_cmpuint (n_loading, >, 0);
  assert_counts_consistent (list);

  /* The list's notifications flow again. */
  g_signal_connect (list, "notify::n-not-found", G_CALLBACK (on_counted), &n_not_found_notes);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  luma_task_set_not_found (first);
  g_assert_cmpuint (n_not_found_notes, ==, 1);
}

static void
test_dispose_while_slicing (void)
{
  g_autoptr(GBytes) body = make_body (N_SLICED);
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(GError) error = NULL;
  LumaTaskList *list = make_list (N_SLICED);
  Wait wait = { 0 };

  batch = _luma_client_parse_batch_body (body, TRUE, &error);
  g_assert_no_error (error);

  _luma_task_list_set_apply_slice (list, 0);
  _luma_task_list_apply_prepared_async (list, batch->records, _luma_batch_result_get_prepared (batch),
                                        NULL, on_applied, &wait);
  g_main_context_iteration (NULL, TRUE);
  g_assert_false (wait.done);

  /* The window dropped its list mid-way: the rest finds no tasks. */
  g_object_run_dispose (G_OBJECT (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  wait_done (&wait);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (wait.changed->len, <, N_SLICED);
  g_clear_pointer (&wait.changed, g_ptr_array_unref);

  g_assert_finalize_object (list);
}

/* The engine's own callers free a large answer in slices afterwards. */
static void
test_free_later (void)
{
  g_autoptr(GBytes) body = make_body (2000);
  LumaBatchResult *batch;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) kept = NULL;

  batch = _luma_client_parse_batch_body (body, TRUE, &error);
  g_assert_no_error (error);
  kept = json_object_ref (g_ptr_array_index (batch->records, 1999));

  _luma_batch_result_free_later (batch);
  for (guint i = 0; i < 10000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (g_main_context_pending (NULL));

  /* A record someone else holds outlives the answer. */
  g_assert_cmpstr (json_object_get_string_member (kept, "id"), !=, NULL);

  /* Small ones go at once. */
  _luma_batch_result_free_later (luma_batch_result_new ());
  g_assert_false (g_main_context_pending (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/batch-apply/prepared-equals-record", test_prepared_equals_record);
  g_test_add_func ("/batch-apply/prepared-text", test_prepared_text);
  g_test_add_func ("/batch-apply/parse-body", test_parse_body);
  g_test_add_func ("/batch-apply/parse-body-errors", test_parse_body_errors);
  g_test_add_func ("/batch-apply/sliced-equals-sync", test_sliced_equals_sync);
  g_test_add_data_func ("/batch-apply/cancel/before-first-slice", GUINT_TO_POINTER (0), test_cancel);
  g_test_add_data_func ("/batch-apply/cancel/mid-way", GUINT_TO_POINTER (1), test_cancel);
  g_test_add_func ("/batch-apply/dispose-while-slicing", test_dispose_while_slicing);
  g_test_add_func ("/batch-apply/free-later", test_free_later);

  return g_test_run ();
}
