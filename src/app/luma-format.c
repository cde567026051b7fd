/* luma-format.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-format"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "luma-format.h"

/* Looked up once: GLib reads the system's zone again at every
 * g_date_time_new_from_unix_local(), 200 times for a list's first frame. */
static GTimeZone *
local_time_zone (void)
{
  static gsize once;
  static GTimeZone *zone;

  if (g_once_init_enter (&once))
    {
      zone = g_time_zone_new_local ();
      g_once_init_leave (&once, 1);
    }

  return zone;
}

char *
luma_format_relative_time (gint64 then_us,
                           gint64 now_us)
{
  gint64 seconds = (now_us - then_us) / G_USEC_PER_SEC;
  g_autoptr(GDateTime) then = NULL;

  /* A clock a little ahead of ours is still "just now". */
  if (seconds < 60)
    return g_strdup (_("just now"));
  if (seconds < 3600)
    {
      int minutes = (int) (seconds / 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min ago", "%d min ago", minutes), minutes);
    }
  if (seconds < 24 * 3600)
    {
      int hours = (int) (seconds / 3600);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours), hours);
    }
  if (seconds < 2 * 24 * 3600)
    return g_strdup (_("yesterday"));
  if (seconds < 7 * 24 * 3600)
    {
      int days = (int) (seconds / (24 * 3600));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", days), days);
    }

  then = g_date_time_new_from_unix_utc (then_us / G_USEC_PER_SEC);
  if (then != NULL)
    {
      GDateTime *local = g_date_time_to_timezone (then, local_time_zone ());

      g_date_time_unref (then);
      then = local;
    }
  if (then == NULL)
    return g_strdup ("");
  /* Translators: a date in the task list, see strftime(3). */
  return g_date_time_format (then, _("%-d %b %Y"));
}

char *
luma_format_local_time (double unix_seconds)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_seconds < 0 || !isfinite (unix_seconds))
    return NULL;

  utc = g_date_time_new_from_unix_utc ((gint64) floor (unix_seconds));
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);
  if (local == NULL)
    return NULL;

  /* Translators: a date and time in the details of a task, see strftime(3). */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M:%S"));
}

char *
luma_format_duration (double seconds)
{
  gint64 total;

  if (seconds < 0 || !isfinite (seconds))
    return NULL;

  if (seconds < 10)
    return g_strdup_printf (_("%.1f s"), seconds);

  total = (gint64) llround (seconds);
  if (total < 60)
    return g_strdup_printf (_("%d s"), (int) total);
  if (total < 3600)
    return g_strdup_printf (_("%d min %d s"), (int) (total / 60), (int) (total % 60));
  return g_strdup_printf (_("%d h %d min"), (int) (total / 3600), (int) ((total % 3600) / 60));
}

AdwToast *
luma_toast_new (const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  return adw_toast_new (markup);
}

void
luma_toast_set_text (AdwToast   *toast,
                     const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  adw_toast_set_title (toast, markup);
}
