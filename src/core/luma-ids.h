/* luma-ids.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint n_found;          /* distinct IDs returned */
  guint n_duplicates;     /* IDs seen again in the same text */
  guint n_lines_ignored;  /* non-blank lines without any ID */
} LumaIdsReport;

/* DESIGN §3: every UUID in @text, lowercased, deduplicated, in first-seen
 * order. @length may be -1. Returns a NULL-terminated vector (never NULL). */
char **luma_ids_extract  (const char    *text,
                          gssize         length,
                          LumaIdsReport *report);
gboolean luma_ids_is_valid (const char  *id);

G_END_DECLS
