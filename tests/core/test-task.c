/* test-task.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "luma-task.h"

#define SEED_ID "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

static char *
load_seed_text (const char *name)
{
  const char *dir = g_getenv ("LUMA_TASKS_SEED_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, name, NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

static JsonObject *
load_seed (void)
{
  g_autofree char *text = load_seed_text ("retrieve-completed.json");

  return parse_object (text);
}

/* Counts notify emissions per property name. */
typedef struct
{
  GHashTable *counts;
  gulong      handler;
} NotifyLog;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           NotifyLog  *log)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, pspec->name));

  g_hash_table_insert (log->counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static void
notify_log_start (NotifyLog *log,
                  LumaTask  *task)
{
  log->counts = g_hash_table_new (g_str_hash, g_str_equal);
  log->handler = g_signal_connect (task, "notify", G_CALLBACK (on_notify), log);
}

static void
notify_log_stop (NotifyLog *log,
                 LumaTask  *task)
{
  g_clear_signal_handler (&log->handler, task);
  g_clear_pointer (&log->counts, g_hash_table_unref);
}

static guint
notify_count (NotifyLog  *log,
              const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, name));
}

/* Exactly @names (NULL-terminated), each notified once. */
static void
assert_notified (NotifyLog          *log,
                 const char * const *names)
{
  guint n = 0;

  for (; names[n] != NULL; n++)
    {
      g_test_message ("expecting notify::%s", names[n]);
      g_assert_cmpuint (notify_count (log, names[n]), ==, 1);
    }
  g_assert_cmpuint (g_hash_table_size (log->counts), ==, n);
  g_hash_table_remove_all (log->counts);
}

static void
test_task_new (void)
{
  gint64 before = g_get_real_time ();
  LumaTask *task = luma_task_new (SEED_ID);

  g_assert_cmpstr (luma_task_get_id (task), ==, SEED_ID);
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_LOADING);
  g_assert_cmpstr (luma_task_get_state_word (task), ==, "loading");
  g_assert_false (luma_task_is_unfinished (task));
  g_assert_null (luma_task_get_record_json (task));
  g_assert_null (luma_task_dup_record (task));
  g_assert_null (luma_task_get_prompt (task));
  g_assert_cmpfloat (luma_task_get_created_at (task), <, 0);
  g_assert_cmpfloat (luma_task_get_elapsed (task), <, 0);
  g_assert_cmpint (luma_task_get_added_at (task), >=, before);
  g_assert_cmpint (luma_task_get_added_at (task), <=, g_get_real_time ());

  luma_task_set_added_at (task, 1234);
  g_assert_cmpint (luma_task_get_added_at (task), ==, 1234);

  g_assert_finalize_object (task);
}

