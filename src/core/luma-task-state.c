/* luma-task-state.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-task-state"

#include "config.h"

#include "luma-json-private.h"
#include "luma-task-state-private.h"

G_DEFINE_ENUM_TYPE (LumaTaskState, luma_task_state,
  G_DEFINE_ENUM_VALUE (LUMA_TASK_STATE_LOADING, "loading"),
  G_DEFINE_ENUM_VALUE (LUMA_TASK_STATE_NOT_FOUND, "not-found"),
  G_DEFINE_ENUM_VALUE (LUMA_TASK_STATE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (LUMA_TASK_STATE_PROCESSING, "processing"),
  G_DEFINE_ENUM_VALUE (LUMA_TASK_STATE_COMPLETED, "completed"),
  G_DEFINE_ENUM_VALUE (LUMA_TASK_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (LUMA_TASK_STATE_OTHER, "other"))

static LumaTaskState
finish (LumaTaskState   state,
        const char     *word,
        const char     *why,
        const char    **state_word,
        const char    **reason)
{
  *state_word = word;
  *reason = why;
  return state;
}

/* DESIGN §2, rule by rule. Members of the wrong type count as absent, so a
 * malformed record never crashes and falls through to the next rule. A
 * `response` that is not an object (an array, a string) is treated like a
 * missing one: pending. An empty `state` string is not a word to show, so
 * it falls through to rules 4 and 5 like a missing one. */
LumaTaskState
_luma_task_state_derive_borrowed (JsonObject  *record,
                                  const char **state_word,
                                  const char **reason)
{
  JsonObject *response;
  JsonObject *error_obj;
  const char *state;
  const char *why;
  gboolean has_success;
  gboolean success = FALSE;

  /* Rule 1: no response (or null, or not an object) → pending. */
  response = record != NULL ? _luma_json_get_object (record, "response") : NULL;
  if (response == NULL)
    return finish (LUMA_TASK_STATE_PENDING, "pending", NULL, state_word, reason);

  state = _luma_json_get_string (response, "state");
  if (state != NULL && *state == '\0')
    state = NULL;
  has_success = _luma_json_get_boolean (response, "success", &success);

  /* Rule 2: success false, or state "failed" → failed with a reason. */
  if ((has_success && !success) || g_strcmp0 (state, "failed") == 0)
    {
      why = NULL;
      error_obj = _luma_json_get_object (response, "error");
      if (error_obj != NULL)
        {
          why = _luma_json_get_string (error_obj, "message");
          if (why == NULL || *why == '\0')
            why = _luma_json_get_string (error_obj, "code");
          if (why != NULL && *why == '\0')
            why = NULL;
        }
      return finish (LUMA_TASK_STATE_FAILED, "failed", why != NULL ? why : "unknown",
                     state_word, reason);
    }

  /* Rule 3: a state word, known or not, shown as the service wrote it. */
  if (state != NULL)
    {
      if (g_str_equal (state, "pending"))
        return finish (LUMA_TASK_STATE_PENDING, state, NULL, state_word, reason);
      if (g_str_equal (state, "processing"))
        return finish (LUMA_TASK_STATE_PROCESSING, state, NULL, state_word, reason);
      if (g_str_equal (state, "completed"))
        return finish (LUMA_TASK_STATE_COMPLETED, state, NULL, state_word, reason);
      return finish (LUMA_TASK_STATE_OTHER, state, NULL, state_word, reason);
    }

  /* Rule 4: success with a video → completed. */
  if (has_success && success)
    {
      const char *video_url = _luma_json_get_string (response, "video_url");

      if (video_url != NULL && *video_url != '\0')
        return finish (LUMA_TASK_STATE_COMPLETED, "completed", NULL, state_word, reason);
    }

  /* Rule 5. */
  return finish (LUMA_TASK_STATE_PROCESSING, "processing", NULL, state_word, reason);
}

LumaTaskState
luma_task_state_derive (JsonObject  *record,
                        char       **state_word,
                        char       **reason)
{
  const char *word;
  const char *why;
  LumaTaskState state;

  state = _luma_task_state_derive_borrowed (record, &word, &why);
  if (state_word != NULL)
    *state_word = g_strdup (word);
  if (reason != NULL)
    *reason = g_strdup (why);

  return state;
}

gboolean
luma_task_state_is_unfinished (LumaTaskState state)
{
  switch (state)
    {
    case LUMA_TASK_STATE_PENDING:
    case LUMA_TASK_STATE_PROCESSING:
    case LUMA_TASK_STATE_OTHER:
      return TRUE;

    case LUMA_TASK_STATE_LOADING:
    case LUMA_TASK_STATE_NOT_FOUND:
    case LUMA_TASK_STATE_COMPLETED:
    case LUMA_TASK_STATE_FAILED:
    default:
      return FALSE;
    }
}

const char *
luma_task_state_to_string (LumaTaskState state)
{
  switch (state)
    {
    case LUMA_TASK_STATE_LOADING: return "loading";
    case LUMA_TASK_STATE_NOT_FOUND: return "not_found";
    case LUMA_TASK_STATE_PENDING: return "pending";
    case LUMA_TASK_STATE_PROCESSING: return "processing";
    case LUMA_TASK_STATE_COMPLETED: return "completed";
    case LUMA_TASK_STATE_FAILED: return "failed";
    case LUMA_TASK_STATE_OTHER:
    default:
      return NULL;
    }
}
