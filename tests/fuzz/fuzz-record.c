/* fuzz-record.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Record parsing and state derivation: any JSON gives a state without a
 * crash, LumaTask agrees with luma_task_state_derive(), and applying the same
 * record twice changes nothing the second time.
 */

#include "config.h"

#include <stdint.h>

#include "luma-task.h"
#include "luma-task-state.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *word = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(LumaTask) task = NULL;
  LumaTaskState state;
  JsonObject *record;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  record = json_node_get_object (root);

  state = luma_task_state_derive (record, &word, &reason);
  g_assert_true (state == LUMA_TASK_STATE_PENDING ||
                 state == LUMA_TASK_STATE_PROCESSING ||
                 state == LUMA_TASK_STATE_COMPLETED ||
                 state == LUMA_TASK_STATE_FAILED ||
                 state == LUMA_TASK_STATE_OTHER);
  if (state == LUMA_TASK_STATE_FAILED)
    g_assert_nonnull (reason);
  if (state == LUMA_TASK_STATE_OTHER)
    g_assert_nonnull (word);

  task = luma_task_new_from_record (record);
  if (task == NULL)
    return 0;

  g_assert_nonnull (luma_task_get_id (task));
  g_assert_cmpstr (luma_task_get_id (task), !=, "");
  g_assert_cmpint (luma_task_get_state (task), ==, state);
  if (state == LUMA_TASK_STATE_OTHER)
    g_assert_cmpstr (luma_task_get_state_word (task), ==, word);
  g_assert_false (luma_task_update_from_record (task, record));

  return 0;
}