static void
test_task_seed_record (void)
{
  g_autoptr(JsonObject) record = load_seed ();
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  LumaTask *task = luma_task_new_from_record (record);
  guint width = 0;
  g_autofree char *url = NULL;

  g_assert_nonnull (task);
  g_assert_cmpstr (luma_task_get_id (task), ==, SEED_ID);
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (luma_task_get_state_word (task), ==, "completed");
  g_assert_null (luma_task_get_failure_reason (task));
  g_assert_cmpstr (luma_task_get_prompt (task), ==, "Astronauts shuttle from space to volcano");
  g_assert_cmpstr (luma_task_get_action (task), ==, "generate");
  g_assert_null (luma_task_get_aspect_ratio (task));
  g_assert_cmpstr (luma_task_get_video_id (task), ==, "4b088fc8-2bbc-4706-80a6-a0fb118adc1a");
  g_assert_cmpstr (luma_task_get_video_url (task), ==,
                   "https://platform.cdn.acedata.cloud/luma/" SEED_ID ".mp4");
  g_assert_cmpuint (luma_task_get_video_width (task), ==, 1360);
  g_assert_cmpuint (luma_task_get_video_height (task), ==, 752);
  g_assert_cmpstr (luma_task_get_thumbnail_url (task), ==,
                   "https://platform.cdn.acedata.cloud/luma/" SEED_ID ".jpg");
  g_assert_cmpuint (luma_task_get_thumbnail_width (task), ==, 1360);
  g_assert_cmpuint (luma_task_get_thumbnail_height (task), ==, 752);
  g_assert_cmpstr (luma_task_get_trace_id (task), ==, "0b7c1c1a-045c-4145-a434-609cba88f0a9");
  g_assert_cmpfloat (luma_task_get_created_at (task), ==, 1725077411.961);
  g_assert_cmpfloat (luma_task_get_started_at (task), <, 0);
  g_assert_cmpfloat (luma_task_get_finished_at (task), ==, 1725077566.241);
  g_assert_cmpfloat_with_epsilon (luma_task_get_elapsed (task), 154.28, 1e-6);

  /* The record is kept compact, numbers in their shortest exact form. */
  g_assert_nonnull (strstr (luma_task_get_record_json (task), "\"created_at\":1725077411.961,"));
  g_assert_null (strchr (luma_task_get_record_json (task), '\n'));
  copy = luma_task_dup_record (task);
  a = json_node_init_object (json_node_alloc (), record);
  b = json_node_init_object (json_node_alloc (), copy);
  g_assert_true (json_node_equal (a, b));
  g_assert_cmpstr (json_object_get_string_member (copy, "user_id"), ==,
                   "ad7afe47-cea9-4cda-980f-2ad8810e51cf");
  g_assert_cmpfloat (json_object_get_double_member (copy, "created_at"), ==, 1725077411.961);

  g_object_get (task, "video-width", &width, "video-url", &url, NULL);
  g_assert_cmpuint (width, ==, 1360);
  g_assert_cmpstr (url, ==, luma_task_get_video_url (task));

  g_assert_finalize_object (task);
}

static void
test_task_notifies_only_changes (void)
{
  g_autoptr(JsonObject) record = load_seed ();
  JsonObject *response = json_object_get_object_member (record, "response");
  LumaTask *task = luma_task_new (SEED_ID);
  NotifyLog log;

  /* Start as processing, without a video yet. */
  json_object_set_string_member (response, "state", "processing");
  json_object_remove_member (response, "video_url");
  json_object_set_null_member (record, "finished_at");

  notify_log_start (&log, task);
  g_assert_true (luma_task_update_from_record (task, record));
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_PROCESSING);
  g_assert_cmpuint (notify_count (&log, "state"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "unfinished"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "video-url"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "finished-at"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "failure-reason"), ==, 0);
  g_hash_table_remove_all (log.counts);

  /* The same record again: nothing changes, nothing is notified. */
  g_assert_false (luma_task_update_from_record (task, record));
  g_assert_cmpuint (g_hash_table_size (log.counts), ==, 0);

  /* The task completes: only what moved is notified, once each. */
  json_object_set_string_member (response, "state", "completed");
  json_object_set_string_member (response, "video_url", "https://v.example/x.mp4");
  json_object_set_double_member (record, "finished_at", 1725077566.241);
  g_assert_true (luma_task_update_from_record (task, record));
  assert_notified (&log, (const char *[]) { "state", "state-word", "unfinished", "video-url",
                                            "finished-at", "elapsed", "record-json", NULL });

  /* An unknown member only changes the record. */
  json_object_set_string_member (record, "new_field", "kept");
  g_assert_true (luma_task_update_from_record (task, record));
  assert_notified (&log, (const char *[]) { "record-json", NULL });
  g_assert_nonnull (strstr (luma_task_get_record_json (task), "\"new_field\":\"kept\""));

  notify_log_stop (&log, task);
  g_assert_finalize_object (task);
}

