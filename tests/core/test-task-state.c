/* test-task-state.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "luma-task-state.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

/* The real service's answers, from $LUMA_TASKS_SEED_DIR. */
static JsonObject *
load_seed (const char *name)
{
  const char *dir = g_getenv ("LUMA_TASKS_SEED_DIR");
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, name, NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return parse_object (contents);
}

static LumaTaskState
derive (JsonObject  *record,
        char       **word,
        char       **reason)
{
  return luma_task_state_derive (record, word, reason);
}

static void
assert_state (const char    *json,
              LumaTaskState  expected,
              const char    *expected_word,
              const char    *expected_reason)
{
  g_autoptr(JsonObject) record = parse_object (json);
  g_autofree char *word = NULL;
  g_autofree char *reason = NULL;

  g_test_message ("record: %s", json);
  g_assert_cmpint (derive (record, &word, &reason), ==, expected);
  g_assert_cmpstr (word, ==, expected_word);
  g_assert_cmpstr (reason, ==, expected_reason);
}

static void
test_seed_completed (void)
{
  g_autoptr(JsonObject) record = load_seed ("retrieve-completed.json");
  g_autoptr(JsonObject) batch = load_seed ("retrieve_batch-two-completed.json");
  g_autofree char *word = NULL;
  g_autofree char *reason = NULL;
  JsonArray *items;

  /* Rule 3 on the real record: state "completed". */
  g_assert_cmpint (derive (record, &word, &reason), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (word, ==, "completed");
  g_assert_null (reason);

  items = json_object_get_array_member (batch, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_cmpint (derive (item, NULL, NULL), ==, LUMA_TASK_STATE_COMPLETED);
    }
}

/* Rule 4 and 5 on the seed record, with members taken away. */
static void
test_seed_variants (void)
{
  g_autoptr(JsonObject) record = load_seed ("retrieve-completed.json");
  JsonObject *response = json_object_get_object_member (record, "response");
  g_autofree char *word = NULL;
  g_autofree char *reason = NULL;

  json_object_remove_member (response, "state");
  g_assert_cmpint (derive (record, &word, NULL), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (word, ==, "completed");
  g_clear_pointer (&word, g_free);

  json_object_remove_member (response, "video_url");
  g_assert_cmpint (derive (record, &word, NULL), ==, LUMA_TASK_STATE_PROCESSING);
  g_assert_cmpstr (word, ==, "processing");
  g_clear_pointer (&word, g_free);

  /* Rule 2 on the seed: the service says it failed. */
  json_object_set_boolean_member (response, "success", FALSE);
  g_assert_cmpint (derive (record, &word, &reason), ==, LUMA_TASK_STATE_FAILED);
  g_assert_cmpstr (word, ==, "failed");
  g_assert_cmpstr (reason, ==, "unknown");
  g_clear_pointer (&reason, g_free);

  /* Rule 1 on the seed. */
  json_object_remove_member (record, "response");
  g_assert_cmpint (derive (record, NULL, &reason), ==, LUMA_TASK_STATE_PENDING);
  g_assert_null (reason);
}

/* The error body is not a record: it has no response → rule 1. */
static void
test_seed_error_body (void)
{
  g_autoptr(JsonObject) body = load_seed ("error-api_error.json");

  g_assert_cmpint (derive (body, NULL, NULL), ==, LUMA_TASK_STATE_PENDING);
}

static void
test_rule1_pending (void)
{
  g_autofree char *word = NULL;

  g_assert_cmpint (derive (NULL, &word, NULL), ==, LUMA_TASK_STATE_PENDING);
  g_assert_cmpstr (word, ==, "pending");

  assert_state ("{\"id\": \"x\"}", LUMA_TASK_STATE_PENDING, "pending", NULL);
  assert_state ("{\"id\": \"x\", \"response\": null}", LUMA_TASK_STATE_PENDING, "pending", NULL);
  /* A response that is not an object carries nothing: as if absent. */
  assert_state ("{\"response\": [1, 2]}", LUMA_TASK_STATE_PENDING, "pending", NULL);
  assert_state ("{\"response\": \"completed\"}", LUMA_TASK_STATE_PENDING, "pending", NULL);
}

static void
test_rule2_failed (void)
{
  assert_state ("{\"response\": {\"success\": false, \"error\": {\"code\": \"forbidden\","
                " \"message\": \"Content moderation\"}}}",
                LUMA_TASK_STATE_FAILED, "failed", "Content moderation");
  assert_state ("{\"response\": {\"success\": false, \"error\": {\"code\": \"forbidden\"}}}",
                LUMA_TASK_STATE_FAILED, "failed", "forbidden");
  assert_state ("{\"response\": {\"success\": false, \"error\": {\"code\": \"forbidden\","
                " \"message\": \"\"}}}",
                LUMA_TASK_STATE_FAILED, "failed", "forbidden");
  assert_state ("{\"response\": {\"success\": false}}",
                LUMA_TASK_STATE_FAILED, "failed", "unknown");
  assert_state ("{\"response\": {\"success\": false, \"error\": \"boom\"}}",
                LUMA_TASK_STATE_FAILED, "failed", "unknown");
  assert_state ("{\"response\": {\"success\": false, \"error\": {\"code\": 7, \"message\": null}}}",
                LUMA_TASK_STATE_FAILED, "failed", "unknown");
  /* state "failed" even with success true. */
  assert_state ("{\"response\": {\"success\": true, \"state\": \"failed\","
                " \"error\": {\"message\": \"Out of credits\"}}}",
                LUMA_TASK_STATE_FAILED, "failed", "Out of credits");
  /* Rule 2 comes before rule 3. */
  assert_state ("{\"response\": {\"success\": false, \"state\": \"completed\","
                " \"video_url\": \"https://v/x.mp4\"}}",
                LUMA_TASK_STATE_FAILED, "failed", "unknown");
}

static void
test_rule3_state_word (void)
{
  assert_state ("{\"response\": {\"state\": \"pending\"}}", LUMA_TASK_STATE_PENDING, "pending", NULL);
  assert_state ("{\"response\": {\"state\": \"processing\", \"success\": true}}",
                LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  /* The word wins over rule 4's evidence. */
  assert_state ("{\"response\": {\"state\": \"processing\", \"success\": true,"
                " \"video_url\": \"https://v/x.mp4\"}}",
                LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  assert_state ("{\"response\": {\"state\": \"completed\"}}",
                LUMA_TASK_STATE_COMPLETED, "completed", NULL);
  /* A new word is shown as it is. */
  assert_state ("{\"response\": {\"state\": \"queued\"}}", LUMA_TASK_STATE_OTHER, "queued", NULL);
  assert_state ("{\"response\": {\"state\": \"Dreaming ✨\"}}", LUMA_TASK_STATE_OTHER, "Dreaming ✨", NULL);
  /* Not a string: falls through to rules 4 and 5. */
  assert_state ("{\"response\": {\"state\": 3}}", LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  assert_state ("{\"response\": {\"state\": {\"x\": 1}, \"success\": true, \"video_url\": \"u\"}}",
                LUMA_TASK_STATE_COMPLETED, "completed", NULL);
  assert_state ("{\"response\": {\"state\": \"\"}}", LUMA_TASK_STATE_PROCESSING, "processing", NULL);
}

static void
test_rule4_completed (void)
{
  assert_state ("{\"response\": {\"success\": true, \"video_url\": \"https://v/x.mp4\"}}",
                LUMA_TASK_STATE_COMPLETED, "completed", NULL);
  assert_state ("{\"response\": {\"success\": true, \"video_url\": null}}",
                LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  assert_state ("{\"response\": {\"success\": true, \"video_url\": 12}}",
                LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  assert_state ("{\"response\": {\"success\": true, \"video_url\": \"\"}}",
                LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  /* success must be a boolean. */
  assert_state ("{\"response\": {\"success\": \"true\", \"video_url\": \"https://v/x.mp4\"}}",
                LUMA_TASK_STATE_PROCESSING, "processing", NULL);
}

static void
test_rule5_processing (void)
{
  assert_state ("{\"response\": {}}", LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  assert_state ("{\"response\": {\"success\": true}}", LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  /* "false" as a string is not false. */
  assert_state ("{\"response\": {\"success\": \"false\"}}",
                LUMA_TASK_STATE_PROCESSING, "processing", NULL);
  assert_state ("{\"response\": {\"success\": 0}}", LUMA_TASK_STATE_PROCESSING, "processing", NULL);
}

static void
test_unfinished_and_names (void)
{
  GEnumClass *klass;

  g_assert_false (luma_task_state_is_unfinished (LUMA_TASK_STATE_LOADING));
  g_assert_false (luma_task_state_is_unfinished (LUMA_TASK_STATE_NOT_FOUND));
  g_assert_true (luma_task_state_is_unfinished (LUMA_TASK_STATE_PENDING));
  g_assert_true (luma_task_state_is_unfinished (LUMA_TASK_STATE_PROCESSING));
  g_assert_false (luma_task_state_is_unfinished (LUMA_TASK_STATE_COMPLETED));
  g_assert_false (luma_task_state_is_unfinished (LUMA_TASK_STATE_FAILED));
  g_assert_true (luma_task_state_is_unfinished (LUMA_TASK_STATE_OTHER));

  g_assert_cmpstr (luma_task_state_to_string (LUMA_TASK_STATE_LOADING), ==, "loading");
  g_assert_cmpstr (luma_task_state_to_string (LUMA_TASK_STATE_NOT_FOUND), ==, "not_found");
  g_assert_cmpstr (luma_task_state_to_string (LUMA_TASK_STATE_PENDING), ==, "pending");
  g_assert_cmpstr (luma_task_state_to_string (LUMA_TASK_STATE_PROCESSING), ==, "processing");
  g_assert_cmpstr (luma_task_state_to_string (LUMA_TASK_STATE_COMPLETED), ==, "completed");
  g_assert_cmpstr (luma_task_state_to_string (LUMA_TASK_STATE_FAILED), ==, "failed");
  g_assert_null (luma_task_state_to_string (LUMA_TASK_STATE_OTHER));

  g_assert_true (G_TYPE_IS_ENUM (LUMA_TYPE_TASK_STATE));
  klass = g_type_class_ref (LUMA_TYPE_TASK_STATE);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "completed")->value, ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpint (klass->n_values, ==, LUMA_TASK_STATE_OTHER + 1);
  g_type_class_unref (klass);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/task-state/seed/completed", test_seed_completed);
  g_test_add_func ("/task-state/seed/variants", test_seed_variants);
  g_test_add_func ("/task-state/seed/error-body", test_seed_error_body);
  g_test_add_func ("/task-state/rule1-pending", test_rule1_pending);
  g_test_add_func ("/task-state/rule2-failed", test_rule2_failed);
  g_test_add_func ("/task-state/rule3-state-word", test_rule3_state_word);
  g_test_add_func ("/task-state/rule4-completed", test_rule4_completed);
  g_test_add_func ("/task-state/rule5-processing", test_rule5_processing);
  g_test_add_func ("/task-state/unfinished-and-names", test_unfinished_and_names);

  return g_test_run ();
}
