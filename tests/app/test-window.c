/* test-window.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "luma-application.h"
#include "luma-window.h"

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *n_frames = user_data;

  (*n_frames)++;
}

/* Iterates the main loop until *counter reaches @target, for @max_ms at most. */
static void
iterate_until (const guint *counter,
               guint        target,
               guint        max_ms)
{
  gint64 end = g_get_monotonic_time () + max_ms * G_TIME_SPAN_MILLISECOND;

  while (*counter < target && g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
test_window_opens_draws_and_closes (void)
{
  g_autoptr(LumaApplication) app = luma_application_new ();
  g_autoptr(GError) error = NULL;
  LumaWindow *window;
  GdkFrameClock *clock;
  guint n_frames = 0;
  gulong handler;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  window = luma_window_new (app);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &n_frames);
  iterate_until (&n_frames, 1, 10000);
  g_signal_handler_disconnect (clock, handler);

  g_assert_cmpuint (n_frames, >=, 1);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Luma Tasks");

  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; window != NULL && i < 1000; i++)
    g_main_context_iteration (NULL, FALSE);

  /* Destroyed and finalized: nothing kept a reference. */
  g_assert_null (window);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/window/opens-draws-and-closes", test_window_opens_draws_and_closes);

  return g_test_run ();
}