static void
test_task_refuses_other_id (void)
{
  g_autoptr(JsonObject) other = parse_object ("{\"id\": \"76a05f61-68ad-4c1a-838f-a00cd08cf65b\","
                                              " \"response\": {\"state\": \"completed\"}}");
  g_autoptr(JsonObject) no_id = parse_object ("{\"response\": {\"state\": \"completed\"}}");
  g_autoptr(JsonObject) upper = parse_object ("{\"id\": \"50FC6182-FA86-4C7D-AC12-2FA27EC2F151\","
                                              " \"response\": {\"state\": \"pending\"}}");
  LumaTask *task = luma_task_new (SEED_ID);
  NotifyLog log;

  notify_log_start (&log, task);
  g_assert_false (luma_task_update_from_record (task, other));
  g_assert_false (luma_task_update_from_record (task, no_id));
  g_assert_cmpuint (g_hash_table_size (log.counts), ==, 0);
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_LOADING);
  g_assert_null (luma_task_get_record_json (task));

  /* The same ID in capitals is the same task. */
  g_assert_true (luma_task_update_from_record (task, upper));
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_PENDING);
  notify_log_stop (&log, task);

  g_assert_null (luma_task_new_from_record (no_id));

  g_assert_finalize_object (task);
}

typedef struct
{
  const char    *json;
  LumaTaskState  state;
  const char    *prompt;
  guint          video_width;
  double         created_at;
  const char    *video_url;
} Malformed;

static void
test_task_tolerant_parsing (void)
{
  static const Malformed cases[] = {
    { "{\"id\": \"" SEED_ID "\"}", LUMA_TASK_STATE_PENDING, NULL, 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"response\": null, \"request\": null}",
      LUMA_TASK_STATE_PENDING, NULL, 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"response\": [1, 2, 3]}", LUMA_TASK_STATE_PENDING, NULL, 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"response\": {\"video_width\": \"1360\", \"video_url\": 5}}",
      LUMA_TASK_STATE_PROCESSING, NULL, 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"created_at\": \"2024-08-31\", \"response\": {\"video_width\": -4}}",
      LUMA_TASK_STATE_PROCESSING, NULL, 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"created_at\": true, \"request\": \"prompt\"}",
      LUMA_TASK_STATE_PENDING, NULL, 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"request\": [\"x\"], \"response\": {\"prompt\": \"from response\","
      " \"video_width\": 1360.0}}",
      LUMA_TASK_STATE_PROCESSING, "from response", 1360, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"request\": {\"prompt\": null}, \"response\": {\"prompt\": \"r\","
      " \"video_width\": 1360.5}}",
      LUMA_TASK_STATE_PROCESSING, "r", 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"request\": {\"prompt\": 42}, \"created_at\": -5}",
      LUMA_TASK_STATE_PENDING, NULL, 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"created_at\": 1725077411, \"response\": {\"success\": true,"
      " \"video_url\": \"u\", \"video_width\": 99999999999}}",
      LUMA_TASK_STATE_COMPLETED, NULL, 0, 1725077411, "u" },
    { "{\"id\": \"" SEED_ID "\", \"trace_id\": 7, \"response\": {\"error\": [],"
      " \"state\": null, \"thumbnail_width\": {}}}",
      LUMA_TASK_STATE_PROCESSING, NULL, 0, -1, NULL },
    { "{\"id\": \"" SEED_ID "\", \"elapsed\": \"long\", \"finished_at\": {}, \"extra\": [null, {\"a\": 1}],"
      " \"response\": {\"success\": null, \"state\": \"completed\", \"video_url\": \"v\"}}",
      LUMA_TASK_STATE_COMPLETED, NULL, 0, -1, "v" },
    { "{\"id\": \"" SEED_ID "\", \"response\": {\"success\": false, \"error\": {\"message\": 3}}}",
      LUMA_TASK_STATE_FAILED, NULL, 0, -1, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) record = parse_object (cases[i].json);
      g_autoptr(JsonObject) copy = NULL;
      LumaTask *task = luma_task_new (SEED_ID);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_true (luma_task_update_from_record (task, record));
      g_assert_cmpint (luma_task_get_state (task), ==, cases[i].state);
      g_assert_cmpstr (luma_task_get_prompt (task), ==, cases[i].prompt);
      g_assert_cmpuint (luma_task_get_video_width (task), ==, cases[i].video_width);
      g_assert_cmpfloat (luma_task_get_created_at (task), ==, cases[i].created_at);
      g_assert_cmpstr (luma_task_get_video_url (task), ==, cases[i].video_url);
      g_assert_null (luma_task_get_trace_id (task));
      g_assert_cmpuint (luma_task_get_thumbnail_width (task), ==, 0);

      /* Whatever the record held is kept, member for member. */
      copy = luma_task_dup_record (task);
      g_assert_nonnull (copy);
      g_assert_cmpuint (json_object_get_size (copy), ==, json_object_get_size (record));

      g_assert_finalize_object (task);
    }
}

