/* luma-format.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* "just now", "3 min ago", "2 h ago", "yesterday", "4 days ago", or the date,
 * for wall-clock microseconds @then seen at @now. */
char *luma_format_relative_time (gint64  then_us,
                                 gint64  now_us);
/* Float Unix seconds as readable local time; NULL when negative (absent). */
char *luma_format_local_time    (double  unix_seconds);
/* "45 s", "3 min 12 s", "2 h 5 min"; NULL when negative. */
char *luma_format_duration      (double  seconds);

/* A toast showing @text as it is. Toast titles are Pango markup (with no
 * plain-text mode in libadwaita 1.2): a file name or a server's message
 * with "&" or "<" in it would show nothing. */
AdwToast *luma_toast_new          (const char *text);
void      luma_toast_set_text     (AdwToast   *toast,
                                   const char *text);

G_END_DECLS
