/* fuzz-scan-items.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scanner that slices records out of a retrieve_batch answer: any
 * bytes give in-bounds, trimmed ranges or a refusal, never a crash; and on
 * an answer json-glib reads, each range it finds is one JSON value.
 */

#include "config.h"

#include <stdint.h>

#include "luma-json-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (LumaJsonRange));
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  const char *text = (const char *) data;

  if (!_luma_json_scan_items (text, size, ranges))
    {
      g_assert_cmpuint (ranges->len, ==, 0);
      return 0;
    }

  for (guint i = 0; i < ranges->len; i++)
    {
      LumaJsonRange *range = &g_array_index (ranges, LumaJsonRange, i);

      g_assert_cmpuint (range->length, >, 0);
      g_assert_cmpuint (range->offset + range->length, <=, size);
    }

  /* On text that is not JSON the ranges only have to stay in bounds: the
   * client checks the scan against json-glib's parse before using it. */

  if (!json_parser_load_from_data (parser, text, size, NULL))
    return 0;

  for (guint i = 0; i < ranges->len; i++)
    {
      LumaJsonRange *range = &g_array_index (ranges, LumaJsonRange, i);
      g_autoptr(JsonParser) one = json_parser_new_immutable ();

      g_assert_false (g_ascii_isspace (text[range->offset]));
      g_assert_false (g_ascii_isspace (text[range->offset + range->length - 1]));
      g_assert_true (json_parser_load_from_data (one, text + range->offset, range->length, NULL));
    }

  return 0;
}