static void
test_task_failed_reason (void)
{
  g_autoptr(JsonObject) record =
    parse_object ("{\"id\": \"" SEED_ID "\", \"response\": {\"success\": false,"
                  " \"error\": {\"code\": \"forbidden\", \"message\": \"Content moderation\"}}}");
  LumaTask *task = luma_task_new_from_record (record);

  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_FAILED);
  g_assert_cmpstr (luma_task_get_failure_reason (task), ==, "Content moderation");
  g_assert_false (luma_task_is_unfinished (task));

  g_assert_finalize_object (task);
}

static void
test_task_elapsed (void)
{
  g_autoptr(JsonObject) given =
    parse_object ("{\"id\": \"" SEED_ID "\", \"created_at\": 10, \"finished_at\": 20.5, \"elapsed\": 3.25}");
  g_autoptr(JsonObject) computed =
    parse_object ("{\"id\": \"" SEED_ID "\", \"created_at\": 10, \"finished_at\": 20.5, \"elapsed\": null}");
  g_autoptr(JsonObject) none = parse_object ("{\"id\": \"" SEED_ID "\", \"created_at\": 10}");
  LumaTask *task = luma_task_new (SEED_ID);
  double elapsed = 0;

  luma_task_update_from_record (task, given);
  g_assert_cmpfloat (luma_task_get_elapsed (task), ==, 3.25);
  luma_task_update_from_record (task, computed);
  g_assert_cmpfloat (luma_task_get_elapsed (task), ==, 10.5);
  g_object_get (task, "elapsed", &elapsed, NULL);
  g_assert_cmpfloat (elapsed, ==, 10.5);
  luma_task_update_from_record (task, none);
  g_assert_cmpfloat (luma_task_get_elapsed (task), <, 0);

  g_assert_finalize_object (task);
}

static void
test_task_not_found (void)
{
  g_autoptr(JsonObject) record =
    parse_object ("{\"id\": \"" SEED_ID "\", \"request\": {\"prompt\": \"p\"},"
                  " \"response\": {\"state\": \"processing\"}}");
  LumaTask *task = luma_task_new (SEED_ID);
  NotifyLog log;

  luma_task_update_from_record (task, record);
  g_assert_true (luma_task_is_unfinished (task));

  notify_log_start (&log, task);
  luma_task_set_not_found (task);
  assert_notified (&log, (const char *[]) { "state", "state-word", "unfinished", NULL });
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpstr (luma_task_get_state_word (task), ==, "not_found");
  /* What it showed is kept. */
  g_assert_cmpstr (luma_task_get_prompt (task), ==, "p");
  g_assert_nonnull (luma_task_get_record_json (task));

  luma_task_set_not_found (task);
  g_assert_cmpuint (g_hash_table_size (log.counts), ==, 0);

  /* Known again, with the very same record: its state comes back. */
  g_assert_true (luma_task_update_from_record (task, record));
  assert_notified (&log, (const char *[]) { "state", "state-word", "unfinished", NULL });
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_PROCESSING);
  notify_log_stop (&log, task);

  g_assert_finalize_object (task);
}

