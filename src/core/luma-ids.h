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
 * order. @length may be -1 (NUL-terminated); with a length, NUL bytes are
 * just separators. Returns a NULL-terminated vector (never NULL); @report
 * may be NULL. A UUID counts only when the bytes around it are not ASCII
 * letters or digits: 33 hex digits in a row or "x50fc6182-…" are not IDs,
 * while "/luma/50fc6182-….mp4", "task_…", quotes, hyphens and non-ASCII
 * text around one are fine. Text need not be valid UTF-8. */
char **luma_ids_extract  (const char    *text,
                          gssize         length,
                          LumaIdsReport *report);
/* A single canonical ID: 36 bytes, lowercase hex and hyphens, nothing
 * around it. */
gboolean luma_ids_is_valid (const char  *id);

G_END_DECLS
