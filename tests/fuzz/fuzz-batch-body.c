/* fuzz-batch-body.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A retrieve_batch answer as the client reads it: each record parsed on
 * its own from the scan's slices, the rest of the answer apart, or the
 * whole answer when that could read differently. Any bytes give a result
 * or an error, never a crash; and the records found, in both ways of
 * keeping them, are the ones json-glib finds parsing the whole answer.
 */

#include "config.h"

#include <stdint.h>

#include "luma-client-private.h"
#include "luma-json-private.h"
#include "luma-task-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The IDs of the usable records of "items" by json-glib's parse of the
 * whole answer, joined by newlines; NULL when the client must refuse it
 * (not JSON, not an object, an error body, no list). */
static char *
whole_parse_ids (const char *text,
                 gsize       size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) ids = g_string_new (NULL);
  JsonObject *root;
  JsonNode *node;
  JsonArray *items;

  if (!json_parser_load_from_data (parser, text, size, NULL) ||
      (node = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  root = json_node_get_object (node);
  if (_luma_json_get_object (root, "error") != NULL)
    return NULL;
  node = json_object_get_member (root, "success");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_BOOLEAN && !json_node_get_boolean (node))
    return NULL;
  node = json_object_get_member (root, "items");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  items = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (item) ||
          (id = _luma_json_get_string (json_node_get_object (item), "id")) == NULL || *id == '\0')
        continue;
      g_string_append_printf (ids, "%s\n", id);
    }

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autofree char *expected = whole_parse_ids ((const char *) data, size);

  for (guint keep = 0; keep < 2; keep++)
    {
      g_autoptr(LumaBatchResult) batch = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) ids = g_string_new (NULL);
      GPtrArray *prepared;

      batch = _luma_client_parse_batch_body (bytes, keep, &error);
      if (expected == NULL)
        {
          g_assert_null (batch);
          g_assert_nonnull (error);
          continue;
        }
      g_assert_no_error (error);

      prepared = _luma_batch_result_get_prepared (batch);
      g_assert_true (prepared != NULL || _luma_batch_result_get_n_records (batch) == 0);
      for (guint i = 0; prepared != NULL && i < prepared->len; i++)
        g_string_append_printf (ids, "%s\n", _luma_prepared_record_get_id (g_ptr_array_index (prepared, i)));
      g_assert_cmpstr (ids->str, ==, expected);
      g_assert_cmpuint (batch->records->len, ==, keep ? _luma_batch_result_get_n_records (batch) : 0);
    }

  return 0;
}
