/* fuzz-store-record.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's load path: a task rebuilt from whatever text a database row
 * holds never crashes, keeps its ID, and derives the same state as the
 * record parsed on its own.
 */

#include "config.h"

#include <stdint.h>

#include "luma-task.h"

#define TASK_ID "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(LumaTask) task = NULL;
  g_autoptr(JsonObject) record = NULL;

  task = luma_task_new_from_json (TASK_ID, 1725077411961000, text, FALSE);
  g_assert_nonnull (task);
  g_assert_cmpstr (luma_task_get_id (task), ==, TASK_ID);
  g_assert_cmpint (luma_task_get_added_at (task), ==, 1725077411961000);

  record = luma_task_dup_record (task);
  if (record != NULL)
    g_assert_cmpint (luma_task_state_derive (record, NULL, NULL), ==, luma_task_get_state (task));
  else
    g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_LOADING);

  return 0;
}