static void
test_task_fetch_error (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out");
  g_autoptr(GError) same = g_error_copy (error);
  g_autoptr(GError) boxed = NULL;
  g_autofree char *message = NULL;
  LumaTask *task = luma_task_new (SEED_ID);
  NotifyLog log;

  notify_log_start (&log, task);
  luma_task_set_fetch_error (task, error);
  assert_notified (&log, (const char *[]) { "fetch-error", "fetch-error-message", NULL });
  g_assert_true (luma_task_get_fetch_error (task) != error);
  g_assert_error (luma_task_get_fetch_error (task), G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_LOADING);

  g_object_get (task, "fetch-error", &boxed, "fetch-error-message", &message, NULL);
  g_assert_error (boxed, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpstr (message, ==, "Timed out");

  luma_task_set_fetch_error (task, same);
  g_assert_cmpuint (g_hash_table_size (log.counts), ==, 0);

  luma_task_set_fetch_error (task, NULL);
  assert_notified (&log, (const char *[]) { "fetch-error", "fetch-error-message", NULL });
  g_assert_null (luma_task_get_fetch_error (task));
  notify_log_stop (&log, task);

  g_assert_finalize_object (task);
}

static void
test_task_new_from_json (void)
{
  g_autofree char *text = load_seed_text ("retrieve-completed.json");
  g_autoptr(JsonObject) record = parse_object (text);
  LumaTask *first = luma_task_new_from_record (record);
  LumaTask *loaded;
  LumaTask *missing;
  LumaTask *broken;

  loaded = luma_task_new_from_json (SEED_ID, 42, luma_task_get_record_json (first), FALSE);
  g_assert_cmpint (luma_task_get_added_at (loaded), ==, 42);
  g_assert_cmpint (luma_task_get_state (loaded), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (luma_task_get_record_json (loaded), ==, luma_task_get_record_json (first));
  g_assert_cmpstr (luma_task_get_video_url (loaded), ==, luma_task_get_video_url (first));
  /* Repeated words are shared, not copied per task. */
  g_assert_true (luma_task_get_action (loaded) == luma_task_get_action (first));
  g_assert_true (luma_task_get_state_word (loaded) == luma_task_get_state_word (first));

  missing = luma_task_new_from_json (SEED_ID, 7, luma_task_get_record_json (first), TRUE);
  g_assert_cmpint (luma_task_get_state (missing), ==, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpstr (luma_task_get_prompt (missing), ==, "Astronauts shuttle from space to volcano");

  /* A record on several lines is made compact: exports write it as a line. */
  {
    LumaTask *pretty = luma_task_new_from_json (SEED_ID, 3, text, FALSE);

    g_assert_cmpstr (luma_task_get_record_json (pretty), ==, luma_task_get_record_json (first));
    g_assert_cmpint (luma_task_get_state (pretty), ==, LUMA_TASK_STATE_COMPLETED);
    g_assert_finalize_object (pretty);
  }

  broken = luma_task_new_from_json ("76a05f61-68ad-4c1a-838f-a00cd08cf65b", 1,
                                    luma_task_get_record_json (first), FALSE);
  g_assert_cmpint (luma_task_get_state (broken), ==, LUMA_TASK_STATE_LOADING);
  g_assert_null (luma_task_get_record_json (broken));
  g_assert_finalize_object (broken);

  broken = luma_task_new_from_json (SEED_ID, 1, "{\"id\": ", FALSE);
  g_assert_null (luma_task_get_record_json (broken));
  g_assert_finalize_object (broken);

  broken = luma_task_new_from_json (SEED_ID, 1, NULL, FALSE);
  g_assert_cmpint (luma_task_get_state (broken), ==, LUMA_TASK_STATE_LOADING);
  g_assert_finalize_object (broken);

  g_assert_finalize_object (missing);
  g_assert_finalize_object (loaded);
  g_assert_finalize_object (first);
}

/* json-glib reads an octal escape (\355) or a lone surrogate into a
 * string that is not UTF-8, and accepts raw control characters in strings;
 * a stored record on several lines with those is made compact anyway, and
 * the text kept must parse again: the task keeps the record's state and
 * fields, and hands out a record that gives the same state. */
static void
test_task_mended_record (void)
{
  static const char *stored =
    "{\n"
    "  \"id\": \"" SEED_ID "\",\n"
    "  \"_id\": \"66d297\\3550a41\",\n"
    "  \"request\": {\n"
    "    \"action\": \"generate\",\n"
    "    \"prompt\": \"Astronauts\\355 shuttle\r\x1e\"\n"
    "  },\n"
    "  \"trace_id\": \"0b7c\\ud800c1a\",\n"
    "  \"response\": {\n"
    "    \"state\": \"completed\",\n"
    "    \"video_url\": \"https://example.com/v.mp4\"\n"
    "  }\n"
    "}";
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) given = NULL;
  const char *json;
  LumaTask *task;
  LumaTask *again;

  task = luma_task_new_from_json (SEED_ID, 5, stored, FALSE);
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (luma_task_get_video_url (task), ==, "https://example.com/v.mp4");

  json = luma_task_get_record_json (task);
  g_assert_nonnull (json);
  g_assert_true (g_utf8_validate (json, -1, NULL));
  g_assert_null (strchr (json, '\n'));
  g_assert_null (strchr (json, '\r'));

  record = luma_task_dup_record (task);
  g_assert_nonnull (record);
  g_assert_cmpint (luma_task_state_derive (record, NULL, NULL), ==, luma_task_get_state (task));
  /* The fields are what json-glib read; in the text, each byte that was
   * not UTF-8 is U+FFFD. */
  g_assert_cmpstr (luma_task_get_prompt (task), ==, "Astronauts\355 shuttle\r\x1e");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "request"), "prompt"),
                   ==, "Astronauts\xef\xbf\xbd shuttle\r\x1e");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (record, "trace_id"), "0b7c\xef\xbf\xbd"));

  /* Stored again and loaded, the text stays as it is. */
  again = luma_task_new_from_json (SEED_ID, 5, json, FALSE);
  g_assert_cmpstr (luma_task_get_record_json (again), ==, json);
  g_assert_cmpint (luma_task_get_state (again), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (luma_task_get_prompt (again), ==, "Astronauts\xef\xbf\xbd shuttle\r\x1e");
  g_assert_finalize_object (again);

  /* A record handed over as an object is mended the same way. */
  given = parse_object ("{\"id\":\"" SEED_ID "\",\"request\":{\"prompt\":\"a\\355b\"}}");
  again = luma_task_new_from_record (given);
  g_assert_cmpstr (luma_task_get_prompt (again), ==, "a\355b");
  g_clear_pointer (&record, json_object_unref);
  record = luma_task_dup_record (again);
  g_assert_nonnull (record);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "request"), "prompt"),
                   ==, "a\xef\xbf\xbd" "b");
  g_assert_finalize_object (again);

  g_assert_finalize_object (task);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/task/new", test_task_new);
  g_test_add_func ("/task/seed-record", test_task_seed_record);
  g_test_add_func ("/task/notifies-only-changes", test_task_notifies_only_changes);
  g_test_add_func ("/task/refuses-other-id", test_task_refuses_other_id);
  g_test_add_func ("/task/tolerant-parsing", test_task_tolerant_parsing);
  g_test_add_func ("/task/failed-reason", test_task_failed_reason);
  g_test_add_func ("/task/elapsed", test_task_elapsed);
  g_test_add_func ("/task/not-found", test_task_not_found);
  g_test_add_func ("/task/fetch-error", test_task_fetch_error);
  g_test_add_func ("/task/new-from-json", test_task_new_from_json);
  g_test_add_func ("/task/mended-record", test_task_mended_record);

  return g_test_run ();
}
