/* fuzz-ids.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ID extraction from any bytes: every ID returned is a canonical lowercase
 * UUID, none twice, the report agrees, and extracting again from the IDs
 * alone gives the same list.
 */

#include "config.h"

#include <stdint.h>

#include "luma-ids.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) again = NULL;
  g_autofree char *joined = NULL;
  LumaIdsReport report = { 0 };
  LumaIdsReport report_again = { 0 };

  ids = luma_ids_extract ((const char *) data, size, &report);
  g_assert_nonnull (ids);
  g_assert_cmpuint (report.n_found, ==, g_strv_length (ids));

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_assert_true (luma_ids_is_valid (ids[i]));
      g_assert_false (g_hash_table_contains (seen, ids[i]));
      g_hash_table_add (seen, ids[i]);
    }

  joined = g_strjoinv ("\n", ids);
  again = luma_ids_extract (joined, -1, &report_again);
  g_assert_cmpstrv (again, ids);
  g_assert_cmpuint (report_again.n_duplicates, ==, 0);
  g_assert_cmpuint (report_again.n_lines_ignored, ==, 0);

  return 0;
}
