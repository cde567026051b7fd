/* test-application.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "luma-application.h"
#include "luma-media-cache.h"

/* The media cache's bound follows its setting, at start and when changed. */
static void
test_application_media_cache_size (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(LumaApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  g_settings_set_uint (settings, "media-cache-size", 512);

  app = luma_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (luma_media_cache_get_max_size (luma_media_cache_get_default ()), ==,
                    G_GUINT64_CONSTANT (512) * 1024 * 1024);

  g_settings_set_uint (settings, "media-cache-size", 300);
  g_assert_cmpuint (luma_media_cache_get_max_size (luma_media_cache_get_default ()), ==,
                    G_GUINT64_CONSTANT (300) * 1024 * 1024);

  g_settings_reset (settings, "media-cache-size");
  g_assert_cmpuint (luma_media_cache_get_max_size (luma_media_cache_get_default ()), ==,
                    G_GUINT64_CONSTANT (2048) * 1024 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/application/media-cache-size", test_application_media_cache_size);

  return g_test_run ();
}
