/* fuzz-export.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The writers round trip: any array of records exported as JSON parses back
 * to the same records, JSON Lines gives one record a line, and the CSV is
 * RFC 4180 with the header and one 14-field row a record.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "luma-export.h"

#define N_CSV_FIELDS 14

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Counts the records of an RFC 4180 text with CRLF line ends, checking each
 * has @n_fields fields; returns -1 on malformed quoting. */
static int
count_csv_records (const char *text,
                   gsize       length,
                   guint       n_fields)
{
  guint fields = 1;
  int records = 0;
  gsize i = 0;

  while (i < length)
    {
      if (text[i] == '"')
        {
          i++;
          for (;;)
            {
              if (i >= length)
                return -1;
              if (text[i] == '"')
                {
                  if (i + 1 < length && text[i + 1] == '"')
                    i += 2;
                  else
                    {
                      i++;
                      break;
                    }
                }
              else
                i++;
            }
          if (i < length && text[i] != ',' && text[i] != '\r')
            return -1;
        }
      else if (text[i] == ',')
        {
          fields++;
          i++;
        }
      else if (text[i] == '\r')
        {
          if (i + 1 >= length || text[i + 1] != '\n' || fields != n_fields)
            return -1;
          records++;
          fields = 1;
          i += 2;
        }
      else if (text[i] == '\n' || text[i] == '\0')
        return -1;
      else
        i++;
    }

  return records;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) normalized = json_parser_new ();
  g_autoptr(JsonParser) back = json_parser_new ();
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GBytes) jsonl = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_autofree char *text = NULL;
  const char *bytes;
  JsonArray *array;
  JsonArray *items;
  JsonNode *root;
  gsize length;
  guint lines = 0;

  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return 0;

  /* Values JSON cannot write back (1e999 parses as infinity) are not records
   * any service sends: keep inputs that survive one write and read. */
  text = json_to_string (root, FALSE);
  if (!json_parser_load_from_data (normalized, text, -1, NULL))
    return 0;

  array = json_node_get_array (json_parser_get_root (normalized));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        g_ptr_array_add (records, json_object_ref (json_node_get_object (element)));
    }

  json = luma_export_records_to_bytes (records, LUMA_EXPORT_JSON);
  bytes = g_bytes_get_data (json, &length);
  g_assert_true (g_utf8_validate (bytes, length, NULL));
  g_assert_true (json_parser_load_from_data (back, bytes, length, NULL));
  root = json_parser_get_root (back);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "count"), ==, records->len);
  items = json_object_get_array_member (json_node_get_object (root), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, records->len);
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(JsonNode) expected = json_node_init_object (json_node_alloc (), g_ptr_array_index (records, i));

      g_assert_true (json_node_equal (expected, json_array_get_element (items, i)));
    }

  jsonl = luma_export_records_to_bytes (records, LUMA_EXPORT_JSONL);
  bytes = g_bytes_get_data (jsonl, &length);
  for (gsize i = 0; i < length; i++)
    if (bytes[i] == '\n')
      lines++;
  g_assert_cmpuint (lines, ==, records->len);

  csv = luma_export_records_to_bytes (records, LUMA_EXPORT_CSV);
  bytes = g_bytes_get_data (csv, &length);
  g_assert_true (length >= strlen (LUMA_EXPORT_CSV_HEADER "\r\n"));
  g_assert_true (memcmp (bytes, LUMA_EXPORT_CSV_HEADER "\r\n", strlen (LUMA_EXPORT_CSV_HEADER "\r\n")) == 0);
  g_assert_cmpint (count_csv_records (bytes, length, N_CSV_FIELDS), ==, (int) records->len + 1);

  return 0;
}
